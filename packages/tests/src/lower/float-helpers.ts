// Shared by float.test.ts and conversions.test.ts: float bit patterns worth testing, the
// spec's NaN classes, and calling wasmjit (callRaw) and V8 (through i32/i64 bit-pattern
// wrappers, since JS numbers do not carry NaN payloads) on raw bits.
import { expect } from 'chai';
import { callRaw } from '@wasmjit/runtime';
import { rng } from '../util/rng.js';
import type { Exports } from '../util/wat.js';

export type FS = 32 | 64;

/** Wasm type names for a float size, and the integer of the same width. */
export function ft(fs: FS): 'f32' | 'f64' {
  return fs === 32 ? 'f32' : 'f64';
}
export function it_(fs: FS): 'i32' | 'i64' {
  return fs === 32 ? 'i32' : 'i64';
}

const F32_EDGES: bigint[] = [
  0x00000000n, 0x80000000n, // ±0
  0x3f800000n, 0xbf800000n, 0x3f000000n, 0xbf000000n, // ±1, ±0.5
  0x3fc00000n, 0x40200000n, 0xc0200000n, 0x40600000n, 0xbfc00000n, // 1.5, 2.5, -2.5, 3.5, -1.5
  0x3effffffn, 0x3f000001n, 0x3f7fffffn, // just below/above 0.5, just below 1
  0x7f800000n, 0xff800000n, // ±inf
  0x7fc00000n, 0xffc00000n, // canonical NaNs
  0x7fe00000n, 0xffe12345n, 0x7fc00001n, // arithmetic (quiet) NaNs with payloads
  0x7f800001n, 0xff812345n, 0x7fbfffffn, 0x7fa00000n, // signalling NaNs
  0x00000001n, 0x80000001n, 0x007fffffn, 0x807fffffn, // subnormals
  0x00800000n, 0x80800000n, 0x7f7fffffn, 0xff7fffffn, // min normal, max finite
  0x4b000000n, 0x4b000001n, 0xcb7fffffn, 0x4affffffn, // around 2^23, where rounding stops mattering
  0x40490fdbn, 0xc2f6e979n, 0x5f000000n, 0xdf000000n, // pi, -123.456, ±2^63
];

const F64_EDGES: bigint[] = [
  0x0000000000000000n, 0x8000000000000000n,
  0x3ff0000000000000n, 0xbff0000000000000n, 0x3fe0000000000000n, 0xbfe0000000000000n,
  0x3ff8000000000000n, 0x4004000000000000n, 0xc004000000000000n, 0x400c000000000000n, 0xbff8000000000000n,
  0x3fdfffffffffffffn, 0x3fe0000000000001n, 0x3fefffffffffffffn,
  0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0xfff8000000000000n,
  0x7ffc000000000000n, 0xfff8000012345678n,
  0x7ff0000000000001n, 0xfff0000123456789n, 0x7ff7ffffffffffffn,
  0x0000000000000001n, 0x8000000000000001n, 0x000fffffffffffffn, 0x800fffffffffffffn,
  0x0010000000000000n, 0x8010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn,
  0x4330000000000000n, 0x4330000000000001n, 0xc32fffffffffffffn, 0x432fffffffffffffn,
  0x400921fb54442d18n, 0xc05edd2f1a9fbe77n, 0x43e0000000000000n, 0xc3e0000000000000n,
];

/** Edge values plus `n` random bit patterns (biased towards ordinary magnitudes). */
export function floatValues(fs: FS, seed: number, n: number): bigint[] {
  const r = rng(seed);
  const out = [...(fs === 32 ? F32_EDGES : F64_EDGES)];
  for (let i = 0; i < n; i++) {
    const hi = BigInt(Math.floor(r() * 2 ** 32));
    const lo = BigInt(Math.floor(r() * 2 ** 32));
    let bits = fs === 32 ? hi : (hi << 32n) | lo;
    // Half of them get an exponent near 1.0 so that the sums and products are not all inf/0.
    if (i % 2 === 0) {
      bits = fs === 32
        ? (bits & 0x807fffffn) | (BigInt(0x7f - 8 + Math.floor(r() * 16)) << 23n)
        : (bits & 0x800fffffffffffffn) | (BigInt(0x3ff - 8 + Math.floor(r() * 16)) << 52n);
    }
    out.push(bits);
  }
  return out;
}

function expMask(fs: FS): bigint {
  return fs === 32 ? 0x7f800000n : 0x7ff0000000000000n;
}
function fracMask(fs: FS): bigint {
  return fs === 32 ? 0x007fffffn : 0x000fffffffffffffn;
}
function quietBit(fs: FS): bigint {
  return fs === 32 ? 0x00400000n : 0x0008000000000000n;
}

