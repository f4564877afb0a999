// Maximum recursion depth of the depth programs (depth-programs.ts) in wasmjit or in V8, on
// the calling thread. Shared by the depth benchmark's child processes and the default-depth
// test. Every run must either return the program's correct result or overflow the stack
// cleanly: wasmjit's RuntimeError with trap stack_overflow, V8's RangeError. Anything else
// (a wrong result, another error) throws.
import { Engine, RuntimeError, type EngineOptions } from '@wasmjit/runtime';
import type { DepthProgram } from './depth-programs.js';

export type DepthEngine = 'wasmjit' | 'v8';

type Run = (n: number) => number;

export function instantiateRun(engine: DepthEngine, bytes: Uint8Array, options: EngineOptions = {}): Run {
  if (engine === 'v8') {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
    return instance.exports.run as Run;
  }
  const e = new Engine(options);
  return e.instantiate(e.compile(bytes)).exports.run as Run;
}

/** True when `e` is the engine's clean stack overflow. */
export function isOverflow(engine: DepthEngine, e: unknown): boolean {
  if (engine === 'v8') return e instanceof RangeError && /call stack/.test(e.message);
  return e instanceof RuntimeError && e.trap === 'stack_overflow';
}

/** Whether run(n) completes; a wrong result or any error but a clean overflow throws. */
export function fits(engine: DepthEngine, p: DepthProgram, run: Run, n: number): boolean {
  let got: number;
  try {
    got = run(n);
  } catch (e) {
    if (isOverflow(engine, e)) return false;
    throw new Error(`${p.name}(${n}) in ${engine}: ${(e as Error).message}`);
  }
  if (got !== p.expected(n)) throw new Error(`${p.name}(${n}) in ${engine}: got ${got}, expected ${p.expected(n)}`);
  return true;
}

/**
 * The largest n for which run(n) completes: doubling up from 1,024, then bisection. Depth is
 * monotone for one call site, so this finds the exact edge (to the level).
 */
export function maxDepth(engine: DepthEngine, p: DepthProgram, run: Run): number {
  let lo = 0;
  let hi = 1024;
  while (fits(engine, p, run, hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 1 << 24) throw new Error(`${p.name}: no overflow below ${hi} levels`);
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (fits(engine, p, run, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
