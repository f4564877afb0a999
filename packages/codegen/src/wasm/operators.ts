// The operator table: one row per wasm operator (Wasm 2.0, relaxed SIMD, threads' atomics), and the single
// place its facts are written down — encoding, spec mnemonic, immediates, operand and result
// types, lowering family and fuel class. The decoder (OP_IMM, body-scan.ts), the validator
// (validate/signatures.ts), the lowering dispatch (lower/op-handlers.ts), names for errors
// and `explore` (opName) and the tests all read these rows; the `Op`/`OpFC` enums in
// opcodes.ts mirror the encodings for the compiler's switches (a test checks they agree).
//
// Prefixed operators (0xFC now, 0xFD SIMD and the Wasm 3.0 prefixes later) live in their
// own opcode space, indexed by the u32 LEB sub-opcode after the prefix byte: adding one is
// adding rows, not a new mechanism.
//
// Adding an operator: its row here; its member in Op/OpFC if the compiler names it; a case
// in lower/op-handlers.ts handlerFor if its lowering family is new; and, only when its
// typing is SPECIAL, its validator case and a hand-written use in the operator test
// (packages/tests/src/codegen/operators.test.ts builds the others from the row).
import { ValType } from './types.js';
import { simdOperators } from './operators-simd.js';
import { atomicOperators } from './operators-atomic.js';

/** The immediate operands that follow an opcode, which is all a pass needs to skip it. */
export const enum ImmKind {
  /** Not an opcode in the supported instruction set. */
  Illegal = 0,
  None,
  BlockType,
  /** One u32 index (label, function, local, global, table, segment). */
  Index,
  /** vec(label) followed by the default label. */
  BrTable,
  /** Type index, then table index. */
  CallIndirect,
  /** vec(valtype) of typed select. */
  SelectT,
  /** Alignment exponent and offset, both u32. */
  MemArg,
  /** A single reserved 0x00 byte (memory.size, memory.grow, memory.fill). */
  ZeroByte,
  I32,
  I64,
  F32,
  F64,
  /** ref.null: a heap type (an abstract type's byte, or a type index with typed function references). */
  RefType,
  /** A prefix byte followed by a u32 sub-opcode (and that operator's immediates). */
  Prefix,
  /** memory.init: a data segment index, then a reserved 0x00 byte. */
  IndexZeroByte,
  /** memory.copy: two reserved 0x00 bytes. */
  TwoZeroBytes,
  /** table.init (segment, table) and table.copy (destination, source): two u32 indices. */
  TwoIndices,
  /** v128.const: 16 bytes. */
  V128Const,
  /** i8x16.shuffle: 16 lane-index bytes, each below 32. */
  Shuffle,
  /** extract_lane / replace_lane: one lane-index byte. */
  Lane,
  /** v128.loadN_lane / storeN_lane: a memarg, then a lane-index byte. */
  MemArgLane,
  /** try_table: a block type, then vec(catch clause): a kind byte 0..3, a tag index for 0/1, a label. */
  TryTable,
}

/**
 * Which lowering compiles an operator (lower/op-handlers.ts maps each to its code). The
 * integer families name the shape the handler is built for; everything it varies on (the
 * operand size, the condition, the ALU operation) it reads from the row.
 */
export const enum Lowering {
  /** Structured control and branches: lowered even in unreachable code, which they end. */
  Control,
  Nop,
  Call,
  CallIndirect,
  /** drop, select, typed select. */
  Parametric,
  /** local.get / set / tee. */
  Variable,
  Global,
  /** table.get/set and the 0xFC table operators. */
  Table,
  /** Loads, stores, memory.size, memory.grow. */
  Memory,
  /** memory.init, data.drop, memory.copy, memory.fill. */
  BulkMemory,
  Const,
  Ref,
  IntEqz,
  IntCompare,
  /** add, sub, and, or, xor. */
  IntAlu,
  IntMul,
  /** shl, shr_s, shr_u, rotl, rotr. */
  IntShift,
  /** div_s, div_u, rem_s, rem_u. */
  IntDiv,
  /** clz, ctz, popcnt. */
  IntBitCount,
  /** i32.wrap_i64, i64.extend_i32_s/u, the sign-extension operators. */
  IntExtend,
  /** f32/f64 arithmetic, comparisons, rounding, sign operations. */
  Float,
  /** Conversions with a float side: truncations (trapping and saturating), converts, demote/promote, reinterprets. */
  FloatConvert,
  /** The 0xFD operators (operators-simd.ts). */
  Simd,
  /** The 0xFE operators of the threads proposal (operators-atomic.ts). */
  Atomic,
}

