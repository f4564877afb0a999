// Golden check against wabt over both official testsuites (../shared/spec, Wasm 2.0, and
// ../shared/spec-latest/core, 3.0; read in place): every text module wabt can encode must come
// out of @wasmjit/text with the same bytes, except the modules listed with a reason in
// text-golden-differences.txt (where wabt's encoding is not the one the spec means).
// Also: every text-format assert_malformed case of the 2.0 suite must be rejected by our parser.

import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTRUCTIONS, parseWat, TextError, type EncodeOptions } from '@wasmjit/text';
import { OP_FC_NAMES, OP_NAMES } from '@wasmjit/codegen';
import { findLatestSpecDir, findSpecDir, listLatestSpecFiles, TESTS_DIR } from '../spec/suite.js';
import { loadWabt, quotedModuleText, watToBinary, CORE_FEATURES, type WabtFeatures } from '../spec/wat.js';
import { parseWast } from '@wasmjit/text';

const DIFFERENCES_FILE = join(TESTS_DIR, 'text-golden-differences.txt');

/** The listed differences: key (`suite/file:line`) → reason, and the count the file states. */
function readDifferences(): { reasons: Map<string, string>; stated: number } {
  const reasons = new Map<string, string>();
  let stated = -1;
  for (const line of readFileSync(DIFFERENCES_FILE, 'utf8').split('\n')) {
    const count = /^# count: (\d+)$/.exec(line);
    if (count) stated = Number(count[1]);
    if (line.startsWith('#') || line.trim() === '') continue;
    const [key, reason] = line.split('\t');
    if (!key || !reason) throw new Error(`${DIFFERENCES_FILE}: a line without a reason: ${line}`);
    if (reasons.has(key)) throw new Error(`${DIFFERENCES_FILE}: ${key} listed twice`);
    reasons.set(key, reason);
  }
  return { reasons, stated };
}

/** wabt's switches for everything the 3.0 suite uses that it implements (multi_memory is one its typings lack). */
const LATEST_FEATURES = {
  ...CORE_FEATURES, simd: true, relaxed_simd: true, tail_call: true, extended_const: true, multi_memory: true,
  memory64: true, exceptions: true, gc: true, function_references: true,
} as WabtFeatures;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface TextModule {
  key: string;
  text: string;
  malformed: boolean;
}

function textModules(suite: string, files: { name: string; path: string }[]): TextModule[] {
  const out: TextModule[] = [];
  for (const f of files) {
    for (const cmd of parseWast(readFileSync(f.path, 'utf8'))) {
      if (!('module' in cmd) || cmd.kind === 'register') continue;
      const s = cmd.module.source;
      if (s.kind === 'binary') continue;
      out.push({
        key: `${suite}/${f.name}:${cmd.line}`,
        text: s.kind === 'quote' ? quotedModuleText(s.text) : s.text,
        malformed: cmd.kind === 'assert_malformed',
      });
    }
  }
  return out;
}

/** Compare every module wabt encodes; returns what the test asserts on. */
async function compareWithWabt(modules: TextModule[], features: WabtFeatures, opts: EncodeOptions, reasons: Map<string, string>) {
  const wabt = await loadWabt();
  const problems: string[] = [];
  let same = 0;
  let documented = 0;
  // Modules equal to wabt's bytes once `funcref (ref.func x)*` segments are written as function
  // indices, wabt's choice (EncodeOptions.funcrefElemIndices): the one documented encoding
  // difference that is not listed module by module (text-golden-differences.txt says why).
  let elemIndices = 0;
  for (const m of modules.filter((x) => !x.malformed)) {
    const w = watToBinary(wabt, m.text, features);
    if ('error' in w) continue;
    let ours: Uint8Array;
    try {
      ours = parseWat(m.text, opts);
    } catch (e) {
      problems.push(`${m.key}: our parser rejects it: ${(e as Error).message}`);
      continue;
    }
    let equal = sameBytes(ours, w.bytes);
    if (!equal && opts.standard !== '2.0' && sameBytes(parseWat(m.text, { ...opts, funcrefElemIndices: true }), w.bytes)) {
      elemIndices++;
      equal = true;
    }
    if (equal && reasons.has(m.key)) problems.push(`${m.key}: listed as a difference but now equal`);
    else if (equal) same++;
    else if (reasons.has(m.key)) documented++;
    else problems.push(`${m.key}: bytes differ`);
  }
  return { problems, same, documented, elemIndices };
}

