// The lowering of each 0xFD operator, by its name in the operator table (wasm/operators-simd.ts):
// op-handlers.ts asks simdHandler for the row's handler once, when the table is built.
import { SIMD, type SimdOp } from '../../x64/simd-ops.js';
import type { BinaryReader } from '../../wasm/reader.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { unaryFrom } from './simd-values.js';
import { extractLane, replaceLane, shuffle, splat, swizzle, v128Const, type LaneShape, type SplatShape } from './simd-lanes.js';
import { loadLane, storeLane, v128Load, v128Store, type LoadKind } from './simd-memory.js';
import { bitselect, direct, v128AndNot, v128Not } from './simd-bitwise.js';
import { floatCompare, intCompare, type CmpKind, type FloatCmp, type IntShape } from './simd-compare.js';
import { absI64x2, extaddPairwise, extend, extmul, mulI64x2, neg, popcnt, q15mulrSat } from './simd-int-arith.js';
import { shift, type ShiftKind } from './simd-shift.js';
import { absNeg, minMax, pminPmax } from './simd-float.js';
import {
  convertF32x4U, convertLowF64x2U, truncSatF32x4S, truncSatF32x4U, truncSatF64x2SZero, truncSatF64x2UZero,
} from './simd-convert.js';
import { allTrue, anyTrue, bitmask } from './simd-test.js';
import {
  relaxedDot, relaxedDotAdd, relaxedLaneselect, relaxedMadd, relaxedMinMax, relaxedQ15mulr, relaxedSwizzle, relaxedTrunc,
} from './simd-relaxed.js';

export type SimdHandler = (fc: FunctionCompiler, r: BinaryReader) => void;

const unDirect = (op: SimdOp, imm?: number): SimdHandler => (fc, r) => unaryFrom(fc, (d, a) => fc.simd.un(op, d, a, imm), r);
const binDirect = (op: SimdOp): SimdHandler => (fc, r) => direct(fc, op, r);

/** Operators that are one SSE instruction on (a, b) → a. */
export const DIRECT: Record<string, SimdOp> = {
  'v128.and': SIMD.pand, 'v128.or': SIMD.por, 'v128.xor': SIMD.pxor,
  'i8x16.add': SIMD.paddb, 'i8x16.add_sat_s': SIMD.paddsb, 'i8x16.add_sat_u': SIMD.paddusb,
  'i8x16.sub': SIMD.psubb, 'i8x16.sub_sat_s': SIMD.psubsb, 'i8x16.sub_sat_u': SIMD.psubusb,
  'i8x16.min_s': SIMD.pminsb, 'i8x16.min_u': SIMD.pminub, 'i8x16.max_s': SIMD.pmaxsb, 'i8x16.max_u': SIMD.pmaxub,
  'i8x16.avgr_u': SIMD.pavgb, 'i8x16.narrow_i16x8_s': SIMD.packsswb, 'i8x16.narrow_i16x8_u': SIMD.packuswb,
  'i16x8.add': SIMD.paddw, 'i16x8.add_sat_s': SIMD.paddsw, 'i16x8.add_sat_u': SIMD.paddusw,
  'i16x8.sub': SIMD.psubw, 'i16x8.sub_sat_s': SIMD.psubsw, 'i16x8.sub_sat_u': SIMD.psubusw,
  'i16x8.mul': SIMD.pmullw, 'i16x8.min_s': SIMD.pminsw, 'i16x8.min_u': SIMD.pminuw,
  'i16x8.max_s': SIMD.pmaxsw, 'i16x8.max_u': SIMD.pmaxuw, 'i16x8.avgr_u': SIMD.pavgw,
  'i16x8.narrow_i32x4_s': SIMD.packssdw, 'i16x8.narrow_i32x4_u': SIMD.packusdw,
  'i32x4.add': SIMD.paddd, 'i32x4.sub': SIMD.psubd, 'i32x4.mul': SIMD.pmulld,
  'i32x4.min_s': SIMD.pminsd, 'i32x4.min_u': SIMD.pminud, 'i32x4.max_s': SIMD.pmaxsd, 'i32x4.max_u': SIMD.pmaxud,
  'i32x4.dot_i16x8_s': SIMD.pmaddwd,
  'i64x2.add': SIMD.paddq, 'i64x2.sub': SIMD.psubq,
  'f32x4.add': SIMD.addps, 'f32x4.sub': SIMD.subps, 'f32x4.mul': SIMD.mulps, 'f32x4.div': SIMD.divps,
  'f64x2.add': SIMD.addpd, 'f64x2.sub': SIMD.subpd, 'f64x2.mul': SIMD.mulpd, 'f64x2.div': SIMD.divpd,
};

