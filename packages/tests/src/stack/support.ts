// Shared by the stack tests, the worker / child-process scenario runs and the stack-check
// benchmark: wat → bytes with a name section, and access to the runtime's internals.
//
// @wasmjit/runtime only exports its public API, so the test-only pieces (the native binding,
// the native test imports) are imported from its build output, as ../native/helpers.ts does.
import { native } from '../../../runtime/dist/native.js';
import { nativeTestImports } from '../../../runtime/dist/test-imports.js';

export { native, nativeTestImports };

export const KiB = 1024;
export const MiB = 1024 * KiB;

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Promise<Wabt> | undefined;

/** wat text → wasm bytes, with the name section (function names appear in backtraces). */
export async function watNamed(text: string, names = true): Promise<Uint8Array> {
  wabt ??= import('wabt').then((m) => m.default());
  const w = await wabt;
  const mod = w.parseWat('stack.wat', text, { multi_value: true, reference_types: true, bulk_memory: true });
  try {
    return new Uint8Array(mod.toBinary({ write_debug_names: names }).buffer);
  } finally {
    mod.destroy();
  }
}

export type Fn = (...args: unknown[]) => unknown;
export type Exports = Record<string, Fn>;

/** The error `f` throws (fails if it returns). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, but the call returned');
}

/** Largest n in [0, hi] for which ok(n) holds, assuming ok is monotone (true then false). */
export function largestOk(ok: (n: number) => boolean, hi: number): number {
  let lo = 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A plain JS recursion `n` deep (what a "modestly recursive" import does). */
export function jsRecurse(n: number): number {
  return n === 0 ? 0 : 1 + jsRecurse(n - 1);
}

/**
 * Runs f with this thread's wasm stack pinned to `bytes` (native.testPinWasmStack), so that a
 * reserve or budget larger than it puts the limit at (or past) its bottom; unpins afterwards.
 */
export function withPinnedWasmStack<T>(bytes: number, f: () => T): T {
  native.testPinWasmStack(bytes);
  try {
    return f();
  } finally {
    native.testPinWasmStack(0);
  }
}