const { reasons, stated } = readDifferences();
const listed = (suite: string) => [...reasons.keys()].filter((k) => k.startsWith(`${suite}/`)).length;

describe('text: the golden differences file', () => {
  it('states its count and gives every entry a reason', () => {
    expect(stated).to.equal(reasons.size);
    expect(reasons.size).to.equal(62);
  });
});

describe('text: golden bytes against wabt on the 3.0 testsuite (spec-latest/core)', function () {
  this.timeout(300_000);
  const latest = findLatestSpecDir();
  if ('absent' in latest) {
    it(`is skipped: ${latest.absent}`, function () {
      this.skip();
    });
    return;
  }

  it('encodes every module wabt encodes to the same bytes, but the listed differences', async () => {
    const modules = textModules('spec-latest', listLatestSpecFiles(latest.dir));
    const { problems, same, documented, elemIndices } = await compareWithWabt(modules, LATEST_FEATURES, {}, reasons);
    expect(problems.slice(0, 20)).to.deep.equal([]);
    expect(documented).to.equal(listed('spec-latest'));
    // 306 at the time of writing (bulk-memory's table_copy/table_init, elem, table tests...).
    expect(elemIndices).to.be.greaterThan(200);
    // 4,701 at the time of writing; guard against silently testing nothing.
    expect(same).to.be.greaterThan(4500);
  });
});

describe('text: golden bytes against wabt on the 2.0 testsuite', function () {
  this.timeout(300_000);
  const spec = findSpecDir();
  if ('absent' in spec) {
    it(`is skipped: ${spec.absent}`, function () {
      this.skip();
    });
    return;
  }
  const files = readdirSync(spec.dir).filter((n) => n.endsWith('.wast')).sort().map((name) => ({ name, path: join(spec.dir, name) }));
  const modules = textModules('spec', files);

  it('encodes every module wabt encodes to the same bytes, but the listed differences', async () => {
    const { problems, same, documented } = await compareWithWabt(modules, { ...CORE_FEATURES, simd: true }, { standard: '2.0' }, reasons);
    expect(problems.slice(0, 20)).to.deep.equal([]);
    expect(documented).to.equal(listed('spec'));
    // 3776 modules at the time of writing, SIMD files included; guard against silently testing nothing.
    expect(same).to.be.greaterThan(3000);
  });

  it('rejects every text-format assert_malformed module', () => {
    const accepted: string[] = [];
    let rejected = 0;
    for (const m of modules.filter((x) => x.malformed)) {
      try {
        parseWat(m.text, { standard: '2.0' });
        accepted.push(m.key);
      } catch (e) {
        if (!(e instanceof TextError)) throw e;
        rejected++;
      }
    }
    expect(accepted).to.deep.equal([]);
    const simd = modules.filter((x) => x.malformed && x.key.startsWith('spec/simd_')).length;
    // The issue counts 567 outside the SIMD files; the SIMD files add their own.
    expect(rejected - simd).to.equal(567);
  });
});

describe('text: instruction table', () => {
  it('has a mnemonic for every opcode codegen names, with the same encoding', () => {
    // The legacy exception-handling encoding has no 3.0 text form (instr-table.ts).
    const legacy = new Set(['try', 'catch', 'catch_all', 'delegate', 'rethrow']);
    OP_NAMES.forEach((name, op) => {
      if (!name || name.startsWith('<') || legacy.has(name)) return;
      const info = INSTRUCTIONS.get(name);
      expect(info, name).to.not.equal(undefined);
      expect(info!.code, name).to.equal(op === 0x1c ? 0x1b : op); // select: typed form picked by syntax
    });
    OP_FC_NAMES.forEach((name, sub) => expect(INSTRUCTIONS.get(name), name).to.deep.include({ code: 0xfc, sub }));
  });
});