/**
 * How the fuel meter (fuel-meter.ts) charges an operator. Every operator costs one unit;
 * control operators also start or end the straight runs the meter charges at once, which
 * their lowering (ops/control.ts via interrupt-checks.ts) does.
 */
export const enum FuelClass {
  /** One unit, added to the open run. */
  Straight,
  /** One unit; may start a new run or leave the current one early. */
  Control,
}

export interface Operator {
  /** 0 for a one-byte opcode, else the prefix byte (0xfc). */
  readonly prefix: number;
  /** The opcode byte, or the sub-opcode after the prefix. */
  readonly code: number;
  /** Spec mnemonic (typed and untyped select share one). */
  readonly name: string;
  readonly imm: ImmKind;
  /**
   * Operand and result types when they depend on nothing but the operator; null for the
   * operators whose typing the validator spells out (control, polymorphic, index-typed).
   */
  readonly params: readonly ValType[] | null;
  readonly results: readonly ValType[] | null;
  /** Loads and stores: the access width in bytes (its log2 is the maximum alignment); else 0. */
  readonly accessBytes: number;
  readonly lowering: Lowering;
  readonly fuel: FuelClass;
}

const TYPES: Record<string, ValType> = { i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64, v128: ValType.V128 };

/** 'i32 i32 -> i32' → params and results. */
function parseSig(sig: string): [ValType[], ValType[]] {
  const [lhs, rhs] = sig.split('->');
  if (rhs === undefined) throw new Error(`BUG: operator signature '${sig}' has no '->'`);
  const types = (s: string) => s.trim().split(/\s+/).filter((t) => t !== '').map((t) => {
    const v = TYPES[t];
    if (v === undefined) throw new Error(`BUG: unknown type '${t}' in operator signature '${sig}'`);
    return v;
  });
  return [types(lhs!), types(rhs)];
}

/** Typing left to the validator's own rules. */
const SPECIAL = null;

function row(prefix: number, code: number, name: string, imm: ImmKind, sig: string | null, lowering: Lowering, accessBytes = 0): Operator {
  const [params, results] = sig === null ? [null, null] : parseSig(sig);
  const fuel = lowering === Lowering.Control ? FuelClass.Control : FuelClass.Straight;
  return { prefix, code, name, imm, params, results, accessBytes, lowering, fuel };
}

const op = (code: number, name: string, imm: ImmKind, sig: string | null, lowering: Lowering) => row(0, code, name, imm, sig, lowering);
const fc = (sub: number, name: string, imm: ImmKind, sig: string | null, lowering: Lowering) => row(0xfc, sub, name, imm, sig, lowering);
/** A load or store of `bytes` bytes: memarg immediate, lowered by the memory family. */
const mem = (code: number, name: string, sig: string, bytes: number) => row(0, code, name, ImmKind.MemArg, sig, Lowering.Memory, bytes);

// Short names for the columns below.
const NONE = ImmKind.None;
const BLOCK = ImmKind.BlockType;
const INDEX = ImmKind.Index;
const BR_TABLE = ImmKind.BrTable;
const CALL_INDIRECT_IMM = ImmKind.CallIndirect;
const SELECT_T = ImmKind.SelectT;
const ZERO = ImmKind.ZeroByte;
const REF_TYPE = ImmKind.RefType;
const INDEX_ZERO = ImmKind.IndexZeroByte;
const ZERO_ZERO = ImmKind.TwoZeroBytes;
const INDEX_INDEX = ImmKind.TwoIndices;
const CONTROL = Lowering.Control;
const NOP = Lowering.Nop;
const CALL = Lowering.Call;
const CALL_INDIRECT = Lowering.CallIndirect;
const PARAMETRIC = Lowering.Parametric;
const VARIABLE = Lowering.Variable;
const GLOBAL = Lowering.Global;
const TABLE = Lowering.Table;
const MEMORY = Lowering.Memory;
const BULK_MEMORY = Lowering.BulkMemory;
const CONST = Lowering.Const;
const REF = Lowering.Ref;
const INT_EQZ = Lowering.IntEqz;
const INT_COMPARE = Lowering.IntCompare;
const INT_ALU = Lowering.IntAlu;
const INT_MUL = Lowering.IntMul;
const INT_SHIFT = Lowering.IntShift;
const INT_DIV = Lowering.IntDiv;
const INT_BITCOUNT = Lowering.IntBitCount;
const INT_EXTEND = Lowering.IntExtend;
const FLOAT = Lowering.Float;
const FLOAT_CONVERT = Lowering.FloatConvert;

