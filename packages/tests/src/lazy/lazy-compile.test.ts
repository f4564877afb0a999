// Lazy compilation (Engine option compilation: 'lazy', runtime lazy-code.ts): functions are
// compiled on their first call; whatever reaches a function before that (direct calls,
// exports, tables, ref.func, other instances) reaches it through its jump slot, and the first
// call keeps every guarantee of a later one (stack overflow, fuel, epochs, backtraces).
import { expect } from 'chai';
import { CompileError, Engine, Instance, RuntimeError, type Module } from '@wasmjit/runtime';
import { compiledParts } from '../../../runtime/dist/module.js';
import type { LazyCode } from '../../../runtime/dist/lazy-code.js';
import { LAZY_MIN_BYTES } from '../../../runtime/dist/compilation-choice.js';
import { wat } from '../util/wat.js';

const lazyEngine = (options: ConstructorParameters<typeof Engine>[0] = {}) =>
  new Engine({ compilation: 'lazy', backgroundCompile: false, ...options });

function lazyOf(m: Module): LazyCode {
  const lazy = compiledParts(m)!.lazy;
  if (lazy === null) throw new Error('expected a lazily compiled module');
  return lazy;
}

type Fn = (...a: unknown[]) => unknown;
const fn = (i: Instance, name: string) => i.exports[name] as Fn;

const CALLS = `(module
  (type $t (func (param i32) (result i32)))
  (table (export "table") 4 funcref) (elem (i32.const 0) $double $triple)
  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $square (export "square") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "indirect") (param i32 i32) (result i32) (call_indirect (type $t) (local.get 1) (local.get 0)))
  (func (export "square_ref") (result funcref) (ref.func $square))
  (func (export "callSquare") (param i32) (result i32) (call $square (local.get 0)))
  (func $never (export "never") (result i32) (i32.const 7)))`;

