// Lane shifts by an i32 count taken modulo the lane width. i16/i32/i64 map onto psll/psrl/psra
// (by an immediate when the count is constant, else through an xmm count); x86 has no byte
// shifts and no 64-bit arithmetic right shift, so those follow V8's sequences: bytes are
// shifted as words with the bits that cross a byte boundary masked off (shl, shr_u) or as
// sign-extended words packed back (shr_s); i64x2.shr_s is ((x >>> n) ^ m) - m, m = 2^63 >>> n.
import { AluOp } from '../../x64/assembler.js';
import { SIMD, type SimdOp } from '../../x64/simd-ops.js';
import { Kind } from '../value.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { bit, constMem, constXmm, freeGpr, freeXmm, popGpr, popXmm, pushV128, splatBits, tempXmm } from './simd-values.js';

export type ShiftShape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2';
export type ShiftKind = 'shl' | 'shr_s' | 'shr_u';

const LANE_BITS = { i8x16: 8, i16x8: 16, i32x4: 32, i64x2: 64 } as const;

const BY_REG: Record<'i16x8' | 'i32x4' | 'i64x2', Record<ShiftKind, SimdOp | null>> = {
  i16x8: { shl: SIMD.psllw, shr_s: SIMD.psraw, shr_u: SIMD.psrlw },
  i32x4: { shl: SIMD.pslld, shr_s: SIMD.psrad, shr_u: SIMD.psrld },
  i64x2: { shl: SIMD.psllq, shr_s: null, shr_u: SIMD.psrlq },
};
const BY_IMM: Record<'i16x8' | 'i32x4' | 'i64x2', Record<ShiftKind, SimdOp | null>> = {
  i16x8: { shl: SIMD.psllw_imm, shr_s: SIMD.psraw_imm, shr_u: SIMD.psrlw_imm },
  i32x4: { shl: SIMD.pslld_imm, shr_s: SIMD.psrad_imm, shr_u: SIMD.psrld_imm },
  i64x2: { shl: SIMD.psllq_imm, shr_s: null, shr_u: SIMD.psrlq_imm },
};

export function shift(fc: FunctionCompiler, shape: ShiftShape, kind: ShiftKind): void {
  const bits = LANE_BITS[shape];
  const top = fc.peek();
  if (top.kind === Kind.Const) {
    fc.pop();
    shiftByConst(fc, shape, kind, (top.value as number) & (bits - 1));
    return;
  }
  const count = popGpr(fc);
  fc.asm.alu_ri(AluOp.And, 32, count, bits - 1);
  const x = popXmm(fc);
  shiftByReg(fc, shape, kind, x, count);
  freeGpr(fc, count);
  pushV128(fc, x);
}

function shiftByConst(fc: FunctionCompiler, shape: ShiftShape, kind: ShiftKind, n: number): void {
  const s = fc.simd;
  const x = popXmm(fc);
  if (n !== 0) {
    if (shape === 'i8x16') {
      if (kind === 'shr_s') {
        // Each byte in the high half of a word, arithmetic-shifted by 8 + n, packed back.
        const t = tempXmm(fc, bit(x));
        s.bin(SIMD.punpckhbw, t, x, x);
        s.bin(SIMD.punpcklbw, x, x, x);
        s.shiftImm(SIMD.psraw_imm, t, t, 8 + n);
        s.shiftImm(SIMD.psraw_imm, x, x, 8 + n);
        s.bin(SIMD.packsswb, x, x, t);
        freeXmm(fc, t);
      } else {
        const shl = kind === 'shl';
        s.shiftImm(shl ? SIMD.psllw_imm : SIMD.psrlw_imm, x, x, n);
        const keep = shl ? (0xff << n) & 0xff : 0xff >> n;
        s.bin(SIMD.pand, x, x, constMem(fc, splatBits(8, BigInt(keep))));
      }
    } else if (shape === 'i64x2' && kind === 'shr_s') {
      const m = constMem(fc, splatBits(64, 1n << BigInt(63 - n)));
      s.shiftImm(SIMD.psrlq_imm, x, x, n);
      s.bin(SIMD.pxor, x, x, m);
      s.bin(SIMD.psubq, x, x, m);
    } else {
      s.shiftImm(BY_IMM[shape][kind]!, x, x, n);
    }
  }
  pushV128(fc, x);
}

function shiftByReg(fc: FunctionCompiler, shape: ShiftShape, kind: ShiftKind, x: Xmm, count: Gpr): void {
  const s = fc.simd;
  const a = fc.asm;
  const n = tempXmm(fc, bit(x));
  if (shape === 'i8x16') {
    if (kind === 'shr_s') {
      const t = tempXmm(fc, bit(x) | bit(n));
      a.alu_ri(AluOp.Add, 32, count, 8);
      a.movd_xr(32, n, count);
      s.bin(SIMD.punpckhbw, t, x, x);
      s.bin(SIMD.punpcklbw, x, x, x);
      s.bin(SIMD.psraw, t, t, n);
      s.bin(SIMD.psraw, x, x, n);
      s.bin(SIMD.packsswb, x, x, t);
      freeXmm(fc, t, n);
      return;
    }
    // mask = bytes of 0xff >> count (shr_u) or 0xff << count (shl), built from all-ones words.
    const m = tempXmm(fc, bit(x) | bit(n));
    s.ones(m);
    a.alu_ri(AluOp.Add, 32, count, 8);
    a.movd_xr(32, n, count);
    s.bin(SIMD.psrlw, m, m, n); // words 0x00ff >> count
    if (kind === 'shl') {
      // shl: clear the top `count` bits of every byte first, then shift words left.
      s.bin(SIMD.packuswb, m, m, m);
      s.bin(SIMD.pand, x, x, m);
      a.alu_ri(AluOp.Sub, 32, count, 8);
      a.movd_xr(32, n, count);
      s.bin(SIMD.psllw, x, x, n);
    } else {
      s.bin(SIMD.packuswb, m, m, m);
      a.alu_ri(AluOp.Sub, 32, count, 8);
      a.movd_xr(32, n, count);
      s.bin(SIMD.psrlw, x, x, n);
      s.bin(SIMD.pand, x, x, m);
    }
    freeXmm(fc, m, n);
    return;
  }
  a.movd_xr(32, n, count);
  if (shape === 'i64x2' && kind === 'shr_s') {
    const m = constXmm(fc, splatBits(64, 1n << 63n), bit(x) | bit(n));
    s.bin(SIMD.psrlq, m, m, n);
    s.bin(SIMD.psrlq, x, x, n);
    s.bin(SIMD.pxor, x, x, m);
    s.bin(SIMD.psubq, x, x, m);
    freeXmm(fc, m, n);
    return;
  }
  s.bin(BY_REG[shape][kind]!, x, x, n);
  freeXmm(fc, n);
}
