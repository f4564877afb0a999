// Exception handling (docs/exceptions.md): throw / try_table / throw_ref within wasm and
// across frames, wasm exceptions reaching JS as WebAssembly.Exception, JS exceptions caught
// by catch_all and rethrown as the same value, wasm → JS → wasm nesting, a throw from deep
// recursion, call_indirect and lazily compiled callees, both bounds modes, the legacy
// encoding (checked against V8, which ships it), traps staying uncatchable, and the state of
// the catching function and its callers after a catch.
import { expect } from 'chai';
import { parseWat } from '@wasmjit/text';
import { Engine, Exception, JSTag, RuntimeError, Tag, type EngineOptions } from '@wasmjit/runtime';

type Fn = (...args: unknown[]) => unknown;
type Exports = Record<string, Fn>;

function instantiate(text: string, imports: Record<string, Record<string, unknown>> = {}, options: EngineOptions = {}): Exports {
  const engine = new Engine(options);
  return engine.instantiate(engine.compile(parseWat(text)), imports).exports as Exports;
}

const CORE = `(module
  (tag $e (param i32))
  (tag $e2 (param i64 f32 f64))
  (tag $empty)
  (type $ii (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $thrower $deep)
  (func $thrower (param i32) (result i32) (local.get 0) (throw $e))
  (func $deep (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 77))))
    (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h) (call $thrower (local.get 0)))))
  (func (export "catchMany") (result i64 f32 f64)
    (block $h (result i64 f32 f64)
      (try_table (catch $e2 $h) (throw $e2 (i64.const -5) (f32.const 1.5) (f64.const -2.25)))
      (unreachable)))
  (func (export "indirect") (param i32 i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h) (call_indirect (type $ii) (local.get 0) (local.get 1)))))
  (func (export "deep") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h) (call $deep (local.get 0)))))
  (func (export "rethrowRef") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        (block $r (result exnref)
          (try_table (result i32) (catch_ref $empty $r) (catch_all_ref $r) (call $thrower (local.get 0)))
          (return))
        (throw_ref))))
  (func (export "nullRef") (throw_ref (ref.null exn)))
  (func (export "uncaught") (param i32) (result i32) (call $thrower (local.get 0)))
  (func (export "trapInTry") (result i32)
    (block $h (try_table (catch_all $h) (unreachable))) (i32.const 1))
  (func (export "stackAfter") (param i32) (result i32)
    (local $a i32) (local $i i32)
    (local.set $a (i32.const 1000))
    (loop $l
      (block $h
        (try_table (catch_all $h) (drop (call $thrower (local.get $i)))))
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (local.get $a))
)`;

function coreTests(options: EngineOptions): void {
  it('catches across frames, with the payload (i32; i64 f32 f64)', () => {
    const e = instantiate(CORE, {}, options);
    expect(e.catch!(42)).to.equal(42);
    expect(e.catch!(-1)).to.equal(-1);
    expect(e.catchMany!()).to.deep.equal([-5n, 1.5, -2.25]);
  });

  it('catches through call_indirect', () => {
    const e = instantiate(CORE, {}, options);
    expect(e.indirect!(9, 0)).to.equal(9);
    expect(e.indirect!(3, 1)).to.equal(77); // $deep: 77 thrown at depth 3; the frames between are dropped
  });

  it('rethrows with throw_ref to an outer handler; a null exnref traps', () => {
    const e = instantiate(CORE, {}, options);
    expect(e.rethrowRef!(5)).to.equal(5);
    expect(() => e.nullRef!()).to.throw(RuntimeError, /null/);
  });

  it('keeps locals and the value stack of the catching function, many times in a loop', () => {
    const e = instantiate(CORE, {}, options);
    expect(e.stackAfter!(100)).to.equal(1000 + 4950);
  });

  it('does not catch traps', () => {
    const e = instantiate(CORE, {}, options);
    expect(() => e.trapInTry!()).to.throw(RuntimeError, 'unreachable');
  });

  it('an uncaught exception reaches JS as a WebAssembly.Exception with its tag and values', () => {
    const e = instantiate(CORE, {}, options);
    let thrown: unknown;
    try {
      e.uncaught!(123);
    } catch (x) {
      thrown = x;
    }
    expect(thrown).to.be.instanceOf(Exception);
    const ex = thrown as Exception;
    expect(ex.is(JSTag)).to.equal(false);
    // The tag is not exported, so only a wrong tag can be asked about.
    expect(() => ex.getArg(new Tag({ parameters: ['i32'] }), 0)).to.throw(TypeError);
  });
}

