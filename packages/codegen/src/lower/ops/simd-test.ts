// v128.any_true, *.all_true and *.bitmask: a v128 reduced to an i32.
import { Cond } from '../../x64/cond.js';
import { ShiftOp } from '../../x64/assembler.js';
import { SIMD } from '../../x64/simd-ops.js';
import { ValType } from '../../wasm/types.js';
import { regVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { bit, freeXmm, popXmm, tempXmm } from './simd-values.js';

type Shape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2';
const EQ = { i8x16: SIMD.pcmpeqb, i16x8: SIMD.pcmpeqw, i32x4: SIMD.pcmpeqd, i64x2: SIMD.pcmpeqq } as const;

export function anyTrue(fc: FunctionCompiler): void {
  const x = popXmm(fc);
  const g = fc.allocGpr();
  fc.simd.un(SIMD.ptest, x, x);
  fc.asm.setcc(Cond.NE, g);
  fc.asm.movzx_rr(8, g, g);
  freeXmm(fc, x);
  fc.push(regVal(ValType.I32, g));
}

/** 1 when no lane is zero: compare with zero lane-wise, then test that nothing matched. */
export function allTrue(fc: FunctionCompiler, shape: Shape): void {
  const s = fc.simd;
  const x = popXmm(fc);
  const z = tempXmm(fc, bit(x));
  const g = fc.allocGpr();
  s.zero(z);
  s.bin(EQ[shape], z, z, x);
  s.un(SIMD.ptest, z, z);
  fc.asm.setcc(Cond.E, g);
  fc.asm.movzx_rr(8, g, g);
  freeXmm(fc, x, z);
  fc.push(regVal(ValType.I32, g));
}

export function bitmask(fc: FunctionCompiler, shape: Shape): void {
  const s = fc.simd;
  const x = popXmm(fc);
  const g = fc.allocGpr();
  switch (shape) {
    case 'i8x16': s.toGpr(SIMD.pmovmskb, g, x); break;
    case 'i16x8':
      // Saturating pack keeps each word's sign in a byte; both halves are the same.
      s.bin(SIMD.packsswb, x, x, x);
      s.toGpr(SIMD.pmovmskb, g, x);
      fc.asm.shift_ri(ShiftOp.Shr, 32, g, 8);
      break;
    case 'i32x4': s.toGpr(SIMD.movmskps, g, x); break;
    case 'i64x2': s.toGpr(SIMD.movmskpd, g, x); break;
  }
  freeXmm(fc, x);
  fc.push(regVal(ValType.I32, g));
}
