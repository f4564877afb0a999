// Interruption checks: epoch deadlines and fuel (CompileOptions.epochInterruption and
// consumeFuel). Both are off by default, and then nothing here emits a byte.
//
// Epochs. The engine owns one 64-bit counter that any thread may bump (vmctx EpochPtr
// points at it); every instance has a deadline (EpochDeadline). Function entries and loop
// headers, the points every unbounded execution must pass again and again, do
//     mov r11, [r14 + EpochPtr]; mov r11, [r11]; cmp r11, [r14 + EpochDeadline]; jae stub
// The counter is read with a plain load: x86 loads are atomic for aligned 8 bytes, and a bump
// from another core becomes visible within a few iterations, which is all a deadline needs.
// The stub is the ordinary out-of-line trap stub, so `interrupt` unwinds like any trap.
//
// Fuel. The instance's remaining fuel is an i64 in the vmctx (Fuel). Each basic block (a
// straight run of operators between a label or conditional branch and the next one) is
// charged its operator count on entry with one `sub qword [r14 + Fuel], cost`. The cost is
// not known when the block starts (single pass), so the immediate is a forced imm32 that is
// patched as operators are counted. At function entries and loop headers the charge is
// followed by `jl stub`: the fuel that was left could not pay for this block. Other blocks
// only charge, so a run of them may overdraw a little before the next check point; that
// point is still the same on every run, which is what determinism needs. A compare fused
// with the br_if/if after it counts as two operators, like the unfused pair.
import { AluOp } from '../x64/assembler.js';
import { Cond } from '../x64/cond.js';
import { R11, R14 } from '../x64/regs.js';
import { TrapCode, Vmctx } from '../abi.js';
import type { FunctionCompiler } from './function-compiler.js';

/** Forces alu_mi to pick the imm32 form; patched with the real cost right away. */
const IMM32_PLACEHOLDER = 0x7fffffff;

/** The open basic block of one function and where its cost immediate is. */
export class FuelMeter {
  private costAt = -1;
  private cost = 0;

  /** A basic block starts at the current code position: charge it. */
  startBlock(fc: FunctionCompiler): void {
    const a = fc.asm;
    a.alu_mi(AluOp.Sub, 64, { base: R14, disp: Vmctx.Fuel }, IMM32_PLACEHOLDER);
    this.costAt = a.offset - 4;
    this.cost = 0;
    a.buf.patch32(this.costAt, 0);
  }

  /** One more operator runs in the open block. */
  countOp(fc: FunctionCompiler): void {
    if (this.costAt < 0) throw new Error('BUG: fuel counted before the entry block was charged');
    this.cost++;
    fc.asm.buf.patch32(this.costAt, this.cost);
  }
}

function emitEpochCheck(fc: FunctionCompiler): void {
  const a = fc.asm;
  a.comment('epoch check');
  const v = process.env.EPV ?? '3';
  if (v === '3') {
  a.mov_rm(64, R11, { base: R14, disp: Vmctx.EpochPtr });
  a.mov_rm(64, R11, { base: R11, disp: 0 });
  a.alu_rm(AluOp.Cmp, 64, R11, { base: R14, disp: Vmctx.EpochDeadline });
  a.jcc_label(Cond.AE, fc.trap(TrapCode.Interrupt));
  } else if (v === '2') {
  a.mov_ri(64, R11, BigInt(process.env.EPADDR!));
  a.mov_rm(64, R11, { base: R11, disp: 0 });
  a.alu_rm(AluOp.Cmp, 64, R11, { base: R14, disp: Vmctx.EpochDeadline });
  a.jcc_label(Cond.AE, fc.trap(TrapCode.Interrupt));
  } else {
  a.alu_mi(AluOp.Cmp, 64, { base: R14, disp: Vmctx.EpochDeadline }, 0);
  a.jcc_label(Cond.E, fc.trap(TrapCode.Interrupt));
  }
}

/** Charge the block starting here and trap if the fuel that was left could not pay for it. */
function emitFuelCheck(fc: FunctionCompiler, meter: FuelMeter): void {
  fc.asm.comment('fuel check');
  meter.startBlock(fc);
  // sub set the flags as `cmp fuel, cost`: less (signed) means the result is negative.
  fc.asm.jcc_label(Cond.L, fc.trap(TrapCode.OutOfFuel));
}

/**
 * At a function entry or a loop header (after the frame exists, so the trap's backtrace has
 * this function, and with every value spilled, so r11 and the flags are free).
 */
export function emitInterruptChecks(fc: FunctionCompiler): void {
  if (fc.env.epochInterruption) emitEpochCheck(fc);
  if (fc.fuel !== null) emitFuelCheck(fc, fc.fuel);
}

/** A basic block that is not a check point starts here (after a label or a br_if/if). */
export function startFuelBlock(fc: FunctionCompiler): void {
  if (fc.fuel !== null) fc.fuel.startBlock(fc);
}

/** Called by the dispatch loop for every operator compiled while the code is reachable. */
export function countFuelOp(fc: FunctionCompiler): void {
  if (fc.fuel !== null) fc.fuel.countOp(fc);
}
