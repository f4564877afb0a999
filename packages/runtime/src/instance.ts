// Instance: a vmctx (see abi.ts and layout.ts) filled with the engine settings, helper
// addresses and resolved imports, plus the JS-facing exports object. Linking is done in
// spec order: imports, globals, tables, memories, exports, element and data segments, start.
import { Vmctx, computeLayout, importedFuncOffset, funcType, type FuncType } from '@wasmjit/codegen';
import { allocData, type DataRegion } from './code-memory.js';
import { native } from './native.js';
import { LinkError } from './errors.js';
import { makeExportWrapper, makeHostCall, wasmFunctionInfo, type Liveness, type WasmFunction, type WasmFunctionInfo } from './func-wrappers.js';
import { registerInstance, retireInstance } from './host-dispatch.js';
import type { Module } from './module.js';
import type { Memory } from './memory.js';
import type { Engine } from './engine.js';
import { getDefaultEngine } from './engine.js';
import { importValue, putU64, type Imports, type InstanceBuild } from './instance-build.js';
import { exportMemory, initDataSegments, linkMemories } from './instance-memory.js';
import { exportGlobal, exportTable, initElemSegments, linkGlobals, linkTables } from './instance-tables.js';
import { readFuel, writeFuel } from './interruption.js';
import { NO_DEADLINE } from './epoch-counter.js';

export type { Imports } from './instance-build.js';

const helpers = native.helperAddresses();

