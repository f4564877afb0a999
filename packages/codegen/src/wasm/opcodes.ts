// Opcode numbers as const enums, for the compiler's switches (inlined at compile time), and
// the lookup tables derived from the operator table (operators.ts): names, immediate kinds,
// and the prefixed opcode spaces. Enum members are the spec mnemonic in PascalCase
// (i64.load8_s → I64Load8S); the tests check every member against the table's row.
import { ImmKind, OPERATORS, type Operator } from './operators.js';

export { ImmKind, Lowering, FuelClass, OPERATORS, type Operator } from './operators.js';

export const enum Op {
  Unreachable = 0x00,
  Nop = 0x01,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  Try = 0x06,
  Catch = 0x07,
  Throw = 0x08,
  Rethrow = 0x09,
  ThrowRef = 0x0a,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  CallIndirect = 0x11,
  ReturnCall = 0x12,
  ReturnCallIndirect = 0x13,
  CallRef = 0x14,
  ReturnCallRef = 0x15,
  Delegate = 0x18,
  CatchAll = 0x19,
  Drop = 0x1a,
  Select = 0x1b,
  SelectT = 0x1c,
  TryTable = 0x1f,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  GlobalGet = 0x23,
  GlobalSet = 0x24,
  TableGet = 0x25,
  TableSet = 0x26,
  I32Load = 0x28,
  I64Load = 0x29,
  F32Load = 0x2a,
  F64Load = 0x2b,
  I32Load8S = 0x2c,
  I32Load8U = 0x2d,
  I32Load16S = 0x2e,
  I32Load16U = 0x2f,
  I64Load8S = 0x30,
  I64Load8U = 0x31,
  I64Load16S = 0x32,
  I64Load16U = 0x33,
  I64Load32S = 0x34,
  I64Load32U = 0x35,
  I32Store = 0x36,
  I64Store = 0x37,
  F32Store = 0x38,
  F64Store = 0x39,
  I32Store8 = 0x3a,
  I32Store16 = 0x3b,
  I64Store8 = 0x3c,
  I64Store16 = 0x3d,
  I64Store32 = 0x3e,
  MemorySize = 0x3f,
  MemoryGrow = 0x40,
  I32Const = 0x41,
  I64Const = 0x42,
  F32Const = 0x43,
  F64Const = 0x44,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32LtU = 0x49,
  I32GtS = 0x4a,
  I32GtU = 0x4b,
  I32LeS = 0x4c,
  I32LeU = 0x4d,
  I32GeS = 0x4e,
  I32GeU = 0x4f,
  I64Eqz = 0x50,
  I64Eq = 0x51,
  I64Ne = 0x52,
  I64LtS = 0x53,
  I64LtU = 0x54,
  I64GtS = 0x55,
  I64GtU = 0x56,
  I64LeS = 0x57,
  I64LeU = 0x58,
  I64GeS = 0x59,
  I64GeU = 0x5a,
  F32Eq = 0x5b,
  F32Ne = 0x5c,
  F32Lt = 0x5d,
  F32Gt = 0x5e,
  F32Le = 0x5f,
  F32Ge = 0x60,
  F64Eq = 0x61,
  F64Ne = 0x62,
  F64Lt = 0x63,
  F64Gt = 0x64,
  F64Le = 0x65,
  F64Ge = 0x66,
  I32Clz = 0x67,
  I32Ctz = 0x68,
  I32Popcnt = 0x69,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32DivS = 0x6d,
  I32DivU = 0x6e,
  I32RemS = 0x6f,
  I32RemU = 0x70,
  I32And = 0x71,
  I32Or = 0x72,
  I32Xor = 0x73,
  I32Shl = 0x74,
  I32ShrS = 0x75,
  I32ShrU = 0x76,
  I32Rotl = 0x77,
  I32Rotr = 0x78,
  I64Clz = 0x79,
  I64Ctz = 0x7a,
  I64Popcnt = 0x7b,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64DivS = 0x7f,
  I64DivU = 0x80,
  I64RemS = 0x81,
  I64RemU = 0x82,
  I64And = 0x83,
  I64Or = 0x84,
  I64Xor = 0x85,
  I64Shl = 0x86,
  I64ShrS = 0x87,
  I64ShrU = 0x88,
  I64Rotl = 0x89,
  I64Rotr = 0x8a,
  F32Abs = 0x8b,
  F32Neg = 0x8c,
  F32Ceil = 0x8d,
  F32Floor = 0x8e,
  F32Trunc = 0x8f,
  F32Nearest = 0x90,
  F32Sqrt = 0x91,
  F32Add = 0x92,
  F32Sub = 0x93,
  F32Mul = 0x94,
  F32Div = 0x95,
  F32Min = 0x96,
  F32Max = 0x97,
  F32Copysign = 0x98,
  F64Abs = 0x99,
  F64Neg = 0x9a,
  F64Ceil = 0x9b,
  F64Floor = 0x9c,
  F64Trunc = 0x9d,
  F64Nearest = 0x9e,
  F64Sqrt = 0x9f,
  F64Add = 0xa0,
  F64Sub = 0xa1,
  F64Mul = 0xa2,
  F64Div = 0xa3,
  F64Min = 0xa4,
  F64Max = 0xa5,
  F64Copysign = 0xa6,
  I32WrapI64 = 0xa7,
  I32TruncF32S = 0xa8,
  I32TruncF32U = 0xa9,
  I32TruncF64S = 0xaa,
  I32TruncF64U = 0xab,
  I64ExtendI32S = 0xac,
  I64ExtendI32U = 0xad,
  I64TruncF32S = 0xae,
  I64TruncF32U = 0xaf,
  I64TruncF64S = 0xb0,
  I64TruncF64U = 0xb1,
  F32ConvertI32S = 0xb2,
  F32ConvertI32U = 0xb3,
  F32ConvertI64S = 0xb4,
  F32ConvertI64U = 0xb5,
  F32DemoteF64 = 0xb6,
  F64ConvertI32S = 0xb7,
  F64ConvertI32U = 0xb8,
  F64ConvertI64S = 0xb9,
  F64ConvertI64U = 0xba,
  F64PromoteF32 = 0xbb,
  I32ReinterpretF32 = 0xbc,
  I64ReinterpretF64 = 0xbd,
  F32ReinterpretI32 = 0xbe,
  F64ReinterpretI64 = 0xbf,
  I32Extend8S = 0xc0,
  I32Extend16S = 0xc1,
  I64Extend8S = 0xc2,
  I64Extend16S = 0xc3,
  I64Extend32S = 0xc4,
  RefNull = 0xd0,
  RefIsNull = 0xd1,
  RefFunc = 0xd2,
  RefAsNonNull = 0xd4,
  BrOnNull = 0xd5,
  BrOnNonNull = 0xd6,
  PrefixFC = 0xfc,
  PrefixFD = 0xfd,
  PrefixFE = 0xfe,
}

