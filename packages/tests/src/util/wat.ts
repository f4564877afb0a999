// Test helper: wat text → wasm bytes (wabt.js), and instantiation in wasmjit and in V8.
import { Engine, type Instance } from '@wasmjit/runtime';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
let wabt: Promise<Wabt> | undefined;

/** Wasm 2.0 plus extended-const and tail calls: what the tests' text modules may use. */
const FEATURES = {
  multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, sat_float_to_int: true,
  mutable_globals: true, extended_const: true, tail_call: true,
};

export function loadWabt(): Promise<Wabt> {
  wabt ??= import('wabt').then((m) => m.default());
  return wabt;
}

/** Encodes a text module; with `names`, wabt also writes a name section. */
export async function wat(text: string, { names = false } = {}): Promise<Uint8Array> {
  const w = await loadWabt();
  const mod = w.parseWat('test.wat', text, FEATURES);
  try {
    return new Uint8Array(mod.toBinary({ write_debug_names: names }).buffer);
  } finally {
    mod.destroy();
  }
}

/** wabt's own verdict on a binary module: undefined if valid, else its error text. */
export async function wabtValidate(bytes: Uint8Array): Promise<string | undefined> {
  const w = await loadWabt();
  let m;
  try {
    m = w.readWasm(bytes, { readDebugNames: false, ...FEATURES });
    m.validate();
    return undefined;
  } catch (e) {
    return String((e as Error).message);
  } finally {
    m?.destroy();
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

