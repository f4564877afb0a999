// The 0xFD operators: fixed-width SIMD (Wasm 2.0) and relaxed SIMD (Wasm 3.0), one row each
// in the operator table's format (operators.ts), by sub-opcode. Sub-opcodes follow the
// binary format of the spec (SIMD: 0x00–0xFF with gaps; relaxed SIMD: 0x100–0x113).
//
// Typing is by the row for all of them: the immediates (a memarg, a lane index, 16 shuffle
// lanes, 16 constant bytes) never change the operand types. Lane-index limits are the lane
// count of the shape in the mnemonic (simdLaneCount).
import { ImmKind, Lowering, type Operator } from './operators.js';

/** operators.ts's row builder (passed in: this file is evaluated while that one is). */
export type RowBuilder = (
  prefix: number, code: number, name: string, imm: ImmKind, sig: string | null, lowering: Lowering, accessBytes?: number,
) => Operator;

export const SIMD_PREFIX = 0xfd;

/** The lanes of the shape an operator's mnemonic starts with (i8x16 → 16), or of a lane load/store's width. */
export function simdLaneCount(name: string): number {
  const lane = /^v128\.(?:load|store)(8|16|32|64)_lane$/.exec(name);
  if (lane) return 128 / Number(lane[1]);
  const shape = /^[if](8|16|32|64)x(2|4|8|16)\./.exec(name);
  if (!shape) throw new Error(`BUG: ${name} has no lane shape`);
  return Number(shape[2]);
}

