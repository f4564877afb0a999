// call_indirect: a call through a funcref table. The entry is the address of a FuncRefRecord
// { code, vmctx, typeId, handle } (layout.ts), or 0 for null. Three checks, each its own trap
// (the spec's messages differ): index < length ("undefined element" → out_of_bounds_table),
// non-null ("uninitialized element"), and the record's canonical type id equals the expected
// one ("indirect call type mismatch"). Canonical ids are per thread, so one u32 compare works
// across modules. The callee may belong to another instance: vmctx switches to the record's
// for the call and is reloaded from the frame afterwards, as for imports.
import { AluOp } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { TrapCode } from '../../abi.js';
import { FuncRefRecord } from '../../layout.js';
import type { BinaryReader } from '../../wasm/reader.js';
import type { FuncType } from '../../wasm/types.js';
import type { Gpr } from '../masm/registers.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { prepareCallArgs, pushCallResults } from './calls.js';
import { boundsCheckedElements, elementMem, isTable64, popTableIndex, releaseTableIndex } from './tables.js';

/** The op family for call_indirect (dispatched by lower/op-handlers.ts). */
export function callIndirectFamily(fc: FunctionCompiler, r: BinaryReader): void {
  const typeIndex = r.readVarU32();
  const table = r.readVarU32();
  visitCallIndirect(fc, typeIndex, table);
}

export function visitCallIndirect(fc: FunctionCompiler, typeIndex: number, table: number): void {
  const sig = fc.module.types[typeIndex];
  if (!sig) throw new Error(`BUG: no type ${typeIndex} (validation should have caught it)`);
  const record = checkedCalleeRecord(fc, sig, typeIndex, table);
  fc.saveScratchHomes(true);
  fc.masm.callFuncRecord(record);
  fc.masm.releaseScratch();
  fc.saveScratchHomes(false);
  pushCallResults(fc, sig);
}

/**
 * The checks of call_indirect and return_call_indirect (tail-calls.ts): pops the table index,
 * moves the arguments to the outgoing area, and leaves the callee's function record in a
 * scratch register, having trapped on an index past the table, a null entry or another
 * signature.
 */
export function checkedCalleeRecord(fc: FunctionCompiler, sig: FuncType, typeIndex: number, table: number): Gpr {
  const a = fc.asm;
  // The index is on top of the arguments. It stays in a register while the arguments move
  // to the outgoing area (that only stores and spills, it allocates nothing).
  const index = popTableIndex(fc, 0, isTable64(fc, table));
  prepareCallArgs(fc, sig);
  // The record's address replaces the elements pointer in the scratch register.
  const record = boundsCheckedElements(fc, table, index, TrapCode.OutOfBoundsTable);
  a.mov_rm(64, record, elementMem(record, index));
  releaseTableIndex(fc, index);
  a.test_rr(64, record, record);
  a.jcc_label(Cond.E, fc.trap(TrapCode.UninitializedElement));
  // Always an imm32, recorded: the id is the process's (layout.ts canonicalTypeId), and code
  // loaded into another process (the code cache) gets that process's id written here.
  fc.env.typeIdSites.push(
    a.alu_mi_imm32(AluOp.Cmp, 32, { base: record, disp: FuncRefRecord.TypeId }, fc.env.typeIds[typeIndex]! | 0), typeIndex);
  a.jcc_label(Cond.NE, fc.trap(TrapCode.BadSignature));
  return record;
}
