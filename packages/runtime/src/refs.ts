// How references cross between wasm and JS, always within a reference domain (ref-domain.ts):
// the one of the table, global or instance whose wasm-visible place the raw value is in.
//
// funcref: in wasm, the address of a FuncRefRecord (layout.ts) in some instance's vmctx; 0 is
// null. JS sees the function's one JS function object (its instance caches it, so identity
// is stable). The domain finds the record's instance; a wasm function object knows its owner
// and record (func-wrappers.ts keeps that in a WeakMap keyed by the real function, so no
// Proxy or look-alike object can claim a record or a code address).
//
// externref: in wasm, a handle the domain maps to the value (0 is null; every other JS
// value, including undefined, is a non-null reference). Equal values reuse their handle.
// Values stay alive as long as the domain: wasm code may hold the handle where the GC cannot
// see it.
//
// No conversion here runs JS: no getter, Proxy trap or valueOf is invoked.
import { ValType } from '@wasmjit/codegen';
import { cbI32 } from './call-buffer.js';
import { wasmFunctionInfoOf, type WasmFunction } from './func-wrappers.js';
import { NO_VALUE, type RefDomain } from './ref-domain.js';
import { refMismatch } from './typed-refs.js';

// ── funcref ─────────────────────────────────────────────────────────────────────────

/** The JS function for a funcref (record address) held in `domain`, or null. */
export function funcToJS(address: number, domain: RefDomain): WasmFunction | null {
  if (address === 0) return null;
  const owner = domain.root().recordOwner(address);
  if (!owner) throw new Error(`BUG: funcref 0x${address.toString(16)} is not a record of its domain's instances`);
  return owner.member.funcRef(owner.index);
}

/**
 * ToWebAssemblyValue(v, funcref) for a place in `domain`: null, or a function exported from
 * a wasmjit instance, whose owner then joins the domain (it must live as long as the place).
 */
export function funcFromJS(v: unknown, domain: RefDomain): number {
  if (v === null) return 0;
  const record = wasmFunctionInfoOf(v)?.record;
  if (!record) throw new TypeError('wasmjit: a funcref must be null or a function exported by a wasm instance');
  const root = domain.join(record.member.domain);
  root.noteRecord(record.address, record.member, record.index);
  return record.address;
}

// ── externref ───────────────────────────────────────────────────────────────────────

export function externToJS(handle: number, domain: RefDomain): unknown {
  if (handle === 0) return null;
  const v = domain.root().externValue(handle);
  if (v === NO_VALUE) throw new Error(`BUG: externref handle ${handle} is not in its domain`);
  return v;
}

/** ToWebAssemblyValue(v, externref): null is the null reference; anything else is kept. */
export function externFromJS(v: unknown, domain: RefDomain): number {
  if (v === null) return 0;
  return domain.root().externHandle(v);
}

// ── by type ─────────────────────────────────────────────────────────────────────────

/** Raw wasm bits (record address or extern handle) → JS value. */
export function refToJS(type: ValType, raw: number, domain: RefDomain): unknown {
  return (type & 0xff) === ValType.FuncRef ? funcToJS(raw, domain) : externToJS(raw, domain);
}

/** JS value → raw wasm bits for a reference of `type` in `domain`. */
export function refFromJS(type: ValType, v: unknown, domain: RefDomain): number {
  if (type > 0xff) {
    // A typed reference (a boundary type, typed-refs.ts): checked before it is converted.
    const why = refMismatch(type, v);
    if (why !== undefined) throw new TypeError(`wasmjit: ${why}`);
  }
  return (type & 0xff) === ValType.FuncRef ? funcFromJS(v, domain) : externFromJS(v, domain);
}

/** Store raw reference bits into the call buffer at Int32 index `i32Index` (a slot's low half). */
export function putRaw(i32Index: number, raw: number): void {
  cbI32[i32Index] = raw;
  cbI32[i32Index + 1] = raw / 0x1_0000_0000;
}

/** Read a reference from the call buffer at Int32 index `i32Index`. */
export function getRef(type: ValType, i32Index: number, domain: RefDomain): unknown {
  return refToJS(type, (cbI32[i32Index]! >>> 0) + (cbI32[i32Index + 1]! >>> 0) * 0x1_0000_0000, domain);
}
