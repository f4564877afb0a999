// Conversions between float and integer lanes, and narrowing/widening of floats. The
// saturating truncations and the unsigned conversions have no single SSE instruction; the
// sequences follow V8's x64 macro-assembler (written anew).
import { SIMD } from '../../x64/simd-ops.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { bit, constMem, constXmm, freeXmm, splatBits, tempXmm, unary } from './simd-values.js';

const F64_2P52 = 0x4330000000000000n; // 2^52
const F64_INT32_MAX = 0x41dfffffffc00000n; // 2147483647.0
const F64_UINT32_MAX = 0x41efffffffe00000n; // 4294967295.0

export function convertF32x4U(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    // Low 16 bits convert exactly; the high part is halved, converted, doubled, added.
    const lo = tempXmm(fc, bit(a));
    s.zero(lo);
    s.bin(SIMD.pblendw, lo, lo, a, 0x55);
    s.bin(SIMD.psubd, d, a, lo);
    s.un(SIMD.cvtdq2ps, lo, lo);
    s.shiftImm(SIMD.psrld_imm, d, d, 1);
    s.un(SIMD.cvtdq2ps, d, d);
    s.bin(SIMD.addps, d, d, d);
    s.bin(SIMD.addps, d, d, lo);
    freeXmm(fc, lo);
  });
}

export function convertLowF64x2U(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    // Each u32 becomes the low mantissa of 2^52 + x; subtracting 2^52 leaves x exactly.
    s.bin(SIMD.unpcklps, d, a, constMem(fc, splatBits(32, 0x43300000n)));
    s.bin(SIMD.subpd, d, d, constMem(fc, splatBits(64, F64_2P52)));
  });
}

export function truncSatF32x4S(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    const t = tempXmm(fc, bit(a));
    s.bin(SIMD.cmpps, t, a, a, 0); // ordered lanes
    s.bin(SIMD.pand, d, a, t); // NaN -> 0
    s.bin(SIMD.pxor, t, t, d); // top bit set where the input is >= 0
    s.un(SIMD.cvttps2dq, d, d);
    s.bin(SIMD.pand, t, t, d); // set where a non-negative input came out negative: overflow
    s.shiftImm(SIMD.psrad_imm, t, t, 31);
    s.bin(SIMD.pxor, d, d, t); // 0x80000000 -> 0x7fffffff there
    freeXmm(fc, t);
  });
}

export function truncSatF32x4U(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    const k = tempXmm(fc, bit(a));
    const t = tempXmm(fc, bit(a) | bit(k));
    s.zero(k);
    s.bin(SIMD.maxps, d, a, k); // NaN and negatives -> 0
    s.ones(k);
    s.shiftImm(SIMD.psrld_imm, k, k, 1);
    s.un(SIMD.cvtdq2ps, k, k); // 2^31 as f32
    s.bin(SIMD.subps, t, d, k); // the part above 2^31
    s.bin(SIMD.cmpps, k, k, t, 2); // lanes where that part >= 2^31: overflow
    s.un(SIMD.cvttps2dq, t, t);
    s.bin(SIMD.pxor, t, t, k);
    s.zero(k);
    s.bin(SIMD.pmaxsd, t, t, k); // negative (in range) -> 0
    s.un(SIMD.cvttps2dq, d, d); // >= 2^31 gives 0x80000000
    s.bin(SIMD.paddd, d, d, t);
    freeXmm(fc, k, t);
  });
}

export function truncSatF64x2SZero(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    const t = tempXmm(fc, bit(a));
    s.bin(SIMD.cmppd, t, a, a, 0); // ordered lanes
    s.bin(SIMD.andpd, t, t, constMem(fc, splatBits(64, F64_INT32_MAX))); // 2147483647.0, or 0 for NaN lanes
    s.bin(SIMD.minpd, d, a, t); // minpd returns the second operand for NaN
    s.un(SIMD.cvttpd2dq, d, d);
    freeXmm(fc, t);
  });
}

export function truncSatF64x2UZero(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    const z = tempXmm(fc, bit(a));
    s.zero(z);
    s.bin(SIMD.maxpd, d, a, z); // NaN and negatives -> 0
    s.bin(SIMD.minpd, d, d, constMem(fc, splatBits(64, F64_UINT32_MAX)));
    s.un(SIMD.roundpd, d, d, 3); // truncate
    s.bin(SIMD.addpd, d, d, constMem(fc, splatBits(64, F64_2P52))); // the integer is now the low 32 bits of each double
    s.bin(SIMD.shufps, d, d, z, 0x88);
    freeXmm(fc, z);
  });
}
