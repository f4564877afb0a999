// Integer lane arithmetic beyond one instruction: neg, i64x2 abs/mul, q15mulr_sat, popcnt,
// extend, extmul, extadd_pairwise. Sequences after V8's x64 macro-assembler (written anew).
import { SIMD } from '../../x64/simd-ops.js';
import type { Xmm } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { binary, bit, constMem, constXmm, freeXmm, popTwo, popXmm, pushV128, splatBits, tempXmm, unary, unaryFrom } from './simd-values.js';

type Shape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2';
const SUB = { i8x16: SIMD.psubb, i16x8: SIMD.psubw, i32x4: SIMD.psubd, i64x2: SIMD.psubq } as const;

/** 0 - a. */
export function neg(fc: FunctionCompiler, shape: Shape): void {
  const a = popXmm(fc);
  const z = tempXmm(fc, bit(a));
  fc.simd.zero(z);
  fc.simd.bin(SUB[shape], z, z, a);
  freeXmm(fc, a);
  pushV128(fc, z);
}

/** i64x2.abs: the sign of each lane broadcast to the whole lane, then (a ^ sign) - sign. */
export function absI64x2(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    const sign = tempXmm(fc, bit(a));
    s.shiftImm(SIMD.psrad_imm, sign, a, 31);
    s.un(SIMD.pshufd, sign, sign, 0xf5);
    s.bin(SIMD.pxor, d, a, sign);
    s.bin(SIMD.psubq, d, d, sign);
    freeXmm(fc, sign);
  });
}

/** lo(a)*lo(b) + ((hi(a)*lo(b) + lo(a)*hi(b)) << 32), with pmuludq. */
export function mulI64x2(fc: FunctionCompiler): void {
  const s = fc.simd;
  binary(fc, (d, a, b) => {
    const pins = bit(a) | bit(b);
    const t1 = tempXmm(fc, pins);
    const t2 = tempXmm(fc, pins | bit(t1));
    s.shiftImm(SIMD.psrlq_imm, t1, a, 32);
    s.bin(SIMD.pmuludq, t1, t1, b);
    s.shiftImm(SIMD.psrlq_imm, t2, b, 32);
    s.bin(SIMD.pmuludq, t2, t2, a);
    s.bin(SIMD.paddq, t1, t1, t2);
    s.shiftImm(SIMD.psllq_imm, t1, t1, 32);
    s.bin(SIMD.pmuludq, d, a, b);
    s.bin(SIMD.paddq, d, d, t1);
    freeXmm(fc, t1, t2);
  });
}

/** pmulhrsw, except that 0x8000 * 0x8000 must saturate to 0x7fff: flip exactly those lanes. */
export function q15mulrSat(fc: FunctionCompiler): void {
  const s = fc.simd;
  binary(fc, (d, a, b) => {
    s.bin(SIMD.pmulhrsw, d, a, b);
    const k = constXmm(fc, splatBits(16, 0x8000n), bit(d) | bit(b));
    s.bin(SIMD.pcmpeqw, k, k, d);
    s.bin(SIMD.pxor, d, d, k);
    freeXmm(fc, k);
  });
}

/** Per byte: the bit counts of its two nibbles, looked up with pshufb, added. */
export function popcnt(fc: FunctionCompiler): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    const mask = constXmm(fc, splatBits(8, 0x0fn), bit(a));
    const lo = tempXmm(fc, bit(a) | bit(mask));
    s.bin(SIMD.pand, lo, mask, a);
    s.shiftImm(SIMD.psrlw_imm, d, a, 4);
    s.bin(SIMD.pand, d, d, mask);
    freeXmm(fc, mask);
    const lut = constXmm(fc, 0x04030302_03020201_03020201_02010100n, bit(d) | bit(lo));
    const lut2 = tempXmm(fc, bit(d) | bit(lo) | bit(lut));
    s.mov(lut2, lut);
    s.bin(SIMD.pshufb, lut, lut, lo);
    s.bin(SIMD.pshufb, lut2, lut2, d);
    s.bin(SIMD.paddb, d, lut, lut2);
    freeXmm(fc, lo, lut, lut2);
  });
}

