// Lane-wise comparisons (all lanes set to all-ones or zero). x86 has only eq and signed gt
// for integers: the others are derived as V8 does — lt by swapping, ge/le from min/max
// followed by eq, unsigned through pmaxu/pminu, ne by inverting eq. i64x2.gt_s uses
// pcmpgtq (SSE4.2; every x86-64 CPU with AVX has it). Floats use cmpps/cmppd predicates,
// gt/ge by swapping the operands.
import { SIMD, type SimdOp } from '../../x64/simd-ops.js';
import type { Xmm } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { bit, constXmm, freeXmm, popTwo, pushV128 } from './simd-values.js';

export type IntShape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2';
export type CmpKind = 'eq' | 'ne' | 'lt_s' | 'lt_u' | 'gt_s' | 'gt_u' | 'le_s' | 'le_u' | 'ge_s' | 'ge_u';

const EQ = { i8x16: SIMD.pcmpeqb, i16x8: SIMD.pcmpeqw, i32x4: SIMD.pcmpeqd, i64x2: SIMD.pcmpeqq } as const;
const GT = { i8x16: SIMD.pcmpgtb, i16x8: SIMD.pcmpgtw, i32x4: SIMD.pcmpgtd, i64x2: SIMD.pcmpgtq } as const;
const MAX_S = { i8x16: SIMD.pmaxsb, i16x8: SIMD.pmaxsw, i32x4: SIMD.pmaxsd } as const;
const MIN_S = { i8x16: SIMD.pminsb, i16x8: SIMD.pminsw, i32x4: SIMD.pminsd } as const;
const MAX_U = { i8x16: SIMD.pmaxub, i16x8: SIMD.pmaxuw, i32x4: SIMD.pmaxud } as const;
const MIN_U = { i8x16: SIMD.pminub, i16x8: SIMD.pminuw, i32x4: SIMD.pminud } as const;

function invert(fc: FunctionCompiler, x: Xmm, pinned: number): void {
  const ones = constXmm(fc, (1n << 128n) - 1n, pinned | bit(x));
  fc.simd.bin(SIMD.pxor, x, x, ones);
  freeXmm(fc, ones);
}

export function intCompare(fc: FunctionCompiler, shape: IntShape, kind: CmpKind): void {
  const s = fc.simd;
  const [a, b] = popTwo(fc);
  const both = bit(a) | bit(b);
  let out = a;
  const minMaxEq = (op: SimdOp, other: Xmm): void => {
    // op(a, b) == other
    s.bin(op, a, a, b);
    s.bin(EQ[shape], a, a, other);
  };
  if (shape === 'i64x2') {
    switch (kind) {
      case 'eq': s.bin(EQ[shape], a, a, b); break;
      case 'ne': s.bin(EQ[shape], a, a, b); invert(fc, a, both); break;
      case 'gt_s': s.bin(GT[shape], a, a, b); break;
      case 'lt_s': s.bin(GT[shape], b, b, a); out = b; break;
      case 'le_s': s.bin(GT[shape], a, a, b); invert(fc, a, both); break;
      case 'ge_s': s.bin(GT[shape], b, b, a); invert(fc, b, both); out = b; break;
      default: throw new Error(`BUG: i64x2.${kind}`);
    }
  } else {
    switch (kind) {
      case 'eq': s.bin(EQ[shape], a, a, b); break;
      case 'ne': s.bin(EQ[shape], a, a, b); invert(fc, a, both); break;
      case 'gt_s': s.bin(GT[shape], a, a, b); break;
      case 'lt_s': s.bin(GT[shape], b, b, a); out = b; break;
      // a >= b  <=>  min(a, b) == b; a <= b  <=>  max(a, b) == b
      case 'ge_s': minMaxEq(MIN_S[shape], b); break;
      case 'le_s': minMaxEq(MAX_S[shape], b); break;
      case 'ge_u': minMaxEq(MIN_U[shape], b); break;
      case 'le_u': minMaxEq(MAX_U[shape], b); break;
      // a > b  <=>  !(max(a, b) == b) ... i.e. !(a <= b)
      case 'gt_u': minMaxEq(MAX_U[shape], b); invert(fc, a, both); break;
      case 'lt_u': minMaxEq(MIN_U[shape], b); invert(fc, a, both); break;
    }
  }
  freeXmm(fc, out === a ? b : a);
  pushV128(fc, out);
}

export type FloatCmp = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge';
/** cmpps predicates: EQ_OQ 0, LT_OS 1, LE_OS 2, NEQ_UQ 4. */
const PRED = { eq: 0, ne: 4, lt: 1, le: 2 } as const;

export function floatCompare(fc: FunctionCompiler, f64: boolean, kind: FloatCmp): void {
  const op = f64 ? SIMD.cmppd : SIMD.cmpps;
  const [a, b] = popTwo(fc);
  let out = a;
  switch (kind) {
    case 'eq': case 'ne': case 'lt': case 'le':
      fc.simd.bin(op, a, a, b, PRED[kind]);
      break;
    case 'gt': fc.simd.bin(op, b, b, a, PRED.lt); out = b; break;
    case 'ge': fc.simd.bin(op, b, b, a, PRED.le); out = b; break;
  }
  freeXmm(fc, out === a ? b : a);
  pushV128(fc, out);
}