/** Every operator, one-byte ones by opcode, then each prefix's by sub-opcode. */
export const OPERATORS: readonly Operator[] = [
  op(0x00, 'unreachable', NONE, SPECIAL, CONTROL),
  op(0x01, 'nop', NONE, SPECIAL, NOP),
  op(0x02, 'block', BLOCK, SPECIAL, CONTROL),
  op(0x03, 'loop', BLOCK, SPECIAL, CONTROL),
  op(0x04, 'if', BLOCK, SPECIAL, CONTROL),
  op(0x05, 'else', NONE, SPECIAL, CONTROL),
  // Exception handling (docs/exceptions.md): accepted only with DecodeOptions.exceptions.
  // try, catch, rethrow, delegate and catch_all are the legacy encoding still shipped.
  op(0x06, 'try', BLOCK, SPECIAL, CONTROL),
  op(0x07, 'catch', INDEX, SPECIAL, CONTROL),
  op(0x08, 'throw', INDEX, SPECIAL, CONTROL),
  op(0x09, 'rethrow', INDEX, SPECIAL, CONTROL),
  op(0x0a, 'throw_ref', NONE, SPECIAL, CONTROL),
  op(0x0b, 'end', NONE, SPECIAL, CONTROL),
  op(0x0c, 'br', INDEX, SPECIAL, CONTROL),
  op(0x0d, 'br_if', INDEX, SPECIAL, CONTROL),
  op(0x0e, 'br_table', BR_TABLE, SPECIAL, CONTROL),
  op(0x0f, 'return', NONE, SPECIAL, CONTROL),
  op(0x10, 'call', INDEX, SPECIAL, CALL),
  op(0x11, 'call_indirect', CALL_INDIRECT_IMM, SPECIAL, CALL_INDIRECT),
  // Tail calls end the block like `return` (Control: lowered in dead code, where they skip).
  op(0x12, 'return_call', INDEX, SPECIAL, CONTROL),
  op(0x13, 'return_call_indirect', CALL_INDIRECT_IMM, SPECIAL, CONTROL),
  // Typed function references (docs/typed-references.md): calls through a (ref null $t).
  op(0x14, 'call_ref', INDEX, SPECIAL, CALL_INDIRECT),
  op(0x15, 'return_call_ref', INDEX, SPECIAL, CONTROL),
  op(0x18, 'delegate', INDEX, SPECIAL, CONTROL),
  op(0x19, 'catch_all', NONE, SPECIAL, CONTROL),
  op(0x1a, 'drop', NONE, SPECIAL, PARAMETRIC),
  op(0x1b, 'select', NONE, SPECIAL, PARAMETRIC),
  op(0x1c, 'select', SELECT_T, SPECIAL, PARAMETRIC),
  op(0x1f, 'try_table', ImmKind.TryTable, SPECIAL, CONTROL),
  op(0x20, 'local.get', INDEX, SPECIAL, VARIABLE),
  op(0x21, 'local.set', INDEX, SPECIAL, VARIABLE),
  op(0x22, 'local.tee', INDEX, SPECIAL, VARIABLE),
  op(0x23, 'global.get', INDEX, SPECIAL, GLOBAL),
  op(0x24, 'global.set', INDEX, SPECIAL, GLOBAL),
  op(0x25, 'table.get', INDEX, SPECIAL, TABLE),
  op(0x26, 'table.set', INDEX, SPECIAL, TABLE),
  mem(0x28, 'i32.load', 'i32 -> i32', 4),
  mem(0x29, 'i64.load', 'i32 -> i64', 8),
  mem(0x2a, 'f32.load', 'i32 -> f32', 4),
  mem(0x2b, 'f64.load', 'i32 -> f64', 8),
  mem(0x2c, 'i32.load8_s', 'i32 -> i32', 1),
  mem(0x2d, 'i32.load8_u', 'i32 -> i32', 1),
  mem(0x2e, 'i32.load16_s', 'i32 -> i32', 2),
  mem(0x2f, 'i32.load16_u', 'i32 -> i32', 2),
  mem(0x30, 'i64.load8_s', 'i32 -> i64', 1),
  mem(0x31, 'i64.load8_u', 'i32 -> i64', 1),
  mem(0x32, 'i64.load16_s', 'i32 -> i64', 2),
  mem(0x33, 'i64.load16_u', 'i32 -> i64', 2),
  mem(0x34, 'i64.load32_s', 'i32 -> i64', 4),
  mem(0x35, 'i64.load32_u', 'i32 -> i64', 4),
  mem(0x36, 'i32.store', 'i32 i32 ->', 4),
  mem(0x37, 'i64.store', 'i32 i64 ->', 8),
  mem(0x38, 'f32.store', 'i32 f32 ->', 4),
  mem(0x39, 'f64.store', 'i32 f64 ->', 8),
  mem(0x3a, 'i32.store8', 'i32 i32 ->', 1),
  mem(0x3b, 'i32.store16', 'i32 i32 ->', 2),
  mem(0x3c, 'i64.store8', 'i32 i64 ->', 1),
  mem(0x3d, 'i64.store16', 'i32 i64 ->', 2),
  mem(0x3e, 'i64.store32', 'i32 i64 ->', 4),
  // memory.size/grow are typed by the validator: they need a memory as well.
  op(0x3f, 'memory.size', ZERO, SPECIAL, MEMORY),
  op(0x40, 'memory.grow', ZERO, SPECIAL, MEMORY),
  op(0x41, 'i32.const', ImmKind.I32, '-> i32', CONST),
  op(0x42, 'i64.const', ImmKind.I64, '-> i64', CONST),
  op(0x43, 'f32.const', ImmKind.F32, '-> f32', CONST),
  op(0x44, 'f64.const', ImmKind.F64, '-> f64', CONST),
  op(0x45, 'i32.eqz', NONE, 'i32 -> i32', INT_EQZ),
  op(0x46, 'i32.eq', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x47, 'i32.ne', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x48, 'i32.lt_s', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x49, 'i32.lt_u', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x4a, 'i32.gt_s', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x4b, 'i32.gt_u', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x4c, 'i32.le_s', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x4d, 'i32.le_u', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x4e, 'i32.ge_s', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x4f, 'i32.ge_u', NONE, 'i32 i32 -> i32', INT_COMPARE),
  op(0x50, 'i64.eqz', NONE, 'i64 -> i32', INT_EQZ),
  op(0x51, 'i64.eq', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x52, 'i64.ne', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x53, 'i64.lt_s', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x54, 'i64.lt_u', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x55, 'i64.gt_s', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x56, 'i64.gt_u', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x57, 'i64.le_s', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x58, 'i64.le_u', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x59, 'i64.ge_s', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x5a, 'i64.ge_u', NONE, 'i64 i64 -> i32', INT_COMPARE),
  op(0x5b, 'f32.eq', NONE, 'f32 f32 -> i32', FLOAT),
  op(0x5c, 'f32.ne', NONE, 'f32 f32 -> i32', FLOAT),
  op(0x5d, 'f32.lt', NONE, 'f32 f32 -> i32', FLOAT),
  op(0x5e, 'f32.gt', NONE, 'f32 f32 -> i32', FLOAT),
  op(0x5f, 'f32.le', NONE, 'f32 f32 -> i32', FLOAT),
  op(0x60, 'f32.ge', NONE, 'f32 f32 -> i32', FLOAT),
  op(0x61, 'f64.eq', NONE, 'f64 f64 -> i32', FLOAT),
  op(0x62, 'f64.ne', NONE, 'f64 f64 -> i32', FLOAT),
  op(0x63, 'f64.lt', NONE, 'f64 f64 -> i32', FLOAT),
  op(0x64, 'f64.gt', NONE, 'f64 f64 -> i32', FLOAT),
  op(0x65, 'f64.le', NONE, 'f64 f64 -> i32', FLOAT),
  op(0x66, 'f64.ge', NONE, 'f64 f64 -> i32', FLOAT),
  op(0x67, 'i32.clz', NONE, 'i32 -> i32', INT_BITCOUNT),
  op(0x68, 'i32.ctz', NONE, 'i32 -> i32', INT_BITCOUNT),
  op(0x69, 'i32.popcnt', NONE, 'i32 -> i32', INT_BITCOUNT),
  op(0x6a, 'i32.add', NONE, 'i32 i32 -> i32', INT_ALU),
  op(0x6b, 'i32.sub', NONE, 'i32 i32 -> i32', INT_ALU),
  op(0x6c, 'i32.mul', NONE, 'i32 i32 -> i32', INT_MUL),
  op(0x6d, 'i32.div_s', NONE, 'i32 i32 -> i32', INT_DIV),
  op(0x6e, 'i32.div_u', NONE, 'i32 i32 -> i32', INT_DIV),
  op(0x6f, 'i32.rem_s', NONE, 'i32 i32 -> i32', INT_DIV),
  op(0x70, 'i32.rem_u', NONE, 'i32 i32 -> i32', INT_DIV),
  op(0x71, 'i32.and', NONE, 'i32 i32 -> i32', INT_ALU),
  op(0x72, 'i32.or', NONE, 'i32 i32 -> i32', INT_ALU),
  op(0x73, 'i32.xor', NONE, 'i32 i32 -> i32', INT_ALU),
  op(0x74, 'i32.shl', NONE, 'i32 i32 -> i32', INT_SHIFT),
  op(0x75, 'i32.shr_s', NONE, 'i32 i32 -> i32', INT_SHIFT),
  op(0x76, 'i32.shr_u', NONE, 'i32 i32 -> i32', INT_SHIFT),
  op(0x77, 'i32.rotl', NONE, 'i32 i32 -> i32', INT_SHIFT),
  op(0x78, 'i32.rotr', NONE, 'i32 i32 -> i32', INT_SHIFT),
  op(0x79, 'i64.clz', NONE, 'i64 -> i64', INT_BITCOUNT),
  op(0x7a, 'i64.ctz', NONE, 'i64 -> i64', INT_BITCOUNT),
  op(0x7b, 'i64.popcnt', NONE, 'i64 -> i64', INT_BITCOUNT),
  op(0x7c, 'i64.add', NONE, 'i64 i64 -> i64', INT_ALU),
  op(0x7d, 'i64.sub', NONE, 'i64 i64 -> i64', INT_ALU),
  op(0x7e, 'i64.mul', NONE, 'i64 i64 -> i64', INT_MUL),
  op(0x7f, 'i64.div_s', NONE, 'i64 i64 -> i64', INT_DIV),
  op(0x80, 'i64.div_u', NONE, 'i64 i64 -> i64', INT_DIV),
  op(0x81, 'i64.rem_s', NONE, 'i64 i64 -> i64', INT_DIV),
  op(0x82, 'i64.rem_u', NONE, 'i64 i64 -> i64', INT_DIV),
  op(0x83, 'i64.and', NONE, 'i64 i64 -> i64', INT_ALU),
  op(0x84, 'i64.or', NONE, 'i64 i64 -> i64', INT_ALU),
  op(0x85, 'i64.xor', NONE, 'i64 i64 -> i64', INT_ALU),
  op(0x86, 'i64.shl', NONE, 'i64 i64 -> i64', INT_SHIFT),
  op(0x87, 'i64.shr_s', NONE, 'i64 i64 -> i64', INT_SHIFT),
  op(0x88, 'i64.shr_u', NONE, 'i64 i64 -> i64', INT_SHIFT),
  op(0x89, 'i64.rotl', NONE, 'i64 i64 -> i64', INT_SHIFT),
  op(0x8a, 'i64.rotr', NONE, 'i64 i64 -> i64', INT_SHIFT),
  op(0x8b, 'f32.abs', NONE, 'f32 -> f32', FLOAT),
  op(0x8c, 'f32.neg', NONE, 'f32 -> f32', FLOAT),
  op(0x8d, 'f32.ceil', NONE, 'f32 -> f32', FLOAT),
  op(0x8e, 'f32.floor', NONE, 'f32 -> f32', FLOAT),
  op(0x8f, 'f32.trunc', NONE, 'f32 -> f32', FLOAT),
  op(0x90, 'f32.nearest', NONE, 'f32 -> f32', FLOAT),
  op(0x91, 'f32.sqrt', NONE, 'f32 -> f32', FLOAT),
  op(0x92, 'f32.add', NONE, 'f32 f32 -> f32', FLOAT),
  op(0x93, 'f32.sub', NONE, 'f32 f32 -> f32', FLOAT),
  op(0x94, 'f32.mul', NONE, 'f32 f32 -> f32', FLOAT),
  op(0x95, 'f32.div', NONE, 'f32 f32 -> f32', FLOAT),
  op(0x96, 'f32.min', NONE, 'f32 f32 -> f32', FLOAT),
  op(0x97, 'f32.max', NONE, 'f32 f32 -> f32', FLOAT),
  op(0x98, 'f32.copysign', NONE, 'f32 f32 -> f32', FLOAT),
  op(0x99, 'f64.abs', NONE, 'f64 -> f64', FLOAT),
  op(0x9a, 'f64.neg', NONE, 'f64 -> f64', FLOAT),
  op(0x9b, 'f64.ceil', NONE, 'f64 -> f64', FLOAT),
  op(0x9c, 'f64.floor', NONE, 'f64 -> f64', FLOAT),
  op(0x9d, 'f64.trunc', NONE, 'f64 -> f64', FLOAT),
  op(0x9e, 'f64.nearest', NONE, 'f64 -> f64', FLOAT),
  op(0x9f, 'f64.sqrt', NONE, 'f64 -> f64', FLOAT),
  op(0xa0, 'f64.add', NONE, 'f64 f64 -> f64', FLOAT),
  op(0xa1, 'f64.sub', NONE, 'f64 f64 -> f64', FLOAT),
  op(0xa2, 'f64.mul', NONE, 'f64 f64 -> f64', FLOAT),
  op(0xa3, 'f64.div', NONE, 'f64 f64 -> f64', FLOAT),
  op(0xa4, 'f64.min', NONE, 'f64 f64 -> f64', FLOAT),
  op(0xa5, 'f64.max', NONE, 'f64 f64 -> f64', FLOAT),
  op(0xa6, 'f64.copysign', NONE, 'f64 f64 -> f64', FLOAT),
  op(0xa7, 'i32.wrap_i64', NONE, 'i64 -> i32', INT_EXTEND),
  op(0xa8, 'i32.trunc_f32_s', NONE, 'f32 -> i32', FLOAT_CONVERT),
  op(0xa9, 'i32.trunc_f32_u', NONE, 'f32 -> i32', FLOAT_CONVERT),
  op(0xaa, 'i32.trunc_f64_s', NONE, 'f64 -> i32', FLOAT_CONVERT),
  op(0xab, 'i32.trunc_f64_u', NONE, 'f64 -> i32', FLOAT_CONVERT),
  op(0xac, 'i64.extend_i32_s', NONE, 'i32 -> i64', INT_EXTEND),
  op(0xad, 'i64.extend_i32_u', NONE, 'i32 -> i64', INT_EXTEND),
  op(0xae, 'i64.trunc_f32_s', NONE, 'f32 -> i64', FLOAT_CONVERT),
  op(0xaf, 'i64.trunc_f32_u', NONE, 'f32 -> i64', FLOAT_CONVERT),
  op(0xb0, 'i64.trunc_f64_s', NONE, 'f64 -> i64', FLOAT_CONVERT),
  op(0xb1, 'i64.trunc_f64_u', NONE, 'f64 -> i64', FLOAT_CONVERT),
  op(0xb2, 'f32.convert_i32_s', NONE, 'i32 -> f32', FLOAT_CONVERT),
  op(0xb3, 'f32.convert_i32_u', NONE, 'i32 -> f32', FLOAT_CONVERT),
  op(0xb4, 'f32.convert_i64_s', NONE, 'i64 -> f32', FLOAT_CONVERT),
  op(0xb5, 'f32.convert_i64_u', NONE, 'i64 -> f32', FLOAT_CONVERT),
  op(0xb6, 'f32.demote_f64', NONE, 'f64 -> f32', FLOAT_CONVERT),
  op(0xb7, 'f64.convert_i32_s', NONE, 'i32 -> f64', FLOAT_CONVERT),
  op(0xb8, 'f64.convert_i32_u', NONE, 'i32 -> f64', FLOAT_CONVERT),
  op(0xb9, 'f64.convert_i64_s', NONE, 'i64 -> f64', FLOAT_CONVERT),
  op(0xba, 'f64.convert_i64_u', NONE, 'i64 -> f64', FLOAT_CONVERT),
  op(0xbb, 'f64.promote_f32', NONE, 'f32 -> f64', FLOAT_CONVERT),
  op(0xbc, 'i32.reinterpret_f32', NONE, 'f32 -> i32', FLOAT_CONVERT),
  op(0xbd, 'i64.reinterpret_f64', NONE, 'f64 -> i64', FLOAT_CONVERT),
  op(0xbe, 'f32.reinterpret_i32', NONE, 'i32 -> f32', FLOAT_CONVERT),
  op(0xbf, 'f64.reinterpret_i64', NONE, 'i64 -> f64', FLOAT_CONVERT),
  op(0xc0, 'i32.extend8_s', NONE, 'i32 -> i32', INT_EXTEND),
  op(0xc1, 'i32.extend16_s', NONE, 'i32 -> i32', INT_EXTEND),
  op(0xc2, 'i64.extend8_s', NONE, 'i64 -> i64', INT_EXTEND),
  op(0xc3, 'i64.extend16_s', NONE, 'i64 -> i64', INT_EXTEND),
  op(0xc4, 'i64.extend32_s', NONE, 'i64 -> i64', INT_EXTEND),
  op(0xd0, 'ref.null', REF_TYPE, SPECIAL, REF),
  op(0xd1, 'ref.is_null', NONE, SPECIAL, REF),
  op(0xd2, 'ref.func', INDEX, SPECIAL, REF),
  op(0xd4, 'ref.as_non_null', NONE, SPECIAL, REF),
  op(0xd5, 'br_on_null', INDEX, SPECIAL, CONTROL),
  op(0xd6, 'br_on_non_null', INDEX, SPECIAL, CONTROL),
  // 0xFC prefix
  fc(0, 'i32.trunc_sat_f32_s', NONE, 'f32 -> i32', FLOAT_CONVERT),
  fc(1, 'i32.trunc_sat_f32_u', NONE, 'f32 -> i32', FLOAT_CONVERT),
  fc(2, 'i32.trunc_sat_f64_s', NONE, 'f64 -> i32', FLOAT_CONVERT),
  fc(3, 'i32.trunc_sat_f64_u', NONE, 'f64 -> i32', FLOAT_CONVERT),
  fc(4, 'i64.trunc_sat_f32_s', NONE, 'f32 -> i64', FLOAT_CONVERT),
  fc(5, 'i64.trunc_sat_f32_u', NONE, 'f32 -> i64', FLOAT_CONVERT),
  fc(6, 'i64.trunc_sat_f64_s', NONE, 'f64 -> i64', FLOAT_CONVERT),
  fc(7, 'i64.trunc_sat_f64_u', NONE, 'f64 -> i64', FLOAT_CONVERT),
  fc(8, 'memory.init', INDEX_ZERO, SPECIAL, BULK_MEMORY),
  fc(9, 'data.drop', INDEX, SPECIAL, BULK_MEMORY),
  fc(10, 'memory.copy', ZERO_ZERO, SPECIAL, BULK_MEMORY),
  fc(11, 'memory.fill', ZERO, SPECIAL, BULK_MEMORY),
  fc(12, 'table.init', INDEX_INDEX, SPECIAL, TABLE),
  fc(13, 'elem.drop', INDEX, SPECIAL, TABLE),
  fc(14, 'table.copy', INDEX_INDEX, SPECIAL, TABLE),
  fc(15, 'table.grow', INDEX, SPECIAL, TABLE),
  fc(16, 'table.size', INDEX, SPECIAL, TABLE),
  fc(17, 'table.fill', INDEX, SPECIAL, TABLE),
  // 0xFD prefix
  ...simdOperators(row),
  // 0xFE prefix
  ...atomicOperators(row),
];