/** Operators that are one SSE instruction on a → a. */
const UNARY: Record<string, [SimdOp, number?]> = {
  'i8x16.abs': [SIMD.pabsb], 'i16x8.abs': [SIMD.pabsw], 'i32x4.abs': [SIMD.pabsd],
  'f32x4.sqrt': [SIMD.sqrtps], 'f64x2.sqrt': [SIMD.sqrtpd],
  'f32x4.nearest': [SIMD.roundps, 0], 'f32x4.floor': [SIMD.roundps, 1], 'f32x4.ceil': [SIMD.roundps, 2], 'f32x4.trunc': [SIMD.roundps, 3],
  'f64x2.nearest': [SIMD.roundpd, 0], 'f64x2.floor': [SIMD.roundpd, 1], 'f64x2.ceil': [SIMD.roundpd, 2], 'f64x2.trunc': [SIMD.roundpd, 3],
  'f32x4.convert_i32x4_s': [SIMD.cvtdq2ps], 'f64x2.convert_low_i32x4_s': [SIMD.cvtdq2pd],
  'f32x4.demote_f64x2_zero': [SIMD.cvtpd2ps], 'f64x2.promote_low_f32x4': [SIMD.cvtps2pd],
};

const OTHER: Record<string, SimdHandler> = {
  'v128.const': v128Const,
  'v128.store': v128Store,
  'i8x16.shuffle': shuffle,
  'i8x16.swizzle': swizzle,
  'v128.not': v128Not,
  'v128.andnot': v128AndNot,
  'v128.bitselect': bitselect,
  'v128.any_true': anyTrue,
  'i8x16.popcnt': popcnt,
  'i16x8.q15mulr_sat_s': q15mulrSat,
  'i64x2.abs': absI64x2,
  'i64x2.mul': mulI64x2,
  'f32x4.convert_i32x4_u': convertF32x4U,
  'f64x2.convert_low_i32x4_u': convertLowF64x2U,
  'i32x4.trunc_sat_f32x4_s': truncSatF32x4S,
  'i32x4.trunc_sat_f32x4_u': truncSatF32x4U,
  'i32x4.trunc_sat_f64x2_s_zero': truncSatF64x2SZero,
  'i32x4.trunc_sat_f64x2_u_zero': truncSatF64x2UZero,
  'i8x16.relaxed_swizzle': relaxedSwizzle,
  'i32x4.relaxed_trunc_f32x4_s': (fc) => relaxedTrunc(fc, false, true),
  'i32x4.relaxed_trunc_f32x4_u': (fc) => relaxedTrunc(fc, false, false),
  'i32x4.relaxed_trunc_f64x2_s_zero': (fc) => relaxedTrunc(fc, true, true),
  'i32x4.relaxed_trunc_f64x2_u_zero': (fc) => relaxedTrunc(fc, true, false),
  'f32x4.relaxed_madd': (fc) => relaxedMadd(fc, false, false),
  'f32x4.relaxed_nmadd': (fc) => relaxedMadd(fc, false, true),
  'f64x2.relaxed_madd': (fc) => relaxedMadd(fc, true, false),
  'f64x2.relaxed_nmadd': (fc) => relaxedMadd(fc, true, true),
  'i8x16.relaxed_laneselect': (fc) => relaxedLaneselect(fc),
  'i16x8.relaxed_laneselect': (fc) => relaxedLaneselect(fc),
  'i32x4.relaxed_laneselect': (fc) => relaxedLaneselect(fc),
  'i64x2.relaxed_laneselect': (fc) => relaxedLaneselect(fc),
  'f32x4.relaxed_min': (fc) => relaxedMinMax(fc, false, false),
  'f32x4.relaxed_max': (fc) => relaxedMinMax(fc, false, true),
  'f64x2.relaxed_min': (fc) => relaxedMinMax(fc, true, false),
  'f64x2.relaxed_max': (fc) => relaxedMinMax(fc, true, true),
  'i16x8.relaxed_q15mulr_s': relaxedQ15mulr,
  'i16x8.relaxed_dot_i8x16_i7x16_s': relaxedDot,
  'i32x4.relaxed_dot_i8x16_i7x16_add_s': relaxedDotAdd,
};

