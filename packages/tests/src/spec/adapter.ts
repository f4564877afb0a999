// The one interface the spec runner drives engines through.

import type { Value, ValType } from './values.js';

export type Imports = Record<string, Record<string, unknown>>;

export interface EngineAdapter {
  readonly name: string;
  /**
   * True when values cross a JS-number boundary that quiets signalling NaNs
   * (the JS API). Only then are quiet-bit-only mismatches excused.
   */
  readonly quietsSignallingNaNs: boolean;
  /** Decode + validate + compile. Throws (see isCompileError) on bad modules. */
  compile(bytes: Uint8Array): unknown;
  /** Link + run start; synchronous. */
  instantiate(module: unknown, imports: Imports): { exports: Record<string, unknown> };
  /**
   * Call an exported function. paramTypes come from the script's argument
   * constants; resultTypes from the expected results when there are any
   * (a bare `invoke` has none, and its results are then best-effort typed).
   */
  call(fn: unknown, args: Value[], paramTypes?: ValType[], resultTypes?: ValType[]): Value[];
  /** Read an exported global; the type comes from the expected result. */
  getGlobal(global: unknown, type?: ValType): Value;
  isCompileError(e: unknown): boolean;
  isLinkError(e: unknown): boolean;
  /** A wasm trap (including call-stack exhaustion). */
  isRuntimeError(e: unknown): boolean;
  /** Trap code (see traps.ts) when the engine can tell; undefined skips the kind check. */
  trapKind?(e: unknown): string | undefined;
  /** The `spectest` host module, built from this engine's Memory/Table/Global. */
  makeSpectest(): Record<string, unknown>;
}

/** A no-op host function: the harness does not check what print prints. */
export function printStub(): void {}

export const SPECTEST_FUNCS = ['print', 'print_i32', 'print_i64', 'print_f32', 'print_f64', 'print_i32_f32', 'print_f64_f64'];
