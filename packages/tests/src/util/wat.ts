// Test helper: wat text → wasm bytes (wabt.js), and instantiation in wasmjit and in V8.
import { Engine, type Instance } from '@wasmjit/runtime';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Promise<Wabt> | undefined;

export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= import('wabt').then((m) => m.default());
  const w = await wabt;
  const mod = w.parseWat('test.wat', text, {
    multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true, mutable_globals: true,
  });
  try {
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

export type Exports = Record<string, (...args: unknown[]) => unknown>;

export interface Both {
  ours: Exports;
  v8: Exports;
  instance: Instance;
}

/** Instantiate the same bytes in wasmjit and V8. */
export function both(bytes: Uint8Array, imports: Record<string, Record<string, unknown>> = {}, engine = new Engine()): Both {
  const instance = engine.instantiate(engine.compile(bytes), imports);
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports as WebAssembly.Imports);
  return { ours: instance.exports as Exports, v8: v8.exports as unknown as Exports, instance };
}

/** Call `name` in both engines; returns [ours, v8] as { value } or { error }. */
export function callBoth(b: Both, name: string, args: unknown[]): [Outcome, Outcome] {
  return [outcome(() => b.ours[name]!(...args)), outcome(() => b.v8[name]!(...args))];
}

export type Outcome = { value: unknown } | { error: string };

function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

/** A small seeded PRNG (mulberry32) so value sweeps are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
