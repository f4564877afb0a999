// Number literals of the text format (spec 6.3.1): integers with sign, hex and `_` separators,
// floats in decimal and hexadecimal notation, `inf`, `nan` and `nan:0x...`. Results are bit
// patterns (bigint), never JS numbers, so nothing is lost on the way to the encoder.

import { F32, F64, rationalToBits, type FloatFormat } from './float-bits.js';
import { exactHexValue, isPlainDecimal, specialF32, specialF64 } from './float-fast.js';

const DEC = /^\d(?:_?\d)*$/;
const HEX = /^[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;
const DEC_FLOAT = /^(\d(?:_?\d)*)(?:\.(\d(?:_?\d)*)?)?(?:[eE]([+-]?\d(?:_?\d)*))?$/;
const HEX_FLOAT = /^0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)(?:\.([0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?(?:[pP]([+-]?\d(?:_?\d)*))?$/;

const noSep = (s: string) => s.replace(/_/g, '');

/**
 * A plain decimal of at most 15 digits (no sign, no `_`) as a number, else -1: what nearly
 * every index, offset and size is, read without a regular expression or a BigInt.
 */
export function smallDecimal(text: string): number {
  const n = text.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** An unsigned literal (decimal or 0x hex), or undefined if `text` is not one. */
export function parseNat(text: string): bigint | undefined {
  const small = smallDecimal(text);
  if (small >= 0) return BigInt(small);
  if (text.startsWith('0x')) {
    const h = text.slice(2);
    return HEX.test(h) ? BigInt('0x' + noSep(h)) : undefined;
  }
  return DEC.test(text) ? BigInt(noSep(text)) : undefined;
}

/** A u32 (indices, alignments, limits): no sign allowed. */
export function parseU32(text: string): number | undefined {
  const small = smallDecimal(text);
  if (small >= 0) return small <= 0xffffffff ? small : undefined;
  const v = parseNat(text);
  return v !== undefined && v <= 0xffffffffn ? Number(v) : undefined;
}

/** A u64 (memory64 limits and offsets). */
export function parseU64(text: string): bigint | undefined {
  const small = smallDecimal(text);
  if (small >= 0) return BigInt(small);
  const v = parseNat(text);
  return v !== undefined && v <= 0xffffffffffffffffn ? v : undefined;
}

/**
 * An iN literal: signed (−2^(N−1) … 2^(N−1)−1) or unsigned (… 2^N−1) spelling, returned as its
 * two's-complement bit pattern in [0, 2^N). Undefined when malformed or out of range.
 */
export function parseInt(text: string, bits: 8 | 16 | 32 | 64): bigint | undefined {
  let sign = 1n;
  let t = text;
  if (t[0] === '+' || t[0] === '-') {
    if (t[0] === '-') sign = -1n;
    t = t.slice(1);
  }
  const v = parseNat(t);
  if (v === undefined) return undefined;
  const limit = 1n << BigInt(bits);
  if (sign < 0n) {
    if (v > limit >> 1n) return undefined;
    return (limit - v) % limit;
  }
  if (v >= limit) return undefined;
  return v;
}

/** Exponents beyond this either underflow to 0 or overflow for every format we encode. */
const EXP_CLAMP = 10_000n;

function clampExp(e: bigint): number {
  return Number(e > EXP_CLAMP ? EXP_CLAMP : e < -EXP_CLAMP ? -EXP_CLAMP : e);
}

function floatBits(text: string, f: FloatFormat): bigint | undefined {
  let negative = false;
  let t = text;
  if (t[0] === '+' || t[0] === '-') {
    negative = t[0] === '-';
    t = t.slice(1);
  }
  const m = BigInt(f.mantissa);
  const expAllOnes = ((1n << BigInt(f.exponent)) - 1n) << m;
  const signBit = negative ? 1n << BigInt(f.mantissa + f.exponent) : 0n;
  if (t === 'inf') return signBit | expAllOnes;
  if (t === 'nan') return signBit | expAllOnes | (1n << (m - 1n));
  if (t.startsWith('nan:0x')) {
    const h = t.slice(6);
    if (!HEX.test(h)) return undefined;
    const payload = BigInt('0x' + noSep(h));
    if (payload === 0n || payload >= 1n << m) return undefined;
    return signBit | expAllOnes | payload;
  }
  const hm = HEX_FLOAT.exec(t);
  if (hm) {
    const int = noSep(hm[1]!);
    const frac = noSep(hm[2] ?? '');
    const e = clampExp(BigInt(noSep(hm[3] ?? '0'))) - 4 * frac.length;
    const fast = hexFastPath(negative, int + frac, e, f);
    if (fast !== null) return fast;
    const mant = BigInt('0x' + int + frac);
    return rationalToBits(negative, e >= 0 ? mant << BigInt(e) : mant, e >= 0 ? 1n : 1n << BigInt(-e), f);
  }
  const dm = DEC_FLOAT.exec(t);
  if (!dm) return undefined;
  const fast = decimalFastPath(negative ? '-' + noSep(t) : noSep(t), f);
  if (fast !== null) return fast;
  const int = noSep(dm[1]!);
  const frac = noSep(dm[2] ?? '');
  const e = clampExp(BigInt(noSep(dm[3] ?? '0'))) - frac.length;
  const mant = BigInt(int + frac);
  if (mant === 0n) return signBit;
  return rationalToBits(negative, e >= 0 ? mant * 10n ** BigInt(e) : mant, e >= 0 ? 1n : 10n ** BigInt(-e), f);
}

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Hex literals whose mantissa fits 52 bits and whose value is a normal f64: `mant · 2^e` is
 * then exact in f64, so f64 needs no rounding and f32 rounds once (Math.fround). Null when
 * the exact path must decide.
 */
function hexFastPath(negative: boolean, digits: string, e: number, f: FloatFormat): bigint | undefined | null {
  if (digits.length > 13) return null;
  const mant = parseInt16(digits);
  if (mant === 0) return negative ? 1n << BigInt(f.mantissa + f.exponent) : 0n;
  const d = (negative ? -mant : mant) * 2 ** e;
  const mag = Math.abs(d);
  if (!(mag >= 2 ** -1022 && mag < 2 ** 1023) || mag / 2 ** e !== mant) return null;
  if (f === F64) {
    scratch.setFloat64(0, d, true);
    return scratch.getBigUint64(0, true);
  }
  const r = Math.fround(d);
  if (!Number.isFinite(r)) return undefined;
  scratch.setFloat32(0, r, true);
  return BigInt(scratch.getUint32(0, true));
}

function parseInt16(digits: string): number {
  return Number.parseInt(digits, 16);
}

/**
 * Decimal literals through the host's correctly rounded string → f64 conversion. For f32 the
 * f64 is rounded once more, which is exact unless the f64 landed on a midpoint between two
 * f32 values (midpoints are f64 values, and rounding is monotonic, so otherwise both roundings
 * fall on the same side). Returns null for the midpoint case: the exact path decides.
 */
function decimalFastPath(text: string, f: FloatFormat): bigint | undefined | null {
  const d = Number(text);
  if (!Number.isFinite(d)) return f === F64 ? undefined : null;
  if (f === F64) {
    scratch.setFloat64(0, d, true);
    return scratch.getBigUint64(0, true);
  }
  const r = Math.fround(d);
  if (r !== d) {
    // Neighbour of r on d's side; d must not be exactly halfway between them.
    scratch.setFloat32(0, r, true);
    const bits = scratch.getUint32(0, true);
    const towardZero = Math.abs(d) < Math.abs(r);
    if (bits === 0 || (bits & 0x7fffffff) === 0) return null;
    scratch.setUint32(0, towardZero ? bits - 1 : bits + 1, true);
    const other = scratch.getFloat32(0, true);
    if (!Number.isFinite(r) || !Number.isFinite(other) || d === (r + other) / 2) return null;
  }
  if (!Number.isFinite(r)) return undefined;
  scratch.setFloat32(0, r, true);
  return BigInt(scratch.getUint32(0, true));
}

/** Bits of an f32 literal, or undefined if malformed or out of range. */
export function parseF32(text: string): number | undefined {
  const special = specialF32(text);
  if (special >= 0) return special;
  if (special === -2) return undefined;
  const hex = exactHexValue(text, true);
  if (hex === hex) {
    // An exact f64 rounds to f32 once, correctly.
    const r = Math.fround(hex);
    if (!Number.isFinite(r)) return undefined;
    scratch.setFloat32(0, r, true);
    return scratch.getUint32(0, true);
  }
  if (isPlainDecimal(text)) {
    const b = decimalFastPath(text, F32);
    if (b !== null) return b === undefined ? undefined : Number(b);
  }
  const b = floatBits(text, F32);
  return b === undefined ? undefined : Number(b);
}

/** Bits of an f64 literal, or undefined if malformed or out of range. */
export function parseF64(text: string): bigint | undefined {
  const special = specialF64(text);
  if (special !== undefined) return special === null ? undefined : special;
  const hex = exactHexValue(text);
  if (hex === hex) {
    scratch.setFloat64(0, hex, true);
    return scratch.getBigUint64(0, true);
  }
  if (isPlainDecimal(text)) {
    const b = decimalFastPath(text, F64);
    if (b !== null) return b;
  }
  return floatBits(text, F64);
}

/**
 * An iN literal (N ≤ 32) as its two's-complement bits in a number, without BigInt for the
 * usual short decimals; undefined when malformed or out of range.
 */
export function parseSmallInt(text: string, bits: 8 | 16 | 32): number | undefined {
  const v = smallSignedDecimal(text);
  if (v === v) {
    if (v < -(2 ** (bits - 1)) || v >= 2 ** bits) return undefined;
    return v < 0 ? v + 2 ** bits : v;
  }
  const b = parseInt(text, bits);
  return b === undefined ? undefined : Number(b);
}

/** A decimal of at most 9 digits with an optional sign (it fits an i32 either way), else NaN. */
export function smallSignedDecimal(text: string): number {
  const c = text.charCodeAt(0);
  const signed = c === 0x2d || c === 0x2b ? 1 : 0;
  const n = text.length;
  if (n === signed || n - signed > 9) return NaN;
  let v = 0;
  for (let i = signed; i < n; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return c === 0x2d ? -v : v;
}
