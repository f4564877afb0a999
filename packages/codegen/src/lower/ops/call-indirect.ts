// call_indirect: a call through a funcref table. The entry is the address of a FuncRefRecord
// { code, vmctx, typeId, handle } (layout.ts), or 0 for null. Three checks, each its own trap
// (the spec's messages differ): index < length ("undefined element" → out_of_bounds_table),
// non-null ("uninitialized element"), and the record's canonical type id equals the expected
// one ("indirect call type mismatch"). Canonical ids are per thread, so one u32 compare works
// across modules. The callee may belong to another instance: r14 switches to the record's
// vmctx for the call and is reloaded from the frame afterwards, as for imports.
import { AluOp } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { R11, R14 } from '../../x64/regs.js';
import type { Mem } from '../../x64/assembler.js';
import { TrapCode } from '../../abi.js';
import { FuncRefRecord } from '../../layout.js';
import { Op } from '../../wasm/opcodes.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { VMCTX_SLOT, rbpMem } from '../frame.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { prepareCallArgs, pushCallResults } from './calls.js';
import { boundsCheckedElements, elementMem, popTableIndex, releaseTableIndex } from './tables.js';

/** The op family for call_indirect (registered in families.ts). */
export function callIndirectFamily(fc: FunctionCompiler, r: BinaryReader, op: number): boolean {
  if (op !== Op.CallIndirect) return false;
  const typeIndex = r.readVarU32();
  const table = r.readVarU32();
  visitCallIndirect(fc, typeIndex, table);
  return true;
}

const RECORD_TYPE_ID: Mem = { base: R11, disp: FuncRefRecord.TypeId };
const RECORD_VMCTX: Mem = { base: R11, disp: FuncRefRecord.Vmctx };
const RECORD_CODE: Mem = { base: R11, disp: FuncRefRecord.Code };

export function visitCallIndirect(fc: FunctionCompiler, typeIndex: number, table: number): void {
  const sig = fc.module.types[typeIndex];
  if (!sig) throw new Error(`BUG: no type ${typeIndex} (validation should have caught it)`);
  const a = fc.asm;
  // The index is on top of the arguments. It stays in a register while the arguments move
  // to the outgoing area (that only stores and spills, it allocates nothing).
  const index = popTableIndex(fc);
  prepareCallArgs(fc, sig);
  boundsCheckedElements(fc, table, index, TrapCode.OutOfBoundsTable);
  a.mov_rm(64, R11, elementMem(index));
  releaseTableIndex(fc, index);
  a.test_rr(64, R11, R11);
  a.jcc_label(Cond.E, fc.trap(TrapCode.UninitializedElement));
  // Always an imm32, recorded: the id is the process's (layout.ts canonicalTypeId), and code
  // loaded into another process (the code cache) gets that process's id written here.
  fc.env.typeIdSites.push(a.alu_mi_imm32(AluOp.Cmp, 32, RECORD_TYPE_ID, fc.env.typeIds[typeIndex]! | 0), typeIndex);
  a.jcc_label(Cond.NE, fc.trap(TrapCode.BadSignature));
  fc.saveScratchHomes(true);
  a.mov_rm(64, R14, RECORD_VMCTX);
  a.call_m(RECORD_CODE);
  a.mov_rm(64, R14, rbpMem(VMCTX_SLOT));
  fc.saveScratchHomes(false);
  pushCallResults(fc, sig);
}
