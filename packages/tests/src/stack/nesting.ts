// wasm → JS → wasm nesting scenarios. They return plain data, so the same code runs on the
// main thread and in worker_threads (nesting-worker-entry.ts); the tests assert on it.
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { native, nativeTestImports, watNamed, type Exports } from './support.js';

/**
 * nest(k, n): recurses k wasm frames deep, then calls the JS import down(n), which normally
 * calls nest again one level deeper; returns what down returned, plus one.
 */
export const NEST = `(module
  (import "js" "down" (func $down (param i32) (result i32)))
  (func $rec (param $k i32) (param $n i32) (result i32)
    (if (result i32) (local.get $k)
      (then (call $rec (i32.sub (local.get $k) (i32.const 1)) (local.get $n)))
      (else (call $down (local.get $n)))))
  (func (export "nest") (param $k i32) (param $n i32) (result i32)
    (i32.add (call $rec (local.get $k) (local.get $n)) (i32.const 1))))`;

export interface NestEnd {
  /** Deepest level whose import ran (level 1 is the import of the outermost call). */
  depth: number;
  /** What came out of the outermost call. */
  name: string;
  trap?: string;
  message: string;
  /** It is the very object the innermost level saw: nothing was rewrapped on the way up. */
  same: boolean;
  /** sp in the level-1 import minus sp in the deepest one: the stack the whole nest took. */
  spanBytes: number;
  /** sp in the deepest import minus the thread's lowest usable address. */
  bottomAboveLow: number;
}

interface Harness {
  ex: Exports;
  /** What down(n) does; by default, the next level. */
  down: { fn: (n: number) => number };
}

async function nestInstance(engine: Engine): Promise<Harness> {
  const h: Harness = { ex: {}, down: { fn: () => 0 } };
  const imports = { js: { down: (n: number) => h.down.fn(n) } };
  h.ex = engine.instantiate(engine.compile(await watNamed(NEST)), imports).exports as Exports;
  return h;
}

/** Unbounded nesting (k = 0: no wasm recursion in between) until something gives out. */
function nestToTheEnd(h: Harness): NestEnd {
  const low = native.stackInfo().low;
  let depth = 0;
  let firstSp = 0;
  let lastSp = 0;
  let innermost: { e: unknown } | undefined;
  h.down.fn = (n) => {
    depth = n;
    lastSp = native.stackInfo().sp;
    if (n === 1) firstSp = lastSp;
    try {
      return h.ex.nest!(0, n + 1) as number;
    } catch (e) {
      innermost ??= { e };
      throw e;
    }
  };
  let caught: unknown;
  try {
    h.ex.nest!(0, 1);
  } catch (e) {
    caught = e;
  }
  const err = caught as Error;
  return {
    depth,
    name: err?.name ?? typeof caught,
    trap: caught instanceof RuntimeError ? caught.trap : undefined,
    message: String(err?.message ?? caught),
    same: innermost !== undefined && innermost.e === caught,
    spanBytes: firstSp - lastSp,
    bottomAboveLow: lastSp - low,
  };
}

export interface NestResult {
  first: NestEnd;
  /** The same again: the thread and the instance are intact. */
  second: NestEnd;
  /** A bounded nest of 50 levels afterwards: its value. */
  after: number;
}

export async function nestingScenario(engine: Engine): Promise<NestResult> {
  const h = await nestInstance(engine);
  const first = nestToTheEnd(h);
  const second = nestToTheEnd(h);
  h.down.fn = (n) => (n < 50 ? (h.ex.nest!(0, n + 1) as number) : 0);
  return { first, second, after: h.ex.nest!(0, 1) as number };
}

/**
 * The wasm budget a nested entry finds at each of `levels` levels of nesting, each level's
 * wasm recursing k frames deep first: what stack_headroom reports when JS calls it (an entry
 * of its own) from the import.
 */
export async function budgetPerLevel(engine: Engine, k: number, levels: number): Promise<number[]> {
  const h = await nestInstance(engine);
  const headroom = nativeTestImports().stack_headroom;
  const seen: number[] = [];
  h.down.fn = (n) => {
    seen.push(Number(headroom() as bigint));
    return n < levels ? (h.ex.nest!(k, n + 1) as number) : 0;
  };
  h.ex.nest!(k, 1);
  return seen;
}
