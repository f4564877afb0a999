// Opcode numbers, their spec mnemonics and the shape of their immediates (Wasm 2.0 without
// SIMD). Enum members are the spec mnemonic in PascalCase: i64.load8_s → I64Load8S.

export const enum Op {
  Unreachable = 0x00,
  Nop = 0x01,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  CallIndirect = 0x11,
  Drop = 0x1a,
  Select = 0x1b,
  SelectT = 0x1c,
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
  PrefixFC = 0xfc,
  PrefixFD = 0xfd,
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

/** Spec mnemonic of every one-byte opcode; '' for bytes that are not opcodes. */
export const OP_NAMES: string[] = (() => {
  const names: string[] = new Array<string>(256).fill('');
  const table: [number, string][] = [
    [0x00, 'unreachable'], [0x01, 'nop'], [0x02, 'block'], [0x03, 'loop'], [0x04, 'if'],
    [0x05, 'else'], [0x0b, 'end'], [0x0c, 'br'], [0x0d, 'br_if'], [0x0e, 'br_table'],
    [0x0f, 'return'], [0x10, 'call'], [0x11, 'call_indirect'], [0x1a, 'drop'], [0x1b, 'select'],
    [0x1c, 'select'], [0x20, 'local.get'], [0x21, 'local.set'], [0x22, 'local.tee'],
    [0x23, 'global.get'], [0x24, 'global.set'], [0x25, 'table.get'], [0x26, 'table.set'],
    [0x28, 'i32.load'], [0x29, 'i64.load'], [0x2a, 'f32.load'], [0x2b, 'f64.load'],
    [0x2c, 'i32.load8_s'], [0x2d, 'i32.load8_u'], [0x2e, 'i32.load16_s'], [0x2f, 'i32.load16_u'],
    [0x30, 'i64.load8_s'], [0x31, 'i64.load8_u'], [0x32, 'i64.load16_s'], [0x33, 'i64.load16_u'],
    [0x34, 'i64.load32_s'], [0x35, 'i64.load32_u'], [0x36, 'i32.store'], [0x37, 'i64.store'],
    [0x38, 'f32.store'], [0x39, 'f64.store'], [0x3a, 'i32.store8'], [0x3b, 'i32.store16'],
    [0x3c, 'i64.store8'], [0x3d, 'i64.store16'], [0x3e, 'i64.store32'], [0x3f, 'memory.size'],
    [0x40, 'memory.grow'], [0x41, 'i32.const'], [0x42, 'i64.const'], [0x43, 'f32.const'],
    [0x44, 'f64.const'], [0x45, 'i32.eqz'], [0x46, 'i32.eq'], [0x47, 'i32.ne'],
    [0x48, 'i32.lt_s'], [0x49, 'i32.lt_u'], [0x4a, 'i32.gt_s'], [0x4b, 'i32.gt_u'],
    [0x4c, 'i32.le_s'], [0x4d, 'i32.le_u'], [0x4e, 'i32.ge_s'], [0x4f, 'i32.ge_u'],
    [0x50, 'i64.eqz'], [0x51, 'i64.eq'], [0x52, 'i64.ne'], [0x53, 'i64.lt_s'], [0x54, 'i64.lt_u'],
    [0x55, 'i64.gt_s'], [0x56, 'i64.gt_u'], [0x57, 'i64.le_s'], [0x58, 'i64.le_u'],
    [0x59, 'i64.ge_s'], [0x5a, 'i64.ge_u'], [0x5b, 'f32.eq'], [0x5c, 'f32.ne'], [0x5d, 'f32.lt'],
    [0x5e, 'f32.gt'], [0x5f, 'f32.le'], [0x60, 'f32.ge'], [0x61, 'f64.eq'], [0x62, 'f64.ne'],
    [0x63, 'f64.lt'], [0x64, 'f64.gt'], [0x65, 'f64.le'], [0x66, 'f64.ge'], [0x67, 'i32.clz'],
    [0x68, 'i32.ctz'], [0x69, 'i32.popcnt'], [0x6a, 'i32.add'], [0x6b, 'i32.sub'],
    [0x6c, 'i32.mul'], [0x6d, 'i32.div_s'], [0x6e, 'i32.div_u'], [0x6f, 'i32.rem_s'],
    [0x70, 'i32.rem_u'], [0x71, 'i32.and'], [0x72, 'i32.or'], [0x73, 'i32.xor'],
    [0x74, 'i32.shl'], [0x75, 'i32.shr_s'], [0x76, 'i32.shr_u'], [0x77, 'i32.rotl'],
    [0x78, 'i32.rotr'], [0x79, 'i64.clz'], [0x7a, 'i64.ctz'], [0x7b, 'i64.popcnt'],
    [0x7c, 'i64.add'], [0x7d, 'i64.sub'], [0x7e, 'i64.mul'], [0x7f, 'i64.div_s'],
    [0x80, 'i64.div_u'], [0x81, 'i64.rem_s'], [0x82, 'i64.rem_u'], [0x83, 'i64.and'],
    [0x84, 'i64.or'], [0x85, 'i64.xor'], [0x86, 'i64.shl'], [0x87, 'i64.shr_s'],
    [0x88, 'i64.shr_u'], [0x89, 'i64.rotl'], [0x8a, 'i64.rotr'], [0x8b, 'f32.abs'],
    [0x8c, 'f32.neg'], [0x8d, 'f32.ceil'], [0x8e, 'f32.floor'], [0x8f, 'f32.trunc'],
    [0x90, 'f32.nearest'], [0x91, 'f32.sqrt'], [0x92, 'f32.add'], [0x93, 'f32.sub'],
    [0x94, 'f32.mul'], [0x95, 'f32.div'], [0x96, 'f32.min'], [0x97, 'f32.max'],
    [0x98, 'f32.copysign'], [0x99, 'f64.abs'], [0x9a, 'f64.neg'], [0x9b, 'f64.ceil'],
    [0x9c, 'f64.floor'], [0x9d, 'f64.trunc'], [0x9e, 'f64.nearest'], [0x9f, 'f64.sqrt'],
    [0xa0, 'f64.add'], [0xa1, 'f64.sub'], [0xa2, 'f64.mul'], [0xa3, 'f64.div'], [0xa4, 'f64.min'],
    [0xa5, 'f64.max'], [0xa6, 'f64.copysign'], [0xa7, 'i32.wrap_i64'], [0xa8, 'i32.trunc_f32_s'],
    [0xa9, 'i32.trunc_f32_u'], [0xaa, 'i32.trunc_f64_s'], [0xab, 'i32.trunc_f64_u'],
    [0xac, 'i64.extend_i32_s'], [0xad, 'i64.extend_i32_u'], [0xae, 'i64.trunc_f32_s'],
    [0xaf, 'i64.trunc_f32_u'], [0xb0, 'i64.trunc_f64_s'], [0xb1, 'i64.trunc_f64_u'],
    [0xb2, 'f32.convert_i32_s'], [0xb3, 'f32.convert_i32_u'], [0xb4, 'f32.convert_i64_s'],
    [0xb5, 'f32.convert_i64_u'], [0xb6, 'f32.demote_f64'], [0xb7, 'f64.convert_i32_s'],
    [0xb8, 'f64.convert_i32_u'], [0xb9, 'f64.convert_i64_s'], [0xba, 'f64.convert_i64_u'],
    [0xbb, 'f64.promote_f32'], [0xbc, 'i32.reinterpret_f32'], [0xbd, 'i64.reinterpret_f64'],
    [0xbe, 'f32.reinterpret_i32'], [0xbf, 'f64.reinterpret_i64'], [0xc0, 'i32.extend8_s'],
    [0xc1, 'i32.extend16_s'], [0xc2, 'i64.extend8_s'], [0xc3, 'i64.extend16_s'],
    [0xc4, 'i64.extend32_s'], [0xd0, 'ref.null'], [0xd1, 'ref.is_null'], [0xd2, 'ref.func'],
  ];
  for (const [op, name] of table) names[op] = name;
  names[0xfc] = '<0xfc prefix>';
  names[0xfd] = '<0xfd prefix>';
  return names;
})();

/** Spec mnemonic of every 0xfc sub-opcode, indexed by sub-opcode. */
export const OP_FC_NAMES: string[] = [
  'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u',
  'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u',
  'memory.init', 'data.drop', 'memory.copy', 'memory.fill', 'table.init', 'elem.drop',
  'table.copy', 'table.grow', 'table.size', 'table.fill',
];

/** The immediate operands that follow an opcode, which is all a pass needs to skip it. */
export const enum ImmKind {
  /** Not an opcode in the supported instruction set. */
  Illegal = 0,
  None,
  BlockType,
  /** One u32 index (label, function, local, global, table). */
  Index,
  /** vec(label) followed by the default label. */
  BrTable,
  /** Type index, then table index. */
  CallIndirect,
  /** vec(valtype) of typed select. */
  SelectT,
  /** Alignment exponent and offset, both u32. */
  MemArg,
  /** memory.size / memory.grow: a single 0x00 byte. */
  ZeroByte,
  I32,
  I64,
  F32,
  F64,
  /** ref.null: a reference type byte. */
  RefType,
  /** A prefix byte followed by a u32 sub-opcode. */
  Prefix,
}

/** Immediate kind of every one-byte opcode. */
export const OP_IMM: Uint8Array = (() => {
  const imm = new Uint8Array(256); // ImmKind.Illegal everywhere by default
  const set = (from: number, to: number, kind: ImmKind) => imm.fill(kind, from, to + 1);
  set(Op.Unreachable, Op.Nop, ImmKind.None);
  set(Op.Block, Op.If, ImmKind.BlockType);
  set(Op.Else, Op.Else, ImmKind.None);
  set(Op.End, Op.End, ImmKind.None);
  set(Op.Br, Op.BrIf, ImmKind.Index);
  set(Op.BrTable, Op.BrTable, ImmKind.BrTable);
  set(Op.Return, Op.Return, ImmKind.None);
  set(Op.Call, Op.Call, ImmKind.Index);
  set(Op.CallIndirect, Op.CallIndirect, ImmKind.CallIndirect);
  set(Op.Drop, Op.Select, ImmKind.None);
  set(Op.SelectT, Op.SelectT, ImmKind.SelectT);
  set(Op.LocalGet, Op.TableSet, ImmKind.Index);
  set(Op.I32Load, Op.I64Store32, ImmKind.MemArg);
  set(Op.MemorySize, Op.MemoryGrow, ImmKind.ZeroByte);
  set(Op.I32Const, Op.I32Const, ImmKind.I32);
  set(Op.I64Const, Op.I64Const, ImmKind.I64);
  set(Op.F32Const, Op.F32Const, ImmKind.F32);
  set(Op.F64Const, Op.F64Const, ImmKind.F64);
  set(Op.I32Eqz, Op.I64Extend32S, ImmKind.None);
  set(Op.RefNull, Op.RefNull, ImmKind.RefType);
  set(Op.RefIsNull, Op.RefIsNull, ImmKind.None);
  set(Op.RefFunc, Op.RefFunc, ImmKind.Index);
  set(Op.PrefixFC, Op.PrefixFD, ImmKind.Prefix);
  return imm;
})();

/** Number of defined 0xfc sub-opcodes (they are dense from 0). */
export const OP_FC_COUNT = 18;

/**
 * The mnemonic of the instruction starting at bytes[pos], for error messages. Never throws:
 * bytes that are not an instruction come back as e.g. '<illegal 0xf3>'.
 */
export function opName(bytes: Uint8Array, pos: number): string {
  if (pos >= bytes.length) return '<end of input>';
  const op = bytes[pos]!;
  if (op === Op.PrefixFC || op === Op.PrefixFD) {
    // Decode the LEB sub-opcode leniently; this is only for display.
    let sub = 0;
    let scale = 1;
    for (let p = pos + 1; p < bytes.length && p < pos + 6; p++) {
      const b = bytes[p]!;
      sub += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    if (op === Op.PrefixFC && sub < OP_FC_COUNT) return OP_FC_NAMES[sub]!;
    return `<illegal 0x${op.toString(16)} ${sub}>`;
  }
  return OP_NAMES[op] || `<illegal 0x${op.toString(16).padStart(2, '0')}>`;
}
