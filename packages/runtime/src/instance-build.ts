// The state an Instance is assembled from. Each linking step (functions, memory, tables and
// globals, segments) lives in its own file and works on this.
import type { VmctxLayout, WasmModule } from '@wasmjit/codegen';
import type { DataRegion } from './code-memory.js';
import type { Engine } from './engine.js';
import type { Module } from './module.js';

export type Imports = Record<string, Record<string, unknown>>;

export interface InstanceBuild {
  readonly module: Module;
  readonly wasm: WasmModule;
  readonly engine: Engine;
  readonly layout: VmctxLayout;
  readonly vmctx: DataRegion;
  readonly view: DataView;
  readonly imports: Imports;
  /** Runtime builtins by Builtin id (see abi.ts), called from native host_call. */
  readonly builtins: (() => void)[];
  /** Objects (Memory, Table, Global) this instance exports or imported, by kind and index. */
  readonly memories: unknown[];
  readonly tables: unknown[];
  readonly globals: unknown[];
}

export function putU64(b: InstanceBuild, offset: number, value: number | bigint): void {
  b.view.setBigUint64(offset, BigInt(value), true);
}

/** The value imported for `imp`, or a LinkError-worthy description of what is missing. */
export function importValue(b: InstanceBuild, module: string, name: string): unknown {
  const ns = b.imports[module];
  if (ns === undefined || ns === null || (typeof ns !== 'object' && typeof ns !== 'function')) {
    throw new TypeError(`wasmjit: import module "${module}" is not an object`);
  }
  return (ns as Record<string, unknown>)[name];
}