type ExtendFrom = 'i8x16' | 'i16x8' | 'i32x4';
const EXT_S = { i8x16: SIMD.pmovsxbw, i16x8: SIMD.pmovsxwd, i32x4: SIMD.pmovsxdq } as const;
const EXT_U = { i8x16: SIMD.pmovzxbw, i16x8: SIMD.pmovzxwd, i32x4: SIMD.pmovzxdq } as const;

/** Widen the low or high half of x in place (the high half first moves down with pshufd). */
function widen(fc: FunctionCompiler, x: Xmm, from: ExtendFrom, high: boolean, signed: boolean): void {
  if (high) fc.simd.un(SIMD.pshufd, x, x, 0xee);
  fc.simd.un((signed ? EXT_S : EXT_U)[from], x, x);
}

/** Low half: one pmovsx/pmovzx from wherever the operand is; high: pshufd to move it down first. */
export function extend(fc: FunctionCompiler, from: ExtendFrom, high: boolean, signed: boolean): void {
  unaryFrom(fc, (d, src) => {
    const ext = (signed ? EXT_S : EXT_U)[from];
    if (!high) {
      fc.simd.un(ext, d, src);
      return;
    }
    fc.simd.un(SIMD.pshufd, d, src, 0xee);
    fc.simd.un(ext, d, d);
  });
}

export function extmul(fc: FunctionCompiler, from: ExtendFrom, high: boolean, signed: boolean): void {
  const s = fc.simd;
  if (from === 'i32x4') {
    // pmuldq/pmuludq multiply lanes 0 and 2: spread the wanted two lanes there.
    binary(fc, (d, a, b) => {
      const sel = high ? 0xfa : 0x50;
      s.un(SIMD.pshufd, a, a, sel);
      s.un(SIMD.pshufd, b, b, sel);
      s.bin(signed ? SIMD.pmuldq : SIMD.pmuludq, d, a, b);
    });
    return;
  }
  if (from === 'i16x8') {
    // Low and high 16 bits of each 32-bit product, interleaved.
    binary(fc, (d, a, b) => {
      const hi = tempXmm(fc, bit(a) | bit(b));
      s.bin(signed ? SIMD.pmulhw : SIMD.pmulhuw, hi, a, b);
      s.bin(SIMD.pmullw, d, a, b);
      s.bin(high ? SIMD.punpckhwd : SIMD.punpcklwd, d, d, hi);
      freeXmm(fc, hi);
    });
    return;
  }
  binary(fc, (d, a, b) => {
    widen(fc, a, from, high, signed);
    widen(fc, b, from, high, signed);
    s.bin(SIMD.pmullw, d, a, b);
  });
}

export function extaddPairwise(fc: FunctionCompiler, from: 'i8x16' | 'i16x8', signed: boolean): void {
  const s = fc.simd;
  if (from === 'i8x16') {
    // pmaddubsw: unsigned bytes of the destination times signed bytes of the source.
    unary(fc, (d, a) => {
      if (signed) {
        const ones = constXmm(fc, splatBits(8, 1n), bit(a));
        s.bin(SIMD.pmaddubsw, ones, ones, a);
        s.mov(d, ones);
        freeXmm(fc, ones);
      } else {
        s.bin(SIMD.pmaddubsw, d, a, constMem(fc, splatBits(8, 1n)));
      }
    });
    return;
  }
  unary(fc, (d, a) => {
    if (signed) {
      s.bin(SIMD.pmaddwd, d, a, constMem(fc, splatBits(16, 1n)));
      return;
    }
    // Unsigned: bias each lane to signed (x - 0x8000), pair-add, then add 2 * 0x8000 back.
    s.bin(SIMD.pxor, d, a, constMem(fc, splatBits(16, 0x8000n)));
    s.bin(SIMD.pmaddwd, d, d, constMem(fc, splatBits(16, 1n)));
    s.bin(SIMD.paddd, d, d, constMem(fc, splatBits(32, 0x10000n)));
  });
}

export { popTwo };
