// Wasm values as the script runner sees them, the script's constants turned into them, and
// the comparison of results with assert_return's expected patterns (@wasmjit/text parses
// both).

import type { FloatPattern, WastExpected, WastValue } from '@wasmjit/text';
import {
  bitsToF32,
  bitsToF64,
  isArithmeticNaN,
  isCanonicalNaN,
  isNaNBits,
  isSignallingNaN,
  quietBit,
  type FloatType,
} from './float-bits.js';

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export type RefType = 'funcref' | 'externref';
export type ValType = NumType | 'v128' | RefType;

/**
 * A wasm value with its type. Numbers carry their raw bit pattern as an unsigned bigint
 * (i32/f32: 32 bits, i64/f64: 64, v128: 128 with byte 0 in the low 8 bits) so that NaN
 * payloads and -0 survive; references carry the host-side value (null for ref.null).
 */
export type Value = { type: NumType | 'v128'; bits: bigint } | { type: RefType; ref: unknown };

/** A script construct this runner cannot execute (the reason names what is missing). */
export class UnsupportedValueError extends Error {
  override name = 'UnsupportedValueError';
}

/**
 * `ref.extern N` values. The spec harness treats them as opaque host references that are
 * equal exactly when N is equal: one frozen object per N (per script run), compared by identity.
 */
export class HostRefs {
  private readonly refs = new Map<number, object>();
  get(n: number): object {
    let r = this.refs.get(n);
    if (!r) {
      r = Object.freeze({ hostref: n });
      this.refs.set(n, r);
    }
    return r;
  }
  /** The N of a host ref made here, for messages. */
  describe(ref: unknown): number | undefined {
    for (const [k, v] of this.refs) if (v === ref) return k;
    return undefined;
  }
}

/** Bytes of a v128 as one 128-bit unsigned bigint, byte 0 lowest. */
export function v128Bits(bytes: Uint8Array): bigint {
  let b = 0n;
  for (let i = 15; i >= 0; i--) b = (b << 8n) | BigInt(bytes[i]!);
  return b;
}

const FUNC_HEAPS = new Set(['func', 'funcref', 'nofunc']);
const EXTERN_HEAPS = new Set(['extern', 'externref', 'noextern']);

function refTypeOfHeap(heap: string): RefType {
  if (FUNC_HEAPS.has(heap)) return 'funcref';
  if (EXTERN_HEAPS.has(heap)) return 'externref';
  throw new UnsupportedValueError(`reference type ${heap} (garbage collection)`);
}

/** An invoke argument. */
export function toValue(v: WastValue, hostRefs: HostRefs): Value {
  switch (v.type) {
    case 'i32': case 'i64': case 'f32': case 'f64':
      return { type: v.type, bits: v.bits };
    case 'v128':
      return { type: 'v128', bits: v128Bits(v.bytes) };
    case 'ref.null':
      return { type: refTypeOfHeap(v.heap), ref: null };
    case 'ref.extern':
      return { type: 'externref', ref: hostRefs.get(v.value) };
    case 'ref.host':
      throw new UnsupportedValueError('ref.host values (garbage collection)');
  }
}

/** The type of value an expected result is (what the adapter reads the result as). */
export function expectedType(e: WastExpected): ValType {
  switch (e.type) {
    case 'i32': case 'i64': case 'f32': case 'f64': case 'v128':
      return e.type;
    case 'ref.null':
      return e.heap === undefined ? 'externref' : refTypeOfHeap(e.heap);
    case 'ref.extern':
      return 'externref';
    case 'ref':
      if (e.kind === 'func') return 'funcref';
      if (e.kind === 'extern') return 'externref';
      throw new UnsupportedValueError(`ref.${e.kind} results (garbage collection)`);
    case 'ref.host':
      throw new UnsupportedValueError('ref.host results (garbage collection)');
    case 'either': {
      const types = new Set(e.options.map(expectedType));
      if (types.size !== 1) throw new UnsupportedValueError('either with results of different types');
      return [...types][0]!;
    }
  }
}

const LANE_BITS: Record<string, number> = { i8x16: 8, i16x8: 16, i32x4: 32, i64x2: 64, f32x4: 32, f64x2: 64 };

function floatMatches(p: FloatPattern, bits: bigint, type: FloatType): boolean {
  if ('bits' in p) return p.bits === bits; // bit for bit, NaN payloads included
  return p.nan === 'canonical' ? isCanonicalNaN(bits, type) : isArithmeticNaN(bits, type);
}

function v128Matches(e: Extract<WastExpected, { type: 'v128' }>, bits: bigint): boolean {
  const width = LANE_BITS[e.shape]!;
  const mask = (1n << BigInt(width)) - 1n;
  const float: FloatType | undefined = e.shape === 'f32x4' ? 'f32' : e.shape === 'f64x2' ? 'f64' : undefined;
  return e.lanes.every((lane, i) => {
    const got = (bits >> BigInt(i * width)) & mask;
    if (float !== undefined) return floatMatches(lane, got, float);
    return 'bits' in lane && BigInt.asUintN(width, lane.bits) === got;
  });
}

