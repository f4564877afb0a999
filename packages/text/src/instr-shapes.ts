// What follows a mnemonic in the text format. The binary immediate shape alone is not enough:
// `local.get 0` and `call 0` are both "one index" in binary but resolve in different name
// spaces, so each shape here says which space (or which special syntax) the text uses.

export type TextImm =
  | 'none'
  /** block / loop / if: label, block type. */
  | 'block'
  /** One index resolved in a name space. */
  | 'label' | 'func' | 'local' | 'global' | 'table' | 'elem' | 'data' | 'tag' | 'type'
  | 'br_table'
  /** Optional table, then a typeuse. */
  | 'call_indirect'
  /** Optional `(result t*)`: untyped 0x1b or typed 0x1c. */
  | 'select'
  /** Optional memory index, offset=, align= (natural alignment given by `align`). */
  | 'memarg'
  /** memarg followed by a lane index. */
  | 'memarg_lane'
  /** An optional memory index (memory.size/grow/fill; a 0x00 byte in Wasm 1.0 encodings). */
  | 'memory'
  | 'memory.copy' | 'memory.init' | 'table.copy' | 'table.init'
  | 'i32' | 'i64' | 'f32' | 'f64' | 'v128'
  /** ref.null: a heap type. */
  | 'heaptype'
  /** One lane index byte. */
  | 'lane'
  /** i8x16.shuffle: 16 lane index bytes. */
  | 'shuffle'
  /** try_table: label, block type, catch clauses. */
  | 'try_table'
  /** GC: struct type then field (struct.get/set). */
  | 'type_field'
  /** GC: array type then a count (array.new_fixed). */
  | 'type_u32'
  /** GC: array type then a data / elem segment. */
  | 'type_data' | 'type_elem'
  /** GC: two array types (array.copy). */
  | 'type_type'
  /** GC: ref.test / ref.cast with a reference type; the nullable form is the next sub-opcode. */
  | 'ref_cast'
  /** GC: br_on_cast(_fail) label, two reference types. */
  | 'br_on_cast';

export interface InstrInfo {
  /** Opcode byte, or the prefix byte (0xfb / 0xfc / 0xfd). */
  code: number;
  /** Sub-opcode after a prefix (LEB128 u32), else undefined. */
  sub?: number;
  imm: TextImm;
  /** Natural alignment in bytes of memory instructions. */
  align?: number;
  /** `imm` as a small integer (set by the table, instr-table.ts). */
  shape?: Shape;
}

/**
 * `TextImm` as small integers: the encoder switches on these, and a switch over integer
 * literals is one jump table in V8's interpreter where a switch over strings is a chain of
 * comparisons (most of a text parse runs before V8 has optimised it).
 */
export const enum Shape {
  None, Block, Label, Func, Local, Global, Table, Elem, Data, Tag, Type, BrTable, CallIndirect, Select,
  Memarg, MemargLane, Memory, MemoryCopy, MemoryInit, TableCopy, TableInit, I32, I64, F32, F64, V128,
  Heaptype, Lane, ShuffleLanes, TryTable, TypeField, TypeU32, TypeData, TypeElem, TypeType, RefCast, BrOnCast,
}

const SHAPES: Record<TextImm, Shape> = {
  none: Shape.None, block: Shape.Block, label: Shape.Label, func: Shape.Func, local: Shape.Local,
  global: Shape.Global, table: Shape.Table, elem: Shape.Elem, data: Shape.Data, tag: Shape.Tag, type: Shape.Type,
  br_table: Shape.BrTable, call_indirect: Shape.CallIndirect, select: Shape.Select, memarg: Shape.Memarg,
  memarg_lane: Shape.MemargLane, memory: Shape.Memory, 'memory.copy': Shape.MemoryCopy,
  'memory.init': Shape.MemoryInit, 'table.copy': Shape.TableCopy, 'table.init': Shape.TableInit,
  i32: Shape.I32, i64: Shape.I64, f32: Shape.F32, f64: Shape.F64, v128: Shape.V128, heaptype: Shape.Heaptype,
  lane: Shape.Lane, shuffle: Shape.ShuffleLanes, try_table: Shape.TryTable, type_field: Shape.TypeField,
  type_u32: Shape.TypeU32, type_data: Shape.TypeData, type_elem: Shape.TypeElem, type_type: Shape.TypeType,
  ref_cast: Shape.RefCast, br_on_cast: Shape.BrOnCast,
};

/**
 * A table row in one object layout (every row has every property, in the same order), so the
 * encoder's reads of `code`, `sub`, `shape` see one hidden class.
 */
export function tableRow(info: InstrInfo): InstrInfo {
  return { code: info.code, sub: info.sub, imm: info.imm, align: info.align, shape: SHAPES[info.imm] };
}

/**
 * Natural alignment of a load/store mnemonic, from the access width its name spells:
 * `i64.load32_u` → 4, `v128.load8x8_s` → 8, `v128.load16_lane` → 2, `f64.store` → 8.
 */
export function naturalAlignment(name: string): number {
  const ty = name.slice(0, name.indexOf('.'));
  const op = name.slice(name.indexOf('.') + 1);
  const lanes = /^load(\d+)x(\d+)_[su]$/.exec(op);
  if (lanes) return (Number(lanes[1]) * Number(lanes[2])) / 8;
  const sized = /^(?:load|store)(\d+)(?:_|$)/.exec(op);
  if (sized) return Number(sized[1]) / 8;
  // atomics-free Wasm 2/3: a plain load/store accesses the whole type.
  return { i32: 4, i64: 8, f32: 4, f64: 8, v128: 16 }[ty] ?? 1;
}
