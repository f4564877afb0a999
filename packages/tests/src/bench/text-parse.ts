// Text-format parse speed (a benchmark, not a test): @wasmjit/text against wabt.js on the same
// module texts, in the same process. Every `(module ...)` / `(module quote ...)` of the spec
// suites that both parsers accept is encoded to binary by each; reported are the median total
// times over the runs and their ratio. Run: node packages/tests/dist/bench/text-parse.js
//   [--dir DIR]... [--runs N]    (default dirs: ../shared/spec and ../shared/spec-latest/core)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { encodeWastModule, parseWast, parseWat } from '@wasmjit/text';
import { loadWabt } from '../util/wat.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function* wastFiles(dir: string): Generator<string> {
  for (const f of readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) yield* wastFiles(p);
    else if (f.endsWith('.wast')) yield p;
  }
}

const WABT_FEATURES = {
  mutable_globals: true, sat_float_to_int: true, sign_extension: true, multi_value: true, bulk_memory: true,
  reference_types: true, simd: true, tail_call: true, extended_const: true, multi_memory: true, memory64: true,
  relaxed_simd: true, exceptions: true,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string', multiple: true }, runs: { type: 'string', default: '5' } } });
  const dirs = values.dir ?? [path.join(REPO, '../shared/spec'), path.join(REPO, '../shared/spec-latest/core')];
  const runs = Number(values.runs);
  const wabt = await loadWabt();
  const utf8 = new TextEncoder();
  // Module texts both parsers accept (wabt lacks GC, typed references, ...).
  const texts: string[] = [];
  let skipped = 0;
  for (const dir of dirs) {
    for (const file of wastFiles(dir)) {
      for (const cmd of parseWast(readFileSync(file, 'utf8'))) {
        if (!('module' in cmd) || typeof cmd.module !== 'object' || cmd.kind === 'assert_malformed') continue;
        const src = cmd.module.source;
        if (src.kind === 'binary') continue;
        const text = src.kind === 'quote' ? src.text : src.text;
        try {
          encodeWastModule(cmd.module);
          const m = wabt.parseWat('m.wat', utf8.encode(src.kind === 'quote' ? `(module ${text})` : text).slice(), WABT_FEATURES);
          m.toBinary({});
          m.destroy();
          texts.push(src.kind === 'quote' ? `(module ${text})` : text);
        } catch {
          skipped++;
        }
      }
    }
  }
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    for (const t of texts) parseWat(t); // lexing, reading and encoding: what wabt does too
    ours.push(performance.now() - t0);
    t0 = performance.now();
    for (const t of texts) {
      const m = wabt.parseWat('m.wat', utf8.encode(t).slice(), WABT_FEATURES);
      m.toBinary({});
      m.destroy();
    }
    theirs.push(performance.now() - t0);
  }
  const o = median(ours);
  const w = median(theirs);
  console.log(`text-parse: ${texts.length} modules (${(bytes / 1e6).toFixed(1)} MB of text), ${skipped} not accepted by both, ${runs} runs`);
  console.log(`text-parse: @wasmjit/text ${o.toFixed(0)} ms, wabt.js ${w.toFixed(0)} ms, ratio ${(o / w).toFixed(2)} (below 1: ours faster)`);
}

void main();