export function matches(e: WastExpected, v: Value, hostRefs: HostRefs): boolean {
  switch (e.type) {
    case 'i32': case 'i64':
      return v.type === e.type && 'bits' in v && v.bits === BigInt.asUintN(e.type === 'i32' ? 32 : 64, e.bits);
    case 'f32': case 'f64':
      return v.type === e.type && 'bits' in v && floatMatches(e.pattern, v.bits, e.type);
    case 'v128':
      return v.type === 'v128' && 'bits' in v && v128Matches(e, v.bits);
    case 'ref.null':
      return 'ref' in v && v.ref === null && (e.heap === undefined || v.type === refTypeOfHeap(e.heap));
    case 'ref.extern':
      if (!('ref' in v) || v.type !== 'externref' || v.ref === null || v.ref === undefined) return false;
      return e.value === undefined || v.ref === hostRefs.get(e.value);
    case 'ref':
      return 'ref' in v && v.ref !== null && v.ref !== undefined && v.type === expectedType(e);
    case 'ref.host':
      return false;
    case 'either':
      return e.options.some((o) => matches(o, v, hostRefs));
  }
}

/**
 * Whether a mismatch is explained by a signalling NaN having been quieted on its way
 * through a JS number (what the JS API does to f32/f64 arguments and results; only adapters
 * with that boundary ask). Accepted only when a signalling NaN is involved on the input or
 * expected side and expected and actual differ in exactly the quiet bit, the engine's value
 * being the quiet one.
 */
export function isQuietedSNaNMismatch(args: Value[], expected: WastExpected[], actual: Value[], hostRefs: HostRefs): boolean {
  if (expected.length !== actual.length) return false;
  const involved = new Set<FloatType>();
  for (const a of args) if ((a.type === 'f32' || a.type === 'f64') && 'bits' in a && isSignallingNaN(a.bits, a.type)) involved.add(a.type);
  for (const e of expected) {
    if ((e.type === 'f32' || e.type === 'f64') && 'bits' in e.pattern && isSignallingNaN(e.pattern.bits, e.type)) involved.add(e.type);
  }
  if (involved.size === 0) return false;
  let explained = false;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const v = actual[i]!;
    if (matches(e, v, hostRefs)) continue;
    const eb = e.type === 'f32' || e.type === 'f64' ? ('bits' in e.pattern ? e.pattern.bits : undefined) : e.type === 'i32' || e.type === 'i64' ? e.bits : undefined;
    if (eb === undefined || !('bits' in v) || v.type !== e.type) return false;
    const diff = eb ^ v.bits;
    // The quiet bit sits at bit 22 of an f32 and bit 51 of an f64; an i32/i64 result (e.g.
    // from a reinterpret) shows the same single-bit difference.
    const candidates: bigint[] = [];
    if (involved.has('f32') && (v.type === 'f32' || v.type === 'i32')) candidates.push(quietBit('f32'));
    if (involved.has('f64') && (v.type === 'f64' || v.type === 'i64')) candidates.push(quietBit('f64'));
    if (!candidates.includes(diff) || (v.bits & diff) === 0n) return false;
    explained = true;
  }
  return explained;
}

// --- formatting for messages ---

function hex(b: bigint, width: number): string {
  return '0x' + b.toString(16).padStart(width / 4, '0');
}

function floatText(bits: bigint, type: FloatType): string {
  if (isNaNBits(bits, type)) return 'nan';
  const x = type === 'f32' ? bitsToF32(bits) : bitsToF64(bits);
  return Object.is(x, -0) ? '-0' : String(x);
}

export function formatValue(v: Value, hostRefs?: HostRefs): string {
  if ('bits' in v) {
    switch (v.type) {
      case 'i32': return `i32:${hex(v.bits, 32)} (${BigInt.asIntN(32, v.bits)})`;
      case 'i64': return `i64:${hex(v.bits, 64)} (${BigInt.asIntN(64, v.bits)})`;
      case 'f32': return `f32:${hex(v.bits, 32)} (${floatText(v.bits, 'f32')})`;
      case 'f64': return `f64:${hex(v.bits, 64)} (${floatText(v.bits, 'f64')})`;
      case 'v128': return `v128:${hex(v.bits, 128)}`;
    }
  }
  if (v.ref === null) return `${v.type}:null`;
  const n = hostRefs?.describe(v.ref);
  if (n !== undefined) return `${v.type}:ref.extern ${n}`;
  return `${v.type}:${typeof v.ref === 'function' ? 'function' : String(v.ref)}`;
}

function patternText(p: FloatPattern, type: FloatType): string {
  return 'nan' in p ? `nan:${p.nan}` : `${hex(p.bits, type === 'f32' ? 32 : 64)} (${floatText(p.bits, type)})`;
}

export function formatExpected(e: WastExpected): string {
  switch (e.type) {
    case 'i32': case 'i64': {
      const w = e.type === 'i32' ? 32 : 64;
      const bits = BigInt.asUintN(w, e.bits);
      return `${e.type}:${hex(bits, w)} (${BigInt.asIntN(w, bits)})`;
    }
    case 'f32': case 'f64':
      return `${e.type}:${patternText(e.pattern, e.type)}`;
    case 'v128': {
      const float = e.shape === 'f32x4' ? 'f32' : e.shape === 'f64x2' ? 'f64' : undefined;
      const lanes = e.lanes.map((l) => (float ? patternText(l, float) : 'bits' in l ? String(l.bits) : `nan:${l.nan}`));
      return `v128:${e.shape} ${lanes.join(' ')}`;
    }
    case 'ref.null': return `ref.null${e.heap ? ' ' + e.heap : ''}`;
    case 'ref.extern': case 'ref.host': return `${e.type}${e.value !== undefined ? ' ' + e.value : ''}`;
    case 'ref': return `ref.${e.kind} (non-null)`;
    case 'either': return `either(${e.options.map(formatExpected).join(' | ')})`;
  }
}
