// The inputs of the text section (section-text.ts): every .wast script of the current spec
// suite (../shared/spec-latest/core), and the module texts inside them that both wasmjit's
// parser and wabt.js encode. The list is made once by the parent (with wasmjit's parser, in
// the parent's process, so no measuring process has run either parser before its timer
// starts) and handed to the workers as a JSON file.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

export const SPEC_LATEST_CORE = path.join(REPO_ROOT, '..', 'shared', 'spec-latest', 'core');

/** wabt.js's switches for everything the suite uses that it implements. */
export const WABT_FEATURES = {
  mutable_globals: true, sat_float_to_int: true, sign_extension: true, multi_value: true, bulk_memory: true,
  reference_types: true, simd: true, tail_call: true, extended_const: true, multi_memory: true, memory64: true,
  relaxed_simd: true, exceptions: true, gc: true, function_references: true,
};

export interface TextInputs {
  /** Every script, absolute paths, in a stable order. */
  scripts: string[];
  scriptBytes: number;
  /** Module texts (a quoted module as `(module ...)`) that both parsers encode. */
  modules: string[];
  moduleBytes: number;
  /** Text modules of the scripts that one of the two does not encode (wabt lacks some 3.0 proposals). */
  notBoth: number;
}

export function wastScripts(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.wast')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Gather the inputs (parent side) and write them to `file`. */
export async function writeTextInputs(dir: string, file: string): Promise<TextInputs> {
  const text = await import('@wasmjit/text');
  const wabt = await (await import('wabt')).default();
  const scripts = wastScripts(dir);
  const modules: string[] = [];
  let scriptBytes = 0;
  let notBoth = 0;
  for (const f of scripts) {
    const src = readFileSync(f, 'utf8');
    scriptBytes += Buffer.byteLength(src);
    for (const cmd of text.parseWast(src)) {
      if (!('module' in cmd) || typeof cmd.module !== 'object' || cmd.kind === 'assert_malformed') continue;
      const s = cmd.module.source;
      if (s.kind === 'binary') continue;
      const t = s.kind === 'quote' ? `(module ${s.text})` : s.text;
      try {
        text.parseWat(t);
        const m = wabt.parseWat('m.wat', t, WABT_FEATURES);
        try {
          m.toBinary({});
        } finally {
          m.destroy();
        }
        modules.push(t);
      } catch {
        notBoth++;
      }
    }
  }
  const inputs: TextInputs = { scripts, scriptBytes, modules, moduleBytes: modules.reduce((n, t) => n + Buffer.byteLength(t), 0), notBoth };
  writeFileSync(file, JSON.stringify(inputs));
  return inputs;
}
