// How references cross between wasm and JS.
//
// funcref: in wasm, the address of a FuncRefRecord (layout.ts) in some instance's vmctx; 0 is
// null. JS sees the function's one JS function object (Instance.funcRef caches it, so identity
// is stable). Each record gets a per-thread handle (its Handle field) indexing `funcHandles`
// = { instance, index }; JS cannot cheaply read native memory by address, so a Map from
// record address to handle finds it. Going the other way, a wasm function object knows its
// owner instance and code address, which identify the record.
//
// externref: in wasm, a handle indexing `externValues` (0 is null; every other JS value,
// including undefined, is a non-null reference). Equal objects reuse their handle.
//
// Lifetime (a known limitation, acceptable for now): nothing here is ever collected. A
// handle may be held by wasm code (tables, globals, locals) that the GC cannot see, so extern
// values and the instances whose records were registered stay alive for the thread's life.
// Only instances whose records can become wasm values are registered: modules using tables,
// element segments or reference types, and instances a JS function converted to a funcref
// came from.
import { FuncRefRecord, ValType, computeLayout, funcRefOffset, type VmctxLayout, type WasmModule } from '@wasmjit/codegen';
import { cbI32 } from './call-buffer.js';
import { wasmFunctionInfo, type WasmFunction } from './func-wrappers.js';
import type { Instance } from './instance.js';

interface FuncEntry {
  readonly instance: Instance;
  readonly index: number;
}

/** Handle 0 is unused so that a zero Handle field means "not registered". */
const funcHandles: (FuncEntry | undefined)[] = [undefined];
const handleOfRecord = new Map<number, number>();
/** Registered instances → (code address → record address) of the functions they own. */
const ownRecords = new Map<Instance, Map<number, number>>();

const layouts = new WeakMap<WasmModule, VmctxLayout>();
function layoutOf(m: WasmModule): VmctxLayout {
  let l = layouts.get(m);
  if (!l) {
    l = computeLayout(m);
    layouts.set(m, l);
  }
  return l;
}

/**
 * Give every FuncRefRecord of `instance` a handle (written to the record) so its references
 * can reach JS, and keep the instance alive. Idempotent. The records must be filled already.
 */
export function registerFuncRecords(instance: Instance): void {
  if (ownRecords.has(instance)) return;
  const wasm = instance.module.wasm;
  const layout = layoutOf(wasm);
  const view = new DataView(instance.vmctx.buffer);
  const own = new Map<number, number>();
  for (let i = 0; i < wasm.funcs.length; i++) {
    const off = funcRefOffset(layout, i);
    const address = instance.vmctx.address + off;
    const handle = funcHandles.length;
    funcHandles.push({ instance, index: i });
    handleOfRecord.set(address, handle);
    view.setUint32(off + FuncRefRecord.Handle, handle, true);
    // Records of functions imported from another wasmjit instance belong to that instance.
    if (Number(view.getBigUint64(off + FuncRefRecord.Vmctx, true)) === instance.vmctx.address) {
      own.set(Number(view.getBigUint64(off + FuncRefRecord.Code, true)), address);
    }
  }
  ownRecords.set(instance, own);
}

/** Whether references to this module's functions can become wasm values at all. */
export function moduleUsesRefs(m: WasmModule): boolean {
  const isRef = (t: ValType) => t === ValType.FuncRef || t === ValType.ExternRef;
  return m.tables.length > 0 || m.elems.length > 0 ||
    m.importedGlobals.some((g) => isRef(g.type)) || m.globals.some((g) => isRef(g.type.type)) ||
    m.types.some((t) => t.params.some(isRef) || t.results.some(isRef));
}

// ── funcref ─────────────────────────────────────────────────────────────────────────

/** The JS function for a funcref (record address), or null. */
export function funcToJS(address: number): WasmFunction | null {
  if (address === 0) return null;
  const entry = funcHandles[handleOfRecord.get(address) ?? 0];
  if (!entry) throw new Error(`BUG: funcref 0x${address.toString(16)} is not a registered FuncRefRecord`);
  return entry.instance.funcRef(entry.index);
}

/** A funcref from the two 32-bit halves of a call-buffer slot. */
export function funcToJSHalves(lo: number, hi: number): WasmFunction | null {
  return funcToJS((lo >>> 0) + (hi >>> 0) * 0x1_0000_0000);
}

/** ToWebAssemblyValue(v, funcref): null, or a function exported from a wasmjit instance. */
export function funcFromJS(v: unknown): number {
  if (v === null) return 0;
  const info = typeof v === 'function' ? (v as WasmFunction)[wasmFunctionInfo] : undefined;
  if (!info) throw new TypeError('wasmjit: a funcref must be null or a function exported by a wasm instance');
  const owner = info.owner as Instance;
  registerFuncRecords(owner);
  const address = ownRecords.get(owner)!.get(info.code);
  if (address === undefined) throw new Error('BUG: a wasm function without a FuncRefRecord in its owner instance');
  return address;
}

// ── externref ───────────────────────────────────────────────────────────────────────

const externValues: unknown[] = [undefined];
/** Handle of each value already handed to wasm (SameValueZero keys: -0 is kept apart). */
const externHandles = new Map<unknown, number>();

export function externToJS(handle: number): unknown {
  if (handle === 0) return null;
  if (handle >= externValues.length) throw new Error(`BUG: unknown externref handle ${handle}`);
  return externValues[handle];
}

/** ToWebAssemblyValue(v, externref): null is the null reference; anything else is kept. */
export function externFromJS(v: unknown): number {
  if (v === null) return 0;
  const negZero = Object.is(v, -0);
  let h = negZero ? undefined : externHandles.get(v);
  if (h === undefined) {
    h = externValues.length;
    externValues.push(v);
    if (!negZero) externHandles.set(v, h);
  }
  return h;
}

// ── by type ─────────────────────────────────────────────────────────────────────────

/** Raw wasm bits (record address or extern handle) → JS value. */
export function refToJS(type: ValType, raw: number): unknown {
  return type === ValType.FuncRef ? funcToJS(raw) : externToJS(raw);
}

/** JS value → raw wasm bits for a reference of `type`. */
export function refFromJS(type: ValType, v: unknown): number {
  return type === ValType.FuncRef ? funcFromJS(v) : externFromJS(v);
}

/** Store a reference into the call buffer at Int32 index `i32Index` (a slot's low half). */
export function putRef(type: ValType, i32Index: number, v: unknown): void {
  const raw = refFromJS(type, v);
  cbI32[i32Index] = raw;
  cbI32[i32Index + 1] = raw / 0x1_0000_0000;
}

/** Read a reference from the call buffer at Int32 index `i32Index`. */
export function getRef(type: ValType, i32Index: number): unknown {
  return refToJS(type, (cbI32[i32Index]! >>> 0) + (cbI32[i32Index + 1]! >>> 0) * 0x1_0000_0000);
}
