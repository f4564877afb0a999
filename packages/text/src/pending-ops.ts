// Instructions codegen's operator table has no rows for yet, so the text format keeps them here:
// SIMD (0xfd prefix, Wasm 2.0 + relaxed SIMD), the Wasm 3.0 control additions (exceptions,
// tail calls, typed function references) and GC (0xfb prefix). When codegen's declarative operator table (issue 16)
// grows these rows, they move there and leave this file; instr-table.ts already prefers
// codegen's row for any mnemonic both define.

import type { InstrInfo, TextImm } from './instr-shapes.js';

type Row = [name: string, imm: TextImm];

/** 0xfd sub-opcodes 0..0x113 in order; '' marks an unassigned sub-opcode. */
const SIMD: (Row | '')[] = [
  ['v128.load', 'memarg'], ['v128.load8x8_s', 'memarg'], ['v128.load8x8_u', 'memarg'],
  ['v128.load16x4_s', 'memarg'], ['v128.load16x4_u', 'memarg'], ['v128.load32x2_s', 'memarg'],
  ['v128.load32x2_u', 'memarg'], ['v128.load8_splat', 'memarg'], ['v128.load16_splat', 'memarg'],
  ['v128.load32_splat', 'memarg'], ['v128.load64_splat', 'memarg'], ['v128.store', 'memarg'],
  ['v128.const', 'v128'], ['i8x16.shuffle', 'shuffle'], ['i8x16.swizzle', 'none'],
  ['i8x16.splat', 'none'], ['i16x8.splat', 'none'], ['i32x4.splat', 'none'], ['i64x2.splat', 'none'],
  ['f32x4.splat', 'none'], ['f64x2.splat', 'none'],
  ['i8x16.extract_lane_s', 'lane'], ['i8x16.extract_lane_u', 'lane'], ['i8x16.replace_lane', 'lane'],
  ['i16x8.extract_lane_s', 'lane'], ['i16x8.extract_lane_u', 'lane'], ['i16x8.replace_lane', 'lane'],
  ['i32x4.extract_lane', 'lane'], ['i32x4.replace_lane', 'lane'], ['i64x2.extract_lane', 'lane'],
  ['i64x2.replace_lane', 'lane'], ['f32x4.extract_lane', 'lane'], ['f32x4.replace_lane', 'lane'],
  ['f64x2.extract_lane', 'lane'], ['f64x2.replace_lane', 'lane'],
  ...names('i8x16', ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u']),
  ...names('i16x8', ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u']),
  ...names('i32x4', ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u']),
  ...names('f32x4', ['eq', 'ne', 'lt', 'gt', 'le', 'ge']),
  ...names('f64x2', ['eq', 'ne', 'lt', 'gt', 'le', 'ge']),
  ...names('v128', ['not', 'and', 'andnot', 'or', 'xor', 'bitselect', 'any_true']),
  ['v128.load8_lane', 'memarg_lane'], ['v128.load16_lane', 'memarg_lane'], ['v128.load32_lane', 'memarg_lane'],
  ['v128.load64_lane', 'memarg_lane'], ['v128.store8_lane', 'memarg_lane'], ['v128.store16_lane', 'memarg_lane'],
  ['v128.store32_lane', 'memarg_lane'], ['v128.store64_lane', 'memarg_lane'],
  ['v128.load32_zero', 'memarg'], ['v128.load64_zero', 'memarg'],
  ['f32x4.demote_f64x2_zero', 'none'], ['f64x2.promote_low_f32x4', 'none'],
  ...names('i8x16', ['abs', 'neg', 'popcnt', 'all_true', 'bitmask', 'narrow_i16x8_s', 'narrow_i16x8_u']),
  ...names('f32x4', ['ceil', 'floor', 'trunc', 'nearest']),
  ...names('i8x16', ['shl', 'shr_s', 'shr_u', 'add', 'add_sat_s', 'add_sat_u', 'sub', 'sub_sat_s', 'sub_sat_u']),
  ...names('f64x2', ['ceil', 'floor']),
  ...names('i8x16', ['min_s', 'min_u', 'max_s', 'max_u']),
  ['f64x2.trunc', 'none'], ['i8x16.avgr_u', 'none'],
  ['i16x8.extadd_pairwise_i8x16_s', 'none'], ['i16x8.extadd_pairwise_i8x16_u', 'none'],
  ['i32x4.extadd_pairwise_i16x8_s', 'none'], ['i32x4.extadd_pairwise_i16x8_u', 'none'],
  ...names('i16x8', ['abs', 'neg', 'q15mulr_sat_s', 'all_true', 'bitmask', 'narrow_i32x4_s', 'narrow_i32x4_u',
    'extend_low_i8x16_s', 'extend_high_i8x16_s', 'extend_low_i8x16_u', 'extend_high_i8x16_u',
    'shl', 'shr_s', 'shr_u', 'add', 'add_sat_s', 'add_sat_u', 'sub', 'sub_sat_s', 'sub_sat_u']),
  ['f64x2.nearest', 'none'],
  ...names('i16x8', ['mul', 'min_s', 'min_u', 'max_s', 'max_u']), '',
  ...names('i16x8', ['avgr_u', 'extmul_low_i8x16_s', 'extmul_high_i8x16_s', 'extmul_low_i8x16_u', 'extmul_high_i8x16_u']),
  ...names('i32x4', ['abs', 'neg']), '', ...names('i32x4', ['all_true', 'bitmask']), '', '',
  ...names('i32x4', ['extend_low_i16x8_s', 'extend_high_i16x8_s', 'extend_low_i16x8_u', 'extend_high_i16x8_u',
    'shl', 'shr_s', 'shr_u', 'add']), '', '', ['i32x4.sub', 'none'], '', '', '',
  ...names('i32x4', ['mul', 'min_s', 'min_u', 'max_s', 'max_u', 'dot_i16x8_s']), '',
  ...names('i32x4', ['extmul_low_i16x8_s', 'extmul_high_i16x8_s', 'extmul_low_i16x8_u', 'extmul_high_i16x8_u']),
  ...names('i64x2', ['abs', 'neg']), '', ...names('i64x2', ['all_true', 'bitmask']), '', '',
  ...names('i64x2', ['extend_low_i32x4_s', 'extend_high_i32x4_s', 'extend_low_i32x4_u', 'extend_high_i32x4_u',
    'shl', 'shr_s', 'shr_u', 'add']), '', '', ['i64x2.sub', 'none'], '', '', '',
  ...names('i64x2', ['mul', 'eq', 'ne', 'lt_s', 'gt_s', 'le_s', 'ge_s',
    'extmul_low_i32x4_s', 'extmul_high_i32x4_s', 'extmul_low_i32x4_u', 'extmul_high_i32x4_u']),
  ...names('f32x4', ['abs', 'neg']), '',
  ...names('f32x4', ['sqrt', 'add', 'sub', 'mul', 'div', 'min', 'max', 'pmin', 'pmax']),
  ...names('f64x2', ['abs', 'neg']), '',
  ...names('f64x2', ['sqrt', 'add', 'sub', 'mul', 'div', 'min', 'max', 'pmin', 'pmax']),
  ['i32x4.trunc_sat_f32x4_s', 'none'], ['i32x4.trunc_sat_f32x4_u', 'none'],
  ['f32x4.convert_i32x4_s', 'none'], ['f32x4.convert_i32x4_u', 'none'],
  ['i32x4.trunc_sat_f64x2_s_zero', 'none'], ['i32x4.trunc_sat_f64x2_u_zero', 'none'],
  ['f64x2.convert_low_i32x4_s', 'none'], ['f64x2.convert_low_i32x4_u', 'none'],
  // relaxed SIMD, from 0x100
  ['i8x16.relaxed_swizzle', 'none'],
  ['i32x4.relaxed_trunc_f32x4_s', 'none'], ['i32x4.relaxed_trunc_f32x4_u', 'none'],
  ['i32x4.relaxed_trunc_f64x2_s_zero', 'none'], ['i32x4.relaxed_trunc_f64x2_u_zero', 'none'],
  ['f32x4.relaxed_madd', 'none'], ['f32x4.relaxed_nmadd', 'none'],
  ['f64x2.relaxed_madd', 'none'], ['f64x2.relaxed_nmadd', 'none'],
  ['i8x16.relaxed_laneselect', 'none'], ['i16x8.relaxed_laneselect', 'none'],
  ['i32x4.relaxed_laneselect', 'none'], ['i64x2.relaxed_laneselect', 'none'],
  ['f32x4.relaxed_min', 'none'], ['f32x4.relaxed_max', 'none'],
  ['f64x2.relaxed_min', 'none'], ['f64x2.relaxed_max', 'none'],
  ['i16x8.relaxed_q15mulr_s', 'none'], ['i16x8.relaxed_dot_i8x16_i7x16_s', 'none'],
  ['i32x4.relaxed_dot_i8x16_i7x16_add_s', 'none'],
];

function names(prefix: string, ops: string[]): Row[] {
  return ops.map((op) => [`${prefix}.${op}`, 'none']);
}

/** Wasm 3.0 one-byte opcodes (exceptions, tail calls, typed function references). */
const WASM3: [name: string, code: number, imm: TextImm][] = [
  ['throw', 0x08, 'tag'],
  ['throw_ref', 0x0a, 'none'],
  ['return_call', 0x12, 'func'],
  ['return_call_indirect', 0x13, 'call_indirect'],
  ['call_ref', 0x14, 'type'],
  ['return_call_ref', 0x15, 'type'],
  ['try_table', 0x1f, 'try_table'],
  ['ref.eq', 0xd3, 'none'],
  ['ref.as_non_null', 0xd4, 'none'],
  ['br_on_null', 0xd5, 'label'],
  ['br_on_non_null', 0xd6, 'label'],
];

/** Wasm 3.0 GC instructions: 0xfb sub-opcodes in order. */
const GC: Row[] = [
  ['struct.new', 'type'], ['struct.new_default', 'type'], ['struct.get', 'type_field'], ['struct.get_s', 'type_field'],
  ['struct.get_u', 'type_field'], ['struct.set', 'type_field'], ['array.new', 'type'], ['array.new_default', 'type'],
  ['array.new_fixed', 'type_u32'], ['array.new_data', 'type_data'], ['array.new_elem', 'type_elem'], ['array.get', 'type'],
  ['array.get_s', 'type'], ['array.get_u', 'type'], ['array.set', 'type'], ['array.len', 'none'], ['array.fill', 'type'],
  ['array.copy', 'type_type'], ['array.init_data', 'type_data'], ['array.init_elem', 'type_elem'],
  ['ref.test', 'ref_cast'], ['', 'none'], ['ref.cast', 'ref_cast'], ['', 'none'],
  ['br_on_cast', 'br_on_cast'], ['br_on_cast_fail', 'br_on_cast'], ['any.convert_extern', 'none'],
  ['extern.convert_any', 'none'], ['ref.i31', 'none'], ['i31.get_s', 'none'], ['i31.get_u', 'none'],
];

function build(): Map<string, InstrInfo> {
  const m = new Map<string, InstrInfo>();
  SIMD.forEach((row, sub) => {
    if (row !== '') m.set(row[0], { code: 0xfd, sub, imm: row[1] });
  });
  for (const [name, code, imm] of WASM3) m.set(name, { code, imm });
  GC.forEach(([name, imm], sub) => {
    if (name !== '') m.set(name, { code: 0xfb, sub, imm }); // '' : the nullable ref.test/ref.cast forms
  });
  return m;
}

export const PENDING_OPS: ReadonlyMap<string, InstrInfo> = build();
