// Wasm values as the runner sees them, script constants, expected-result
// patterns, and the comparison between them.

import { isAtom, isList, type SNode } from './sexpr.js';
import {
  bitsToF32,
  bitsToF64,
  isArithmeticNaN,
  isCanonicalNaN,
  isNaNBits,
  isSignallingNaN,
  parseFloatLiteral,
  parseIntLiteral,
  quietBit,
  type FloatType,
} from './numbers.js';

export type NumType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
export type RefType = 'funcref' | 'externref';
export type ValType = NumType | RefType;

/**
 * A wasm value with its type. Numbers carry their raw bit pattern as an
 * unsigned bigint (i32/f32: 32 bits, i64/f64: 64 bits, v128: 128 bits) so that NaN payloads
 * and -0 survive; references carry the host-side value (null for ref.null).
 */
export type Value = { type: NumType; bits: bigint } | { type: RefType; ref: unknown };

export type Expected =
  | { kind: 'value'; value: Value }
  | { kind: 'nan'; type: FloatType; nan: 'canonical' | 'arithmetic' }
  /** `(either e1 e2 …)` (relaxed SIMD): any one of the alternatives. */
  | { kind: 'either'; alternatives: Expected[] }
  /** A v128 of float lanes where some lane is a NaN pattern; the other lanes match bit for bit. */
  | { kind: 'v128'; shape: FloatType; lanes: (bigint | 'canonical' | 'arithmetic')[] }
  /** `(ref.func)`: any non-null function reference. */
  | { kind: 'ref.func' }
  /** `(ref.extern)` without a payload: any non-null external reference. */
  | { kind: 'ref.extern' };

/** Raised for script constructs outside what this runner runs (e.g. v128). */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}

/**
 * `ref.extern N` values. The spec harness treats them as opaque host
 * references that are equal exactly when N is equal, so we hand out one
 * object per N (per script run) and compare by identity.
 */
export class HostRefs {
  private readonly refs = new Map<string, object>();
  get(n: bigint): object {
    const key = n.toString();
    let r = this.refs.get(key);
    if (!r) {
      r = Object.freeze({ hostref: key });
      this.refs.set(key, r);
    }
    return r;
  }
  /** The N of a host ref we created, for messages. */
  describe(ref: unknown): string | undefined {
    for (const [k, v] of this.refs) if (v === ref) return k;
    return undefined;
  }
}

function constArg(node: SNode, what: string): string {
  if (!isList(node) || node.items.length !== 2 || !isAtom(node.items[1])) {
    throw new Error(`malformed ${what}`);
  }
  return node.items[1].text;
}

function headOf(node: SNode): string {
  if (!isList(node) || !isAtom(node.items[0])) throw new Error('expected a constant expression');
  return node.items[0].text;
}

/** Parse an argument constant such as `(i32.const -1)` or `(ref.null extern)`. */
export function parseConst(node: SNode, hostRefs: HostRefs): Value {
  const head = headOf(node);
  switch (head) {
    case 'i32.const':
      return { type: 'i32', bits: parseIntLiteral(constArg(node, head), 32) };
    case 'i64.const':
      return { type: 'i64', bits: parseIntLiteral(constArg(node, head), 64) };
    case 'f32.const':
      return { type: 'f32', bits: parseFloatLiteral(constArg(node, head), 'f32') };
    case 'f64.const':
      return { type: 'f64', bits: parseFloatLiteral(constArg(node, head), 'f64') };
    case 'ref.null': {
      const t = constArg(node, head);
      if (t === 'func' || t === 'funcref') return { type: 'funcref', ref: null };
      if (t === 'extern' || t === 'externref') return { type: 'externref', ref: null };
      throw new Error(`unknown ref.null type ${t}`);
    }
    case 'ref.extern':
      return { type: 'externref', ref: hostRefs.get(BigInt(constArg(node, head))) };
    case 'v128.const': {
      const lanes = v128Lanes(node);
      return { type: 'v128', bits: packLanes(lanes.shape, lanes.texts.map((t) => laneBits(lanes.shape, t))) };
    }
    default:
      throw new Error(`unknown constant ${head}`);
  }
}

type Shape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';
const LANE_BITS: Record<Shape, number> = { i8x16: 8, i16x8: 16, i32x4: 32, i64x2: 64, f32x4: 32, f64x2: 64 };