export function simdOperators(row: RowBuilder): Operator[] {
  const S = Lowering.Simd;
  const rows: Operator[] = [];
  const none = (code: number, name: string, sig: string) => rows.push(row(SIMD_PREFIX, code, name, ImmKind.None, sig, S));
  const unop = (code: number, name: string) => none(code, name, 'v128 -> v128');
  const binop = (code: number, name: string) => none(code, name, 'v128 v128 -> v128');
  const ternop = (code: number, name: string) => none(code, name, 'v128 v128 v128 -> v128');
  const test = (code: number, name: string) => none(code, name, 'v128 -> i32');
  const shift = (code: number, name: string) => none(code, name, 'v128 i32 -> v128');
  const mem = (code: number, name: string, sig: string, bytes: number) =>
    rows.push(row(SIMD_PREFIX, code, name, ImmKind.MemArg, sig, S, bytes));
  const memLane = (code: number, name: string, sig: string, bytes: number) =>
    rows.push(row(SIMD_PREFIX, code, name, ImmKind.MemArgLane, sig, S, bytes));
  const lane = (code: number, name: string, sig: string) => rows.push(row(SIMD_PREFIX, code, name, ImmKind.Lane, sig, S));

  mem(0x00, 'v128.load', 'i32 -> v128', 16);
  mem(0x01, 'v128.load8x8_s', 'i32 -> v128', 8);
  mem(0x02, 'v128.load8x8_u', 'i32 -> v128', 8);
  mem(0x03, 'v128.load16x4_s', 'i32 -> v128', 8);
  mem(0x04, 'v128.load16x4_u', 'i32 -> v128', 8);
  mem(0x05, 'v128.load32x2_s', 'i32 -> v128', 8);
  mem(0x06, 'v128.load32x2_u', 'i32 -> v128', 8);
  mem(0x07, 'v128.load8_splat', 'i32 -> v128', 1);
  mem(0x08, 'v128.load16_splat', 'i32 -> v128', 2);
  mem(0x09, 'v128.load32_splat', 'i32 -> v128', 4);
  mem(0x0a, 'v128.load64_splat', 'i32 -> v128', 8);
  mem(0x0b, 'v128.store', 'i32 v128 ->', 16);
  rows.push(row(SIMD_PREFIX, 0x0c, 'v128.const', ImmKind.V128Const, '-> v128', S));
  rows.push(row(SIMD_PREFIX, 0x0d, 'i8x16.shuffle', ImmKind.Shuffle, 'v128 v128 -> v128', S));
  binop(0x0e, 'i8x16.swizzle');
  none(0x0f, 'i8x16.splat', 'i32 -> v128');
  none(0x10, 'i16x8.splat', 'i32 -> v128');
  none(0x11, 'i32x4.splat', 'i32 -> v128');
  none(0x12, 'i64x2.splat', 'i64 -> v128');
  none(0x13, 'f32x4.splat', 'f32 -> v128');
  none(0x14, 'f64x2.splat', 'f64 -> v128');
  lane(0x15, 'i8x16.extract_lane_s', 'v128 -> i32');
  lane(0x16, 'i8x16.extract_lane_u', 'v128 -> i32');
  lane(0x17, 'i8x16.replace_lane', 'v128 i32 -> v128');
  lane(0x18, 'i16x8.extract_lane_s', 'v128 -> i32');
  lane(0x19, 'i16x8.extract_lane_u', 'v128 -> i32');
  lane(0x1a, 'i16x8.replace_lane', 'v128 i32 -> v128');
  lane(0x1b, 'i32x4.extract_lane', 'v128 -> i32');
  lane(0x1c, 'i32x4.replace_lane', 'v128 i32 -> v128');
  lane(0x1d, 'i64x2.extract_lane', 'v128 -> i64');
  lane(0x1e, 'i64x2.replace_lane', 'v128 i64 -> v128');
  lane(0x1f, 'f32x4.extract_lane', 'v128 -> f32');
  lane(0x20, 'f32x4.replace_lane', 'v128 f32 -> v128');
  lane(0x21, 'f64x2.extract_lane', 'v128 -> f64');
  lane(0x22, 'f64x2.replace_lane', 'v128 f64 -> v128');
  // Comparisons: 0x23 i8x16 (10), 0x2d i16x8 (10), 0x37 i32x4 (10), 0x41 f32x4 (6), 0x47 f64x2 (6).
  const intCmps = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
  const floatCmps = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
  intCmps.forEach((c, i) => binop(0x23 + i, `i8x16.${c}`));
  intCmps.forEach((c, i) => binop(0x2d + i, `i16x8.${c}`));
  intCmps.forEach((c, i) => binop(0x37 + i, `i32x4.${c}`));
  floatCmps.forEach((c, i) => binop(0x41 + i, `f32x4.${c}`));
  floatCmps.forEach((c, i) => binop(0x47 + i, `f64x2.${c}`));
  unop(0x4d, 'v128.not');
  binop(0x4e, 'v128.and');
  binop(0x4f, 'v128.andnot');
  binop(0x50, 'v128.or');
  binop(0x51, 'v128.xor');
  ternop(0x52, 'v128.bitselect');
  test(0x53, 'v128.any_true');
  memLane(0x54, 'v128.load8_lane', 'i32 v128 -> v128', 1);
  memLane(0x55, 'v128.load16_lane', 'i32 v128 -> v128', 2);
  memLane(0x56, 'v128.load32_lane', 'i32 v128 -> v128', 4);
  memLane(0x57, 'v128.load64_lane', 'i32 v128 -> v128', 8);
  memLane(0x58, 'v128.store8_lane', 'i32 v128 ->', 1);
  memLane(0x59, 'v128.store16_lane', 'i32 v128 ->', 2);
  memLane(0x5a, 'v128.store32_lane', 'i32 v128 ->', 4);
  memLane(0x5b, 'v128.store64_lane', 'i32 v128 ->', 8);
  mem(0x5c, 'v128.load32_zero', 'i32 -> v128', 4);
  mem(0x5d, 'v128.load64_zero', 'i32 -> v128', 8);
  unop(0x5e, 'f32x4.demote_f64x2_zero');
  unop(0x5f, 'f64x2.promote_low_f32x4');
  // i8x16
  unop(0x60, 'i8x16.abs');
  unop(0x61, 'i8x16.neg');
  unop(0x62, 'i8x16.popcnt');
  test(0x63, 'i8x16.all_true');
  test(0x64, 'i8x16.bitmask');
  binop(0x65, 'i8x16.narrow_i16x8_s');
  binop(0x66, 'i8x16.narrow_i16x8_u');
  unop(0x67, 'f32x4.ceil');
  unop(0x68, 'f32x4.floor');
  unop(0x69, 'f32x4.trunc');
  unop(0x6a, 'f32x4.nearest');
  shift(0x6b, 'i8x16.shl');
  shift(0x6c, 'i8x16.shr_s');
  shift(0x6d, 'i8x16.shr_u');
  binop(0x6e, 'i8x16.add');
  binop(0x6f, 'i8x16.add_sat_s');
  binop(0x70, 'i8x16.add_sat_u');
  binop(0x71, 'i8x16.sub');
  binop(0x72, 'i8x16.sub_sat_s');
  binop(0x73, 'i8x16.sub_sat_u');
  unop(0x74, 'f64x2.ceil');
  unop(0x75, 'f64x2.floor');
  binop(0x76, 'i8x16.min_s');
  binop(0x77, 'i8x16.min_u');
  binop(0x78, 'i8x16.max_s');
  binop(0x79, 'i8x16.max_u');
  unop(0x7a, 'f64x2.trunc');
  binop(0x7b, 'i8x16.avgr_u');
  unop(0x7c, 'i16x8.extadd_pairwise_i8x16_s');
  unop(0x7d, 'i16x8.extadd_pairwise_i8x16_u');
  unop(0x7e, 'i32x4.extadd_pairwise_i16x8_s');
  unop(0x7f, 'i32x4.extadd_pairwise_i16x8_u');
  // i16x8
  unop(0x80, 'i16x8.abs');
  unop(0x81, 'i16x8.neg');
  binop(0x82, 'i16x8.q15mulr_sat_s');
  test(0x83, 'i16x8.all_true');
  test(0x84, 'i16x8.bitmask');
  binop(0x85, 'i16x8.narrow_i32x4_s');
  binop(0x86, 'i16x8.narrow_i32x4_u');
  unop(0x87, 'i16x8.extend_low_i8x16_s');
  unop(0x88, 'i16x8.extend_high_i8x16_s');
  unop(0x89, 'i16x8.extend_low_i8x16_u');
  unop(0x8a, 'i16x8.extend_high_i8x16_u');
  shift(0x8b, 'i16x8.shl');
  shift(0x8c, 'i16x8.shr_s');
  shift(0x8d, 'i16x8.shr_u');
  binop(0x8e, 'i16x8.add');
  binop(0x8f, 'i16x8.add_sat_s');
  binop(0x90, 'i16x8.add_sat_u');
  binop(0x91, 'i16x8.sub');
  binop(0x92, 'i16x8.sub_sat_s');
  binop(0x93, 'i16x8.sub_sat_u');
  unop(0x94, 'f64x2.nearest');
  binop(0x95, 'i16x8.mul');
  binop(0x96, 'i16x8.min_s');
  binop(0x97, 'i16x8.min_u');
  binop(0x98, 'i16x8.max_s');
  binop(0x99, 'i16x8.max_u');
  binop(0x9b, 'i16x8.avgr_u');
  binop(0x9c, 'i16x8.extmul_low_i8x16_s');
  binop(0x9d, 'i16x8.extmul_high_i8x16_s');
  binop(0x9e, 'i16x8.extmul_low_i8x16_u');
  binop(0x9f, 'i16x8.extmul_high_i8x16_u');
  // i32x4
  unop(0xa0, 'i32x4.abs');
  unop(0xa1, 'i32x4.neg');
  test(0xa3, 'i32x4.all_true');
  test(0xa4, 'i32x4.bitmask');
  unop(0xa7, 'i32x4.extend_low_i16x8_s');
  unop(0xa8, 'i32x4.extend_high_i16x8_s');
  unop(0xa9, 'i32x4.extend_low_i16x8_u');
  unop(0xaa, 'i32x4.extend_high_i16x8_u');
  shift(0xab, 'i32x4.shl');
  shift(0xac, 'i32x4.shr_s');
  shift(0xad, 'i32x4.shr_u');
  binop(0xae, 'i32x4.add');
  binop(0xb1, 'i32x4.sub');
  binop(0xb5, 'i32x4.mul');
  binop(0xb6, 'i32x4.min_s');
  binop(0xb7, 'i32x4.min_u');
  binop(0xb8, 'i32x4.max_s');
  binop(0xb9, 'i32x4.max_u');
  binop(0xba, 'i32x4.dot_i16x8_s');
  binop(0xbc, 'i32x4.extmul_low_i16x8_s');
  binop(0xbd, 'i32x4.extmul_high_i16x8_s');
  binop(0xbe, 'i32x4.extmul_low_i16x8_u');
  binop(0xbf, 'i32x4.extmul_high_i16x8_u');
  // i64x2
  unop(0xc0, 'i64x2.abs');
  unop(0xc1, 'i64x2.neg');
  test(0xc3, 'i64x2.all_true');
  test(0xc4, 'i64x2.bitmask');
  unop(0xc7, 'i64x2.extend_low_i32x4_s');
  unop(0xc8, 'i64x2.extend_high_i32x4_s');
  unop(0xc9, 'i64x2.extend_low_i32x4_u');
  unop(0xca, 'i64x2.extend_high_i32x4_u');
  shift(0xcb, 'i64x2.shl');
  shift(0xcc, 'i64x2.shr_s');
  shift(0xcd, 'i64x2.shr_u');
  binop(0xce, 'i64x2.add');
  binop(0xd1, 'i64x2.sub');
  binop(0xd5, 'i64x2.mul');
  ['eq', 'ne', 'lt_s', 'gt_s', 'le_s', 'ge_s'].forEach((c, i) => binop(0xd6 + i, `i64x2.${c}`));
  binop(0xdc, 'i64x2.extmul_low_i32x4_s');
  binop(0xdd, 'i64x2.extmul_high_i32x4_s');
  binop(0xde, 'i64x2.extmul_low_i32x4_u');
  binop(0xdf, 'i64x2.extmul_high_i32x4_u');
  // f32x4, f64x2
  for (const [base, shape] of [[0xe0, 'f32x4'], [0xec, 'f64x2']] as const) {
    unop(base, `${shape}.abs`);
    unop(base + 1, `${shape}.neg`);
    unop(base + 3, `${shape}.sqrt`);
    ['add', 'sub', 'mul', 'div', 'min', 'max', 'pmin', 'pmax'].forEach((o, i) => binop(base + 4 + i, `${shape}.${o}`));
  }
  unop(0xf8, 'i32x4.trunc_sat_f32x4_s');
  unop(0xf9, 'i32x4.trunc_sat_f32x4_u');
  unop(0xfa, 'f32x4.convert_i32x4_s');
  unop(0xfb, 'f32x4.convert_i32x4_u');
  unop(0xfc, 'i32x4.trunc_sat_f64x2_s_zero');
  unop(0xfd, 'i32x4.trunc_sat_f64x2_u_zero');
  unop(0xfe, 'f64x2.convert_low_i32x4_s');
  unop(0xff, 'f64x2.convert_low_i32x4_u');
  // Relaxed SIMD (Wasm 3.0).
  binop(0x100, 'i8x16.relaxed_swizzle');
  unop(0x101, 'i32x4.relaxed_trunc_f32x4_s');
  unop(0x102, 'i32x4.relaxed_trunc_f32x4_u');
  unop(0x103, 'i32x4.relaxed_trunc_f64x2_s_zero');
  unop(0x104, 'i32x4.relaxed_trunc_f64x2_u_zero');
  ternop(0x105, 'f32x4.relaxed_madd');
  ternop(0x106, 'f32x4.relaxed_nmadd');
  ternop(0x107, 'f64x2.relaxed_madd');
  ternop(0x108, 'f64x2.relaxed_nmadd');
  ternop(0x109, 'i8x16.relaxed_laneselect');
  ternop(0x10a, 'i16x8.relaxed_laneselect');
  ternop(0x10b, 'i32x4.relaxed_laneselect');
  ternop(0x10c, 'i64x2.relaxed_laneselect');
  binop(0x10d, 'f32x4.relaxed_min');
  binop(0x10e, 'f32x4.relaxed_max');
  binop(0x10f, 'f64x2.relaxed_min');
  binop(0x110, 'f64x2.relaxed_max');
  binop(0x111, 'i16x8.relaxed_q15mulr_s');
  binop(0x112, 'i16x8.relaxed_dot_i8x16_i7x16_s');
  ternop(0x113, 'i32x4.relaxed_dot_i8x16_i7x16_add_s');
  return rows;
}