export function sameSig(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

export class Instance {
  readonly exports: Record<string, unknown>;
  readonly module: Module;
  /** Kept alive as long as the instance: the code reads it on every call. */
  readonly vmctx: DataRegion;
  private readonly funcs: (WasmFunction | undefined)[] = [];
  /** Reports this instance's collection to host-dispatch.ts (frees its id). */
  readonly #tracker: object;
  readonly #id: number;
  readonly #liveness: Liveness = { disposed: false };
  /**
   * Its globals, tables and memories: the vmctx points into their native cells, arrays and
   * pages, which live only as long as these objects (code-memory.ts).
   */
  readonly #linked: { readonly globals: unknown[]; readonly tables: unknown[]; readonly memories: Memory[] };
  /** code/vmctx of each imported function (its own instance's for wasmjit functions). */
  readonly importTargets: { code: number; vmctx: number }[] = [];

  constructor(module: Module, imports: Imports = {}, engine: Engine = module.engine ?? getDefaultEngine()) {
    this.module = module;
    const wasm = module.wasm;
    const layout = computeLayout(wasm);
    this.vmctx = allocData(layout.size);
    const b: InstanceBuild = {
      module, wasm, engine, layout, vmctx: this.vmctx, view: new DataView(this.vmctx.buffer), imports,
      builtins: [], memories: [], tables: [], globals: [],
    };
    putU64(b, Vmctx.HostCall, helpers.hostCall);
    putU64(b, Vmctx.TrapUnwind, helpers.trapUnwind);
    putU64(b, Vmctx.MaxWasmStack, engine.maxWasmStack);
    putU64(b, Vmctx.HostStackReserve, engine.hostStackReserve);
    this.initInterruption(b);

    const hostCalls = this.linkFunctions(b);
    const registered = registerInstance(hostCalls, b.builtins);
    this.#tracker = registered.tracker;
    this.#id = registered.id;
    putU64(b, Vmctx.InstanceId, registered.id);
    linkGlobals(b);
    linkTables(b, this);
    linkMemories(b, registered.id);
    this.#linked = { globals: b.globals, tables: b.tables, memories: b.memories as Memory[] };
    this.exports = this.buildExports(b);
    initElemSegments(b, this);
    initDataSegments(b);
    if (wasm.start !== undefined) this.funcRef(wasm.start)();
  }

  /**
   * Epoch and fuel fields (epoch-counter.ts, interruption.ts), before anything can run. They
   * follow the engine the module was compiled with: that is the one whose checks are in the
   * code.
   */
  private initInterruption(b: InstanceBuild): void {
    const { epoch, consumeFuel, initialFuel } = this.module.engine;
    putU64(b, Vmctx.EpochDeadline, NO_DEADLINE);
    if (epoch !== null) {
      putU64(b, Vmctx.EpochPtr, epoch.address);
      epoch.track(this);
    }
    if (consumeFuel) writeFuel(this, initialFuel);
  }

  /**
   * Trap `interrupt` once the engine's epoch has advanced `ticks` beyond its current value
   * (0: at the next function entry or loop header; Infinity: never, the default). Requires
   * an engine with epochInterruption. After an interrupt the instance is usable again, but
   * the deadline has passed: set a new one before calling it.
   */
  setEpochDeadline(ticks: number | bigint): void {
    const epoch = this.module.engine.epoch;
    if (epoch === null) throw new TypeError('wasmjit: setEpochDeadline needs an Engine created with { epochInterruption: true }');
    epoch.setDeadline(this, epoch.deadlineAfter(ticks));
  }

  /** Sets the instance's fuel (a non-negative integer; Infinity: 2^63 - 1). Requires consumeFuel. */
  setFuel(fuel: number | bigint): void {
    this.requireFuel('setFuel');
    writeFuel(this, fuel);
  }

  /** Fuel left (0 after an out_of_fuel trap). Above 2^53 the number is approximate. */
  fuelRemaining(): number {
    this.requireFuel('fuelRemaining');
    return readFuel(this);
  }

  private requireFuel(what: string): void {
    if (!this.module.engine.consumeFuel) throw new TypeError(`wasmjit: ${what} needs an Engine created with { consumeFuel: true }`);
  }

  private linkFunctions(b: InstanceBuild): (() => void)[] {
    const hostCalls: (() => void)[] = [];
    let index = 0;
    for (const imp of b.wasm.imports) {
      if (imp.desc.kind !== 'func') continue;
      const value = importValue(b, imp.module, imp.name);
      const where = `import "${imp.module}" "${imp.name}"`;
      if (typeof value !== 'function') throw new LinkError(`${where}: function import requires a callable`);
      const sig = b.wasm.types[imp.desc.typeIndex]!;
      const info = (value as WasmFunction)[wasmFunctionInfo];
      if (info) {
        if (!sameSig(info.sig, sig)) throw new LinkError(`${where}: imported function does not match the expected type`);
        this.importTargets[index] = { code: info.code, vmctx: info.vmctx };
        this.funcs[index] = value as WasmFunction;
      } else {
        this.importTargets[index] = { code: b.module.funcAddress(index), vmctx: this.vmctx.address };
        hostCalls[index] = makeHostCall(value as (...args: unknown[]) => unknown, sig);
      }
      putU64(b, importedFuncOffset(index), this.importTargets[index]!.code);
      putU64(b, importedFuncOffset(index) + 8, this.importTargets[index]!.vmctx);
      index++;
    }
    return hostCalls;
  }

  private buildExports(b: InstanceBuild): Record<string, unknown> {
    const exports: Record<string, unknown> = Object.create(null);
    for (const e of b.wasm.exports) {
      switch (e.kind) {
        case 'func': exports[e.name] = this.funcRef(e.index); break;
        case 'memory': exports[e.name] = exportMemory(b, e.index); break;
        case 'table': exports[e.name] = exportTable(b, e.index); break;
        case 'global': exports[e.name] = exportGlobal(b, e.index); break;
      }
    }
    return Object.freeze(exports);
  }

  /**
   * Releases now what only this instance holds, instead of when it is collected: the pages of
   * the memories it defines (Memory.dispose: other instances using them then trap out of
   * bounds) and its imports. Afterwards calling any of its exported functions throws a
   * TypeError, and its code, if still reached through a table, traps on a host call. The
   * Module, and so the code, stays usable for new instances. Idempotent.
   */
  dispose(): void {
    if (this.#liveness.disposed) return;
    this.#liveness.disposed = true;
    retireInstance(this.#id);
    const imported = this.module.wasm.imports.filter((i) => i.desc.kind === 'memory').length;
    this.#linked.memories.slice(imported).forEach((m) => m.dispose());
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The one JS function object for function `index` (cached: identity is observable). */
  funcRef(index: number): WasmFunction {
    let f = this.funcs[index];
    if (f) return f;
    const m = this.module.wasm;
    const imported = index < m.numImportedFuncs;
    const info: WasmFunctionInfo = {
      code: imported ? this.importTargets[index]!.code : this.module.funcAddress(index),
      vmctx: imported ? this.importTargets[index]!.vmctx : this.vmctx.address,
      sig: funcType(m, index),
      owner: this,
      liveness: this.#liveness,
    };
    f = makeExportWrapper(String(index), info);
    // The JS API names an exported function by its index ("0"), which is not an identifier.
    Object.defineProperty(f, 'name', { value: String(index) });
    this.funcs[index] = f;
    return f;
  }
}