describe('lazy compilation', function () {
  this.timeout(60_000);

  it('is available, the default being lazy for large modules only', () => {
    expect(new Engine().compilation).to.equal(process.env.WASMJIT_COMPILATION || 'auto');
    const auto = new Engine({ compilation: 'auto' });
    expect(auto.compilesLazily(LAZY_MIN_BYTES - 1)).to.equal(false);
    expect(auto.compilesLazily(LAZY_MIN_BYTES)).to.equal(true);
    expect(new Engine({ compilation: 'lazy' }).compilesLazily(8)).to.equal(true);
    expect(new Engine({ compilation: 'eager' }).compilesLazily(1 << 30)).to.equal(false);
    expect(new Engine({ compilation: 'lazy' }).compilation).to.equal('lazy');
    expect(new Engine({ compilation: 'eager' }).compilation).to.equal('eager');
    expect(() => new Engine({ compilation: 'later' as never })).to.throw(TypeError, /compilation/);
    const saved = process.env.WASMJIT_COMPILATION;
    try {
      process.env.WASMJIT_COMPILATION = 'lazy';
      expect(new Engine().compilation).to.equal('lazy');
      process.env.WASMJIT_COMPILATION = 'eager';
      expect(new Engine().compilation).to.equal('eager');
      process.env.WASMJIT_COMPILATION = 'auto';
      expect(new Engine().compilation).to.equal('auto');
      process.env.WASMJIT_COMPILATION = 'sometimes';
      expect(() => new Engine()).to.throw(TypeError, /WASMJIT_COMPILATION/);
    } finally {
      if (saved === undefined) delete process.env.WASMJIT_COMPILATION;
      else process.env.WASMJIT_COMPILATION = saved;
    }
  });

  it('compiles a function on its first call and no function before', async () => {
    const m = lazyEngine().compile(await wat(CALLS));
    const lazy = lazyOf(m);
    const i = new Instance(m);
    const imported = 0;
    for (let f = imported; f < 8; f++) expect(lazy.isCompiled(f), `function ${f}`).to.equal(false);
    const stub = lazy.slotTarget(0);
    expect(fn(i, 'fib')(20)).to.equal(6765);
    expect(lazy.isCompiled(3)).to.equal(true);
    expect(lazy.slotTarget(3)).to.not.equal(stub);
    // Nothing else was compiled: fib calls only itself.
    for (const f of [0, 1, 2, 4, 5, 6, 7]) expect(lazy.isCompiled(f), `function ${f}`).to.equal(false);
    expect(lazy.remaining).to.equal(7);
    expect(lazy.firstCalls).to.equal(1);
  });

  it('reaches uncompiled functions through tables, call_indirect, ref.func, direct calls and exports', async () => {
    const m = lazyEngine().compile(await wat(CALLS));
    const lazy = lazyOf(m);
    const i = new Instance(m);
    expect(fn(i, 'indirect')(0, 21)).to.equal(42); // table entry of uncompiled $double
    expect(lazy.isCompiled(0)).to.equal(true);
    const table = i.exports.table as { get(i: number): Fn | null };
    expect(table.get(1)!(5)).to.equal(15); // the table's funcref of uncompiled $triple, from JS
    const ref = fn(i, 'square_ref')() as Fn; // ref.func of uncompiled $square
    expect(lazy.isCompiled(2)).to.equal(false);
    expect(ref(9)).to.equal(81);
    expect(fn(i, 'callSquare')(4)).to.equal(16); // direct call into code compiled meanwhile
    expect(fn(i, 'never')()).to.equal(7); // an export
    expect(() => fn(i, 'indirect')(2, 1)).to.throw(RuntimeError).with.property('trap', 'uninitialized_element');
  });

  it('serves a function imported by another instance before either compiled it', async () => {
    const engine = lazyEngine();
    const a = new Instance(engine.compile(await wat(CALLS)));
    const b = new Instance(engine.compile(await wat(`(module
      (import "a" "square" (func $sq (param i32) (result i32)))
      (func (export "run") (param i32) (result i32) (i32.add (call $sq (local.get 0)) (i32.const 1))))`)), { a: a.exports });
    expect(fn(b, 'run')(12)).to.equal(145);
    expect(lazyOf(a.module).isCompiled(2)).to.equal(true);
  });

  it('validates every body at compile time: an invalid function never called still fails compile()', async () => {
    // Body of function 1 pushes an i64 where an i32 result is expected.
    const bytes = await wat(`(module (func (export "ok") (result i32) (i32.const 1)) (func (result i32) (i32.const 1)))`);
    // Turn function 1's `i32.const` (0x41) into `i64.const` (0x42): only that body is invalid.
    const bad = bytes.slice();
    const at = bad.lastIndexOf(0x41);
    bad[at] = 0x42;
    const errorOf = (engine: Engine) => {
      try {
        engine.compile(bad);
      } catch (e) {
        return e as Error;
      }
      throw new Error('compiled');
    };
    const lazyError = errorOf(lazyEngine());
    const eagerError = errorOf(new Engine({ compilation: 'eager' }));
    expect(lazyError).to.be.instanceOf(CompileError);
    expect(lazyError.message).to.equal(eagerError.message);
  });

  it('traps from lazily compiled functions carry the eager backtrace', async () => {
    const text = `(module
      (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func $middle (param i32) (result i32) (call $inner (local.get 0)))
      (func (export "outer") (param i32) (result i32) (i32.add (i32.const 1) (call $middle (local.get 0)))))`;
    const bytes = await wat(text, { names: true });
    const frames = (engine: Engine) => {
      const i = new Instance(engine.compile(bytes));
      try {
        fn(i, 'outer')(0);
      } catch (e) {
        expect(e).to.be.instanceOf(RuntimeError);
        expect((e as RuntimeError).trap).to.equal('integer_divide_by_zero');
        return (e as RuntimeError).frames.map((f) => [f.funcIndex, f.name, f.offset]);
      }
      throw new Error('no trap');
    };
    const lazy = frames(lazyEngine());
    expect(lazy.map((f) => f[0])).to.deep.equal([0, 1, 2]);
    expect(lazy.map((f) => f[1])).to.deep.equal(['inner', 'middle', undefined]);
    expect(lazy).to.deep.equal(frames(new Engine({ compilation: 'eager' })));
  });

  it('calls a never-called function at the deepest recursion point: it runs or traps stack_overflow', async () => {
    // $fresh has a large frame (many locals); $rec recurses n times, then calls it.
    const locals = Array.from({ length: 200 }, () => 'i64').join(' ');
    const bytes = await wat(`(module
      (func $fresh (result i32) (local ${locals}) (local.set 199 (i64.const 5)) (i32.wrap_i64 (local.get 199)))
      (func $rec (export "rec") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (call $rec (i32.sub (local.get 0) (i32.const 1)))) (else (call $fresh))))
      (func $recShallow (export "recNoFresh") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (call $recShallow (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 5)))))`);
    const engine = new Engine({ compilation: 'lazy', backgroundCompile: false });
    // The deepest n at which recNoFresh still returns (its frames are $rec's size).
    const probe = new Instance(engine.compile(bytes));
    const fits = (n: number) => {
      try {
        return fn(probe, 'recNoFresh')(n) === 5;
      } catch (e) {
        expect((e as RuntimeError).trap).to.equal('stack_overflow');
        return false;
      }
    };
    let lo = 1;
    let hi = 1 << 22;
    while (lo + 1 < hi) {
      const mid = (lo + hi) >>> 1;
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    expect(lo).to.be.greaterThan(1000);
    let ran = 0;
    let overflowed = 0;
    for (let n = lo - 40; n <= lo + 2; n++) {
      // A fresh module each time: $fresh (and $rec) are uncompiled at that depth.
      const m = engine.compile(bytes);
      const i = new Instance(m);
      try {
        expect(fn(i, 'rec')(n)).to.equal(5);
        expect(lazyOf(m).isCompiled(0), '$fresh compiled at the deepest point').to.equal(true);
        ran++;
      } catch (e) {
        expect(e).to.be.instanceOf(RuntimeError);
        expect((e as RuntimeError).trap).to.equal('stack_overflow');
        overflowed++;
      }
      // The instance is usable afterwards.
      expect(fn(i, 'rec')(3)).to.equal(5);
    }
    expect(ran).to.be.greaterThan(0);
    expect(overflowed).to.be.greaterThan(0);
  });

  it('charges fuel exactly as eager code does, and traps out_of_fuel in a lazily compiled function', async () => {
    const bytes = await wat(CALLS);
    const remaining = (compilation: 'lazy' | 'eager') => {
      const engine = new Engine({ compilation, backgroundCompile: false, consumeFuel: true });
      const i = new Instance(engine.compile(bytes));
      i.setFuel(1_000_000);
      expect(fn(i, 'fib')(15)).to.equal(610);
      return i.fuelRemaining();
    };
    const lazy = remaining('lazy');
    expect(lazy).to.be.lessThan(1_000_000);
    expect(lazy).to.equal(remaining('eager'));
    const engine = new Engine({ compilation: 'lazy', backgroundCompile: false, consumeFuel: true });
    const m = engine.compile(bytes);
    const i = new Instance(m);
    i.setFuel(50);
    expect(() => fn(i, 'fib')(20)).to.throw(RuntimeError).with.property('trap', 'out_of_fuel');
    expect(lazyOf(m).isCompiled(3)).to.equal(true);
  });

  it('checks the epoch deadline on the first call of an uncompiled function', async () => {
    const engine = new Engine({ compilation: 'lazy', backgroundCompile: false, epochInterruption: true });
    const m = engine.compile(await wat(CALLS));
    lazyOf(m).calleeBudget = 0; // so that $square stays uncompiled unless called
    const i = new Instance(m);
    i.setEpochDeadline(0);
    // callSquare calls, so its entry checks the epoch (leaf functions need no entry check).
    expect(() => fn(i, 'callSquare')(3)).to.throw(RuntimeError).with.property('trap', 'interrupt');
    // The stub compiled it and the function's own prologue trapped, before calling $square.
    expect(lazyOf(m).isCompiled(6)).to.equal(true);
    expect(lazyOf(m).isCompiled(2)).to.equal(false);
    i.setEpochDeadline(1000);
    expect(fn(i, 'callSquare')(3)).to.equal(9);
  });

  it('a first call compiles the uncompiled direct callees within the budget with it, in one install', async () => {
    const src = `(module
      (func $leaf1 (result i32) (i32.const 1))
      (func $leaf2 (result i32) (i32.const 2))
      (func $mid (result i32) (i32.add (call $leaf1) (call $leaf2)))
      (func $big (result i32) ${'(drop (i32.const 1)) '.repeat(200)} (i32.const 3))
      (func (export "top") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (call $mid)) (else (call $big)))))`;
    const bytes = await wat(src);
    const m = lazyEngine().compile(bytes);
    const lazy = lazyOf(m);
    lazy.calleeBudget = 100; // $mid and the leaves (a few bytes each), not $big (~600 bytes)
    expect(fn(new Instance(m), 'top')(1)).to.equal(3);
    // top, $mid, $leaf1 and $leaf2 from one first call, installed in one block: one page.
    expect(lazy.firstCalls).to.equal(1);
    expect([0, 1, 2, 4].map((f) => lazy.isCompiled(f))).to.deep.equal([true, true, true, true]);
    expect(lazy.isCompiled(3)).to.equal(false);
    const at = [0, 1, 2, 4].map((f) => lazy.slotTarget(f));
    expect(Math.max(...at) - Math.min(...at)).to.be.lessThan(4096);
    expect(new Set(at.map((a) => Math.floor(a / 4096))).size).to.equal(1);
    // Calls inside the block go straight to the callees' code, not through their slots.
    expect(fn(new Instance(m), 'top')(0)).to.equal(3);
    expect(lazy.firstCalls).to.equal(2);
    // The same machine code as one function per first call.
    const one = lazyEngine().compile(bytes);
    lazyOf(one).calleeBudget = 0;
    expect(fn(new Instance(one), 'top')(1)).to.equal(3);
    expect(lazyOf(one).firstCalls).to.equal(4);
    expect(lazyOf(one).functionCode(1)).to.deep.equal(lazy.functionCode(1));
  });

  it('compileAll finishes every function, each installed once', async () => {
    const m = lazyEngine().compile(await wat(CALLS));
    const lazy = lazyOf(m);
    const i = new Instance(m);
    expect(fn(i, 'fib')(10)).to.equal(55);
    const fibCode = lazy.slotTarget(3);
    lazy.compileAll();
    expect(lazy.remaining).to.equal(0);
    expect(lazy.slotTarget(3)).to.equal(fibCode); // not replaced
    expect(fn(i, 'indirect')(1, 4)).to.equal(12);
  });
});
