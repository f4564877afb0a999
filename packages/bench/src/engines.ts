// The engines compared, and how each is started. Every column runs in its own node process:
// V8's tiering flags are per-process, and a fresh process keeps one engine's JIT state and
// garbage from skewing another's numbers.
import type { ColumnId } from './types.js';
import type { Exports } from './drivers.js';

/**
 * node flags per column. Liftoff: --liftoff-only forbids TurboFan, and tier-up is switched
 * off explicitly as well (--no-wasm-tier-up, --no-wasm-dynamic-tiering) so the column is a
 * true baseline-compiler measurement. TurboFan: --no-liftoff compiles every function with
 * the optimizing compiler from the start. wasmjit: node's defaults (its own code is JS).
 */
export const COLUMN_FLAGS: Record<ColumnId, readonly string[]> = {
  wasmjit: [],
  liftoff: ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'],
  turbofan: ['--no-liftoff'],
};

/** Added for the compile-speed section: compile everything up front, on one thread. */
export const COMPILE_FLAGS: readonly string[] = ['--no-wasm-lazy-compilation', '--single-threaded'];

export type EngineKind = 'wasmjit' | 'v8';

export function engineKind(column: ColumnId): EngineKind {
  return column === 'wasmjit' ? 'wasmjit' : 'v8';
}

/** Options for wasmjit's Engine (EngineOptions plus switches that may not exist yet). */
export type WasmjitOptions = Record<string, unknown>;

interface WasmjitRuntime {
  Engine: new (options?: WasmjitOptions) => {
    compile(bytes: Uint8Array): unknown;
    instantiate(module: unknown, imports?: object): { exports: Exports };
  };
}

let runtime: Promise<WasmjitRuntime> | undefined;
/** Loaded on first use, so V8 columns never load wasmjit (or its native add-on) at all. */
export function loadWasmjit(): Promise<WasmjitRuntime> {
  return (runtime ??= import('@wasmjit/runtime') as unknown as Promise<WasmjitRuntime>);
}

export async function instantiate(kind: EngineKind, bytes: Uint8Array, imports: object, options: WasmjitOptions = {}): Promise<Exports> {
  if (kind === 'v8') {
    const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    return new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports as Exports;
  }
  const rt = await loadWasmjit();
  const engine = new rt.Engine(options);
  return engine.instantiate(engine.compile(bytes), imports).exports;
}

/**
 * A module wasmjit rejects (CompileError: a feature it does not compile yet; LinkError: an
 * import or linking feature it lacks) is "unsupported", not a failure: its row says so.
 */
export function isUnsupported(e: unknown): boolean {
  return e instanceof Error && (e.name === 'CompileError' || e.name === 'LinkError');
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : `${e.name}: `}${e.message.split('\n')[0]}`;
  return String(e);
}