/** `(v128.const SHAPE lane…)`: the shape and the lane literals, checked for count. */
function v128Lanes(node: SNode): { shape: Shape; texts: string[] } {
  if (!isList(node) || !isAtom(node.items[1])) throw new Error('malformed v128.const');
  const shape = node.items[1].text as Shape;
  const bits = LANE_BITS[shape];
  if (bits === undefined) throw new Error(`unknown v128 shape ${shape}`);
  const texts = node.items.slice(2).map((n) => {
    if (!isAtom(n)) throw new Error('malformed v128.const lane');
    return n.text;
  });
  if (texts.length !== 128 / bits) throw new Error(`v128.const ${shape} needs ${128 / bits} lanes`);
  return { shape, texts };
}

/** One lane literal as unsigned bits of the lane's width. */
function laneBits(shape: Shape, text: string): bigint {
  if (shape === 'f32x4') return parseFloatLiteral(text, 'f32');
  if (shape === 'f64x2') return parseFloatLiteral(text, 'f64');
  const w = LANE_BITS[shape];
  if (w >= 32) return parseIntLiteral(text, w as 32 | 64);
  // 8/16-bit lanes: parse wide, then check the lane's range (signed or unsigned literal).
  const neg = text[0] === '-';
  const mag = parseIntLiteral(neg || text[0] === '+' ? text.slice(1) : text, 64);
  const limit = 1n << BigInt(w);
  if (neg ? mag > limit >> 1n : mag >= limit) throw new Error(`lane out of range: ${text}`);
  return neg ? (limit - mag) % limit : mag;
}

function packLanes(shape: Shape, lanes: bigint[]): bigint {
  const w = BigInt(LANE_BITS[shape]);
  let v = 0n;
  for (let i = lanes.length - 1; i >= 0; i--) v = (v << w) | lanes[i]!;
  return v;
}

/** Parse an expected result of assert_return (constants plus NaN/ref patterns). */
export function parseExpected(node: SNode, hostRefs: HostRefs): Expected {
  const head = headOf(node);
  if (isList(node) && head === 'either') {
    return { kind: 'either', alternatives: node.items.slice(1).map((n) => parseExpected(n, hostRefs)) };
  }
  if (isList(node) && head === 'v128.const') {
    const { shape, texts } = v128Lanes(node);
    if ((shape === 'f32x4' || shape === 'f64x2') && texts.some((t) => t === 'nan:canonical' || t === 'nan:arithmetic')) {
      const lanes = texts.map((t) => (t === 'nan:canonical' ? 'canonical' : t === 'nan:arithmetic' ? 'arithmetic' : laneBits(shape, t)));
      return { kind: 'v128', shape: shape === 'f32x4' ? 'f32' : 'f64', lanes };
    }
  }
  if (isList(node) && (head === 'f32.const' || head === 'f64.const')) {
    const arg = node.items[1];
    if (isAtom(arg) && (arg.text === 'nan:canonical' || arg.text === 'nan:arithmetic')) {
      return { kind: 'nan', type: head === 'f32.const' ? 'f32' : 'f64', nan: arg.text === 'nan:canonical' ? 'canonical' : 'arithmetic' };
    }
  }
  if (isList(node) && node.items.length === 1) {
    if (head === 'ref.func') return { kind: 'ref.func' };
    if (head === 'ref.extern') return { kind: 'ref.extern' };
  }
  return { kind: 'value', value: parseConst(node, hostRefs) };
}

export function expectedType(e: Expected): ValType {
  switch (e.kind) {
    case 'value':
      return e.value.type;
    case 'nan':
      return e.type;
    case 'v128':
      return 'v128';
    case 'either':
      return expectedType(e.alternatives[0]!);
    case 'ref.func':
      return 'funcref';
    case 'ref.extern':
      return 'externref';
  }
}

export function matches(e: Expected, v: Value): boolean {
  switch (e.kind) {
    case 'value': {
      const x = e.value;
      if (x.type !== v.type) return false;
      if ('bits' in x) return 'bits' in v && x.bits === v.bits; // bit-for-bit, floats included
      return 'ref' in v && x.ref === v.ref;
    }
    case 'nan':
      if (v.type !== e.type || !('bits' in v)) return false;
      return e.nan === 'canonical' ? isCanonicalNaN(v.bits, e.type) : isArithmeticNaN(v.bits, e.type);
    case 'either':
      return e.alternatives.some((a) => matches(a, v));
    case 'v128': {
      if (v.type !== 'v128' || !('bits' in v)) return false;
      const w = e.shape === 'f32' ? 32 : 64;
      return e.lanes.every((l, i) => {
        const bits = BigInt.asUintN(w, v.bits >> BigInt(i * w));
        if (l === 'canonical') return isCanonicalNaN(bits, e.shape);
        if (l === 'arithmetic') return isArithmeticNaN(bits, e.shape);
        return bits === l;
      });
    }
    case 'ref.func':
      return v.type === 'funcref' && 'ref' in v && v.ref !== null && v.ref !== undefined;
    case 'ref.extern':
      return v.type === 'externref' && 'ref' in v && v.ref !== null && v.ref !== undefined;
  }
}