/** Sub-opcodes after the 0xfc prefix (saturating truncation, bulk memory, table ops). */
export const enum OpFC {
  I32TruncSatF32S = 0,
  I32TruncSatF32U = 1,
  I32TruncSatF64S = 2,
  I32TruncSatF64U = 3,
  I64TruncSatF32S = 4,
  I64TruncSatF32U = 5,
  I64TruncSatF64S = 6,
  I64TruncSatF64U = 7,
  MemoryInit = 8,
  DataDrop = 9,
  MemoryCopy = 10,
  MemoryFill = 11,
  TableInit = 12,
  ElemDrop = 13,
  TableCopy = 14,
  TableGrow = 15,
  TableSize = 16,
  TableFill = 17,
}

/** The operators after one prefix byte, indexed by their u32 sub-opcode. */
export interface PrefixSpace {
  readonly prefix: number;
  /** Dense from sub-opcode 0; undefined for sub-opcodes that are not operators. */
  readonly rows: readonly (Operator | undefined)[];
  readonly names: readonly string[];
  /** ImmKind of each sub-opcode's own immediates (after the sub-opcode). */
  readonly imm: Uint8Array;
}

/** The row of every one-byte opcode (undefined for bytes that are not opcodes nor prefixes). */
export const OP_ROWS: readonly (Operator | undefined)[] = byCode(OPERATORS.filter((o) => o.prefix === 0), 256);

