// Structured control flow. Every label is reached with the whole value stack spilled to its
// slots, so a branch is "spill, move the carried values to the target's positions, jump".
import { Cond, invertCond } from '../../x64/cond.js';
import { AluOp } from '../../x64/assembler.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import { TrapCode } from '../../abi.js';
import { ValType, type FuncType } from '../../wasm/types.js';
import { Kind, type Val } from '../value.js';
import { RegClass, regClassOf } from '../reg-class.js';
import { CtrlKind, FRAMES, branchTypes, type Ctrl } from '../control.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { takeCondition } from '../pending-op.js';
import { endTry } from './exceptions.js';
import {
  afterBranchIf, branchIfTarget, emitInterruptChecks, refundInBranchTrampoline, startFuelRun, unreachableFuelRun,
} from '../interrupt-checks.js';

function enter(fc: FunctionCompiler, kind: CtrlKind, sig: FuncType): Ctrl {
  const c = FRAMES.open(fc.asm, kind, sig.params, sig.results, fc.stack.length - sig.params.length, fc.dead);
  fc.ctrl.push(c);
  return c;
}

export function visitBlock(fc: FunctionCompiler, sig: FuncType): void {
  enter(fc, CtrlKind.Block, sig);
}

export function visitLoop(fc: FunctionCompiler, sig: FuncType): void {
  if (fc.dead) {
    enter(fc, CtrlKind.Loop, sig);
    return;
  }
  fc.spillAll();
  const c = enter(fc, CtrlKind.Loop, sig);
  fc.asm.bind(c.label);
  // Epoch / fuel checks (off by default): every iteration passes the header.
  emitInterruptChecks(fc);
}

export function visitIf(fc: FunctionCompiler, sig: FuncType): void {
  if (fc.dead) {
    enter(fc, CtrlKind.If, sig);
    return;
  }
  const flags = takeCondition(fc);
  if (flags !== null) {
    fc.spillAll(); // moves only: the flags survive
    enterIfOnFlags(fc, sig, invertCond(flags));
    return;
  }
  const cond = fc.popToReg() as Gpr;
  fc.spillAll();
  fc.asm.test_rr(32, cond, cond);
  fc.ra.free(RegClass.Gpr, cond);
  enterIfOnFlags(fc, sig, Cond.E);
}

/** Enter an `if` whose condition is already in the flags; `elseCond` jumps to the else arm. */
export function enterIfOnFlags(fc: FunctionCompiler, sig: FuncType, elseCond: Cond): void {
  const c = enter(fc, CtrlKind.If, sig);
  fc.asm.jcc_label(elseCond, FRAMES.elseLabel(c, fc.asm));
  startFuelRun(fc); // the then-arm
}

export function visitElse(fc: FunctionCompiler): void {
  const c = fc.ctrlAt(0);
  if (c.dead) {
    c.kind = CtrlKind.Else;
    return;
  }
  if (!fc.dead) {
    fc.spillAll();
    fc.asm.jmp_label(c.label);
    c.branchedTo = true;
  }
  fc.asm.bind(c.elseLabel!);
  c.elseLabel = null;
  c.kind = CtrlKind.Else;
  fc.resetStack(c.height, c.params);
  fc.dead = false;
  startFuelRun(fc); // the else-arm
}

/** Returns true when this `end` closed the function body. */
export function visitEnd(fc: FunctionCompiler): boolean {
  const c = fc.ctrl.pop()!;
  if (c.kind === CtrlKind.Func) {
    if (!fc.dead) fc.emitReturn();
    fc.dead = true;
    return true;
  }
  if (c.dead) return false;
  if (c.eh !== undefined) endTry(fc, c);
  let reachable = !fc.dead || c.branchedTo;
  if (!fc.dead) fc.spillAll();
  if (c.elseLabel) {
    // `if` without `else`: the false path arrives with the params, which equal the results.
    fc.asm.bind(c.elseLabel);
    reachable ||= c.enteredReachable;
  }
  const wasDead = fc.dead;
  if (c.kind !== CtrlKind.Loop) fc.asm.bind(c.label);
  fc.resetStack(c.height, c.results);
  fc.dead = !reachable;
  // Branches join here: a new fuel run starts. (After a loop whose end is not reached,
  // `reachable` is only conservative: nothing may be charged to a run for that code.)
  const joins = c.kind !== CtrlKind.Loop && (c.branchedTo || c.elseLabel !== null);
  if (reachable && joins) startFuelRun(fc);
  else if (reachable && wasDead) unreachableFuelRun(fc);
  return false;
}

/** Emit the return sequence without disturbing the compile-time state (for conditional returns). */
function returnKeepingState(fc: FunctionCompiler): void {
  fc.spillAll();
  const saved = fc.stack.slice();
  fc.emitReturn();
  fc.stack.length = 0;
  fc.stack.push(...saved);
}

export function jumpTo(fc: FunctionCompiler, target: Ctrl): void {
  if (target.kind === CtrlKind.Func) {
    fc.emitReturn();
    return;
  }
  fc.moveBranchValues(target, branchTypes(target));
  fc.asm.jmp_label(target.label);
  target.branchedTo = true;
}

export function visitBr(fc: FunctionCompiler, depth: number): void {
  if (fc.dead) return;
  jumpTo(fc, fc.ctrlAt(depth));
  fc.dead = true;
}