function bitsOf(v: Value): bigint | undefined {
  return 'bits' in v ? v.bits : undefined;
}

/**
 * Whether a mismatch is explained by a signalling NaN having been quieted on
 * its way through a JS number (what the JS API does to f32/f64 arguments and
 * results). We only accept it when some signalling NaN is involved on the
 * input or expected side and expected and actual differ in exactly the quiet
 * bit of that float format (the payload otherwise survives).
 */
export function isQuietedSNaNMismatch(args: Value[], expected: Expected[], actual: Value[]): boolean {
  if (expected.length !== actual.length) return false;
  const involved = new Set<FloatType>();
  for (const a of args) {
    if ((a.type === 'f32' || a.type === 'f64') && isSignallingNaN(a.bits, a.type)) involved.add(a.type);
  }
  for (const e of expected) {
    if (e.kind === 'value' && (e.value.type === 'f32' || e.value.type === 'f64') && isSignallingNaN(e.value.bits, e.value.type)) {
      involved.add(e.value.type);
    }
  }
  if (involved.size === 0) return false;
  let explained = false;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const v = actual[i];
    if (matches(e, v)) continue;
    if (e.kind !== 'value' || e.value.type !== v.type) return false;
    const eb = bitsOf(e.value);
    const vb = bitsOf(v);
    if (eb === undefined || vb === undefined) return false;
    const diff = eb ^ vb;
    // The quiet bit sits at bit 22 of an f32 and bit 51 of an f64; an i32/i64
    // result (e.g. from a reinterpret) shows the same single-bit difference.
    const candidates: bigint[] = [];
    if (involved.has('f32') && (v.type === 'f32' || v.type === 'i32')) candidates.push(quietBit('f32'));
    if (involved.has('f64') && (v.type === 'f64' || v.type === 'i64')) candidates.push(quietBit('f64'));
    if (!candidates.includes(diff)) return false;
    // The engine's value must be the quiet one.
    if ((vb & diff) === 0n) return false;
    explained = true;
  }
  return explained;
}

// --- formatting for messages ---

function hex(b: bigint, width: number): string {
  return '0x' + b.toString(16).padStart(width / 4, '0');
}

export function formatValue(v: Value, hostRefs?: HostRefs): string {
  switch (v.type) {
    case 'i32':
      return `i32:${hex(v.bits, 32)} (${BigInt.asIntN(32, v.bits)})`;
    case 'i64':
      return `i64:${hex(v.bits, 64)} (${BigInt.asIntN(64, v.bits)})`;
    case 'f32': {
      const x = bitsToF32(v.bits);
      return `f32:${hex(v.bits, 32)} (${isNaNBits(v.bits, 'f32') ? 'nan' : Object.is(x, -0) ? '-0' : x})`;
    }
    case 'f64': {
      const x = bitsToF64(v.bits);
      return `f64:${hex(v.bits, 64)} (${isNaNBits(v.bits, 'f64') ? 'nan' : Object.is(x, -0) ? '-0' : x})`;
    }
    case 'v128':
      return `v128:${hex(v.bits, 128)}`;
    default: {
      if (v.ref === null) return `${v.type}:null`;
      const n = hostRefs?.describe(v.ref);
      if (n !== undefined) return `${v.type}:ref.extern ${n}`;
      return `${v.type}:${typeof v.ref === 'function' ? 'function' : String(v.ref)}`;
    }
  }
}

export function formatExpected(e: Expected, hostRefs?: HostRefs): string {
  switch (e.kind) {
    case 'value':
      return formatValue(e.value, hostRefs);
    case 'nan':
      return `${e.type}:nan:${e.nan}`;
    case 'either':
      return `either(${e.alternatives.map((a) => formatExpected(a, hostRefs)).join(' | ')})`;
    case 'v128':
      return `v128:${e.shape}x${e.shape === 'f32' ? 4 : 2}[${e.lanes.map((l) => (typeof l === 'bigint' ? '0x' + l.toString(16) : `nan:${l}`)).join(' ')}]`;
    case 'ref.func':
      return 'funcref:non-null';
    case 'ref.extern':
      return 'externref:non-null';
  }
}
