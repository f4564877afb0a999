// Relaxed SIMD (Wasm 3.0): for each operator the x86 lowering V8 (x64) picks, so that results
// equal V8's on the same machine and instruction path:
//  - relaxed_swizzle: pshufb alone (indices > 15 with bit 7 clear pick lane index & 15).
//  - relaxed_trunc f32x4_s / f64x2_s_zero: cvttps2dq / cvttpd2dq (out of range: 0x80000000);
//    the unsigned forms: the saturating sequences (simd-convert.ts), as V8 uses.
//  - relaxed_madd/nmadd: FMA3 (fused) with AVX when the CPU has FMA, else mulps + addps.
//  - relaxed_laneselect: pblendvb for every shape (each byte chosen by its own top bit; V8 on
//    this machine gives exactly that for i32x4 and i64x2 too). The SSE4.1 form wants the mask
//    in xmm0, so the baseline path builds the same per-byte mask from the top bits (pcmpgtb
//    against zero) and selects with and/xor: the same results without pinning xmm0.
//  - relaxed_min/max: minps/maxps (minpd/maxpd) of (a, b): NaN or ±0 pairs give b.
//  - relaxed_q15mulr_s: pmulhrsw (0x8000 * 0x8000 gives 0x8000).
//  - relaxed_dot_i8x16_i7x16_s: pmaddubsw with b as the unsigned operand (saturating pairs);
//    relaxed_dot_…_add_s: that, pmaddwd with ones, paddd c.
import { SIMD } from '../../x64/simd-ops.js';
import { cpuFeatures } from '../../x64/cpu-features.js';
import type { Xmm } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { binary, bit, constXmm, freeXmm, popTwo, popXmm, pushV128, splatBits, tempXmm, unary } from './simd-values.js';
import { truncSatF32x4U, truncSatF64x2UZero } from './simd-convert.js';

export function relaxedSwizzle(fc: FunctionCompiler): void {
  binary(fc, (d, a, b) => fc.simd.bin(SIMD.pshufb, d, a, b));
}

export function relaxedTrunc(fc: FunctionCompiler, f64: boolean, signed: boolean): void {
  if (!signed) {
    if (f64) truncSatF64x2UZero(fc);
    else truncSatF32x4U(fc);
    return;
  }
  unary(fc, (d, a) => fc.simd.un(f64 ? SIMD.cvttpd2dq : SIMD.cvttps2dq, d, a));
}

/** a * b + c (madd) or c - a * b (nmadd). */
export function relaxedMadd(fc: FunctionCompiler, f64: boolean, negate: boolean): void {
  const s = fc.simd;
  const c = popXmm(fc);
  const b = popXmm(fc, bit(c));
  const a = popXmm(fc, bit(c) | bit(b));
  if (s.avx && cpuFeatures().fma) {
    const op = negate ? (f64 ? SIMD.vfnmadd231pd : SIMD.vfnmadd231ps) : (f64 ? SIMD.vfmadd231pd : SIMD.vfmadd231ps);
    s.bin(op, c, a, b);
  } else {
    s.bin(f64 ? SIMD.mulpd : SIMD.mulps, a, a, b);
    if (negate) s.bin(f64 ? SIMD.subpd : SIMD.subps, c, c, a);
    else s.bin(f64 ? SIMD.addpd : SIMD.addps, c, c, a);
  }
  freeXmm(fc, a, b);
  pushV128(fc, c);
}

export function relaxedLaneselect(fc: FunctionCompiler): void {
  const s = fc.simd;
  const m = popXmm(fc);
  const b = popXmm(fc, bit(m));
  const a = popXmm(fc, bit(m) | bit(b));
  if (s.avx) {
    s.blendv(SIMD.vpblendvb, a, b, a, m);
  } else {
    byteSignMask(fc, m, bit(a) | bit(b));
    s.bin(SIMD.pxor, a, a, b);
    s.bin(SIMD.pand, a, a, m);
    s.bin(SIMD.pxor, a, a, b);
  }
  freeXmm(fc, b, m);
  pushV128(fc, a);
}

/** Every byte of m set to its top bit. */
function byteSignMask(fc: FunctionCompiler, m: Xmm, pinned: number): void {
  const s = fc.simd;
  const z = tempXmm(fc, pinned | bit(m));
  s.zero(z);
  s.bin(SIMD.pcmpgtb, z, z, m);
  s.mov(m, z);
  freeXmm(fc, z);
}

export function relaxedMinMax(fc: FunctionCompiler, f64: boolean, max: boolean): void {
  const op = max ? (f64 ? SIMD.maxpd : SIMD.maxps) : (f64 ? SIMD.minpd : SIMD.minps);
  binary(fc, (d, a, b) => fc.simd.bin(op, d, a, b));
}

export function relaxedQ15mulr(fc: FunctionCompiler): void {
  binary(fc, (d, a, b) => fc.simd.bin(SIMD.pmulhrsw, d, a, b));
}

export function relaxedDot(fc: FunctionCompiler): void {
  const [a, b] = popTwo(fc);
  fc.simd.bin(SIMD.pmaddubsw, b, b, a);
  freeXmm(fc, a);
  pushV128(fc, b);
}

export function relaxedDotAdd(fc: FunctionCompiler): void {
  const s = fc.simd;
  const c = popXmm(fc);
  const b = popXmm(fc, bit(c));
  const a = popXmm(fc, bit(c) | bit(b));
  s.bin(SIMD.pmaddubsw, b, b, a);
  freeXmm(fc, a);
  const ones = constXmm(fc, splatBits(16, 1n), bit(b) | bit(c));
  s.bin(SIMD.pmaddwd, b, b, ones);
  freeXmm(fc, ones);
  s.bin(SIMD.paddd, c, c, b);
  freeXmm(fc, b);
  pushV128(fc, c);
}
