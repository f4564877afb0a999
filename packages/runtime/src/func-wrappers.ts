// Specialised JS closures per signature, generated once per export / import. The JS→wasm
// path is: store args into the call buffer, one native invoke, read results back.
import { CallBuffer, TrapCode, ValType, type FuncType } from '@wasmjit/codegen';
import { native } from './native.js';
import { cbF32, cbF64, cbI32, cbI64 } from './call-buffer.js';
import { trapError } from './errors.js';
import { lastTrapBacktrace } from './backtrace.js';
// Reference conversions, handed to the generated wrappers as `R`.
import * as refs from './refs.js';

/** Expression reading call-buffer slot `slot` as a JS value of type t. */
function readSlot(t: ValType, slot: number): string {
  switch (t) {
    case ValType.I32: return `I32[${2 * slot}]`;
    case ValType.I64: return `I64[${slot}]`;
    case ValType.F32: return `F32[${2 * slot}]`;
    case ValType.F64: return `F64[${slot}]`;
    case ValType.FuncRef: case ValType.ExternRef: return `R.getRef(${t}, ${2 * slot})`;
    default: throw new TypeError(`wasmjit: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  }
}

/**
 * Expression converting JS value `expr` to what a call-buffer store of type t takes, with
 * ToWebAssemblyValue semantics (the same coercions and TypeErrors as the typed-array store).
 */
function convert(t: ValType, expr: string): string {
  switch (t) {
    case ValType.I32: return `${expr} | 0`;
    case ValType.I64: return `BigInt.asIntN(64, ${expr})`;
    case ValType.F32: case ValType.F64: return `+${expr}`;
    case ValType.FuncRef: case ValType.ExternRef: return `R.refFromJS(${t}, ${expr})`;
    default: throw new TypeError(`wasmjit: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  }
}

/** Statement storing `v`, an already converted value (see convert), into slot `slot`. */
function storeConverted(t: ValType, slot: number, v: string): string {
  switch (t) {
    case ValType.I32: return `I32[${2 * slot}] = ${v};`;
    case ValType.I64: return `I64[${slot}] = ${v};`;
    case ValType.F32: return `F32[${2 * slot}] = ${v};`;
    case ValType.F64: return `F64[${slot}] = ${v};`;
    // A reference's raw bits (< 2^47) as two 32-bit halves, like refs.putRef.
    case ValType.FuncRef: case ValType.ExternRef: return `I32[${2 * slot}] = ${v}; I32[${2 * slot + 1}] = ${v} / 0x100000000;`;
    default: throw new TypeError(`wasmjit: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  }
}

/**
 * Statements storing JS values `exprs` into consecutive slots from `first`. Every value is
 * converted before the first store: a conversion can run JS (valueOf) that calls wasm, and
 * that nested call reuses the area, so nothing may be stored before the last one is done.
 */
function storeAll(types: readonly ValType[], first: number, exprs: readonly string[]): string {
  const converts = types.map((t, i) => `const c${i} = ${convert(t, exprs[i]!)};`);
  const stores = types.map((t, i) => storeConverted(t, first + i, `c${i}`));
  return [...converts, ...stores].join('\n');
}

function resultSlot(sig: FuncType, i: number): number {
  if (i > 0) return CallBuffer.AreaStart + i;
  const t = sig.results[0]!;
  return t === ValType.F32 || t === ValType.F64 ? CallBuffer.FloatResult : CallBuffer.IntResult;
}

export function onTrap(code: number): never {
  // A JS exception from an import propagates unchanged: the same object, no wasm frames added.
  if (code === TrapCode.HostException) throw native.takeHostException();
  throw trapError(code, lastTrapBacktrace());
}

export type WasmFunction = ((...args: unknown[]) => unknown) & { readonly [wasmFunctionInfo]?: WasmFunctionInfo };
export const wasmFunctionInfo = Symbol('wasmjit.function');
export interface WasmFunctionInfo {
  code: number;
  vmctx: number;
  sig: FuncType;
  /** Keeps the owning instance (and so its code and vmctx) alive while the function is. */
  owner: object;
}

/**
 * A JS function that calls wasm code at `code` with instance context `vmctx`: converts and
 * stores the arguments, writes the invokeFast descriptor (after the conversions, which may
 * re-enter wasm and rewrite it), calls, reads the results (before anything else can run).
 */
export function makeExportWrapper(name: string, info: WasmFunctionInfo): WasmFunction {
  const { sig } = info;
  const nslots = Math.max(sig.params.length, sig.results.length);
  const params = sig.params.map((_, i) => `a${i}`);
  const reads = sig.results.map((t, i) => readSlot(t, resultSlot(sig, i)));
  const ret = reads.length === 0 ? '' : reads.length === 1 ? `return ${reads[0]};` : `return [${reads.join(', ')}];`;
  const src = `return function ${safeName(name)}(${params.join(', ')}) {
${storeAll(sig.params, CallBuffer.AreaStart, params)}
F64[${CallBuffer.InvokeCode}] = ${info.code};
F64[${CallBuffer.InvokeVmctx}] = ${info.vmctx};
I32[${2 * CallBuffer.InvokeNslots}] = ${nslots};
const t = invokeFast();
if (t !== undefined) {
  if (t === ${TrapCode.HostException}) throw takeHostException();
  onTrap(t);
}
${ret}
};`;
  // An import's exception is rethrown right here, not by onTrap: the first call of onTrap
  // compiles it, which takes stack, and a JS exception from deep wasm -> JS -> wasm nesting
  // is often V8's RangeError, with the stack nearly used up; it must reach the caller as the
  // same object, not be replaced by another RangeError on the way.
  const f = new Function('invokeFast', 'takeHostException', 'onTrap', 'I32', 'F32', 'F64', 'I64', 'R', src)(
    native.invokeFast, native.takeHostException, onTrap, cbI32, cbF32, cbF64, cbI64, refs,
  ) as WasmFunction;
  Object.defineProperty(f, wasmFunctionInfo, { value: info });
  return f;
}

/** A closure the host dispatcher runs for a JS import: reads args, calls, writes results. */
export function makeHostCall(fn: (...args: unknown[]) => unknown, sig: FuncType): () => void {
  // All arguments are read before fn runs (it may call wasm, which reuses the area).
  const args = sig.params.map((t, i) => readSlot(t, CallBuffer.AreaStart + i));
  let store = '';
  if (sig.results.length === 1) store = storeAll(sig.results, CallBuffer.AreaStart, ['r']);
  else if (sig.results.length > 1) {
    store = `const v = Array.from(r);
if (v.length !== ${sig.results.length}) throw new TypeError('wasm import returned ' + v.length + ' values, expected ${sig.results.length}');
${storeAll(sig.results, CallBuffer.AreaStart, sig.results.map((_, i) => `v[${i}]`))}`;
  }
  const src = `return function hostCall() {
const r = fn(${args.join(', ')});
${store}
};`;
  return new Function('fn', 'I32', 'F32', 'F64', 'I64', 'R', src)(fn, cbI32, cbF32, cbF64, cbI64, refs) as () => void;
}

/**
 * Call with raw bit patterns (bigint per number) so NaN payloads survive (spec runner).
 * References are passed and returned as JS values (null for ref.null).
 */
export function callRaw(fn: WasmFunction, args: unknown[]): unknown[] {
  const info = fn[wasmFunctionInfo];
  if (!info) throw new TypeError('callRaw: not a wasmjit function');
  const { sig } = info;
  sig.params.forEach((t, i) => {
    if (t === ValType.I32 || t === ValType.F32 || t === ValType.I64 || t === ValType.F64) cbI64[CallBuffer.AreaStart + i] = BigInt.asIntN(64, args[i] as bigint);
    else if (t === ValType.FuncRef || t === ValType.ExternRef) refs.putRef(t, 2 * (CallBuffer.AreaStart + i), args[i]);
    else throw new TypeError(`callRaw: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  });
  const t = native.invoke(info.code, info.vmctx, Math.max(sig.params.length, sig.results.length));
  if (t !== 0) onTrap(t);
  return sig.results.map((rt, i) => {
    if (rt === ValType.FuncRef || rt === ValType.ExternRef) return refs.getRef(rt, 2 * resultSlot(sig, i));
    const bits = cbI64[resultSlot(sig, i)]!;
    return rt === ValType.I32 || rt === ValType.F32 ? BigInt.asUintN(32, bits) : BigInt.asUintN(64, bits);
  });
}

function safeName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[A-Za-z_$]/.test(s) ? s : `_${s}`;
}
