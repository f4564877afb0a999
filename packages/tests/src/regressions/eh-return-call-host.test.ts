// Found by the differential fuzzer's exception-handling leg (pnpm fuzz:diff --eh --seed 103
// --only 434): a JS import that throws, reached by `return_call` from inside a `try` whose
// `catch_all` then ran in wasmjit, while V8 let the exception reach the caller. A tail call
// ends the caller's frame before the callee runs, so no handler of that frame may take what
// the callee throws. wasmjit makes a tail call to a host function (or through a table or a
// reference to one) as a call plus a return, so the frame is still on the stack when the
// callee throws; the unwinder must pass over a frame suspended at a return_call*.
import { expect } from 'chai';
import { parseWat } from '@wasmjit/text';
import { Engine } from '@wasmjit/runtime';
import { loadWabt } from '../util/wat.js';

class Thrown extends Error {}

// Legacy encoding: the same module runs in V8 (Node 20 has legacy EH and tail calls).
const LEGACY = `(module
  (import "m" "boom" (func $boom (param i32)))
  (type $t (func (param i32)))
  (table 1 funcref)
  (elem (i32.const 0) $boom)
  (global $caught (export "caught") (mut i32) (i32.const 0))
  (func (export "direct") (param i32)
    (try (do (return_call $boom (local.get 0)))
         (catch_all (global.set $caught (i32.add (global.get $caught) (i32.const 1))))))
  (func (export "indirect") (param i32)
    (try (do (return_call_indirect (type $t) (local.get 0) (i32.const 0)))
         (catch_all (global.set $caught (i32.add (global.get $caught) (i32.const 10))))))
  (func $tail (param i32)
    (try (do (return_call $boom (local.get 0)))
         (catch_all (global.set $caught (i32.add (global.get $caught) (i32.const 100))))))
  ;; The caller's own handler still takes it: only the tail-calling frame is gone.
  (func (export "caller") (param i32) (result i32)
    (try (result i32) (do (call $tail (local.get 0)) (i32.const 0))
         (catch_all (i32.const 7))))
  ;; A plain call inside the same try is caught as before.
  (func (export "plain") (param i32) (result i32)
    (try (result i32) (do (call $boom (local.get 0)) (i32.const 0))
         (catch_all (i32.const 5)))))`;

// The same with try_table (wasmjit only: Node 20's V8 lacks it).
const MODERN = `(module
  (import "m" "boom" (func $boom (param i32)))
  (global $caught (export "caught") (mut i32) (i32.const 0))
  (func (export "direct") (param i32)
    (block $h
      (try_table (catch_all $h) (return_call $boom (local.get 0))))
    (global.set $caught (i32.const 1))))`;

type Exports = Record<string, unknown>;
const boom = (n: number) => {
  throw new Thrown(`boom ${n}`);
};

function outcome(f: () => unknown): string {
  try {
    return `returned ${String(f())}`;
  } catch (e) {
    return e instanceof Thrown ? `threw ${e.message}` : `other ${String(e)}`;
  }
}

function observe(exports: Exports): string[] {
  const call = (name: string, arg: number) => outcome(() => (exports[name] as (a: number) => unknown)(arg));
  const caught = exports.caught as { value: number };
  return [call('direct', 1), call('indirect', 2), call('caller', 3), call('plain', 4), `caught ${caught.value}`];
}

/** The legacy encoding through wabt (wasmjit's text parser reads only try_table). */
async function legacyBytes(): Promise<Uint8Array> {
  const wabt = await loadWabt();
  const mod = wabt.parseWat('legacy.wat', LEGACY, { exceptions: true, tail_call: true, reference_types: true });
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

describe('regression: return_call to a throwing host function leaves the try of the tail-calling frame', () => {
  let legacy: Uint8Array;
  let v8: string[];
  before(async () => {
    legacy = await legacyBytes();
    v8 = observe(new WebAssembly.Instance(new WebAssembly.Module(legacy as Uint8Array<ArrayBuffer>), { m: { boom } }).exports as Exports);
  });

  it('V8 (the reference): the exception passes the tail-calling frame', () => {
    expect(v8).to.deep.equal(['threw boom 1', 'threw boom 2', 'returned 7', 'returned 5', 'caught 0']);
  });

  for (const boundsChecks of ['explicit', 'guard'] as const) {
    for (const compilation of ['eager', 'lazy'] as const) {
      it(`wasmjit agrees with V8 on the legacy encoding (${boundsChecks} bounds checks, ${compilation})`, () => {
        const engine = new Engine({ boundsChecks, compilation });
        expect(observe(engine.instantiate(engine.compile(legacy), { m: { boom } }).exports as Exports)).to.deep.equal(v8);
      });
    }
  }

  it('and for try_table', () => {
    const engine = new Engine();
    const exports = engine.instantiate(engine.compile(parseWat(MODERN)), { m: { boom } }).exports as Exports;
    expect(outcome(() => (exports.direct as (a: number) => unknown)(1))).to.equal('threw boom 1');
    expect((exports.caught as { value: number }).value).to.equal(0);
  });
});
