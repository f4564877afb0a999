// The optimizing tier end to end, against the baseline tier and V8: the same results on
// many inputs, the same traps with the same backtraces, the prologue stack check, both
// bounds-check modes, calls between the tiers, and the per-function fallback.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { optimizingTierStats } from '@wasmjit/codegen';
import { thrown, watNamed, type Exports } from '../stack/support.js';

const PROGRAM = `(module
  (memory 1)
  (global $g (mut i64) (i64.const 5))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $fill (export "fill") (param $n i32) (param $seed i32) (local $i i32)
    (block $out (loop $l
      (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (i32.add (local.get $i) (local.get $seed)) (i32.const -1640531535)))
      (i32.store8 offset=40000 (local.get $i) (i32.xor (local.get $i) (local.get $seed)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $mix (export "mix") (param $n i32) (param $k i64) (result i64) (local $i i32) (local $acc i64) (local $t i64)
    (block $out (loop $l
      (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $t (i64.extend_i32_u (i32.load (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $acc (i64.add (i64.rotl (i64.xor (local.get $acc) (local.get $t)) (i64.const 13))
        (i64.mul (local.get $k) (i64.extend_i32_s (i32.load8_s offset=40000 (local.get $i))))))
      (local.set $acc (select (local.get $acc) (i64.sub (local.get $acc) (local.get $k))
        (i64.lt_s (local.get $acc) (i64.shr_s (local.get $k) (i64.const 1)))))
      (global.set $g (i64.add (global.get $g) (i64.and (local.get $acc) (i64.const 255))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i64.add (local.get $acc) (global.get $g)))
  (func $shifts (export "shifts") (param i32 i32 i64 i64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.or (i32.shl (local.get 0) (local.get 1)) (i32.rotr (local.get 0) (local.get 1))))
      (i64.xor (i64.shr_u (local.get 2) (local.get 3)) (i64.rotl (local.get 2) (i64.extend_i32_s (local.get 1))))))
  (func $cmp (export "cmp") (param i32 i32 i64 i64) (result i32)
    (i32.add (i32.add (i32.add (i32.lt_s (local.get 0) (local.get 1)) (i32.shl (i32.gt_u (local.get 0) (local.get 1)) (i32.const 1)))
      (i32.shl (i64.le_s (local.get 2) (local.get 3)) (i32.const 2)))
      (i32.add (i32.shl (i64.ge_u (local.get 2) (local.get 3)) (i32.const 3)) (i32.shl (i64.eqz (local.get 2)) (i32.const 4)))))
  (func $table (export "table") (param i32) (result i32) (local $r i32)
    (block $d (block $c (block $b (block $a (br_table $a $b $c $d (local.get 0)))
      (local.set $r (i32.const 10)) (br $d))
      (local.set $r (i32.const 20)) (br $d))
      (return (i32.const 30)))
    (i32.add (local.get $r) (i32.const 1)))
  (func $multi (export "multi") (param i32) (result i32)
    (local.get 0)
    (loop $l (param i32) (result i32)
      (i32.add (i32.const 3))
      (br_if $l (i32.lt_u (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 1000000)))))
  (func $oob (export "oob") (param i32) (result i32) (i32.load offset=16 (local.get 0)))
  (func $store_oob (export "store_oob") (param i32 i64) (i64.store16 offset=65534 (local.get 0) (local.get 1)))
  (func $deep (export "deep") (param i32) (result i32) (i32.add (call $mid (local.get 0)) (i32.const 1)))
  (func $mid (param i32) (result i32) (if (i32.eq (local.get 0) (i32.const 1)) (then unreachable)) (call $oob (local.get 0)))
  (func $down (export "down") (param i32) (result i32) (i32.add (call $down (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func $divs (export "divs") (param i32 i32 i64 i64) (result i64) (local $keep i32)
    (local.set $keep (i32.mul (local.get 0) (i32.const 3)))
    (i64.add
      (i64.add
        (i64.extend_i32_u (i32.xor (i32.div_s (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1))))
        (i64.extend_i32_u (i32.add (i32.div_u (local.get 0) (local.get 1)) (i32.rem_s (local.get 0) (local.get 1)))))
      (i64.add
        (i64.xor (i64.div_s (local.get 2) (local.get 3)) (i64.rem_u (local.get 2) (local.get 3)))
        (i64.add (i64.div_u (local.get 2) (local.get 3))
          (i64.add (i64.rem_s (local.get 2) (local.get 3)) (i64.extend_i32_u (local.get $keep)))))))
  (func $rem1 (export "rem1") (param i32) (result i32) (i32.add (i32.rem_s (local.get 0) (i32.const -1)) (i32.div_u (local.get 0) (i32.const 7))))
  (func $bits (export "bits") (param i32 i64) (result i64)
    (i64.add (i64.extend_i32_u (i32.add (i32.clz (local.get 0)) (i32.mul (i32.ctz (local.get 0)) (i32.popcnt (local.get 0)))))
      (i64.add (i64.clz (local.get 1)) (i64.mul (i64.ctz (local.get 1)) (i64.popcnt (local.get 1))))))
  (func $consts (export "consts") (param i32) (result i64)
    (i32.store8 (local.get 0) (i32.const 0x1ff))
    (i32.store16 offset=2 (local.get 0) (i32.const -2))
    (i32.store offset=4 (local.get 0) (i32.const 0xdeadbeef))
    (i64.store offset=8 (local.get 0) (i64.const -5))
    (i64.store32 offset=16 (local.get 0) (i64.const 0x123456789))
    (i64.store16 offset=20 (local.get 0) (i64.const 0x10001))
    (i64.store offset=24 (local.get 0) (i64.const 0x7fffffffffff))
    (i64.add (i64.add (i64.load (local.get 0)) (i64.load offset=8 (local.get 0)))
      (i64.add (i64.load offset=16 (local.get 0)) (i64.load offset=24 (local.get 0)))))
  (func $float (export "float") (param i32) (result i32)
    (i32.trunc_f64_s (f64.mul (f64.convert_i32_s (call $fib (local.get 0))) (f64.const 0.5))))
)`;

