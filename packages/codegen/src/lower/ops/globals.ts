// global.get / global.set. Every global, defined or imported, lives in a 16-byte cell the
// runtime allocates outside the vmctx (so an exported/imported global is one cell shared by
// all instances); the vmctx holds a pointer to it (layout.ts globalPtrOffset). Access is
// therefore two loads: the cell pointer into r11, then the value.
import type { Gpr, Xmm } from '../masm/registers.js';
import { vmctxMem } from '../masm/macro-assembler.js';
import type { Mem } from '../../x64/assembler.js';
import { Op } from '../../wasm/opcodes.js';
import { ValType } from '../../wasm/types.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { globalPtrOffset } from '../../layout.js';
import { globalType } from '../../wasm/module.js';
import { Kind, regVal, type Val } from '../value.js';
import { RegClass, regClassOf } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';

/** The op family for global.get/global.set (dispatched by lower/op-handlers.ts). */
export function globalsFamily(fc: FunctionCompiler, r: BinaryReader, op: number): void {
  if (op === Op.GlobalGet) globalGet(fc, r.readVarU32());
  else globalSet(fc, r.readVarU32());
}

/**
 * [cell] of global `index`, its pointer loaded into the scratch register: the caller accesses
 * it at once and then releases the scratch register.
 */
function cellOf(fc: FunctionCompiler, index: number): Mem {
  const s = fc.masm.takeScratch();
  fc.asm.mov_rm(64, s, vmctxMem(globalPtrOffset(fc.env.layout, index)));
  return (CELL_MEMS[s] ??= { base: s, disp: 0 });
}

/** [r] for each scratch register r: operands are never changed, so one per register serves. */
const CELL_MEMS: Mem[] = [];

export function globalGet(fc: FunctionCompiler, index: number): void {
  const type = globalType(fc.module, index).type;
  const reg = fc.allocReg(regClassOf(type));
  fc.loadMem(type, reg, cellOf(fc, index));
  fc.masm.releaseScratch();
  fc.push(regVal(type, reg));
}

/** A constant the store can take as an immediate (mov m32/m64, imm32), else null. */
function storeImm(v: Val): number | null {
  if (v.kind !== Kind.Const) return null;
  if (v.type === ValType.I32 || v.type === ValType.F32) return Number(v.value) | 0;
  const b = BigInt.asIntN(64, BigInt(v.value));
  return b >= -0x80000000n && b <= 0x7fffffffn ? Number(b) : null;
}

export function globalSet(fc: FunctionCompiler, index: number): void {
  const v = fc.peek();
  const type = v.type;
  const narrow = type === ValType.I32 || type === ValType.F32;
  const imm = type === ValType.V128 ? null : storeImm(v);
  if (imm !== null) {
    fc.pop();
    fc.asm.mov_mi(narrow ? 32 : 64, cellOf(fc, index), imm);
    fc.masm.releaseScratch();
    return;
  }
  // The value goes to a register before the cell pointer is loaded: materialising it may use
  // the scratch register.
  const reg = fc.popToReg();
  const cell = cellOf(fc, index);
  if (type === ValType.V128) fc.masm.storeV128(cell, reg as Xmm);
  else if (regClassOf(type) === RegClass.Xmm) fc.asm.movs_mr(narrow ? 32 : 64, cell, reg as Xmm);
  else fc.asm.mov_mr(narrow ? 32 : 64, cell, reg as Gpr);
  fc.masm.releaseScratch();
  fc.ra.free(regClassOf(type), reg);
}
