// Instance: a vmctx (see abi.ts and layout.ts) filled with the engine settings, helper
// addresses and resolved imports, plus the JS-facing exports object. Linking is done in
// spec order: imports, globals, tables, memories, exports, element and data segments, start.
import { Builtin, CallBuffer, FuncRefRecord, Vmctx, computeLayout, importedFuncOffset, funcType, type FuncType } from '@wasmjit/codegen';
import { allocData } from './code-memory.js';
import { cbI32 } from './call-buffer.js';
import { native } from './native.js';
import { LinkError } from './errors.js';
import type { HostCall } from './host-call.js';
import { nativeImportFunction } from './native-api.js';
import { makeExportWrapper, makeHostCall, wasmFunctionInfoOf, type WasmFunction, type WasmFunctionInfo } from './func-wrappers.js';
import { registerInstance } from './host-dispatch.js';
import { compiledParts, funcAddress, type Module } from './module.js';
import type { Memory } from './memory.js';
import { engineStackSettings, type Engine } from './engine.js';
import { importValue, putU64, type ImportTarget, type Imports, type InstanceBuild } from './instance-build.js';
import { exportMemory, initDataSegments, linkMemories } from './instance-memory.js';
import { exportGlobal, exportTable, initElemSegments, linkGlobals, linkTables } from './instance-tables.js';
import { readFuel, writeFuel } from './interruption.js';
import { NO_DEADLINE } from './epoch-counter.js';
import { RefDomain, type Member } from './ref-domain.js';
import { isTag, newTag, tagParams, type Tag } from './exceptions.js';
import { exceptionBuiltins } from './exception-unwind.js';
import { phases } from './startup-phases.js';
import { boundarySig } from './typed-refs.js';

export type { Imports } from './instance-build.js';

const helpers = native.helperAddresses();
const epochPoll = native.epochPollAddress();
/** Builtin.Poll: nothing to do; the JS call itself is where V8 runs pending interrupts. */
const poll = (): void => {};

