// Short fixed-seed runs of both fuzzers (issue 8: CI runs a few hundred cases; longer
// campaigns are `pnpm fuzz:malformed` / `pnpm fuzz:diff` by hand), plus checks of the
// fuzzers' own judging logic, so that a fuzzer that silently accepts everything fails here.
import { expect } from 'chai';
import { ValType } from '@wasmjit/codegen';
import { runMalformed } from './malformed.js';
import { runDiff } from './diff.js';
import { compareObservations } from './diff-compare.js';
import { sameOutcome } from './diff-engines.js';
import type { Observation } from './diff-observe.js';
import { Rng } from './rng.js';
import { mutate } from './mutate.js';
import { exportEverything } from './augment.js';
import { unshareMemories } from './unshare-memory.js';
import { wat } from '../util/wat.js';

const CI_SEED = 20261124;

function obs(partial: Partial<Observation>): Observation {
  return { engine: 'x', instantiate: 'ok', calls: [], log: [], globals: [], tables: [], exhausted: false, ...partial };
}

describe('fuzz: judging logic', () => {
  it('accepts differing NaN payloads only when both are quiet NaNs', () => {
    const g = (text: string, type = ValType.F32) => obs({ globals: [{ type, text }] });
    expect(compareObservations(g(String(0x7fc00000)), g(String(0xffc00001))).differences).to.deep.equal([]);
    expect(compareObservations(g(String(0x7fc00000)), g(String(0x7f800001))).differences).to.have.length(1); // signalling
    expect(compareObservations(g(String(0x7fc00000)), g(String(0x7f800000))).differences).to.have.length(1); // infinity
    expect(compareObservations(g(String(0x7ff8000000000000n), ValType.F64), g(String(0xfff8000000000001n), ValType.F64)).differences).to.deep.equal([]);
    expect(compareObservations(g('1', ValType.I32), g('2', ValType.I32)).differences).to.have.length(1);
  });

  it('accepts NaN payload differences in memory only inside quiet-NaN windows', () => {
    const mem = (...b: number[]) => obs({ memory: new Uint8Array(b) });
    // f32 quiet NaNs 0x7fc00000 vs 0x7fc00001 at offset 1.
    expect(compareObservations(mem(9, 0, 0, 0xc0, 0x7f), mem(9, 1, 0, 0xc0, 0x7f)).differences).to.deep.equal([]);
    expect(compareObservations(mem(9, 0, 0, 0x80, 0x7f), mem(9, 1, 0, 0x80, 0x7f)).differences).to.not.deep.equal([]);
    expect(compareObservations(mem(1, 2, 3), mem(1, 2, 4)).differences).to.not.deep.equal([]);
  });

  it('maps trap kinds between V8 messages and wasmjit trap codes', () => {
    expect(sameOutcome('trap:float_to_int', 'trap:wasmjit integer_overflow')).to.equal(true);
    expect(sameOutcome('trap:indirect_call', 'trap:wasmjit uninitialized_element')).to.equal(true);
    expect(sameOutcome('trap:memory_oob', 'trap:wasmjit out_of_bounds_table')).to.equal(false);
    expect(sameOutcome('ok', 'trap:wasmjit unreachable')).to.equal(false);
    expect(sameOutcome('trap:unaligned_atomic', 'trap:wasmjit unaligned_atomic')).to.equal(true);
    expect(sameOutcome('trap:wait_unshared', 'trap:wasmjit expected_shared_memory')).to.equal(true);
    expect(sameOutcome('trap:memory_oob', 'trap:wasmjit unaligned_atomic')).to.equal(false);
  });

  it('mutates deterministically', () => {
    const base = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]);
    const a = mutate(base, new Rng(5, 7), [base]);
    const b = mutate(base, new Rng(5, 7), [base]);
    expect(Array.from(a)).to.deep.equal(Array.from(b));
  });

  it('unshares the memory binaryen declares shared, defined or imported, changing nothing else', async () => {
    const shared = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 3, 1, 2]);
    expect(Array.from(unshareMemories(shared))).to.deep.equal([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 1, 1, 2]);
    // (import "m" "f" (func)) then (import "e" "mem" (memory 1 2 shared)).
    const imported = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0,
      2, 17, 2, 1, 0x6d, 1, 0x66, 0, 0, 1, 0x65, 3, 0x6d, 0x65, 0x6d, 2, 3, 1, 2]);
    const out = unshareMemories(imported);
    expect(out[out.length - 3]).to.equal(1);
    expect(Array.from(out.subarray(0, out.length - 3))).to.deep.equal(Array.from(imported.subarray(0, imported.length - 3)));
    expect(WebAssembly.validate(out as Uint8Array<ArrayBuffer>)).to.equal(true);
    const unshared = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1]);
    expect(Array.from(unshareMemories(unshared))).to.deep.equal(Array.from(unshared));
  });

  it('exports memory, globals and tables of a module without an export section', async () => {
    const bytes = exportEverything(await wat('(module (memory 1) (global (mut i32) (i32.const 3)) (table 2 funcref) (func))'));
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    expect(Object.keys(inst.exports).sort()).to.deep.equal(['__fuzz_g0', '__fuzz_mem', '__fuzz_t0']);
  });
});

describe('fuzz: fixed-seed runs', function () {
  this.timeout(120_000);

  it(`400 malformed inputs (seed ${CI_SEED}) compile or fail with a CompileError, never crash or hang`, async () => {
    const s = await runMalformed({ iterations: 400, seed: CI_SEED, jobs: 2 });
    expect(s.findings.map((f) => `${f.id}: ${f.what}`)).to.deep.equal([]);
    expect(s.iterations).to.equal(400);
    expect(s.ran, 'some inputs must still compile and run').to.be.greaterThan(0);
  });

  it(`100 binaryen -ttf modules (seed ${CI_SEED}) agree with V8 in both bounds-check modes`, async () => {
    const s = await runDiff({ iterations: 100, seed: CI_SEED, jobs: 2 });
    expect(s.findings.map((f) => `${f.id}: ${f.what}`)).to.deep.equal([]);
    expect(s.matched, 'most modules must be comparable').to.be.greaterThan(80);
  });

  it(`40 binaryen -ttf modules with atomics, memory unshared (seed ${CI_SEED}), agree with V8 in both bounds-check modes`, async () => {
    const s = await runDiff({ iterations: 40, seed: CI_SEED, jobs: 2, features: 'threads' });
    expect(s.findings.map((f) => `${f.id}: ${f.what}`)).to.deep.equal([]);
    expect(s.matched, 'most modules must be comparable').to.be.greaterThan(30);
  });

  it(`40 binaryen -ttf modules with exceptions, tail calls and extended constants (seed ${CI_SEED}): legacy in V8 = legacy and try_table in wasmjit`, async () => {
    const s = await runDiff({ iterations: 40, seed: CI_SEED, jobs: 2, features: 'eh' });
    expect(s.findings.map((f) => `${f.id}: ${f.what}`)).to.deep.equal([]);
    expect(s.matched, 'most modules must be comparable').to.be.greaterThan(30);
  });
});
