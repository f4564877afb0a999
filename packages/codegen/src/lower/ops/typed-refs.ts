// Typed function references (docs/typed-references.md). A (ref null? $t) is a funcref at run
// time: the address of a FuncRefRecord (layout.ts) or 0 for null. What is new is that the
// validator proved the callee's type, so call_ref needs no signature check, only a null
// check ("null function reference"), and the null tests of ref.as_non_null, br_on_null and
// br_on_non_null. None of them add an x86-64 encoding: test, cmp with 0 and jcc exist.
import { AluOp } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { TrapCode } from '../../abi.js';
import type { FuncType } from '../../wasm/types.js';
import type { Gpr } from '../masm/registers.js';
import { RegClass } from '../reg-class.js';
import { regVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { prepareCallArgs, pushCallResults } from './calls.js';
import { branchIf } from './control.js';

/**
 * call_ref / return_call_ref's common part: pops the reference (above the arguments), moves
 * the arguments to the outgoing area and leaves the callee's record in the scratch register,
 * having trapped on null.
 */
export function checkedRefRecord(fc: FunctionCompiler, sig: FuncType): Gpr {
  const a = fc.asm;
  // Held in a register while the arguments move (prepareCallArgs only stores and spills).
  const ref = fc.popToReg() as Gpr;
  prepareCallArgs(fc, sig);
  const record = fc.masm.takeScratch();
  a.mov_rr(64, record, ref);
  fc.ra.free(RegClass.Gpr, ref);
  a.test_rr(64, record, record);
  a.jcc_label(Cond.E, fc.trap(TrapCode.NullReference));
  return record;
}

export function visitCallRef(fc: FunctionCompiler, typeIndex: number): void {
  const sig = fc.module.types[typeIndex];
  if (!sig) throw new Error(`BUG: no type ${typeIndex} (validation should have caught it)`);
  const record = checkedRefRecord(fc, sig);
  fc.saveScratchHomes(true);
  fc.masm.callFuncRecord(record);
  fc.masm.releaseScratch();
  fc.saveScratchHomes(false);
  pushCallResults(fc, sig);
}

/** ref.as_non_null: the reference itself, or a "null reference" trap. */
export function visitRefAsNonNull(fc: FunctionCompiler): void {
  const type = fc.peek().type;
  const reg = fc.popToReg() as Gpr;
  fc.asm.test_rr(64, reg, reg);
  fc.asm.jcc_label(Cond.E, fc.trap(TrapCode.NullReference));
  fc.push(regVal(type, reg));
}

/**
 * Compares the reference on top of the stack with null, having spilled the stack (branch
 * values live in their slots); the reference stays on the stack, in its slot.
 */
function compareTopWithNull(fc: FunctionCompiler): void {
  fc.spillAll();
  fc.asm.alu_mi(AluOp.Cmp, 64, fc.frame.spillMem(fc.stack.length - 1), 0);
}

/** br_on_null l: branch (without the reference) if it is null; else keep it, now non-null. */
export function visitBrOnNull(fc: FunctionCompiler, depth: number): void {
  if (fc.dead) return;
  compareTopWithNull(fc);
  // The label's values are the ones below the reference; its slot is above them, untouched.
  const ref = fc.pop();
  branchIf(fc, Cond.E, depth);
  fc.push(ref);
}

/** br_on_non_null l: branch with the reference if it is not null; else drop it. */
export function visitBrOnNonNull(fc: FunctionCompiler, depth: number): void {
  if (fc.dead) return;
  compareTopWithNull(fc);
  branchIf(fc, Cond.NE, depth);
  fc.release(fc.pop());
}
