// The one interface the script runner drives an engine through: wasmjit's own
// (wasmjit-adapter.ts) and, in the tests, Node's WebAssembly as the reference.

import type { Value, ValType } from './values.js';

export type Imports = Record<string, Record<string, unknown>>;

export interface EngineAdapter {
  readonly name: string;
  /**
   * True when values cross a JS-number boundary that quiets signalling NaNs (the JS API).
   * Only then are quiet-bit-only mismatches excused.
   */
  readonly quietsSignallingNaNs: boolean;
  /** Decode + validate + compile. Throws (see isCompileError) on bad modules. */
  compile(bytes: Uint8Array): unknown;
  /** Link + run start; synchronous. */
  instantiate(module: unknown, imports: Imports): { exports: Record<string, unknown> };
  /**
   * Calls an exported function. resultTypes come from the expected results when there are
   * any (a bare `invoke` has none, and its results are then typed best-effort).
   */
  call(fn: unknown, args: Value[], resultTypes?: ValType[]): Value[];
  /** Reads an exported global; the type comes from the expected result. */
  getGlobal(global: unknown, type?: ValType): Value;
  isCompileError(e: unknown): boolean;
  isLinkError(e: unknown): boolean;
  /** A wasm trap (including call-stack exhaustion). */
  isRuntimeError(e: unknown): boolean;
  /** Trap code (see traps.ts) when the engine can tell; undefined skips the kind check. */
  trapKind?(e: unknown): string | undefined;
  /**
   * The wasm feature a compile error says the engine does not implement yet (the runner
   * then skips with that name instead of failing), else undefined.
   */
  unsupportedFeature?(e: unknown): string | undefined;
  /** The module names a compiled module imports from (to tell which registrations it needs). */
  importModules?(module: unknown): string[];
  /** The `spectest` host module, built from this engine's Memory/Table/Global. */
  makeSpectest(): Record<string, unknown>;
}

/** A no-op host function: the harness does not check what print prints. */
export function printStub(): void {}

export const SPECTEST_FUNCS = ['print', 'print_i32', 'print_i64', 'print_f32', 'print_f64', 'print_i32_f32', 'print_f64_f64'];

/** The spectest module's globals, table and memory, from an engine's JS-API-shaped classes. */
export function makeSpectestFrom(api: {
  Global: new (d: { value: string; mutable?: boolean }, v: unknown) => unknown;
  Table: new (d: { element: string; initial: number; maximum?: number; address?: 'i64' }) => unknown;
  Memory: new (d: { initial: number; maximum?: number }) => unknown;
}): Record<string, unknown> {
  const spectest: Record<string, unknown> = {
    global_i32: new api.Global({ value: 'i32' }, 666),
    global_i64: new api.Global({ value: 'i64' }, 666n),
    global_f32: new api.Global({ value: 'f32' }, 666.6),
    global_f64: new api.Global({ value: 'f64' }, 666.6),
    table: new api.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
    memory: new api.Memory({ initial: 1, maximum: 2 }),
  };
  // table64 (memory64 proposal): only where the engine's Table takes the address type.
  try {
    spectest.table64 = new api.Table({ element: 'anyfunc', initial: 10, maximum: 20, address: 'i64' });
  } catch {
    // an engine without table64: modules importing it fail to link, as they should there
  }
  for (const f of SPECTEST_FUNCS) spectest[f] = printStub;
  return spectest;
}
