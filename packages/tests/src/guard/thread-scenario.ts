// What every thread of the worker test runs (main thread and workers alike): a guard-mode
// instance hammered with out-of-bounds accesses (some several calls deep) interleaved with
// in-bounds work whose results are checked.
import { Engine } from '@wasmjit/runtime';
import { native, PAGE, trapOf, wat, type Exports } from './support.js';

export const SCENARIO_WAT = `(module
  (memory (export "mem") 2 2)
  (func $fill (export "fill") (param $addr i32) (param $n i32) (param $seed i64)
    (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i64.store (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 3)))
                 (i64.mul (local.get $seed) (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func $sum (export "sum") (param $addr i32) (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i64.add (local.get $acc)
        (i64.load (i32.add (local.get $addr) (i32.shl (local.get $i) (i32.const 3))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  (func $peek (export "peek") (param i32) (result i32) (i32.load offset=2 (local.get 0)))
  (func $deep2 (param i32) (result i32) (call $peek (local.get 0)))
  (func $deep1 (export "deep") (param i32) (result i32) (i32.add (call $deep2 (local.get 0)) (i32.const 1))))`;

export interface ThreadResult {
  /** Size of the thread's alternate signal stack after instantiation (0: none). */
  altStack: number;
  traps: number;
  /** Out-of-bounds accesses that did not trap out_of_bounds_memory (must be 0). */
  wrong: string[];
  /** In-bounds sums that matched. */
  sums: number;
  /** Frames reported for a trap three calls deep (peek, deep2, deep). */
  deepFrames: number;
}

const SIZE = 2 * PAGE;

export async function threadScenario(iterations: number, seed: number): Promise<ThreadResult> {
  const engine = new Engine({ boundsChecks: 'guard' });
  const ex = engine.instantiate(engine.compile(await wat(SCENARIO_WAT))).exports as Exports;
  const altStack = native.signalsInstall(); // already done by instantiation: returns the size
  const out: ThreadResult = { altStack, traps: 0, wrong: [], sums: 0, deepFrames: 0 };
  const n = 64;
  for (let i = 0; i < iterations; i++) {
    const addr = ((i * 8 * 131) % (SIZE - n * 8)) & ~7;
    const s = BigInt(seed + i);
    ex.fill!(addr, n, s);
    if (ex.sum!(addr, n) === BigInt.asIntN(64, s * BigInt((n * (n + 1)) / 2))) out.sums++;
    // Out of bounds by 1..8 bytes at the end, far past it, and at the top of the u32 range.
    const bad = [SIZE - 5 + (i % 4), SIZE + i, 0xffffffff - (i % 16)][i % 3]!;
    const t = trapOf(() => (i % 2 === 0 ? ex.peek!(bad) : ex.deep!(bad)));
    if (t === 'out_of_bounds_memory') out.traps++;
    else out.wrong.push(`${bad}: ${t}`);
  }
  try {
    ex.deep!(SIZE);
    out.wrong.push('deep: no trap');
  } catch (e) {
    const err = e as { trap?: string; frames?: unknown[] };
    if (err.trap === 'out_of_bounds_memory') out.traps++;
    else out.wrong.push(`deep: ${String(e)}`);
    out.deepFrames = (err.frames ?? []).length;
  }
  return out;
}
