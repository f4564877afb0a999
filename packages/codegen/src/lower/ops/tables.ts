// Table operators. A table is reached through its TableDescriptor { elements, length } (see
// layout.ts), whose pointer sits in the vmctx; the descriptor is shared by every instance
// importing the table and is updated in place when the table grows, so code must reload
// `elements` after anything that can grow it (every call does: nothing is cached).
//
// table.get/set/size are inline: a bounds check against the descriptor's length and one
// load/store. The bulk operators (grow, fill, copy, init, elem.drop) are runtime builtins
// (packages/runtime/src/table-builtins.ts documents their argument order); their bounds
// checks and traps happen there.
import { AluOp, type Mem } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { type Gpr } from '../masm/registers.js';
import { vmctxMem } from '../masm/macro-assembler.js';
import { Builtin, TrapCode } from '../../abi.js';
import { TableDescriptor, tablePtrOffset } from '../../layout.js';
import { Op, OpFC } from '../../wasm/opcodes.js';
import { ValType } from '../../wasm/types.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { Kind, constVal, regVal } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { callBuiltin } from './calls.js';

const I32 = ValType.I32;

/** table.get / table.set (lowering dispatch: lower/op-handlers.ts). */
export function tablesFamily(fc: FunctionCompiler, r: BinaryReader, op: number): void {
  if (op === Op.TableGet) tableGet(fc, r.readVarU32());
  else tableSet(fc, r.readVarU32());
}

/** The table 0xFC sub-opcodes; `sub` is already read. */
export function tablesFcFamily(fc: FunctionCompiler, r: BinaryReader, sub: number): void {
  switch (sub) {
    case OpFC.TableSize: tableSize(fc, r.readVarU32()); return;
    case OpFC.TableGrow: {
      const t = r.readVarU32();
      const at = indexType(fc, t);
      // (init, delta) + table → old size or -1
      fc.push(constVal(I32, t | 0));
      callBuiltin(fc, Builtin.TableGrow, [elemTypeOf(fc, t), at, I32], at);
      return;
    }
    case OpFC.TableFill: {
      const t = r.readVarU32();
      const at = indexType(fc, t);
      // (dst, value, len) + table
      fc.push(constVal(I32, t | 0));
      callBuiltin(fc, Builtin.TableFill, [at, elemTypeOf(fc, t), at, I32], null);
      return;
    }
    case OpFC.TableCopy: {
      const dst = r.readVarU32();
      const src = r.readVarU32();
      const d = indexType(fc, dst);
      const s = indexType(fc, src);
      // (dst, src, len) + dst table + src table
      fc.push(constVal(I32, dst | 0));
      fc.push(constVal(I32, src | 0));
      callBuiltin(fc, Builtin.TableCopy, [d, s, d === ValType.I64 && s === ValType.I64 ? d : I32, I32, I32], null);
      return;
    }
    case OpFC.TableInit: {
      const seg = r.readVarU32();
      const t = r.readVarU32();
      // (dst, src, len) + segment + table
      fc.push(constVal(I32, seg | 0));
      fc.push(constVal(I32, t | 0));
      callBuiltin(fc, Builtin.TableInit, [indexType(fc, t), I32, I32, I32, I32], null);
      return;
    }
    case OpFC.ElemDrop:
      fc.push(constVal(I32, r.readVarU32() | 0));
      callBuiltin(fc, Builtin.ElemDrop, [I32], null);
      return;
    default:
      throw new Error(`BUG: 0xfc ${sub} is not a table operator`);
  }
}

function elemTypeOf(fc: FunctionCompiler, table: number): ValType {
  const t = fc.module.tables[table];
  if (!t) throw new Error(`BUG: no table ${table} (validation should have caught it)`);
  return t.elemType;
}

/** table64: whether table `table` is indexed by i64. */
export function isTable64(fc: FunctionCompiler, table: number): boolean {
  return fc.module.tables[table]?.limits.address64 === true;
}

/**
 * The type of a table's indexes and sizes (i64 for table64). The builtins read an i64 slot
 * as a u64 for a 64-bit table (runtime table-builtins.ts), an i32 one otherwise.
 */
function indexType(fc: FunctionCompiler, table: number): ValType {
  return isTable64(fc, table) ? ValType.I64 : I32;
}

/** A table index operand: a register (zero-extended i32, or any u64 for table64) or a small constant. */
export type TableIndex = { reg: Gpr } | { imm: number };

