// The C API's stack scenarios (issue: native imports at the deepest wasm recursion, native
// code calling back into overflowing wasm), returning plain data so the same code runs on the
// main thread and in a worker with a 1 MB stack (worker-entry.ts); the tests assert on it.
import { createRequire } from 'node:module';
import { Engine, RuntimeError, nativeApi, nativeFunction } from '@wasmjit/runtime';
import type { SampleAddon } from '@wasmjit/sample-addon';
import { KiB, nativeTestImports, watNamed, type Exports } from '../stack/support.js';

const require = createRequire(import.meta.url);

/** The sample add-on (packages/sample-addon), initialised on this thread. */
export function sampleAddon(): SampleAddon {
  return (require('@wasmjit/sample-addon') as typeof import('@wasmjit/sample-addon')).init(nativeApi());
}

/** dive() recurses while more than `slack` bytes are left above the limit, then does `what`. */
export const CAPI_DIVE = `(module
  (import "t" "stack_headroom" (func $headroom (result i64)))
  (import "n" "use_stack" (func $use_stack (param i32) (result i32)))
  (import "n" "callback" (func $callback (param i32) (result i32)))
  (import "n" "overflow" (func $overflow (param i32) (result i32)))
  (func $dive (export "dive") (param $slack i64) (param $what i32) (param $arg i32) (result i64)
    (if (result i64) (i64.ge_s (call $headroom) (local.get $slack))
      (then (i64.add (call $dive (local.get $slack) (local.get $what) (local.get $arg)) (i64.const 0x100000000)))
      (else
        (if (result i64) (i32.eq (local.get $what) (i32.const 1))
          (then (i64.extend_i32_u (call $use_stack (local.get $arg))))
          (else (if (result i64) (i32.eq (local.get $what) (i32.const 2))
            (then (i64.extend_i32_u (call $callback (local.get $arg))))
            (else (if (result i64) (i32.eq (local.get $what) (i32.const 3))
              (then (i64.extend_i32_u (call $overflow (local.get $arg))))
              (else (call $headroom))))))))))
  (func $runaway (export "runaway") (param i32) (result i32)
    (i32.add (call $runaway (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "via_callback") (param i32) (result i32)
    (i32.add (call $callback (local.get 0)) (i32.const 1))))`;

export const SLACK = 256n;
export const NATIVE_BYTES = 200 * KiB;

/** What use_stack(bytes) returns: the sum of the page numbers it wrote. */
export function useStackSum(bytes: number): number {
  let sum = 0;
  for (let off = bytes; off >= 4096; off -= 4096) sum += (off / 4096) & 0x7f;
  return sum;
}

export interface Harness {
  addon: SampleAddon;
  ex: Exports;
}

export async function capiInstance(engine = new Engine()): Promise<Harness> {
  const addon = sampleAddon();
  const imports = { t: nativeTestImports() as unknown as Record<string, unknown>, n: addon.imports() };
  const ex = engine.instantiate(engine.compile(await watNamed(CAPI_DIVE)), imports as never).exports as Exports;
  return { addon, ex };
}

type Failure = { kind: 'trap'; trap: string; message: string } | { kind: 'error'; message: string };
function failure(f: () => unknown): Failure | { kind: 'value'; value: string } {
  try {
    return { kind: 'value', value: String(f()) };
  } catch (e) {
    if (e instanceof RuntimeError) return { kind: 'trap', trap: e.trap, message: e.message };
    return { kind: 'error', message: String((e as Error)?.message ?? e) };
  }
}