const ARGS: Record<string, unknown[][]> = {
  fib: [[0], [1], [2], [15], [20]],
  mix: [[0, 3n], [100, 7n], [1000, -9n], [1000, 0x123456789abcdefn]],
  shifts: [[1, 0, 1n, 0n], [0x80000001, 31, -1n, 63n], [12345, 33, 0x1234n, 65n], [-7, -1, -5n, -1n]],
  cmp: [[1, 2, 3n, 4n], [-1, 1, -5n, 5n], [2, 2, 0n, 0n], [0x80000000, 0x7fffffff, -(2n ** 63n), 2n ** 63n - 1n]],
  table: [[0], [1], [2], [3], [4], [-1]],
  multi: [[5], [1]],
  oob: [[0], [65520], [65521], [-1]],
  store_oob: [[0, 0x1234n], [1, 1n], [2, 2n], [0xffffffff, 3n]],
  deep: [[4], [1], [70000]],
  float: [[10]],
  consts: [[64], [65504], [65505]],
  divs: [[7, 2, 7n, 2n], [-7, 2, -7n, 2n], [0x80000000, -1, 5n, 3n], [5, 3, -(2n ** 63n), -1n], [5, 0, 5n, 3n], [5, 3, 5n, 0n], [-1, 0x7fffffff, -1n, 2n ** 62n]],
  rem1: [[0x80000000], [5], [-9]],
  bits: [[0, 0n], [1, 1n], [0x80000000, -(2n ** 63n)], [0xf0f0, 0xff00n]],
};

/** What a call does: its result, or its trap and the frames of the backtrace. */
function outcome(f: () => unknown): unknown {
  try {
    const r = f();
    return typeof r === 'bigint' ? `${r}n` : r;
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    return { trap: e.trap, frames: e.frames.map((fr) => [fr.funcIndex, fr.offset]) };
  }
}

