// The state an Instance is assembled from. Each linking step (functions, memory, tables and
// globals, segments) lives in its own file and works on this.
import type { VmctxLayout, WasmModule } from '@wasmjit/codegen';
import type { DataRegion } from './code-memory.js';
import type { CompiledParts, Module } from './module.js';
import type { RefDomain } from './ref-domain.js';
import type { TableStore } from './table-store.js';
import type { GlobalSlot } from './global.js';

export type Imports = Record<string, Record<string, unknown>>;

/** Where a call to an imported function goes: its own instance's code and vmctx for a wasmjit function, else this instance's host thunk. */
export interface ImportTarget {
  readonly code: number;
  readonly vmctx: number;
}

export interface InstanceBuild {
  readonly module: Module;
  /** What the module's code is (never read through the Module's own properties). */
  readonly parts: CompiledParts;
  readonly wasm: WasmModule;
  readonly layout: VmctxLayout;
  readonly vmctx: DataRegion;
  readonly view: DataView;
  readonly imports: Imports;
  /** The instance's reference domain: the tables and reference globals it defines get it. */
  readonly domain: RefDomain;
  /**
   * Domains of the imported wasm functions, tables and reference globals, which the instance
   * joins once linking has succeeded (before anything can store its references elsewhere).
   */
  readonly linked: RefDomain[];
  /** By imported function index. */
  readonly importTargets: ImportTarget[];
  /** Runtime builtins by Builtin id (see abi.ts), called from native host_call. */
  readonly builtins: (() => void)[];
  /** Objects (Memory, Table, Global) this instance exports or imported, by kind and index. */
  readonly memories: unknown[];
  readonly tables: unknown[];
  readonly globals: unknown[];
  /** What the runtime uses of those tables and globals (never read through their properties). */
  readonly tableStores: TableStore[];
  readonly globalSlots: GlobalSlot[];
  /** Anything else the instance must keep while it lives (e.g. collection trackers). */
  readonly keep: object[];
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
