// Throwing through wasm frames (docs/exceptions.md). Every throw reaches JS: wasm's own
// throw / throw_ref / rethrow are builtins that throw the exception as a JS value, and a JS
// import throws by itself. The export wrapper's host-call loop catches it (func-wrappers.ts)
// and asks findHandler for a handler among the suspended activation's wasm frames, walked by
// native code from the host call's save frame along the rbp chain (no frame but wasm ones
// is ever looked at: the activation's record ends the walk).
//
// For each frame: its function and the wasm offset of its call site come from the code
// address (as for trap backtraces), the try blocks around that offset from the function's
// bytes (scanned on first use, kept per module), and the landing pad of the catching clause
// from the function's offset map (the compiler records it under PAD_MARK | clause offset).
// The activation then continues at the pad with the catching frame's rbp (native resumeAt);
// the pad asks for the caught values (Builtin.CatchPayload) right away. With no handler the
// activation is dropped and the value propagates to the caller of the export, as before.
//
// Traps are not exceptions: a RuntimeError of a trap (its `trap` is set) passes every handler.
import {
  ALL_FEATURES, BinaryReader, CallBuffer, Op, PAD_MARK, TrapCode, ValType, areaSlots, lookupWasmOffset, readImmediates,
  type OffsetMap, type WasmModule,
} from '@wasmjit/codegen';
import { functionAt } from './backtrace.js';
import { native } from './native.js';
import { cbF64, cbI32, cbI64 } from './call-buffer.js';
import { RuntimeError, trapError } from './errors.js';
import { compiledParts, type Module } from './module.js';
import { JSTag, newException, tagParams, thrownParts, type RawValue, type Tag } from './exceptions.js';
import { externFromJS, externToJS, getRef, putRaw, refFromJS } from './refs.js';
import type { Member, RefDomain } from './ref-domain.js';

const enum Kind { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 }

interface Clause { kind: Kind; tag: number; key: number }

/** A try_table, or a legacy try's body: call sites in (start, end) are covered. */
interface Region {
  start: number;
  end: number;
  clauses: Clause[];
  /** The region an exception that none of the clauses takes goes to next (-1: the caller). */
  parent: number;
}

interface Open { region: number; inBody: boolean }

const regionCache = new WeakMap<WasmModule, Map<number, Region[]>>();

/** The try blocks of defined function funcIndex, in body order. */
function regionsOf(m: WasmModule, funcIndex: number): Region[] {
  let perModule = regionCache.get(m);
  if (perModule === undefined) regionCache.set(m, (perModule = new Map()));
  let regions = perModule.get(funcIndex);
  if (regions === undefined) perModule.set(funcIndex, (regions = scanRegions(m, funcIndex)));
  return regions;
}

/** The innermost try whose body is open among open[0..from], or -1. */
function enclosing(open: readonly Open[], from: number): number {
  for (let i = from; i >= 0; i--) if (open[i]!.region >= 0 && open[i]!.inBody) return open[i]!.region;
  return -1;
}

function scanRegions(m: WasmModule, funcIndex: number): Region[] {
  const body = m.codes[funcIndex - m.numImportedFuncs]!;
  const r = new BinaryReader(m.bytes, body.bodyStart, body.bodyEnd);
  r.features = ALL_FEATURES; // validated already
  const regions: Region[] = [];
  const open: Open[] = [{ region: -1, inBody: false }]; // the function's own frame
  const openRegion = (at: number, clauses: Clause[]) => {
    regions.push({ start: at, end: body.bodyEnd, clauses, parent: enclosing(open, open.length - 1) });
    open.push({ region: regions.length - 1, inBody: true });
  };
  while (r.pos < r.end && open.length > 0) {
    const at = r.pos;
    const op = r.readU8();
    switch (op) {
      case Op.TryTable: {
        r.readBlockType();
        const clauses: Clause[] = [];
        const n = r.readVarU32();
        for (let i = 0; i < n; i++) {
          const key = r.pos;
          const kind = r.readU8() as Kind;
          const tag = kind < Kind.CatchAll ? r.readVarU32() : -1;
          r.readVarU32();
          clauses.push({ kind, tag, key });
        }
        openRegion(at, clauses);
        break;
      }
      case Op.Try:
        r.readBlockType();
        openRegion(at, []);
        break;
      case Op.Catch:
      case Op.CatchAll: {
        const top = open[open.length - 1]!;
        const region = regions[top.region]!;
        if (top.inBody) region.end = at;
        top.inBody = false;
        // A legacy catch keeps the exnref for rethrow: its pad asks for the _ref form.
        if (op === Op.Catch) region.clauses.push({ kind: Kind.CatchRef, tag: r.readVarU32(), key: at });
        else region.clauses.push({ kind: Kind.CatchAllRef, tag: -1, key: at });
        break;
      }
      case Op.Delegate: {
        const depth = r.readVarU32();
        const top = open.pop()!;
        const region = regions[top.region]!;
        region.end = at;
        // Handled as if thrown where label `depth` (counted from outside the try) is.
        const target = open.length - 1 - depth;
        region.parent = target <= 0 ? -1 : enclosing(open, target);
        break;
      }
      case Op.Block:
      case Op.Loop:
      case Op.If:
        readImmediates(r, op, at);
        open.push({ region: -1, inBody: false });
        break;
      case Op.End: {
        const top = open.pop()!;
        if (top.region >= 0 && top.inBody) regions[top.region]!.end = at;
        break;
      }
      default:
        readImmediates(r, op, at);
    }
  }
  return regions;
}