function run(exports: Exports, seed: number): unknown[] {
  const out: unknown[] = [];
  exports.fill!(5000, seed);
  for (const [name, cases] of Object.entries(ARGS)) for (const args of cases) out.push([name, args.map(String), outcome(() => exports[name]!(...args))]);
  return out;
}

describe('optimizing tier: end to end', () => {
  let bytes: Uint8Array;
  before(async () => {
    bytes = await watNamed(PROGRAM);
  });

  for (const boundsChecks of ['guard', 'explicit'] as const) {
    it(`${boundsChecks} bounds: every result, trap and backtrace equals the baseline tier's`, () => {
      const before = optimizingTierStats.optimized;
      const fellBack = optimizingTierStats.fallbacks.get('operator 0xb7') ?? 0;
      const results = (['baseline', 'optimized'] as const).map((tier) => {
        const engine = new Engine({ tier, boundsChecks });
        return run(engine.instantiate(engine.compile(bytes)).exports as Exports, 17);
      });
      expect(results[1]).to.deep.equal(results[0]);
      // All but $float were optimized; $float (f64) fell back, and calls $fib across tiers.
      expect(optimizingTierStats.optimized - before).to.equal(16);
      expect(optimizingTierStats.fallbacks.get('operator 0xb7')).to.equal(fellBack + 1);
    });
  }

  it('traps carry the trap codes and the frames V8 reports', () => {
    const engine = new Engine({ tier: 'optimized' });
    const ours = engine.instantiate(engine.compile(bytes)).exports as Exports;
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Exports;
    const v8Frames = (e: unknown): number[][] =>
      [...String((e as Error).stack).matchAll(/wasm-function\[(\d+)\]:0x([0-9a-f]+)/g)].map((m) => [Number(m[1]), parseInt(m[2]!, 16)]);
    for (const [name, args, trap] of [['deep', [70000], 'out_of_bounds_memory'], ['deep', [1], 'unreachable'], ['store_oob', [2, 1n], 'out_of_bounds_memory']] as const) {
      void args;
      const a = thrown(() => ours[name]!(...args)) as RuntimeError;
      expect(a).to.be.instanceOf(RuntimeError);
      expect(a.trap).to.equal(trap);
      expect(a.frames.map((f) => [f.funcIndex, f.offset])).to.deep.equal(v8Frames(thrown(() => v8[name]!(...args))));
    }
  });

  it('unbounded recursion traps stack_overflow at the prologue check', () => {
    const engine = new Engine({ tier: 'optimized', maxWasmStack: 256 * 1024 });
    const e = thrown(() => (engine.instantiate(engine.compile(bytes)).exports as Exports).down!(0)) as RuntimeError;
    expect(e).to.be.instanceOf(RuntimeError);
    expect(e.trap).to.equal('stack_overflow');
    // As deep a backtrace as the baseline tier's (the walk stops at its cap).
    const base = new Engine({ tier: 'baseline', maxWasmStack: 256 * 1024 });
    const b = thrown(() => (base.instantiate(base.compile(bytes)).exports as Exports).down!(0)) as RuntimeError;
    expect(e.frames.length).to.be.greaterThan(32);
    expect(e.frames.length).to.equal(b.frames.length);
  });

  it('with fuel or epoch interruption every function stays baseline (counted)', () => {
    const reason = 'fuel or interrupts enabled';
    const before = optimizingTierStats.fallbacks.get(reason) ?? 0;
    const engine = new Engine({ tier: 'optimized', consumeFuel: true });
    const ex = engine.instantiate(engine.compile(bytes)).exports as Exports;
    expect(ex.fib!(10)).to.equal(55);
    expect(optimizingTierStats.fallbacks.get(reason)).to.equal(before + 17);
  });

  it('the tier option is checked', () => {
    expect(() => new Engine({ tier: 'turbo' as 'optimized' })).to.throw(TypeError, /tier must be 'baseline' or 'optimized'/);
  });
});
