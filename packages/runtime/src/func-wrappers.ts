// Specialised JS closures per signature, generated once per export / import. The JS→wasm
// path is: store args into the call buffer, one native invoke, read results back. wasm runs
// on the thread's wasm stack; when it calls a JS import or a runtime builtin, invoke returns
// true (RunStatus.HostCall) and the wrapper itself runs the host call and resumes the activation
// (host-dispatch.ts, docs/calls.md), so that a level of wasm -> JS -> wasm nesting costs the
// thread's stack only its JS frames.
//
// Which JS functions are wasm functions (and their code, vmctx and owner) is kept in a
// module-private WeakMap keyed by the real function object: a Proxy or any look-alike is
// never a key, and answering a property lookup cannot forge an entry.
import { CallBuffer, RunStatus, TrapCode, ValType, areaSlots, callAreaSlots, type FuncType } from '@wasmjit/codegen';
import { crossesAsRef } from './typed-refs.js';
import { native } from './native.js';
import { cbF32, cbF64, cbI32, cbI64 } from './call-buffer.js';
import { trapError } from './errors.js';
import { hostTarget } from './host-dispatch.js';
import { NO_ARGS, noop, type HostCall } from './host-call.js';
import { lastTrapBacktrace } from './backtrace.js';
import { throwIntoWasm } from './exception-unwind.js';
import { globalSlot, rawBits } from './global.js';
import type { Module } from './module.js';
import type { Member, RefDomain } from './ref-domain.js';
// Reference conversions, handed to the generated wrappers as `R`.
import * as refs from './refs.js';

