// The public C API for native add-ons, JS side (docs/native-api.md; the C side is
// native/src/capi.c, the header native/include/wasmjit_api.h).
//
// - nativeApi() hands the add-on the function table (an External: no link-time coupling to
//   our .node file, and JS cannot make one).
// - A native import is a handle object the add-on made with api->make_import. Handles are
//   type-tagged natively, so JS cannot forge one; linking one gives the instance a wasm
//   function whose code is the native adapter and whose vmctx is a region of its own, so wasm
//   calls the C function directly, on the wasm stack, with no JS in between.
// - nativeFunction(fn) turns an exported wasm function into the handle C looks it up from.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Vmctx, ValType, type FuncType } from '@wasmjit/codegen';
import { allocData, type DataRegion } from './code-memory.js';
import { native } from './native.js';
import { getDefaultEngine } from './engine.js';
import { makeExportWrapper, runHostCalls, wasmFunctionInfoOf, type Owner, type WasmFunction } from './func-wrappers.js';
import { RefDomain } from './ref-domain.js';

/** The import region's fields after the vmctx header (capi.c WJ_IMP_*). */
const IMP_FN = Vmctx.HeaderEnd;
const IMP_USER_DATA = Vmctx.HeaderEnd + 8;
const IMP_NRESULTS = Vmctx.HeaderEnd + 16;
/** Nonzero when result 0 is an i32 or f32: the adapter reads it with 4 bytes. */
const IMP_NARROW = Vmctx.HeaderEnd + 24;
const IMP_REGION = Vmctx.HeaderEnd + 32;

/** The C API's function table (`const wj_api *`), as an External for wj_api_from_value(). */
export function nativeApi(): object {
  return native.capiTable();
}

const importFunctions = new WeakMap<object, WasmFunction>();
// The regions stay alive as long as their wasm function: the function's owner holds them.

/**
 * The wasm function behind a native import handle (api->make_import), or undefined when `v`
 * is not one. One function per handle, so an instance imports the same function each time.
 */
export function nativeImportFunction(v: unknown): WasmFunction | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const known = importFunctions.get(v);
  if (known) return known;
  const info = native.capiImportInfo(v);
  if (!info) return undefined;
  const [fn, userData, adapter, params, results] = info;
  const region: DataRegion = allocData(IMP_REGION);
  const view = new DataView(region.buffer);
  const put = (off: number, x: number | bigint) => view.setBigUint64(off, BigInt(x), true);
  const engine = getDefaultEngine();
  const helpers = native.helperAddresses();
  put(Vmctx.HostCall, helpers.hostCall);
  put(Vmctx.TrapUnwind, helpers.trapUnwind);
  // Read when JS calls the import directly (an entry of its own) or C calls it.
  put(Vmctx.MaxWasmStack, engine.maxWasmStack);
  put(Vmctx.HostStackReserve, engine.hostStackReserve);
  put(IMP_FN, fn);
  put(IMP_USER_DATA, userData);
  put(IMP_NRESULTS, results.length);
  put(IMP_NARROW, results[0] === ValType.I32 || results[0] === ValType.F32 ? 1 : 0);
  const sig: FuncType = { params: params as ValType[], results: results as ValType[] };
  // No instance owns it: a reference domain of its own, which an importing instance joins.
  const owner = { vmctx: region, domain: new RefDomain(), disposed: false };
  const f = makeExportWrapper('native', { code: adapter, vmctx: region.address, sig, owner, record: null });
  importFunctions.set(v, f);
  return f;
}

const SCALARS: ReadonlySet<number> = new Set([ValType.I32, ValType.I64, ValType.F32, ValType.F64]);

/**
 * The handle an add-on looks `fn` up from (api->func_from_value): `fn` must be a wasm
 * function (an instance's export) with i32/i64/f32/f64 params and results. The handle keeps
 * `fn`, and so its instance, alive.
 */
export function nativeFunction(fn: unknown): object {
  const info = wasmFunctionInfoOf(fn);
  if (!info) throw new TypeError('nativeFunction: expected an exported wasm function');
  const { params, results } = info.sig;
  if (![...params, ...results].every((t) => SCALARS.has(t))) {
    throw new TypeError('nativeFunction: only functions of i32, i64, f32 and f64 can be called from C');
  }
  const id = ownerIdOf(info.owner);
  const handle = native.capiFunctionHandle(info.code, info.vmctx, [...params], [...results], fn as object, id);
  handleCounts.set(id, (handleCounts.get(id) ?? 0) + 1);
  forgetHandle.register(handle, id);
  return handle;
}

// JS imports of wasm that C started (api->call from an N-API callback): the activation
// suspends as for an export wrapper, and capi.c calls the driver, which runs the same
// host-call loop as the wrappers. It needs the entered function's owner (its reference
// domain names the imports), which C knows by the id its handle was made with.
const owners = new Map<number, Owner>();
const idOfOwner = new WeakMap<Owner, number>();
let nextOwnerId = 1;
// An owner stays registered while any handle for it is alive (handles hold the function,
// and so the owner, anyway); the entry goes when the last one has been collected.
const handleCounts = new Map<number, number>();
const forgetHandle = new FinalizationRegistry<number>((id) => {
  const n = handleCounts.get(id)! - 1;
  if (n > 0) handleCounts.set(id, n);
  else {
    handleCounts.delete(id);
    const o = owners.get(id);
    owners.delete(id);
    if (o) idOfOwner.delete(o);
  }
});

function ownerIdOf(owner: Owner): number {
  installDriver();
  let id = idOfOwner.get(owner);
  if (id === undefined) {
    id = nextOwnerId++;
    idOfOwner.set(owner, id);
    owners.set(id, owner);
  }
  return id;
}

let driverInstalled = false;
function installDriver(): void {
  if (driverInstalled) return;
  native.capiSetHostDriver((id) => {
    const owner = owners.get(id);
    if (owner === undefined) throw new Error(`BUG: C API host call for unknown owner ${id}`);
    return runHostCalls(true, owner);
  });
  driverInstalled = true;
}

/** Where wasmjit_api.h is, for an add-on's include path. */
export function nativeApiIncludeDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@wasmjit/native/package.json')), 'include');
}