/** The handler of SIMD operator `name`, or undefined when it is not lowered. */
export function simdHandler(name: string): SimdHandler | undefined {
  const direct = DIRECT[name];
  if (direct) return binDirect(direct);
  const un = UNARY[name];
  if (un) return unDirect(un[0], un[1]);
  const other = OTHER[name];
  if (other) return other;
  let m: RegExpExecArray | null;
  if ((m = /^v128\.load(\d+x\d+_[su]|\d+_splat|\d+_zero)?$/.exec(name))) {
    const kind = (m[1] ?? 'v128') as LoadKind;
    return (fc, r) => v128Load(fc, r, kind);
  }
  if ((m = /^v128\.(load|store)(8|16|32|64)_lane$/.exec(name))) {
    const bits = Number(m[2]) as 8 | 16 | 32 | 64;
    return m[1] === 'load' ? (fc, r) => loadLane(fc, r, bits) : (fc, r) => storeLane(fc, r, bits);
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.splat$/.exec(name))) {
    const shape = m[1] as SplatShape;
    return (fc, r) => splat(fc, shape, r);
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.extract_lane(_[su])?$/.exec(name))) {
    const shape = (m[1]! + (m[2] ?? '')) as LaneShape;
    return (fc, r) => extractLane(fc, shape, r.readU8());
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.replace_lane$/.exec(name))) {
    const shape = m[1] as 'i8x16';
    return (fc, r) => replaceLane(fc, shape, r.readU8());
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2)\.(eq|ne|[lg][te]_[su])$/.exec(name))) {
    const shape = m[1] as IntShape;
    const kind = m[2] as CmpKind;
    return (fc) => intCompare(fc, shape, kind);
  }
  if ((m = /^(f32x4|f64x2)\.(eq|ne|lt|gt|le|ge)$/.exec(name))) {
    const f64 = m[1] === 'f64x2';
    const kind = m[2] as FloatCmp;
    return (fc) => floatCompare(fc, f64, kind);
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2)\.(shl|shr_s|shr_u)$/.exec(name))) {
    const shape = m[1] as IntShape;
    const kind = m[2] as ShiftKind;
    return (fc) => shift(fc, shape, kind);
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2)\.neg$/.exec(name))) {
    const shape = m[1] as IntShape;
    return (fc) => neg(fc, shape);
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2)\.all_true$/.exec(name))) {
    const shape = m[1] as IntShape;
    return (fc) => allTrue(fc, shape);
  }
  if ((m = /^(i8x16|i16x8|i32x4|i64x2)\.bitmask$/.exec(name))) {
    const shape = m[1] as IntShape;
    return (fc) => bitmask(fc, shape);
  }
  if ((m = /^(i16x8|i32x4|i64x2)\.extend_(low|high)_(i8x16|i16x8|i32x4)_([su])$/.exec(name))) {
    const from = m[3] as 'i8x16';
    const high = m[2] === 'high';
    const signed = m[4] === 's';
    return (fc) => extend(fc, from, high, signed);
  }
  if ((m = /^(i16x8|i32x4|i64x2)\.extmul_(low|high)_(i8x16|i16x8|i32x4)_([su])$/.exec(name))) {
    const from = m[3] as 'i8x16';
    const high = m[2] === 'high';
    const signed = m[4] === 's';
    return (fc) => extmul(fc, from, high, signed);
  }
  if ((m = /^(i16x8|i32x4)\.extadd_pairwise_(i8x16|i16x8)_([su])$/.exec(name))) {
    const from = m[2] as 'i8x16';
    const signed = m[3] === 's';
    return (fc) => extaddPairwise(fc, from, signed);
  }
  if ((m = /^(f32x4|f64x2)\.(abs|neg)$/.exec(name))) {
    const f64 = m[1] === 'f64x2';
    const isNeg = m[2] === 'neg';
    return (fc) => absNeg(fc, f64, isNeg);
  }
  if ((m = /^(f32x4|f64x2)\.(min|max)$/.exec(name))) {
    const f64 = m[1] === 'f64x2';
    const max = m[2] === 'max';
    return (fc) => minMax(fc, f64, max);
  }
  if ((m = /^(f32x4|f64x2)\.(pmin|pmax)$/.exec(name))) {
    const f64 = m[1] === 'f64x2';
    const max = m[2] === 'pmax';
    return (fc) => pminPmax(fc, f64, max);
  }
  return undefined;
}