describe('exceptions', () => {
  describe('eager, guard bounds', () => coreTests({}));
  describe('eager, explicit bounds checks', () => coreTests({ boundsChecks: 'explicit' }));
  describe('lazy compilation', () => coreTests({ compilation: 'lazy' }));

  it('throws from deep recursion near the stack limit and stays usable', () => {
    const e = instantiate(CORE, {}, { maxWasmStack: 256 * 1024 });
    // Find a depth that overflows, then throw from just below it.
    expect(() => e.deep!(1_000_000)).to.throw(RuntimeError, 'Maximum call stack size exceeded');
    let lo = 0;
    let hi = 1_000_000;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      try {
        e.deep!(mid);
        lo = mid;
      } catch {
        hi = mid;
      }
    }
    expect(lo).to.be.greaterThan(1000);
    expect(e.deep!(lo)).to.equal(77);
    expect(e.catch!(6)).to.equal(6);
  });

  it('JS-made exceptions of an imported tag are caught by wasm with their values; tags export as themselves', () => {
    const t = new Tag({ parameters: ['i32', 'f64'] });
    const e = instantiate(`(module
      (import "js" "t" (tag $t (param i32 f64)))
      (import "js" "f" (func $f))
      (tag $own (export "own") (param i64))
      (export "t" (tag $t))
      (func (export "run") (result i32 f64)
        (block $h (result i32 f64) (try_table (catch $t $h) (call $f)) (unreachable))))`, {
      js: { t, f: () => { throw new Exception(t, [7, 0.5]); } },
    });
    expect(e.t as unknown).to.equal(t);
    expect(e.own as unknown).to.be.instanceOf(Tag);
    expect((e.own as unknown as Tag).type()).to.deep.equal({ parameters: ['i64'] });
    expect(e.run!()).to.deep.equal([7, 0.5]);
  });

  it('a JS exception is caught by catch_all and rethrown to JS as the very same value', () => {
    const err = new Error('from js');
    const e = instantiate(`(module
      (import "js" "f" (func $f))
      (func (export "all") (result i32) (block $h (try_table (catch_all $h) (call $f))) (i32.const 1))
      (func (export "again")
        (block $h (result exnref) (try_table (catch_all_ref $h) (call $f)) (return))
        (throw_ref)))`, { js: { f: () => { throw err; } } });
    expect(e.all!()).to.equal(1);
    let thrown: unknown;
    try {
      e.again!();
    } catch (x) {
      thrown = x;
    }
    expect(thrown).to.equal(err);
  });

  it('JSTag catches JS values with the value as payload; null and undefined survive', () => {
    const e = instantiate(`(module
      (import "js" "tag" (tag $js (param externref)))
      (import "js" "f" (func $f))
      (func (export "get") (result externref)
        (block $h (result externref) (try_table (catch $js $h) (call $f)) (ref.null extern)))
      (func (export "rethrow")
        (block $h (result exnref) (try_table (catch_all_ref $h) (call $f)) (return)) (throw_ref)))`, {
      js: { tag: JSTag, f: () => { throw thrown; } },
    });
    let thrown: unknown = 'str';
    expect(e.get!()).to.equal('str');
    thrown = 42;
    expect(e.get!()).to.equal(42);
    for (const v of [null, undefined]) {
      thrown = v;
      let got: unknown = 'none';
      try {
        e.rethrow!();
      } catch (x) {
        got = x;
      }
      expect(got).to.equal(v);
    }
  });

  it('crosses wasm → JS → wasm: an inner throw is caught by the outer wasm, JS frames between', () => {
    const log: string[] = [];
    const inner = instantiate(`(module
      (import "js" "tag" (tag $t (param i32)))
      (func (export "throw") (param i32) (throw $t (local.get 0))))`, { js: { tag: sharedTag } });
    const outer = instantiate(`(module
      (import "js" "tag" (tag $t (param i32)))
      (import "js" "mid" (func $mid (param i32)))
      (func (export "run") (param i32) (result i32)
        (block $h (result i32) (try_table (catch $t $h) (call $mid (local.get 0))) (i32.const -1))))`, {
      js: { tag: sharedTag, mid: (x: number) => {
        log.push('mid');
        try {
          inner.throw!(x + 1);
        } finally {
          log.push('finally');
        }
      } },
    });
    expect(outer.run!(10)).to.equal(11);
    expect(log).to.deep.equal(['mid', 'finally']);
    // And JS in the middle may catch it itself.
    const got = (() => {
      try {
        inner.throw!(3);
      } catch (x) {
        return (x as Exception).getArg(sharedTag, 0);
      }
      return undefined;
    })();
    expect(got).to.equal(3);
  });

  it('a trap in wasm called from an import is not caught by the outer wasm', () => {
    const inner = instantiate(`(module (func (export "trap") unreachable))`);
    const outer = instantiate(`(module
      (import "js" "f" (func $f))
      (func (export "run") (result i32) (block $h (try_table (catch_all $h) (call $f))) (i32.const 1)))`, {
      js: { f: () => inner.trap!() },
    });
    expect(() => outer.run!()).to.throw(RuntimeError, 'unreachable');
  });

  it('trap backtraces through functions with handlers are unchanged', () => {
    const e = instantiate(`(module
      (func $t (unreachable))
      (func (export "run") (block $h (try_table (catch_all $h) (call $t)))))`);
    try {
      e.run!();
      expect.fail('no trap');
    } catch (x) {
      expect((x as RuntimeError).frames.map((f) => f.funcIndex)).to.deep.equal([0, 1]);
    }
  });

  it('is off with features.exceptions false: the 2.0 errors', () => {
    const engine = new Engine({ features: { exceptions: false } });
    expect(() => engine.compile(parseWat('(module (tag))'))).to.throw(/malformed section id/);
  });
});