/** Whether branching to `target` needs code beyond a jump (moves or a return). */
function needsTrampoline(fc: FunctionCompiler, target: Ctrl): boolean {
  if (target.kind === CtrlKind.Func) return true;
  return fc.stack.length - branchTypes(target).length !== target.height;
}

/** br_if with the condition already in flags: jump to `target` when `cond` holds. */
export function branchIf(fc: FunctionCompiler, cond: Cond, depth: number): void {
  const target = fc.ctrlAt(depth);
  if (!needsTrampoline(fc, target)) {
    fc.asm.jcc_label(cond, branchIfTarget(fc, target));
    target.branchedTo = true;
    afterBranchIf(fc, target);
    return;
  }
  const skip = fc.asm.newLabel();
  fc.asm.jcc_label(invertCond(cond), skip);
  refundInBranchTrampoline(fc, target);
  if (target.kind === CtrlKind.Func) returnKeepingState(fc);
  else {
    fc.moveBranchValues(target, branchTypes(target));
    fc.asm.jmp_label(target.label);
    target.branchedTo = true;
  }
  fc.asm.bind(skip);
  afterBranchIf(fc, target);
}

export function visitBrIf(fc: FunctionCompiler, depth: number): void {
  if (fc.dead) return;
  const flags = takeCondition(fc);
  if (flags !== null) {
    fc.spillAll(); // moves only: the flags survive
    branchIf(fc, flags, depth);
    return;
  }
  const cond = fc.popToReg() as Gpr;
  fc.spillAll();
  fc.asm.test_rr(32, cond, cond);
  fc.ra.free(RegClass.Gpr, cond);
  branchIf(fc, Cond.NE, depth);
}

/** From this many entries on, br_table dispatches through a table instead of compares. */
const JUMP_TABLE_MIN = 4;

export function visitBrTable(fc: FunctionCompiler, depths: number[], defaultDepth: number): void {
  if (fc.dead) return;
  const index = fc.popToReg() as Gpr;
  fc.spillAll();
  // Compare chain; each distinct target gets one trampoline when it needs value moves.
  const stubs = new Map<number, ReturnType<typeof fc.asm.newLabel>>();
  const labelFor = (depth: number) => {
    const t = fc.ctrlAt(depth);
    if (!needsTrampoline(fc, t)) {
      t.branchedTo = true;
      return t.label;
    }
    let l = stubs.get(depth);
    if (!l) {
      l = fc.asm.newLabel();
      stubs.set(depth, l);
    }
    return l;
  };
  if (depths.length >= JUMP_TABLE_MIN) {
    fc.masm.jumpTable(index, depths.map(labelFor), labelFor(defaultDepth));
  } else {
    for (let i = 0; i < depths.length; i++) {
      fc.asm.alu_ri(AluOp.Cmp, 32, index, i);
      fc.asm.jcc_label(Cond.E, labelFor(depths[i]!));
    }
    fc.asm.jmp_label(labelFor(defaultDepth));
  }
  fc.ra.free(RegClass.Gpr, index);
  for (const [depth, l] of stubs) {
    fc.asm.bind(l);
    const saved = fc.stack.slice();
    jumpTo(fc, fc.ctrlAt(depth));
    fc.stack.length = 0;
    fc.stack.push(...saved);
  }
  fc.dead = true;
}

export function visitReturn(fc: FunctionCompiler): void {
  if (fc.dead) return;
  fc.emitReturn();
  fc.dead = true;
}

export function visitUnreachable(fc: FunctionCompiler): void {
  if (fc.dead) return;
  fc.asm.jmp_label(fc.trap(TrapCode.Unreachable));
  fc.dead = true;
}

export function visitDrop(fc: FunctionCompiler): void {
  fc.release(fc.pop());
}

/**
 * select: `cmov` for integers, a branch around a `movaps` for floats. A compare just before
 * (pending) is used as flags; otherwise the condition is tested. Popping the operands into
 * registers only moves values, which keeps the flags.
 */
export function visitSelect(fc: FunctionCompiler): void {
  const flags = takeCondition(fc);
  let cond: Gpr | null = null;
  if (flags === null) cond = fc.popToReg() as Gpr;
  const pinCond = cond === null ? 0 : 1 << cond;
  const b = fc.popToReg(pinCond);
  const aVal: Val = fc.peek();
  const type = aVal.type;
  const gpr = regClassOf(type) === RegClass.Gpr;
  const a = fc.popToReg(pinCond | (gpr ? 1 << b : 0));
  // The first operand (a) is kept when the condition holds.
  let keepA = flags;
  if (cond !== null) {
    fc.asm.test_rr(32, cond, cond);
    fc.ra.free(RegClass.Gpr, cond);
    keepA = Cond.NE;
  }
  if (gpr) {
    fc.asm.cmov_rr(invertCond(keepA!), type === ValType.I32 ? 32 : 64, a as Gpr, b as Gpr);
  } else {
    const keep = fc.asm.newLabel();
    fc.asm.jcc_label(keepA!, keep);
    fc.asm.movaps_rr(a as Xmm, b as Xmm);
    fc.asm.bind(keep);
  }
  fc.ra.free(regClassOf(type), b);
  fc.push({ kind: Kind.Reg, type, reg: a, local: -1, value: 0 });
}
