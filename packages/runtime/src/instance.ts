// Instance: a vmctx (see abi.ts) filled with the engine settings, helper addresses and
// resolved imports, plus the JS-facing exports object.
import { Vmctx, importedFuncOffset, IMPORT_ENTRY_SIZE, type FuncType } from '@wasmjit/codegen';
import { allocData, type DataRegion } from './code-memory.js';
import { native } from './native.js';
import { LinkError } from './errors.js';
import { makeExportWrapper, makeHostCall, wasmFunctionInfo, type WasmFunction, type WasmFunctionInfo } from './func-wrappers.js';
import { registerInstance } from './host-dispatch.js';
import { Module } from './module.js';
import type { Engine } from './engine.js';
import { getDefaultEngine } from './engine.js';

export type Imports = Record<string, Record<string, unknown>>;

const helpers = native.helperAddresses();

function sameSig(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

export class Instance {
  readonly exports: Record<string, unknown>;
  readonly module: Module;
  private readonly vmctx: DataRegion;
  private readonly funcs: (WasmFunction | undefined)[] = [];
  /** code/vmctx of each imported function (its own instance's for wasmjit functions). */
  private readonly importTargets: { code: number; vmctx: number }[] = [];

  constructor(module: Module, imports: Imports = {}, engine: Engine = module.engine ?? getDefaultEngine()) {
    this.module = module;
    const m = module.wasm;
    const size = Vmctx.HeaderEnd + IMPORT_ENTRY_SIZE * m.numImportedFuncs;
    this.vmctx = allocData(size);
    const v = new DataView(this.vmctx.buffer);
    const put = (off: number, n: number) => v.setBigUint64(off, BigInt(n), true);
    put(Vmctx.HostCall, helpers.hostCall);
    put(Vmctx.TrapUnwind, helpers.trapUnwind);
    put(Vmctx.MemoryGrow, helpers.memoryGrow);
    put(Vmctx.MaxWasmStack, engine.maxWasmStack);
    put(Vmctx.HostStackReserve, engine.hostStackReserve);

    const hostCalls: (() => void)[] = [];
    let funcImport = 0;
    for (const imp of m.imports) {
      const value = imports[imp.module]?.[imp.name];
      if (imports[imp.module] === undefined || typeof imports[imp.module] !== 'object') {
        if (typeof imports[imp.module] !== 'function') throw new TypeError(`wasmjit: import module "${imp.module}" is not an object`);
      }
      const where = `import "${imp.module}" "${imp.name}"`;
      if (imp.desc.kind !== 'func') throw new LinkError(`${where}: ${imp.desc.kind} imports are not supported yet`);
      if (typeof value !== 'function') throw new LinkError(`${where}: function import requires a callable`);
      const index = funcImport++;
      const sig = m.types[imp.desc.typeIndex]!;
      const info = (value as WasmFunction)[wasmFunctionInfo];
      if (info) {
        if (!sameSig(info.sig, sig)) throw new LinkError(`${where}: imported function does not match the expected type`);
        this.importTargets[index] = { code: info.code, vmctx: info.vmctx };
        this.funcs[index] = value as WasmFunction;
      } else {
        this.importTargets[index] = { code: module.funcAddress(index), vmctx: this.vmctx.address };
        hostCalls[index] = makeHostCall(value as (...args: unknown[]) => unknown, sig);
      }
      put(importedFuncOffset(index), this.importTargets[index]!.code);
      put(importedFuncOffset(index) + 8, this.importTargets[index]!.vmctx);
    }
    put(Vmctx.InstanceId, registerInstance(hostCalls));

    const exports: Record<string, unknown> = Object.create(null);
    for (const e of m.exports) {
      if (e.kind === 'func') exports[e.name] = this.funcRef(e.index);
      else throw new LinkError(`export "${e.name}": ${e.kind} exports are not supported yet`);
    }
    this.exports = Object.freeze(exports);
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
      sig: m.types[m.funcs[index]!]!,
      owner: this,
    };
    f = makeExportWrapper(String(index), info);
    this.funcs[index] = f;
    return f;
  }
}