export interface CapiReport {
  /** Levels dive() reached and the headroom left there. */
  depth: number;
  headroom: number;
  /** use_stack(200 KiB) at that depth, five times: its results and the depth the way back reported. */
  deepNative: { sum: number; depth: number }[];
  expectedSum: number;
  /** callback → runaway wasm, from shallow and from the deepest point. */
  overflowShallow: { outcome: Failure | { kind: 'value'; value: string }; calls: number; cleanups: number; lastError: string };
  overflowDeep: { outcome: Failure | { kind: 'value'; value: string }; calls: number; cleanups: number };
  /** callback → via_callback → callback → ... until the wasm stack runs out. */
  pingPong: { outcome: Failure | { kind: 'value'; value: string }; calls: number; cleanups: number };
  /** C → wasm → JS import → C → wasm ... 200 levels deep (an N-API callback calling wasm
   * whose JS import calls the add-on again): the value, and JS calls after it. */
  jsThroughC: { value: number; levels: number };
  /** The same without a bound: how it ends (JS runs out of stack or wasm does), and a call after. */
  jsThroughCUnbounded: { outcome: Failure | { kind: 'value'; value: string }; levels: number; after: number };
  /** A normal call afterwards. */
  after: string;
}

const VIA_JS = `(module
  (import "js" "up" (func $up (param i32) (result i32)))
  (func (export "via_js") (param i32) (result i32) (i32.add (call $up (local.get 0)) (i32.const 1))))`;

async function jsThroughC(addon: SampleAddon): Promise<Pick<CapiReport, 'jsThroughC' | 'jsThroughCUnbounded'>> {
  let levels = 0;
  let bounded = true;
  let handle: object | undefined;
  const up = (x: number): number => {
    levels++;
    return x > 0 || !bounded ? addon.callI32(handle!, x - 1) : 0;
  };
  const engine = new Engine();
  const ex = engine.instantiate(engine.compile(await watNamed(VIA_JS)), { js: { up } } as never).exports as Exports;
  handle = nativeFunction(ex.via_js);
  const value = addon.callI32(handle, 199);
  const bothLevels = levels;
  bounded = false;
  levels = 0;
  const outcome = failure(() => addon.callI32(handle!, 0));
  const unboundedLevels = levels;
  bounded = true;
  levels = 0;
  return {
    jsThroughC: { value, levels: bothLevels },
    jsThroughCUnbounded: { outcome, levels: unboundedLevels, after: addon.callI32(handle, 9) },
  };
}

export async function runCapiScenarios(): Promise<CapiReport> {
  const { addon, ex } = await capiInstance();
  const r0 = ex.dive!(SLACK, 0, 0) as bigint;
  const depth = Number(r0 >> 32n);
  const deepNative = [];
  for (let i = 0; i < 5; i++) {
    const r = ex.dive!(SLACK, 1, NATIVE_BYTES) as bigint;
    deepNative.push({ sum: Number(r & 0xffffffffn), depth: Number(r >> 32n) });
  }
  const counts = () => ({ calls: addon.callbackCalls(), cleanups: addon.cleanups() });

  addon.setCallback(nativeFunction(ex.runaway));
  let c0 = counts();
  const shallow = failure(() => ex.via_callback!(0));
  let c1 = counts();
  const overflowShallow = {
    outcome: shallow,
    calls: c1.calls - c0.calls,
    cleanups: c1.cleanups - c0.cleanups,
    lastError: addon.lastError(),
  };
  c0 = counts();
  const deep = failure(() => ex.dive!(SLACK, 2, 0));
  c1 = counts();
  const overflowDeep = { outcome: deep, calls: c1.calls - c0.calls, cleanups: c1.cleanups - c0.cleanups };

  addon.setCallback(nativeFunction(ex.via_callback));
  c0 = counts();
  const pp = failure(() => ex.via_callback!(0));
  c1 = counts();
  const pingPong = { outcome: pp, calls: c1.calls - c0.calls, cleanups: c1.cleanups - c0.cleanups };

  return {
    depth,
    headroom: Number(BigInt.asIntN(32, r0)),
    deepNative,
    expectedSum: useStackSum(NATIVE_BYTES),
    overflowShallow,
    overflowDeep,
    pingPong,
    ...(await jsThroughC(addon)),
    after: String(ex.dive!(SLACK, 0, 0) === r0),
  };
}
