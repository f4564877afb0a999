// THE adapter between codegen's operator table (wasm/operators.ts, operators-simd.ts) and the
// text parser: mnemonic → opcode and text immediate shape for every instruction codegen has a
// row for (Wasm 2.0 with SIMD, relaxed SIMD, and the threads proposal's atomics).
//
// Instructions codegen has no rows for yet come from ./pending-ops.ts.

import { ImmKind, OP_FC_NAMES, OP_IMM, OP_NAMES, PREFIX_SPACES } from '@wasmjit/codegen';
import { naturalAlignment, tableRow, type InstrInfo, type TextImm } from './instr-shapes.js';
import { PENDING_OPS } from './pending-ops.js';

/** Which name space a one-index instruction resolves its immediate in. */
function indexSpace(name: string): TextImm {
  if (name === 'br' || name === 'br_if' || name === 'br_on_null' || name === 'br_on_non_null') return 'label';
  if (name === 'call_ref' || name === 'return_call_ref') return 'type';
  if (name === 'throw') return 'tag';
  if (name === 'call' || name === 'return_call' || name === 'ref.func') return 'func';
  if (name.startsWith('local.')) return 'local';
  if (name.startsWith('global.')) return 'global';
  if (name.startsWith('table.')) return 'table';
  throw new Error(`instr-table: no text index space known for ${name}`);
}

/** The legacy exception-handling encoding has no place in the Wasm 3.0 text format. */
const LEGACY_EH = new Set(['try', 'catch', 'catch_all', 'delegate', 'rethrow']);

function shapeOfByteOp(name: string, kind: ImmKind): TextImm | undefined {
  if (LEGACY_EH.has(name)) return undefined;
  switch (kind) {
    case ImmKind.None: return 'none';
    case ImmKind.BlockType: return 'block';
    case ImmKind.Index: return indexSpace(name);
    case ImmKind.BrTable: return 'br_table';
    case ImmKind.CallIndirect: return 'call_indirect';
    case ImmKind.SelectT: return 'select';
    case ImmKind.MemArg: return 'memarg';
    case ImmKind.ZeroByte: return 'memory';
    case ImmKind.I32: return 'i32';
    case ImmKind.I64: return 'i64';
    case ImmKind.F32: return 'f32';
    case ImmKind.F64: return 'f64';
    case ImmKind.RefType: return 'heaptype';
    default: return undefined; // prefixes and illegal bytes
  }
}

/** 0xfc sub-opcodes carry their shape in their name. */
function shapeOfFcOp(name: string): TextImm {
  switch (name) {
    case 'memory.init': return 'memory.init';
    case 'data.drop': return 'data';
    case 'memory.copy': return 'memory.copy';
    case 'memory.fill': return 'memory';
    case 'table.init': return 'table.init';
    case 'elem.drop': return 'elem';
    case 'table.copy': return 'table.copy';
    case 'table.grow': case 'table.size': case 'table.fill': return 'table';
    default: return 'none'; // the saturating truncations
  }
}

/** The 0xfd (SIMD) rows' immediates in text. */
function shapeOfSimdOp(kind: ImmKind): TextImm {
  switch (kind) {
    case ImmKind.None: return 'none';
    case ImmKind.MemArg: return 'memarg';
    case ImmKind.MemArgLane: return 'memarg_lane';
    case ImmKind.Lane: return 'lane';
    case ImmKind.Shuffle: return 'shuffle';
    case ImmKind.V128Const: return 'v128';
    default: throw new Error(`instr-table: no text shape for SIMD immediate kind ${kind}`);
  }
}

function buildTable(): Map<string, InstrInfo> {
  const table = new Map<string, InstrInfo>();
  for (let op = 0; op < 256; op++) {
    const name = OP_NAMES[op];
    const imm = name ? shapeOfByteOp(name, OP_IMM[op] as ImmKind) : undefined;
    if (!name || imm === undefined) continue;
    if (name === 'select') {
      // 0x1b and 0x1c share the mnemonic; the parser picks 0x1c when result types follow.
      table.set(name, { code: 0x1b, imm: 'select' });
      continue;
    }
    table.set(name, imm === 'memarg' ? { code: op, imm, align: naturalAlignment(name) } : { code: op, imm });
  }
  OP_FC_NAMES.forEach((name, sub) => table.set(name, { code: 0xfc, sub, imm: shapeOfFcOp(name) }));
  for (const o of PREFIX_SPACES[0xfd]!.rows) {
    if (o === undefined) continue;
    const imm = shapeOfSimdOp(o.imm);
    table.set(o.name, imm === 'memarg' || imm === 'memarg_lane' ? { code: 0xfd, sub: o.code, imm, align: o.accessBytes } : { code: 0xfd, sub: o.code, imm });
  }
  // 0xfe (threads): loads, stores, rmw, wait/notify take a memarg; atomic.fence's reserved
  // zero byte is written like memory.size's memory index.
  for (const o of PREFIX_SPACES[0xfe]!.rows) {
    if (o === undefined) continue;
    table.set(o.name, o.imm === ImmKind.MemArg ? { code: 0xfe, sub: o.code, imm: 'memarg', align: o.accessBytes } : { code: 0xfe, sub: o.code, imm: 'memory' });
  }
  for (const [name, info] of PENDING_OPS) {
    if (table.has(name)) continue; // codegen's row wins once it exists
    table.set(name, info.imm === 'memarg' || info.imm === 'memarg_lane' ? { ...info, align: naturalAlignment(name) } : info);
  }
  for (const [name, info] of table) table.set(name, tableRow(info));
  return table;
}

/** Every instruction mnemonic the text parser accepts (besides else/end/catch structure). */
export const INSTRUCTIONS: ReadonlyMap<string, InstrInfo> = buildTable();
