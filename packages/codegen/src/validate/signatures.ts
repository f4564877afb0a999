// Operand signatures of the instructions whose typing depends on nothing but the opcode:
// numeric operators, conversions, and memory accesses. Kept as data so the validator's
// main switch only has to spell out the instructions with interesting rules.

import { ValType } from '../wasm/types.js';
import { Op } from '../wasm/opcodes.js';

/** A simple signature: up to two operands of one type each, at most one result. */
export interface SimpleSig {
  params: ValType[];
  result: ValType | undefined;
}

const I32 = ValType.I32;
const I64 = ValType.I64;
const F32 = ValType.F32;
const F64 = ValType.F64;

const unop = (t: ValType, r: ValType = t): SimpleSig => ({ params: [t], result: r });
const binop = (t: ValType, r: ValType = t): SimpleSig => ({ params: [t, t], result: r });

/** Signatures of the one-byte numeric opcodes (0x45 ..= 0xc4); undefined elsewhere. */
export const NUMERIC_SIGS: (SimpleSig | undefined)[] = (() => {
  const sigs: (SimpleSig | undefined)[] = new Array(256).fill(undefined);
  const range = (from: number, to: number, sig: SimpleSig) => {
    for (let op = from; op <= to; op++) sigs[op] = sig;
  };
  sigs[Op.I32Eqz] = unop(I32);
  range(Op.I32Eq, Op.I32GeU, binop(I32, I32));
  sigs[Op.I64Eqz] = unop(I64, I32);
  range(Op.I64Eq, Op.I64GeU, binop(I64, I32));
  range(Op.F32Eq, Op.F32Ge, binop(F32, I32));
  range(Op.F64Eq, Op.F64Ge, binop(F64, I32));
  range(Op.I32Clz, Op.I32Popcnt, unop(I32));
  range(Op.I32Add, Op.I32Rotr, binop(I32));
  range(Op.I64Clz, Op.I64Popcnt, unop(I64));
  range(Op.I64Add, Op.I64Rotr, binop(I64));
  range(Op.F32Abs, Op.F32Sqrt, unop(F32));
  range(Op.F32Add, Op.F32Copysign, binop(F32));
  range(Op.F64Abs, Op.F64Sqrt, unop(F64));
  range(Op.F64Add, Op.F64Copysign, binop(F64));
  sigs[Op.I32WrapI64] = unop(I64, I32);
  range(Op.I32TruncF32S, Op.I32TruncF32U, unop(F32, I32));
  range(Op.I32TruncF64S, Op.I32TruncF64U, unop(F64, I32));
  range(Op.I64ExtendI32S, Op.I64ExtendI32U, unop(I32, I64));
  range(Op.I64TruncF32S, Op.I64TruncF32U, unop(F32, I64));
  range(Op.I64TruncF64S, Op.I64TruncF64U, unop(F64, I64));
  range(Op.F32ConvertI32S, Op.F32ConvertI32U, unop(I32, F32));
  range(Op.F32ConvertI64S, Op.F32ConvertI64U, unop(I64, F32));
  sigs[Op.F32DemoteF64] = unop(F64, F32);
  range(Op.F64ConvertI32S, Op.F64ConvertI32U, unop(I32, F64));
  range(Op.F64ConvertI64S, Op.F64ConvertI64U, unop(I64, F64));
  sigs[Op.F64PromoteF32] = unop(F32, F64);
  sigs[Op.I32ReinterpretF32] = unop(F32, I32);
  sigs[Op.I64ReinterpretF64] = unop(F64, I64);
  sigs[Op.F32ReinterpretI32] = unop(I32, F32);
  sigs[Op.F64ReinterpretI64] = unop(I64, F64);
  range(Op.I32Extend8S, Op.I32Extend16S, unop(I32));
  range(Op.I64Extend8S, Op.I64Extend32S, unop(I64));
  return sigs;
})();

/** Signatures of the saturating truncations, 0xfc 0 ..= 7. */
export const TRUNC_SAT_SIGS: SimpleSig[] = [
  unop(F32, I32),
  unop(F32, I32),
  unop(F64, I32),
  unop(F64, I32),
  unop(F32, I64),
  unop(F32, I64),
  unop(F64, I64),
  unop(F64, I64),
];

/** A load or store: its value type and the log2 of its access width (the maximum alignment). */
export interface MemAccess {
  type: ValType;
  maxAlign: number;
  store: boolean;
}

/** Indexed by opcode − I32Load (0x28 ..= 0x3e). */
export const MEM_ACCESS: MemAccess[] = [
  [I32, 2, false], // i32.load
  [I64, 3, false], // i64.load
  [F32, 2, false], // f32.load
  [F64, 3, false], // f64.load
  [I32, 0, false], // i32.load8_s
  [I32, 0, false], // i32.load8_u
  [I32, 1, false], // i32.load16_s
  [I32, 1, false], // i32.load16_u
  [I64, 0, false], // i64.load8_s
  [I64, 0, false], // i64.load8_u
  [I64, 1, false], // i64.load16_s
  [I64, 1, false], // i64.load16_u
  [I64, 2, false], // i64.load32_s
  [I64, 2, false], // i64.load32_u
  [I32, 2, true], // i32.store
  [I64, 3, true], // i64.store
  [F32, 2, true], // f32.store
  [F64, 3, true], // f64.store
  [I32, 0, true], // i32.store8
  [I32, 1, true], // i32.store16
  [I64, 0, true], // i64.store8
  [I64, 1, true], // i64.store16
  [I64, 2, true], // i64.store32
].map(([type, maxAlign, store]) => ({ type: type as ValType, maxAlign: maxAlign as number, store: store as boolean }));

/** Spec-style name of a value type, for messages. */
export function typeName(t: ValType | undefined): string {
  switch (t) {
    case ValType.I32:
      return 'i32';
    case ValType.I64:
      return 'i64';
    case ValType.F32:
      return 'f32';
    case ValType.F64:
      return 'f64';
    case ValType.V128:
      return 'v128';
    case ValType.FuncRef:
      return 'funcref';
    case ValType.ExternRef:
      return 'externref';
    default:
      return t === undefined ? 'nothing' : 'any';
  }
}
