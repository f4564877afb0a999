// Parallel validation of function bodies (codegen validate/parallel.ts), which a lazy
// compile() uses for large modules: the answer, and for an invalid module the very error,
// must be those of the sequential validator, whichever thread's share the bad body is in.
import { expect } from 'chai';
import {
  CompileError, bodyRanges, decodeModule, lastValidateStats, validateFunctions, validateFunctionsInParallel, validateModule,
  type ValidateTuning, type WasmModule,
} from '@wasmjit/codegen';
import { Engine, Module } from '@wasmjit/runtime';
import { ModuleBuilder } from '../wasm/binary-builder.js';

/** i32.const 42, i64.const 43, i32.add: invalid at the i32.add. */
const INVALID = [0x41, 42, 0x42, 43, 0x6a, 0x1a, 0x0b];
/** i32.const 51, then 0x27 (no opcode): malformed at the 0x27. */
const MALFORMED = [0x41, 51, 0x27, 0x0b];
/** Same size as INVALID: every range has the same bodies whatever is put where. */
const VALID = [0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x0b];
const FUNCS = 48;

function moduleBytes(bad: Map<number, number[]>): Uint8Array {
  const b = new ModuleBuilder();
  for (let i = 0; i < FUNCS; i++) b.func({ code: bad.get(i) ?? VALID });
  return b.build();
}

function errorOf(run: () => unknown): CompileError | null {
  try {
    run();
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  return null;
}

/** What the sequential pipeline reports for `bytes` (null: valid). */
function sequential(bytes: Uint8Array): CompileError | null {
  return errorOf(() => validateModule(decodeModule(bytes)));
}

function expectSame(got: CompileError | null, want: CompileError | null, what: string): void {
  expect(want, `${what}: the test module must be invalid`).to.not.equal(null);
  expect(got, what).to.be.instanceOf(CompileError);
  expect(got!.message, what).to.equal(want!.message);
  expect(got!.offset, what).to.equal(want!.offset);
  expect(got!.funcIndex, what).to.equal(want!.funcIndex);
}

/** Workers only: the caller takes no range and never steals within the test. */
const WORKERS_ONLY: ValidateTuning = { callerTakes: false, minStealMs: 60_000 };

function parallel(bytes: Uint8Array, threads: number, tuning?: ValidateTuning): CompileError | null {
  const m: WasmModule = decodeModule(bytes);
  return errorOf(() => validateFunctionsInParallel(m, {}, threads, tuning));
}

describe('lazy/parallel validation of function bodies', function () {
  this.timeout(60_000);
  const ranges = bodyRanges(decodeModule(moduleBytes(new Map())), 2 * 8);
  const starts = Array.from({ length: ranges.length / 2 }, (_, k) => ranges[2 * k]!);

  it('cuts the bodies into ranges covering every function once, in order', () => {
    expect(ranges.length / 2).to.be.greaterThan(4);
    let next = 0;
    for (let k = 0; k < ranges.length / 2; k++) {
      expect(ranges[2 * k]).to.equal(next);
      expect(ranges[2 * k + 1]).to.be.greaterThan(next);
      next = ranges[2 * k + 1]!;
    }
    expect(next).to.equal(FUNCS);
  });

  it('accepts a valid module, validated by the workers alone', () => {
    expect(parallel(moduleBytes(new Map()), 2, WORKERS_ONLY)).to.equal(null);
    expect(lastValidateStats!.byCaller).to.equal(0);
    expect(parallel(moduleBytes(new Map()), 3, WORKERS_ONLY)).to.equal(null);
    expect(lastValidateStats!.byCaller).to.equal(0);
  });

  for (const [name, tuning] of [['a worker\'s share', WORKERS_ONLY], ['any share (caller and workers)', {}]] as const) {
    it(`reports an invalid body in ${name}, for every range it can be in, with the sequential error`, () => {
      for (const start of starts) {
        const last = start + 1 < FUNCS ? start + 1 : start;
        const bytes = moduleBytes(new Map([[last, INVALID]]));
        for (const threads of [2, 3]) expectSame(parallel(bytes, threads, tuning), sequential(bytes), `bad body ${last}, ${threads} threads`);
      }
    });

    it(`reports the first of two invalid bodies in different shares (${name})`, () => {
      for (let k = 1; k < starts.length; k++) {
        const bytes = moduleBytes(new Map([[starts[k - 1]!, INVALID], [starts[k]!, INVALID]]));
        const e = parallel(bytes, 2, tuning);
        expectSame(e, sequential(bytes), `bodies ${starts[k - 1]} and ${starts[k]}`);
        expect(e!.funcIndex).to.equal(starts[k - 1]);
      }
    });

    it(`reports a malformed body in a later share over an invalid one in an earlier share (${name})`, () => {
      const bytes = moduleBytes(new Map([[starts[0]!, INVALID], [starts[starts.length - 1]!, MALFORMED]]));
      const e = parallel(bytes, 2, tuning);
      expectSame(e, sequential(bytes), 'invalid then malformed');
      expect(e!.reason).to.equal('illegal opcode');
    });
  }

  it('agrees with validateFunctions on one thread', () => {
    const bytes = moduleBytes(new Map([[7, INVALID]]));
    const m = decodeModule(bytes);
    expectSame(parallel(bytes, 1), errorOf(() => validateFunctions(m, 0, FUNCS)), 'one thread');
  });

  it('a lazy engine validating on 2 threads reports what an eager one does', () => {
    const lazy = new Engine({ compilation: 'lazy', parallelCompile: 2, backgroundCompile: false });
    const eager = new Engine({ compilation: 'eager', parallelCompile: false });
    for (const start of [starts[1]!, starts[starts.length - 1]!]) {
      const bytes = moduleBytes(new Map([[start, INVALID]]));
      const e = errorOf(() => new Module(bytes, eager));
      expect(e).to.be.instanceOf(CompileError);
      let got: unknown = null;
      try {
        new Module(bytes, lazy);
      } catch (x) {
        got = x;
      }
      expect((got as Error)?.constructor.name).to.equal((e as Error).constructor.name);
      expect((got as Error).message).to.equal(e!.message);
    }
    expect(() => new Module(moduleBytes(new Map()), lazy)).to.not.throw();
  });
});