/** The innermost region around call site `offset` (-1 if none). */
function innermost(regions: readonly Region[], offset: number): number {
  let best = -1;
  for (let i = 0; i < regions.length; i++) {
    const g = regions[i]!;
    if (g.start < offset && offset < g.end && (best < 0 || g.start >= regions[best]!.start)) best = i;
  }
  return best;
}

/** Where a frame's code is: its function, and the offset map that covers it. */
interface CodeAt { funcIndex: number; map: OffsetMap; base: number; start: number; end: number }

function codeAt(module: Module, codeOffset: number): CodeAt | null {
  const { compiled, lazy } = compiledParts(module)!;
  const placed = lazy?.placedAt(codeOffset);
  if (placed) return placed;
  const { funcOffsets, funcEnds } = compiled;
  const f = functionAt(funcOffsets, funcEnds, codeOffset);
  if (f < 0) return null;
  return { funcIndex: f, map: compiled.offsetMap, base: 0, start: funcOffsets[f]!, end: funcEnds[f]! };
}

/** The code offset of the landing pad recorded under `key` in the function at `c`, or -1. */
function padOffset(c: CodeAt, key: number): number {
  const want = (PAD_MARK | key) >>> 0;
  const { code, wasm } = c.map;
  const from = c.start - c.base;
  const to = c.end - c.base;
  let lo = 0;
  let hi = code.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (code[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < code.length && code[i]! < to; i++) if (wasm[i] === want) return code[i]! + c.base;
  return -1;
}

/** What the landing pad being entered asks CatchPayload for. */
let caught: { value: unknown; tag: Tag; values: readonly RawValue[] } | null = null;

/**
 * The host call the export wrapper ran threw `e`: continue the suspended activation at a
 * handler among its wasm frames (returns what resumeAt returned, like resume()), or drop the
 * activation and rethrow `e`. The call buffer's SuspendSerial names the activation.
 */
export function throwIntoWasm(e: unknown, entered: { readonly domain: RefDomain }): number | true | undefined {
  if (!(e instanceof RuntimeError && e.trap !== '')) {
    const serial = cbF64[CallBuffer.SuspendSerial]!;
    let handler: { rbp: number; pc: number } | null = null;
    try {
      handler = findHandler(e, entered);
    } catch (x) {
      // No JS stack left to search with (deep wasm → JS → wasm nesting ended by V8's
      // RangeError): `e` goes on as it is, the same object, as before handlers existed.
      if (!(x instanceof RangeError)) throw x;
    }
    cbF64[CallBuffer.SuspendSerial] = serial;
    if (handler !== null) {
      caught = { value: e, ...thrownParts(e) };
      return native.resumeAt(handler.rbp, handler.pc);
    }
  }
  native.abandon();
  throw e;
}

function findHandler(e: unknown, entered: { readonly domain: RefDomain }): { rbp: number; pc: number } | null {
  const frames = native.suspendedFrames();
  const members = [...entered.domain.root().members()];
  const { tag } = thrownParts(e);
  for (let i = 0; i < frames.length; i += 3) {
    const pc = frames[i]!;
    const member = members.find((m) => m.vmctx.address === frames[i + 2]);
    if (member === undefined) continue; // a host thunk's frame, or no code of this domain
    const parts = member.parts;
    const codeOffset = pc - 1 - parts.code.address;
    if (codeOffset < 0 || codeOffset >= parts.code.size) continue;
    const c = codeAt(member.module, codeOffset);
    if (c === null || c.funcIndex < parts.wasm.numImportedFuncs) continue;
    const regions = regionsOf(parts.wasm, c.funcIndex);
    if (regions.length === 0) continue;
    const site = lookupWasmOffset(c.map, codeOffset - c.base, c.start - c.base);
    // A tail call ended this frame before its callee ran; a host callee (and anything
    // else made as call + return) still finds the frame on the stack, but none of its
    // handlers may take what the callee throws.
    if (isTailCall(parts.wasm.bytes[site])) continue;
    for (let g = innermost(regions, site); g >= 0; g = regions[g]!.parent) {
      for (const k of regions[g]!.clauses) {
        if (k.kind < Kind.CatchAll && member.tags[k.tag] !== tag) continue;
        const pad = padOffset(c, k.key);
        if (pad < 0) throw new Error(`BUG: no landing pad for the catch clause at 0x${k.key.toString(16)} of function ${c.funcIndex}`);
        return { rbp: frames[i + 1]!, pc: parts.code.address + pad };
      }
    }
  }
  return null;
}

/** return_call or return_call_indirect (return_call_ref needs typed references: not decoded). */
function isTailCall(op: number | undefined): boolean {
  return op === Op.ReturnCall || op === Op.ReturnCallIndirect;
}

// ── the builtins ─────────────────────────────────────────────────────────────────────

const AREA = CallBuffer.AreaStart;

/** A null exnref thrown into wasm by `throw null` is kept as this box (0 is the null exnref). */
const THROWN_NULL = Object.freeze({ thrownNull: true });

function readRaw(t: ValType, slot: number, domain: RefDomain): RawValue {
  switch (t) {
    case ValType.I32: case ValType.F32: return BigInt(cbI32[2 * slot]! >>> 0);
    case ValType.I64: case ValType.F64: return BigInt.asUintN(64, cbI64[slot]!);
    case ValType.V128: return BigInt.asUintN(64, cbI64[slot]!) | (BigInt.asUintN(64, cbI64[slot + 1]!) << 64n);
    case ValType.ExnRef: {
      const v = externToJS((cbI32[2 * slot]! >>> 0) + (cbI32[2 * slot + 1]! >>> 0) * 0x1_0000_0000, domain);
      return v;
    }
    default: return getRef(t, 2 * slot, domain);
  }
}

function writeRaw(t: ValType, slot: number, v: RawValue, domain: RefDomain): void {
  switch (t) {
    case ValType.I32: case ValType.F32: cbI32[2 * slot] = Number(v as bigint) | 0; return;
    case ValType.I64: case ValType.F64: cbI64[slot] = BigInt.asIntN(64, v as bigint); return;
    case ValType.V128:
      cbI64[slot] = BigInt.asIntN(64, v as bigint);
      cbI64[slot + 1] = BigInt.asIntN(64, (v as bigint) >> 64n);
      return;
    case ValType.ExnRef: putRaw(2 * slot, v === null ? 0 : externFromJS(v, domain)); return;
    default: putRaw(2 * slot, refFromJS(t, v, domain));
  }
}

/** The exception builtins of an instance (abi.ts Builtin.Throw, ThrowRef, CatchPayload). */
export function exceptionBuiltins(member: Member): { throw: () => void; throwRef: () => void; catchPayload: () => void } {
  return {
    throw() {
      const tag = member.tags[cbI32[2 * AREA]! >>> 0]!;
      const params = tagTypes(tag);
      const at = areaSlots(params);
      const values = params.map((t, i) => readRaw(t, AREA + 1 + at[i]!, member.domain));
      // JSTag's exceptions are JS values: the value itself is what JS sees thrown.
      throw tag === JSTag ? values[0] : newException(tag, values);
    },
    throwRef() {
      const raw = (cbI32[2 * AREA]! >>> 0) + (cbI32[2 * AREA + 1]! >>> 0) * 0x1_0000_0000;
      if (raw === 0) throw trapError(TrapCode.NullReference);
      const v = externToJS(raw, member.domain);
      throw v === THROWN_NULL ? null : v;
    },
    catchPayload() {
      const c = caught;
      caught = null;
      if (c === null) throw new Error('BUG: a landing pad ran without a caught exception');
      const kind = cbI32[2 * AREA]! as Kind;
      const types: ValType[] = kind < Kind.CatchAll ? [...tagTypes(c.tag)] : [];
      const values: RawValue[] = kind < Kind.CatchAll ? [...c.values] : [];
      if (kind === Kind.CatchRef || kind === Kind.CatchAllRef) {
        types.push(ValType.ExnRef);
        values.push(c.value === null ? THROWN_NULL : c.value);
      }
      const at = areaSlots(types);
      types.forEach((t, i) => writeRaw(t, AREA + at[i]!, values[i], member.domain));
    },
  };
}

function tagTypes(tag: Tag): readonly ValType[] {
  return tagParams(tag);
}
