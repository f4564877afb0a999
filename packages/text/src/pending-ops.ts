// Instructions codegen's operator table has no rows for yet, so the text format keeps them here:
// the Wasm 3.0 control additions (exceptions, tail calls, typed function references) and GC
// (0xfb prefix). (SIMD's rows are codegen's: wasm/operators-simd.ts.) When codegen's declarative operator table (issue 16)
// grows these rows, they move there and leave this file; instr-table.ts already prefers
// codegen's row for any mnemonic both define.

import type { InstrInfo, TextImm } from './instr-shapes.js';

type Row = [name: string, imm: TextImm];

/** Wasm 3.0 one-byte opcodes (exceptions; GC's ref.eq). */
const WASM3: [name: string, code: number, imm: TextImm][] = [
  ['throw', 0x08, 'tag'],
  ['throw_ref', 0x0a, 'none'],
  ['try_table', 0x1f, 'try_table'],
  ['ref.eq', 0xd3, 'none'],
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
  for (const [name, code, imm] of WASM3) m.set(name, { code, imm });
  GC.forEach(([name, imm], sub) => {
    if (name !== '') m.set(name, { code: 0xfb, sub, imm }); // '' : the nullable ref.test/ref.cast forms
  });
  return m;
}

export const PENDING_OPS: ReadonlyMap<string, InstrInfo> = build();