/** Each prefix byte's opcode space; undefined for bytes that are no prefix we decode. */
export const PREFIX_SPACES: readonly (PrefixSpace | undefined)[] = (() => {
  const spaces: (PrefixSpace | undefined)[] = new Array<PrefixSpace | undefined>(256).fill(undefined);
  for (const prefix of new Set(OPERATORS.map((o) => o.prefix))) {
    if (prefix === 0) continue;
    const ops = OPERATORS.filter((o) => o.prefix === prefix);
    const rows = byCode(ops, Math.max(...ops.map((o) => o.code)) + 1);
    spaces[prefix] = {
      prefix,
      rows,
      names: rows.map((o) => o?.name ?? ''),
      imm: Uint8Array.from(rows, (o) => o?.imm ?? ImmKind.Illegal),
    };
  }
  return spaces;
})();

function byCode(ops: readonly Operator[], size: number): (Operator | undefined)[] {
  const rows: (Operator | undefined)[] = new Array<Operator | undefined>(size).fill(undefined);
  for (const o of ops) {
    if (rows[o.code] !== undefined) throw new Error(`BUG: two operators with encoding 0x${o.prefix.toString(16)} ${o.code}`);
    rows[o.code] = o;
  }
  return rows;
}

const FC_SPACE = PREFIX_SPACES[0xfc]!;

/** A prefix byte: one with rows, or 0xfd (SIMD), recognised so as to be refused by name. */
function isPrefix(byte: number): boolean {
  return PREFIX_SPACES[byte] !== undefined || byte === Op.PrefixFD;
}

/** Spec mnemonic of every one-byte opcode; '' for bytes that are not opcodes. */
export const OP_NAMES: string[] = OP_ROWS.map((o, byte) => o?.name ?? (isPrefix(byte) ? `<0x${byte.toString(16)} prefix>` : ''));

/** Spec mnemonic of every 0xfc sub-opcode, indexed by sub-opcode. */
export const OP_FC_NAMES: readonly string[] = FC_SPACE.names;

/** Immediate kind of every one-byte opcode (a prefix byte's is ImmKind.Prefix). */
export const OP_IMM: Uint8Array = Uint8Array.from(OP_ROWS, (o, byte) => o?.imm ?? (isPrefix(byte) ? ImmKind.Prefix : ImmKind.Illegal));

/** Number of defined 0xfc sub-opcodes (they are dense from 0). */
export const OP_FC_COUNT = FC_SPACE.rows.length;

/**
 * The mnemonic of the instruction starting at bytes[pos], for error messages. Never throws:
 * bytes that are not an instruction come back as e.g. '<illegal 0xf3>'.
 */
export function opName(bytes: Uint8Array, pos: number): string {
  if (pos >= bytes.length) return '<end of input>';
  const op = bytes[pos]!;
  if (OP_IMM[op] === ImmKind.Prefix) {
    // Decode the LEB sub-opcode leniently; this is only for display.
    let sub = 0;
    let scale = 1;
    for (let p = pos + 1; p < bytes.length && p < pos + 6; p++) {
      const b = bytes[p]!;
      sub += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    const name = PREFIX_SPACES[op]?.names[sub];
    return name || `<illegal 0x${op.toString(16)} ${sub}>`;
  }
  return OP_NAMES[op] || `<illegal 0x${op.toString(16).padStart(2, '0')}>`;
}