/** Largest constant index folded into the addressing (index*8 must fit a disp32). */
const MAX_IMM_INDEX = 0x0fff_ffff;

/** Pop a table index (i32, or i64 when `wide`); constants small enough stay immediates. */
export function popTableIndex(fc: FunctionCompiler, pinned = 0, wide = false): TableIndex {
  const v = fc.peek();
  if (wide) {
    // An i64 constant may be a number or a bigint; a large one goes through a register,
    // whose full 64 bits the unsigned compare with the length sees.
    if (v.kind === Kind.Const) {
      const u = BigInt.asUintN(64, BigInt(v.value as number | bigint));
      if (u <= BigInt(MAX_IMM_INDEX)) {
        fc.pop();
        return { imm: Number(u) };
      }
    }
    return { reg: fc.popToReg(pinned) as Gpr };
  }
  if (v.kind === Kind.Const && (v.value as number) >>> 0 <= MAX_IMM_INDEX) {
    fc.pop();
    return { imm: (v.value as number) >>> 0 };
  }
  return { reg: fc.popToReg(pinned) as Gpr };
}

/** The element slot for `index` in the elements at `elements`. */
export function elementMem(elements: Gpr, index: TableIndex): Mem {
  return 'reg' in index ? { base: elements, index: index.reg, scale: 8, disp: 0 } : { base: elements, disp: 8 * index.imm };
}

export function releaseTableIndex(fc: FunctionCompiler, index: TableIndex): void {
  if ('reg' in index) fc.ra.free(RegClass.Gpr, index.reg);
}

/**
 * Trap with `trap` unless index < length, then return the table's elements pointer in the
 * scratch register, which the caller releases (fc.masm.releaseScratch) after its access. A
 * register index is a zero-extended i32, so the unsigned 64-bit compare is exact.
 */
export function boundsCheckedElements(fc: FunctionCompiler, table: number, index: TableIndex, trap: TrapCode): Gpr {
  const a = fc.asm;
  const s = fc.masm.takeScratch();
  a.mov_rm(64, s, vmctxMem(tablePtrOffset(fc.env.layout, table)));
  const length = { base: s, disp: TableDescriptor.Length };
  if ('reg' in index) {
    a.alu_rm(AluOp.Cmp, 64, index.reg, length);
    a.jcc_label(Cond.AE, fc.trap(trap));
  } else {
    a.alu_mi(AluOp.Cmp, 64, length, index.imm);
    a.jcc_label(Cond.BE, fc.trap(trap));
  }
  a.mov_rm(64, s, { base: s, disp: TableDescriptor.Elements });
  return s;
}

function tableGet(fc: FunctionCompiler, table: number): void {
  const index = popTableIndex(fc, 0, isTable64(fc, table));
  const elements = boundsCheckedElements(fc, table, index, TrapCode.OutOfBoundsTable);
  const dst = 'reg' in index ? index.reg : fc.allocGpr();
  fc.asm.mov_rm(64, dst, elementMem(elements, index));
  fc.masm.releaseScratch();
  fc.push(regVal(elemTypeOf(fc, table), dst));
}

function tableSet(fc: FunctionCompiler, table: number): void {
  const v = fc.peek();
  // ref.null is the only reference constant: store it as an immediate.
  let value: Gpr | null = null;
  if (v.kind === Kind.Const) fc.pop();
  else value = fc.popToReg() as Gpr;
  const index = popTableIndex(fc, value === null ? 0 : 1 << value, isTable64(fc, table));
  const elements = boundsCheckedElements(fc, table, index, TrapCode.OutOfBoundsTable);
  const slot = elementMem(elements, index);
  if (value === null) fc.asm.mov_mi(64, slot, Number(BigInt.asIntN(32, BigInt(v.value))));
  else {
    fc.asm.mov_mr(64, slot, value);
    fc.ra.free(RegClass.Gpr, value);
  }
  fc.masm.releaseScratch();
  releaseTableIndex(fc, index);
}

function tableSize(fc: FunctionCompiler, table: number): void {
  const reg = fc.allocGpr();
  fc.masm.withScratch((s) => {
    fc.asm.mov_rm(64, s, vmctxMem(tablePtrOffset(fc.env.layout, table)));
    // Lengths never exceed u32 (the runtime caps them far lower), so the low half is the size.
    fc.asm.mov_rm(32, reg, { base: s, disp: TableDescriptor.Length });
  });
  fc.push(regVal(indexType(fc, table), reg));
}