export function isNaNBits(fs: FS, b: bigint): boolean {
  return (b & expMask(fs)) === expMask(fs) && (b & fracMask(fs)) !== 0n;
}
/** A canonical NaN: only the quiet bit set in the payload (either sign). */
export function isCanonicalNaN(fs: FS, b: bigint): boolean {
  return (b & expMask(fs)) === expMask(fs) && (b & fracMask(fs)) === quietBit(fs);
}
/** An arithmetic NaN: the quiet bit set. */
export function isArithmeticNaN(fs: FS, b: bigint): boolean {
  return (b & expMask(fs)) === expMask(fs) && (b & quietBit(fs)) !== 0n;
}

export function hex(b: bigint): string {
  return `0x${b.toString(16)}`;
}

/**
 * The spec's result rule for an op that may produce a NaN: when the exact (reference)
 * result is NaN, ours must be a canonical NaN if every NaN input was canonical, and an
 * arithmetic NaN otherwise; any other result must be bit-identical.
 */
export function expectArith(fs: FS, ours: bigint, ref: bigint, inputs: bigint[], inputFs: FS, what: string): void {
  if (!isNaNBits(fs, ref)) {
    expect(hex(ours), what).to.equal(hex(ref));
    return;
  }
  expect(isNaNBits(fs, ours), `${what}: NaN expected, got ${hex(ours)}`).to.equal(true);
  const nanInputs = inputs.filter((b) => isNaNBits(inputFs, b));
  if (nanInputs.every((b) => isCanonicalNaN(inputFs, b))) {
    expect(isCanonicalNaN(fs, ours), `${what}: canonical NaN expected, got ${hex(ours)}`).to.equal(true);
  } else {
    expect(isArithmeticNaN(fs, ours), `${what}: arithmetic NaN expected, got ${hex(ours)}`).to.equal(true);
  }
}

/** Call a wasmjit export on raw bits; returns the single result's bits. */
export function ours(exports: Exports, name: string, args: bigint[]): bigint {
  const f = exports[name];
  if (!f) throw new Error(`no export ${name}`);
  return callRaw(f as Parameters<typeof callRaw>[0], args)[0] as bigint;
}

/** Call a V8 export whose params/result are i32/i64 bit patterns; returns unsigned bits. */
export function v8Bits(exports: Exports, name: string, args: bigint[], argSizes: FS[], resultSize: FS): bigint {
  const conv = args.map((a, i) => (argSizes[i] === 32 ? Number(BigInt.asIntN(32, a)) : BigInt.asIntN(64, a)));
  const r = exports[name]!(...conv) as number | bigint;
  return resultSize === 32 ? BigInt((r as number) >>> 0) : BigInt.asUintN(64, r as bigint);
}

/** A wasm constant expression pushing a float with exact bits (folded by our compiler). */
export function floatConst(fs: FS, bits: bigint): string {
  return fs === 32
    ? `(f32.reinterpret_i32 (i32.const ${BigInt.asIntN(32, bits)}))`
    : `(f64.reinterpret_i64 (i64.const ${BigInt.asIntN(64, bits)}))`;
}

/** The same, written as a literal that wabt turns into a real f32.const/f64.const. */
export function floatLiteral(fs: FS, bits: bigint): string {
  const neg = (bits >> BigInt(fs - 1)) & 1n ? '-' : '';
  if (isNaNBits(fs, bits)) return `${ft(fs)}.const ${neg}nan:${hex(bits & fracMask(fs))}`;
  const dv = new DataView(new ArrayBuffer(8));
  let v: number;
  if (fs === 32) {
    dv.setUint32(0, Number(bits));
    v = dv.getFloat32(0);
  } else {
    dv.setBigUint64(0, bits);
    v = dv.getFloat64(0);
  }
  if (v === Infinity) return `${ft(fs)}.const inf`;
  if (v === -Infinity) return `${ft(fs)}.const -inf`;
  if (Object.is(v, -0)) return `${ft(fs)}.const -0x0p+0`;
  // Hex float literals are exact in both formats.
  return `${ft(fs)}.const ${hexFloat(v)}`;
}

function hexFloat(v: number): string {
  const sign = v < 0 ? '-' : '';
  let a = Math.abs(v);
  if (a === 0) return `${sign}0x0p+0`;
  let e = 0;
  while (a >= 2) { a /= 2; e++; }
  while (a < 1) { a *= 2; e--; }
  // a in [1, 2): 52 fraction bits as 13 hex digits.
  const frac = BigInt(Math.round((a - 1) * 2 ** 52)).toString(16).padStart(13, '0');
  return `${sign}0x1.${frac}p${e >= 0 ? '+' : ''}${e}`;
}