/** Expression reading call-buffer slot `slot` as a JS value of type t (references in domain `d`). */
function readSlot(t: ValType, slot: number, d: string): string {
  switch (t) {
    case ValType.I32: return `I32[${2 * slot}]`;
    case ValType.I64: return `I64[${slot}]`;
    case ValType.F32: return `F32[${2 * slot}]`;
    case ValType.F64: return `F64[${slot}]`;
    case ValType.FuncRef: case ValType.ExternRef: return `R.getRef(${t}, ${2 * slot}, ${d})`;
    default:
      if (crossesAsRef(t)) return `R.getRef(${t}, ${2 * slot}, ${d})`;
      throw new TypeError(`wasmjit: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  }
}

/**
 * Expression converting JS value `expr` to what a call-buffer store of type t takes, with
 * ToWebAssemblyValue semantics (the same coercions and TypeErrors as the typed-array store);
 * references for domain `d`.
 */
function convert(t: ValType, expr: string, d: string): string {
  switch (t) {
    case ValType.I32: return `${expr} | 0`;
    case ValType.I64: return `BigInt.asIntN(64, ${expr})`;
    case ValType.F32: case ValType.F64: return `+${expr}`;
    case ValType.FuncRef: case ValType.ExternRef: return `R.refFromJS(${t}, ${expr}, ${d})`;
    default:
      if (crossesAsRef(t)) return `R.refFromJS(${t}, ${expr}, ${d})`;
      throw new TypeError(`wasmjit: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  }
}

/** Statement storing `v`, an already converted value (see convert), into slot `slot`. */
function storeConverted(t: ValType, slot: number, v: string): string {
  switch (t) {
    case ValType.I32: return `I32[${2 * slot}] = ${v};`;
    case ValType.I64: return `I64[${slot}] = ${v};`;
    case ValType.F32: return `F32[${2 * slot}] = ${v};`;
    case ValType.F64: return `F64[${slot}] = ${v};`;
    // A reference's raw bits (< 2^53) as two 32-bit halves, like refs.putRaw.
    case ValType.FuncRef: case ValType.ExternRef: return `I32[${2 * slot}] = ${v}; I32[${2 * slot + 1}] = ${v} / 0x100000000;`;
    default:
      if (crossesAsRef(t)) return `I32[${2 * slot}] = ${v}; I32[${2 * slot + 1}] = ${v} / 0x100000000;`;
      throw new TypeError(`wasmjit: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  }
}

/**
 * Statements storing JS values `exprs` into consecutive slots from `first`. Every value is
 * converted before the first store: a conversion can run JS (valueOf) that calls wasm, and
 * that nested call reuses the area, so nothing may be stored before the last one is done.
 */
function storeAll(types: readonly ValType[], first: number, exprs: readonly string[], d: string): string {
  const converts = types.map((t, i) => `const c${i} = ${convert(t, exprs[i]!, d)};`);
  const stores = types.map((t, i) => storeConverted(t, first + i, `c${i}`));
  return [...converts, ...stores].join('\n');
}

function resultSlot(sig: FuncType, i: number): number {
  if (i > 0) return CallBuffer.AreaStart + i;
  const t = sig.results[0]!;
  return t === ValType.F32 || t === ValType.F64 ? CallBuffer.FloatResult : CallBuffer.IntResult;
}

/** Throws for trap `code` of an entry into code of `entered`'s domain. */
export function onTrap(code: number, entered: { readonly domain: RefDomain }): never {
  // Host calls never fail through the trap path: an import's exception propagates from the
  // wrapper that runs the call, as the same object.
  if (code === TrapCode.HostException) throw new Error('BUG: HostException trap from a suspended host call');
  const text = code === TrapCode.HostTrap ? native.hostTrapMessage() : undefined;
  throw trapError(code, lastTrapBacktrace(modulesOf(entered)), text);
}

const SERIAL = CallBuffer.SuspendSerial;

/**
 * Runs the host calls of an activation that invoke() returned RunStatus.HostCall for, until
 * it returns or traps; returns what resume() last returned. If a call throws, the activation
 * goes on at a wasm handler or is dropped and the exception propagates (exception-unwind.ts). (The
 * export wrappers inline this loop: see there.)
 */
export function runHostCalls(t: number | true | undefined, entered: { readonly domain: RefDomain }): number | undefined {
  // invoke() reports a host call as RunStatus.HostCall, invokeFast() and resume() as true.
  while (t === true || t === RunStatus.HostCall) {
    const s = cbF64[SERIAL]!;
    const h = hostTarget(entered);
    try {
      h.store(Reflect.apply(h.fn, undefined, h.args));
    } catch (e) {
      cbF64[SERIAL] = s;
      try {
        t = throwIntoWasm(e, entered); // a handler in wasm, or the activation is dropped and e rethrown
      } catch (x) {
        if (x !== e) {
          cbF64[SERIAL] = s;
          native.abandon();
        }
        throw e;
      }
      continue;
    }
    cbF64[SERIAL] = s;
    t = native.resume();
  }
  return t;
}

/** The modules whose code can run in an entry into `entered`: its domain's (ref-domain.ts). */
function modulesOf(entered: { readonly domain: RefDomain }): Set<Module> {
  const modules = new Set<Module>();
  for (const m of entered.domain.root().members()) modules.add(m.module);
  return modules;
}

export type WasmFunction = (...args: unknown[]) => unknown;

/** The instance a function belongs to, as its wrapper sees it (a ref-domain.ts Member). */
export interface Owner {
  readonly domain: RefDomain;
  /** Set by Instance.dispose(): calling then throws. */
  readonly disposed: boolean;
}

function disposedError(): never {
  throw new TypeError('wasmjit: this function belongs to a disposed instance');
}
export interface WasmFunctionInfo {
  readonly code: number;
  readonly vmctx: number;
  readonly sig: FuncType;
  /**
   * Keeps the code and vmctx alive while the function is (its instance); its domain is the
   * one the code runs in.
   */
  readonly owner: Owner;
  /** The function's FuncRefRecord; null for the test-only native functions (test-imports.ts). */
  readonly record: FuncRecord | null;
}

/** Function `index` of an instance and the address of its FuncRefRecord there. */
export interface FuncRecord {
  readonly member: Member;
  readonly index: number;
  readonly address: number;
}

const functionInfo = new WeakMap<object, WasmFunctionInfo>();

/** The wasm function behind `v`, when `v` itself (not a Proxy of it) is one. Runs no JS. */
export function wasmFunctionInfoOf(v: unknown): WasmFunctionInfo | undefined {
  return typeof v === 'function' ? functionInfo.get(v) : undefined;
}

/**
 * A JS function that calls wasm code at `code` with instance context `vmctx`: converts and
 * stores the arguments, writes the invokeFast descriptor (after the conversions, which may
 * re-enter wasm and rewrite it), calls, reads the results (before anything else can run).
 * References convert in the owner's domain; the call runs with that domain as `running`,
 * where host calls from the code find their closures (ref-domain.ts). The closure holds
 * the owner, so the instance outlives every call in progress.
 */
export function makeExportWrapper(name: string, info: WasmFunctionInfo): WasmFunction {
  const f = exportWrapperFactory(info.sig)(
    native.invokeFast, native.resume, native.abandon, throwIntoWasm, hostTarget, Reflect.apply, onTrap, cbI32, cbF32, cbF64, cbI64, refs,
    info.owner, disposedError, info.code, info.vmctx,
  ) as WasmFunction;
  // The name is a property, not part of the source: the source is shared per signature.
  Object.defineProperty(f, 'name', { value: name });
  functionInfo.set(f, info);
  return f;
}

type Factory = (...bound: unknown[]) => unknown;

// One factory per signature: every export of that type, in every instance, shares its
// compiled code, so instantiating compiles no JS per export and leaves no per-instance
// bytecode for the collector (keyed by name too, sql.js's ~1,200 exported and table
// functions compiled ~1,200 sources: 6 ms of a 53 ms cached start). code and vmctx are
// closure constants rather than literals in the source for that reason.
const exportFactories = new Map<string, Factory>();

/** A v128 param or result: calling from JS (or being called by wasm, for an import) is a TypeError, as in V8. */
function hasV128(sig: FuncType): boolean {
  return sig.params.includes(ValType.V128) || sig.results.includes(ValType.V128);
}

const V128_BOUNDARY = 'type incompatibility when transforming from/to JS (v128)';

/** exportFactories by FuncType object: a module's exports share their type's, without a key string each. */
const exportFactoryOfType = new WeakMap<FuncType, Factory>();

function exportWrapperFactory(sig: FuncType): Factory {
  let factory = exportFactoryOfType.get(sig);
  if (factory) return factory;
  factory = exportWrapperFactoryByKey(sig);
  exportFactoryOfType.set(sig, factory);
  return factory;
}

function exportWrapperFactoryByKey(sig: FuncType): Factory {
  const key = `${sig.params.join(',')}:${sig.results.join(',')}`;
  let factory = exportFactories.get(key);
  if (factory) return factory;
  if (hasV128(sig)) {
    factory = new Function(`return { wasmExport() { throw new TypeError('${V128_BOUNDARY}'); } }.wasmExport;`) as Factory;
    exportFactories.set(key, factory);
    return factory;
  }
  const nslots = Math.max(sig.params.length, sig.results.length);
  const params = sig.params.map((_, i) => `a${i}`);
  const reads = sig.results.map((t, i) => readSlot(t, resultSlot(sig, i), 'owner.domain'));
  const ret = reads.length === 0 ? '' : reads.length === 1 ? `return ${reads[0]};` : `return [${reads.join(', ')}];`;
  // The disposed check comes after the conversions: one of them may dispose the instance.
  // A method, not a `function`: like V8's exported functions it is not a constructor (`new`
  // throws a TypeError) and has no own `prototype`, `arguments` or `caller`; calling it costs
  // the same (bench:calls). The host-call loop is runHostCalls inlined: a helper's frame would
  // sit on the thread's stack at every level of wasm -> JS -> wasm nesting. Its exception path
  // (`unwind`: exception-unwind.ts throwIntoWasm) continues the activation at a wasm handler
  // or drops it and rethrows the same object; when even that call fails (no JS stack left),
  // the activation is dropped here and the same object rethrown.
  const src = `return { wasmExport(${params.join(', ')}) {
${storeAll(sig.params, CallBuffer.AreaStart, params, 'owner.domain')}
if (owner.disposed) disposed();
F64[${CallBuffer.InvokeCode}] = code;
F64[${CallBuffer.InvokeVmctx}] = vmctx;
I32[${2 * CallBuffer.InvokeNslots}] = ${nslots};
let t = invokeFast();
while (t === true) {
  const s = F64[${SERIAL}];
  const h = host(owner);
  try {
    h.store(apply(h.fn, undefined, h.args));
  } catch (e) {
    F64[${SERIAL}] = s;
    try {
      t = unwind(e, owner);
    } catch (x) {
      if (x !== e) {
        F64[${SERIAL}] = s;
        abandon();
      }
      throw e;
    }
    continue;
  }
  F64[${SERIAL}] = s;
  t = resume();
}
if (t !== undefined) onTrap(t, owner);
${ret}
} }.wasmExport;`;
  factory = new Function('invokeFast', 'resume', 'abandon', 'unwind', 'host', 'apply', 'onTrap', 'I32', 'F32', 'F64', 'I64', 'R',
    'owner', 'disposed', 'code', 'vmctx', src) as Factory;
  exportFactories.set(key, factory);
  return factory;
}

/** The HostCall of a JS import of type sig. Raw references convert in `owner`'s domain, where the calling code runs. */
export function makeHostCall(fn: (...args: unknown[]) => unknown, sig: FuncType, owner: { readonly domain: RefDomain }): HostCall {
  return hostCallFactory(sig)(fn, cbI32, cbF32, cbF64, cbI64, refs, owner, noop, NO_ARGS) as HostCall;
}

const hostFactories = new Map<string, Factory>();

/** One factory per signature, shared by every import of that type (see exportFactories). */
function hostCallFactory(sig: FuncType): Factory {
  const key = `${sig.params.join(',')}:${sig.results.join(',')}`;
  let factory = hostFactories.get(key);
  if (factory) return factory;
  if (hasV128(sig)) {
    // The TypeError comes from `fn`, which the host-call loop runs inside its try: the
    // suspended activation is abandoned there (a throwing `load` would leave it suspended).
    factory = new Function('fn', 'I32', 'F32', 'F64', 'I64', 'R', 'owner', 'noop', 'NO_ARGS',
      `return { fn() { throw new TypeError('${V128_BOUNDARY}'); }, args: NO_ARGS, load: noop, store: noop };`) as Factory;
    hostFactories.set(key, factory);
    return factory;
  }
  const d = 'owner.domain';
  const load = sig.params.length === 0 ? 'noop'
    : `function load() {\n${sig.params.map((t, i) => `A[${i}] = ${readSlot(t, CallBuffer.AreaStart + i, d)};`).join('\n')}\n}`;
  let store: string;
  if (sig.results.length === 0) store = 'noop';
  else if (sig.results.length === 1) store = `function store(r) {\n${storeAll(sig.results, CallBuffer.AreaStart, ['r'], d)}\n}`;
  else {
    store = `function store(r) {
const v = Array.from(r);
if (v.length !== ${sig.results.length}) throw new TypeError('wasm import returned ' + v.length + ' values, expected ${sig.results.length}');
${storeAll(sig.results, CallBuffer.AreaStart, sig.results.map((_, i) => `v[${i}]`), d)}
}`;
  }
  const src = `const A = ${sig.params.length === 0 ? 'NO_ARGS' : `new Array(${sig.params.length}).fill(undefined)`};
return { fn, args: A, load: ${load}, store: ${store} };`;
  factory = new Function('fn', 'I32', 'F32', 'F64', 'I64', 'R', 'owner', 'noop', 'NO_ARGS', src) as Factory;
  hostFactories.set(key, factory);
  return factory;
}

/**
 * Call with raw bit patterns (bigint per number) so NaN payloads survive (spec runner).
 * References are passed and returned as JS values (null for ref.null).
 */
export function callRaw(fn: WasmFunction, args: unknown[]): unknown[] {
  const info = wasmFunctionInfoOf(fn);
  if (!info) throw new TypeError('callRaw: not a wasmjit function');
  const { sig, owner } = info;
  // Every argument is converted before the first store: a conversion may run JS that calls
  // wasm, which reuses the call buffer.
  const raw = sig.params.map((t, i) => {
    if (t === ValType.V128) return BigInt.asUintN(128, args[i] as bigint);
    if (t === ValType.I32 || t === ValType.F32 || t === ValType.I64 || t === ValType.F64) return BigInt.asIntN(64, args[i] as bigint);
    if (crossesAsRef(t)) return refs.refFromJS(t, args[i], owner.domain);
    throw new TypeError(`callRaw: type 0x${(t as number).toString(16)} cannot cross the JS boundary`);
  });
  if (owner.disposed) disposedError();
  // Area slots (codegen frame.ts areaSlots): a v128 takes two, and a v128 result 0 is in the area.
  const paramAt = areaSlots(sig.params);
  raw.forEach((v, i) => {
    const slot = CallBuffer.AreaStart + paramAt[i]!;
    if (sig.params[i] === ValType.V128) {
      cbI64[slot] = BigInt.asIntN(64, v as bigint);
      cbI64[slot + 1] = BigInt.asIntN(64, (v as bigint) >> 64n);
    } else if (typeof v === 'bigint') cbI64[slot] = v;
    else refs.putRaw(2 * slot, v);
  });
  const t = runHostCalls(native.invoke(info.code, info.vmctx, callAreaSlots(sig.params, sig.results)), owner);
  if (t !== 0 && t !== undefined) onTrap(t, owner);
  const resultAt = areaSlots(sig.results);
  return sig.results.map((rt, i) => {
    if (rt === ValType.V128) {
      const slot = CallBuffer.AreaStart + resultAt[i]!;
      return BigInt.asUintN(64, cbI64[slot]!) | (BigInt.asUintN(64, cbI64[slot + 1]!) << 64n);
    }
    const slot = i === 0 ? resultSlot(sig, 0) : CallBuffer.AreaStart + resultAt[i]!;
    if (crossesAsRef(rt)) return refs.getRef(rt, 2 * slot, owner.domain);
    const bits = cbI64[slot]!;
    return rt === ValType.I32 || rt === ValType.F32 ? BigInt.asUintN(32, bits) : BigInt.asUintN(64, bits);
  });
}

/**
 * The raw bits of a Global (bigint; v128 globals too, which `value` refuses as V8 does),
 * or undefined for anything that is not a Global (spec runner, like callRaw).
 */
export function globalRawBits(g: unknown): bigint | undefined {
  const slot = globalSlot(g);
  return slot ? rawBits(slot) : undefined;
}
