// Interruption checks: epoch deadlines and fuel (CompileOptions.epochInterruption and
// consumeFuel). Both are off by default, and then nothing here emits a byte. The lowering
// calls in from the prologue (FunctionCompiler.emitPrologue), loop headers and branches
// (ops/control.ts) and the dispatch loop (compile-function.ts).
//
// Epochs. The engine owns one 64-bit counter that any thread may bump; every instance has a
// deadline (vmctx EpochDeadline). Function entries and loop headers, the points every
// unbounded execution passes again and again, do
//     mov r11, <counter address>; mov r11, [r11]; cmp r11, [r14 + EpochDeadline]; jae stub
// (two loads; without a compile-time address, one more for vmctx EpochPtr). The counter is
// read with a plain load: aligned 8-byte loads are atomic on x86-64, and a bump from another
// core becomes visible within a few iterations, which is all a deadline needs. The stub is
// the ordinary out-of-line trap stub, so `interrupt` unwinds like any other trap.
//
// Fuel. See fuel-meter.ts for the runs and their charges. At function entries and loop
// headers the charge is followed by `jl stub`: the fuel that was left could not pay for the
// run starting here. Other runs only charge, so a few of them may overdraw before the next
// check point; that point is the same on every run of the program with the same fuel, which
// is what determinism needs. A compare fused with the br_if/if after it counts as two
// operators, like the unfused pair.
import { AluOp, type Label } from '../x64/assembler.js';
import { Cond } from '../x64/cond.js';
import { R11, R14 } from '../x64/regs.js';
import { TrapCode, Vmctx } from '../abi.js';
import { CtrlKind, type Ctrl } from './control.js';
import type { FunctionCompiler } from './function-compiler.js';

function emitEpochCheck(fc: FunctionCompiler): void {
  const a = fc.asm;
  a.comment('epoch check');
  const counter = fc.env.epochCounterAddress;
  if (counter !== undefined) a.mov_ri(64, R11, BigInt(counter));
  else a.mov_rm(64, R11, { base: R14, disp: Vmctx.EpochPtr });
  a.mov_rm(64, R11, { base: R11, disp: 0 });
  a.alu_rm(AluOp.Cmp, 64, R11, { base: R14, disp: Vmctx.EpochDeadline });
  a.jcc_label(Cond.AE, fc.trap(TrapCode.Interrupt));
}

/**
 * At a function entry or a loop header (after the frame exists, so the trap's backtrace has
 * this function, and with every value spilled, so r11 and the flags are free).
 */
export function emitInterruptChecks(fc: FunctionCompiler): void {
  if (fc.env.epochInterruption) emitEpochCheck(fc);
  if (fc.fuel !== null) {
    fc.asm.comment('fuel check');
    fc.fuel.startRun();
    // The sub set the flags as `cmp fuel, cost`: less (signed) means it went negative.
    fc.asm.jcc_label(Cond.L, fc.trap(TrapCode.OutOfFuel));
  }
}

/** A run that is not a check point starts here: an if/else arm, or a label branches join. */
export function startFuelRun(fc: FunctionCompiler): void {
  fc.fuel?.startRun();
}

/** Code the pass compiles although nothing reaches it: count its operators nowhere. */
export function unreachableFuelRun(fc: FunctionCompiler): void {
  fc.fuel?.startUnreachable();
}

/** Called by the dispatch loop for every operator compiled while the code is reachable. */
export function countFuelOp(fc: FunctionCompiler): void {
  fc.fuel?.countOp();
}

// ── br_if ────────────────────────────────────────────────────────────────────────────
// A br_if back to a loop ends the run (the loop header starts another, and the fall-through
// leaves the loop); one that leaves forward keeps it going and refunds on the taken edge.

function leavesForward(fc: FunctionCompiler, target: Ctrl): boolean {
  return fc.fuel !== null && target.kind !== CtrlKind.Loop;
}

/** Where a br_if without a trampoline jumps: `target`'s label, or a fuel refund stub. */
export function branchIfTarget(fc: FunctionCompiler, target: Ctrl): Label {
  return leavesForward(fc, target) ? fc.fuel!.exitStub(target.label) : target.label;
}

/** Inside a br_if's inline trampoline (taken edge only): refund the rest of the run. */
export function refundInBranchTrampoline(fc: FunctionCompiler, target: Ctrl): void {
  if (leavesForward(fc, target)) fc.fuel!.refundInline();
}

/** At a br_if's fall-through. */
export function afterBranchIf(fc: FunctionCompiler, target: Ctrl): void {
  if (fc.fuel !== null && target.kind === CtrlKind.Loop) fc.fuel.startRun();
}

/** After the function body: the out-of-line refund stubs. */
export function emitFuelStubs(fc: FunctionCompiler): void {
  fc.fuel?.emitStubs();
}
