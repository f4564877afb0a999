// Integer division and shifts by a variable count: the two integer operations whose operands
// x86 wants in fixed registers (rdx:rax for div/idiv, cl for the count). These take their
// operands from the value stack themselves, as Winch's MacroAssembler::div does, because the
// register constraints decide how the operands are popped.
import { AluOp, type IntSize, type ShiftOp } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { TrapCode } from '../../abi.js';
import { Kind } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { DIV_HIGH, DIV_LOW, SHIFT_COUNT, type Gpr } from './registers.js';

export const enum DivKind { DivS, DivU, RemS, RemU }

/**
 * Pop b then a and leave a / b or a % b (by `kind`) in the returned register, which the
 * caller owns. Traps are explicit: a zero divisor and INT_MIN / -1 jump to out-of-line stubs
 * (no SIGFPE); INT_MIN % -1 is 0 without executing idiv. A constant divisor drops the checks
 * it cannot fail.
 */
export function div(fc: FunctionCompiler, kind: DivKind, size: IntSize): Gpr {
  const a = fc.asm;
  const fixed = (1 << DIV_LOW) | (1 << DIV_HIGH);
  const rhsVal = fc.peek();
  const constRhs = rhsVal.kind === Kind.Const ? BigInt(rhsVal.value) : null;
  const rhs = fc.popToReg(fixed) as Gpr;
  fc.claim(RegClass.Gpr, DIV_HIGH, 1 << rhs);
  fc.popToSpecific(DIV_LOW, (1 << rhs) | (1 << DIV_HIGH));
  const signed = kind === DivKind.DivS || kind === DivKind.RemS;
  if (constRhs === null || constRhs === 0n) {
    a.test_rr(size, rhs, rhs);
    a.jcc_label(Cond.E, fc.trap(TrapCode.IntegerDivideByZero));
  }
  const done = a.newLabel();
  const minusOneMatters = signed && (constRhs === null || BigInt.asIntN(size, constRhs) === -1n);
  if (minusOneMatters) {
    const normal = a.newLabel();
    a.alu_ri(AluOp.Cmp, size, rhs, -1);
    a.jcc_label(Cond.NE, normal);
    if (kind === DivKind.DivS) {
      // x / -1 = -x, which overflows exactly for INT_MIN.
      a.neg_r(size, DIV_LOW);
      a.jcc_label(Cond.O, fc.trap(TrapCode.IntegerOverflow));
    } else {
      a.alu_rr(AluOp.Xor, 32, DIV_HIGH, DIV_HIGH);
    }
    a.jmp_label(done);
    a.bind(normal);
  }
  if (signed) {
    // Sign-extend the dividend into the high half.
    if (size === 32) a.cdq();
    else a.cqo();
    a.idiv_r(size, rhs);
  } else {
    a.alu_rr(AluOp.Xor, 32, DIV_HIGH, DIV_HIGH);
    a.div_r(size, rhs);
  }
  a.bind(done);
  fc.ra.free(RegClass.Gpr, rhs);
  const isDiv = kind === DivKind.DivS || kind === DivKind.DivU;
  fc.ra.free(RegClass.Gpr, isDiv ? DIV_HIGH : DIV_LOW);
  return isDiv ? DIV_LOW : DIV_HIGH;
}

/**
 * Pop a count (not a constant: those are immediates) and a value, shift the value by the
 * count (the hardware masks it to the operand size, as wasm does) and return the value's
 * register, which the caller owns.
 */
export function shiftByCount(fc: FunctionCompiler, op: ShiftOp, size: IntSize): Gpr {
  fc.popToSpecific(SHIFT_COUNT);
  const lhs = fc.popToReg(1 << SHIFT_COUNT) as Gpr;
  fc.asm.shift_rcl(op, size, lhs);
  fc.ra.free(RegClass.Gpr, SHIFT_COUNT);
  return lhs;
}