const sharedTag = new Tag({ parameters: ['i32'] });

// ── the legacy encoding, hand-assembled (the 3.0 text format has no try/catch) ─────────

const u32 = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const section = (id: number, payload: number[]): number[] => [id, ...u32(payload.length), ...payload];
const vec = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
const name = (s: string): number[] => [...u32(s.length), ...Buffer.from(s)];
const body = (code: number[]): number[] => {
  const b = [0, ...code, 0x0b];
  return [...u32(b.length), ...b];
};

/** Tag 0 (param i32); thrower(x) throws it; three exports use try/catch/catch_all/rethrow/delegate. */
const LEGACY = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, vec([[0x60, 1, 0x7f, 0], [0x60, 1, 0x7f, 1, 0x7f]])),
  ...section(3, vec([[1], [1], [1], [1]])),
  ...section(13, vec([[0, 0]])),
  ...section(7, vec([[...name('catcher'), 0, 1], [...name('rethrow'), 0, 2], [...name('delegate'), 0, 3]])),
  ...section(10, vec([
    body([0x20, 0, 0x08, 0]),
    // try (result i32) (call thrower x) catch 0 (i32.const 100) i32.add end
    body([0x06, 0x7f, 0x20, 0, 0x10, 0, 0x07, 0, 0x41, 0xe4, 0x00, 0x6a, 0x0b]),
    // try (result i32) [try (result i32) (call thrower x) catch_all rethrow 0 end] catch 0 (i32.const 1000) i32.add end
    body([0x06, 0x7f, 0x06, 0x7f, 0x20, 0, 0x10, 0, 0x19, 0x09, 0, 0x0b, 0x07, 0, 0x41, 0xe8, 0x07, 0x6a, 0x0b]),
    // try (result i32) [try (result i32) (call thrower x) delegate 0] catch 0 (i32.const 7) i32.add end
    body([0x06, 0x7f, 0x06, 0x7f, 0x20, 0, 0x10, 0, 0x18, 0, 0x07, 0, 0x41, 7, 0x6a, 0x0b]),
  ])),
]);

describe('exceptions: legacy encoding', () => {
  for (const options of [{}, { compilation: 'lazy' as const }]) {
    it(`try/catch/catch_all/rethrow/delegate match V8 (${JSON.stringify(options)})`, () => {
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(LEGACY)).exports as unknown as Exports;
      const engine = new Engine(options);
      const ours = engine.instantiate(engine.compile(LEGACY), {}).exports as Exports;
      for (const f of ['catcher', 'rethrow', 'delegate']) {
        for (const x of [0, 5, -3]) expect(ours[f]!(x), `${f}(${x})`).to.equal(v8[f]!(x));
      }
      expect(ours.catcher!(5)).to.equal(105);
      expect(ours.rethrow!(5)).to.equal(1005);
      expect(ours.delegate!(5)).to.equal(12);
    });
  }
});
