// global.get / global.set. Every global, defined or imported, lives in a 16-byte cell the
// runtime allocates outside the vmctx (so an exported/imported global is one cell shared by
// all instances); the vmctx holds a pointer to it (layout.ts globalPtrOffset). Access is
// therefore two loads: the cell pointer into r11, then the value.
import { R11, R14, type Gpr, type Xmm } from '../../x64/regs.js';
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

const CELL = { base: R11, disp: 0 };

function loadCellPointer(fc: FunctionCompiler, index: number): void {
  fc.asm.mov_rm(64, R11, { base: R14, disp: globalPtrOffset(fc.env.layout, index) });
}

export function globalGet(fc: FunctionCompiler, index: number): void {
  const type = globalType(fc.module, index).type;
  const reg = fc.allocReg(regClassOf(type));
  loadCellPointer(fc, index);
  fc.loadMem(type, reg, CELL);
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
  const imm = storeImm(v);
  if (imm !== null) {
    fc.pop();
    loadCellPointer(fc, index);
    fc.asm.mov_mi(narrow ? 32 : 64, CELL, imm);
    return;
  }
  // The value goes to a register before r11 is loaded: materialising it may use r11.
  const reg = fc.popToReg();
  loadCellPointer(fc, index);
  if (regClassOf(type) === RegClass.Xmm) fc.asm.movs_mr(narrow ? 32 : 64, CELL, reg as Xmm);
  else fc.asm.mov_mr(narrow ? 32 : 64, CELL, reg as Gpr);
  fc.ra.free(regClassOf(type), reg);
}