export function sameSig(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

/** The instance's tags: the imported Tag objects (of the same type), then a new one per defined tag. */
function linkTags(b: InstanceBuild): Tag[] {
  const tags: Tag[] = [];
  for (const imp of b.wasm.imports) {
    if (imp.desc.kind !== 'tag') continue;
    const given = importValue(b, imp.module, imp.name);
    const where = `import "${imp.module}" "${imp.name}"`;
    if (!isTag(given)) throw new LinkError(`${where}: tag import requires a WebAssembly.Tag`);
    const want = boundarySig(b.wasm, b.wasm.types[imp.desc.typeIndex]!).params;
    const have = tagParams(given);
    if (have.length !== want.length || have.some((t, i) => t !== want[i])) throw new LinkError(`${where}: imported tag does not match the expected type`);
    tags.push(given);
  }
  for (let i = b.wasm.numImportedTags; i < b.wasm.tags.length; i++) tags.push(newTag(boundarySig(b.wasm, b.wasm.types[b.wasm.tags[i]!]!).params));
  return tags;
}

/** @internal The runtime's view of an instance (tests and tools; not exported by index.ts). */
export let memberOf: (instance: Instance) => Member;

export class Instance {
  static {
    memberOf = (instance) => instance.#member;
  }

  readonly #exports: Record<string, unknown>;
  /**
   * Everything the runtime knows of this instance (ref-domain.ts Member), kept private: no
   * program can replace or shadow its code addresses, vmctx or domain.
   */
  readonly #member: Member;
  readonly #funcs: (WasmFunction | undefined)[] = [];
  /** code/vmctx of each imported function (its own instance's for wasmjit functions). */
  readonly #importTargets: ImportTarget[] = [];
  /**
   * What the vmctx points into — the native cells, arrays and pages of its globals, tables
   * and memories, which live only as long as these objects (code-memory.ts) — and what else
   * linking asked it to keep.
   */
  readonly #linked: Pick<InstanceBuild, 'memories' | 'tables' | 'globals' | 'tableStores' | 'globalSlots' | 'keep'>;

  constructor(module: Module, imports: Imports = {}, engine?: Engine) {
    phases?.mark('(other work)');
    const parts = compiledParts(module);
    if (!parts) throw new TypeError('Instance: argument 0 must be a wasmjit Module');
    const stack = engineStackSettings(engine ?? parts.engine);
    if (!stack) throw new TypeError('Instance: argument 2 must be a wasmjit Engine');
    const { wasm } = parts;
    const layout = computeLayout(wasm);
    const vmctx = allocData(layout.size);
    const hostCalls: HostCall[] = [];
    const b: InstanceBuild = {
      module, parts, wasm, layout, vmctx, view: new DataView(vmctx.buffer), imports,
      domain: new RefDomain(), linked: [], importTargets: this.#importTargets,
      builtins: [], memories: [], tables: [], globals: [], tableStores: [], globalSlots: [], keep: [],
    };
    this.#member = {
      module, parts, vmctx,
      records: vmctx.address + layout.funcRefsOffset, recordCount: wasm.funcs.length,
      funcRef: (index) => this.#funcRef(index),
      hostCalls, builtins: b.builtins, builtinCalls: [], memories: b.memories, domain: b.domain, disposed: false,
      tags: linkTags(b),
    };
    const eh = exceptionBuiltins(this.#member);
    b.builtins[Builtin.Throw] = eh.throw;
    b.builtins[Builtin.ThrowRef] = eh.throwRef;
    b.builtins[Builtin.CatchPayload] = eh.catchPayload;
    putU64(b, Vmctx.HostCall, helpers.hostCall);
    putU64(b, Vmctx.TrapUnwind, helpers.trapUnwind);
    putU64(b, Vmctx.MaxWasmStack, stack.maxWasmStack);
    putU64(b, Vmctx.HostStackReserve, stack.hostStackReserve);
    this.#initInterruption(b);
    phases?.mark('instance: vmctx');
    this.#linkFunctions(b, hostCalls);
    registerInstance(this.#member);
    phases?.mark('instance: imports');
    linkGlobals(b);
    linkTables(b);
    phases?.mark('instance: globals, tables');
    linkMemories(b);
    phases?.mark('instance: memories');
    const { memories, tables, globals, tableStores, globalSlots, keep } = b;
    this.#linked = { memories, tables, globals, tableStores, globalSlots, keep };
    this.#exports = this.#buildExports(b);
    phases?.mark('instance: exports');
    // From here on this instance's references can reach the places it imported.
    for (const d of b.linked) this.#member.domain.join(d);
    initElemSegments(b);
    phases?.mark('instance: elem segments');
    initDataSegments(b);
    phases?.mark('instance: data segments');
    if (wasm.start !== undefined) this.#funcRef(wasm.start)();
  }

  /** The exports object: frozen, null prototype, in the module's export order. */
  get exports(): Record<string, unknown> {
    return this.#exports;
  }

  get module(): Module {
    return this.#member.module;
  }

  /**
   * Epoch, host-interrupt and fuel fields (epoch-counter.ts, interruption.ts), before
   * anything can run. They follow the engine the module was compiled with: that is the one
   * whose checks are in the code.
   */
  #initInterruption(b: InstanceBuild): void {
    const { epoch, epochAddress, epochInterruption, hostInterrupts, consumeFuel, initialFuel } = b.parts;
    putU64(b, Vmctx.EpochDeadline, NO_DEADLINE);
    if (epoch !== null && epochAddress !== undefined) putU64(b, Vmctx.EpochPtr, epochAddress);
    // Only instances with deadlines need tracking; engine-wide ones need no instance at all.
    if (epoch !== null && epochInterruption) epoch.track(this.#member);
    if (hostInterrupts) putU64(b, Vmctx.EpochPoll, epochPoll);
    b.builtins[Builtin.Poll] = poll;
    const lazy = b.parts.lazy;
    // The lazy stub's call (lazy-code.ts): arg 0 is the function index.
    if (lazy !== null) b.builtins[Builtin.LazyCompile] = () => lazy.compileOnFirstCall(cbI32[2 * CallBuffer.AreaStart]! >>> 0);
    if (consumeFuel) writeFuel(this.#member, initialFuel);
  }

  /**
   * Trap `interrupt` once the engine's epoch has advanced `ticks` beyond its current value
   * (0: at the next function entry or loop header; Infinity: never, the default). Requires
   * an engine with epochInterruption. After an interrupt the instance is usable again, but
   * the deadline has passed: set a new one before calling it.
   */
  setEpochDeadline(ticks: number | bigint): void {
    const { epoch, epochInterruption } = this.#member.parts;
    if (epoch === null || !epochInterruption) throw new TypeError('wasmjit: setEpochDeadline needs an Engine created with { epochInterruption: true }');
    epoch.setDeadline(this.#member, epoch.deadlineAfter(ticks));
  }

  /** Sets the instance's fuel (a non-negative integer; Infinity: 2^63 - 1). Requires consumeFuel. */
  setFuel(fuel: number | bigint): void {
    this.#requireFuel('setFuel');
    writeFuel(this.#member, fuel);
  }

  /** Fuel left (0 after an out_of_fuel trap). Above 2^53 the number is approximate. */
  fuelRemaining(): number {
    this.#requireFuel('fuelRemaining');
    return readFuel(this.#member);
  }

  #requireFuel(what: string): void {
    if (!this.#member.parts.consumeFuel) throw new TypeError(`wasmjit: ${what} needs an Engine created with { consumeFuel: true }`);
  }

  #linkFunctions(b: InstanceBuild, hostCalls: HostCall[]): void {
    let index = 0;
    for (const imp of b.wasm.imports) {
      if (imp.desc.kind !== 'func') continue;
      const given = importValue(b, imp.module, imp.name);
      // A native import handle (C API, native-api.ts) links as the wasm function behind it.
      const native = nativeImportFunction(given);
      const value = native ?? given;
      // Native code may call back into this module's wasm (C API), where no JS runs: the lazy
      // stub cannot compile there, so such a module is compiled completely now (docs/startup.md).
      if (native !== undefined && native !== null) b.parts.lazy?.compileAll();
      const where = `import "${imp.module}" "${imp.name}"`;
      if (typeof value !== 'function') throw new LinkError(`${where}: function import requires a callable`);
      // Boundary types (typed-refs.ts): a (ref $t) compares by $t's canonical id.
      const sig = boundarySig(b.wasm, b.wasm.types[imp.desc.typeIndex]!);
      const info = wasmFunctionInfoOf(value);
      if (info) {
        if (!sameSig(info.sig, sig)) throw new LinkError(`${where}: imported function does not match the expected type`);
        this.#importTargets[index] = { code: info.code, vmctx: info.vmctx };
        this.#funcs[index] = value as WasmFunction;
        // Its code runs in entries into this instance, and references cross both ways.
        b.linked.push(info.owner.domain);
      } else {
        this.#importTargets[index] = { code: funcAddress(b.parts, index), vmctx: b.vmctx.address };
        hostCalls[index] = makeHostCall(value as (...args: unknown[]) => unknown, sig, this.#member);
      }
      putU64(b, importedFuncOffset(index), this.#importTargets[index]!.code);
      putU64(b, importedFuncOffset(index) + 8, this.#importTargets[index]!.vmctx);
      index++;
    }
  }

  #buildExports(b: InstanceBuild): Record<string, unknown> {
    const exports: Record<string, unknown> = Object.create(null);
    for (const e of b.wasm.exports) {
      switch (e.kind) {
        case 'func': exports[e.name] = this.#funcRef(e.index); break;
        case 'memory': exports[e.name] = exportMemory(b, e.index); break;
        case 'table': exports[e.name] = exportTable(b, e.index); break;
        case 'global': exports[e.name] = exportGlobal(b, e.index); break;
        case 'tag': exports[e.name] = this.#member.tags[e.index]; break;
      }
    }
    return Object.freeze(exports);
  }

  /**
   * Releases now what only this instance holds, instead of when it is collected: the pages of
   * the memories it defines (Memory.dispose: other instances using them then trap out of
   * bounds) and its imports. Afterwards calling any of its exported functions throws a
   * TypeError, and so does a host call its code makes if still reached through a table.
   * The Module, and so the code, stays usable for new instances. Idempotent.
   */
  dispose(): void {
    const member = this.#member;
    if (member.disposed) return;
    member.disposed = true;
    // For calls from C (capi.c), which have no JS wrapper to check `disposed`.
    new DataView(member.vmctx.buffer).setBigUint64(Vmctx.Disposed, 1n, true);
    member.hostCalls.length = 0;
    member.builtins.length = 0;
    member.builtinCalls.length = 0;
    const imported = member.parts.wasm.imports.filter((i) => i.desc.kind === 'memory').length;
    (this.#linked.memories as Memory[]).slice(imported).forEach((m) => m.dispose());
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The one JS function object for function `index` (cached: identity is observable). */
  #funcRef(index: number): WasmFunction {
    let f = this.#funcs[index];
    if (f) return f;
    const { parts, vmctx, records } = this.#member;
    const imported = index < parts.wasm.numImportedFuncs;
    const info: WasmFunctionInfo = {
      code: imported ? this.#importTargets[index]!.code : funcAddress(parts, index),
      vmctx: imported ? this.#importTargets[index]!.vmctx : vmctx.address,
      sig: boundarySig(parts.wasm, funcType(parts.wasm, index)),
      owner: this.#member,
      record: { member: this.#member, index, address: records + FuncRefRecord.Size * index },
    };
    // The JS API names an exported function by its index ("0").
    f = makeExportWrapper(String(index), info);
    this.#funcs[index] = f;
    return f;
  }
}
