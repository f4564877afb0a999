// Interruption checks: epoch deadlines, host interrupts and fuel (CompileOptions
// epochInterruption, hostInterrupts and consumeFuel). All are off by default, and then nothing
// here emits a byte. The lowering calls in from the prologue (FunctionCompiler.emitPrologue),
// loop headers and branches (ops/control.ts) and the dispatch loop (compile-function.ts).
//
// Epochs. The engine owns cells that any thread may bump (see the runtime's
// epoch-counter.ts): W = epoch - B, where B is the earliest deadline of the engine's
// instances and of its engine-wide deadline C (callWithTimeout). Loop headers, and the
// entries of functions that call, the points every unbounded execution passes again and
// again, test just W:
//     cmp qword [W], 0 ; jge slow          (W's address as disp32 when it is below 2 GiB)
//     mov r11, W ; cmp qword [r11], 0 ; jge slow                            (otherwise)
// one compare with memory and a branch that is never taken until some deadline has come.
// The slow path, out of line after the function, computes the epoch W + B and traps
// `interrupt` if it reached C or this instance's deadline (vmctx EpochDeadline), else jumps
// back. W is read with plain loads: aligned 8-byte loads are atomic on x86-64, and a bump
// from another core becomes visible within a few iterations, which is all a deadline needs.
// The trap is the ordinary out-of-line trap stub, so it unwinds like any other trap.
// A function without calls needs no entry check: it can run long only in one of its loops,
// and those are checked; straight-line code ends within its own size. Unbounded recursion
// passes through the entry of a function that calls, and that one checks. (Helps call-heavy
// code with small leaf functions; the loop checks are what tight loops pay.)
//
// Host interrupts share that check. For them the native timer thread adds POLL_BIAS (2^62)
// to W every 10 ms (native/src/epoch.c), so W >= 0, and the slow path, seeing bit 62 of
// W + B, calls the poll thunk (vmctx EpochPoll) instead of comparing deadlines: it takes the
// bias out and calls into JS, where V8 acts on a pending worker.terminate() or inspector
// request. A termination comes back as a failed host call and unwinds the wasm frames like
// a throwing import. The code is the same on every thread; only the engine's options decide
// whether it is there.
//
// Fuel. See fuel-meter.ts for the runs and their charges. At function entries and loop
// headers the charge is followed by `jl stub`: the fuel that was left could not pay for the
// run starting here. Other runs only charge, so a few of them may overdraw before the next
// check point; that point is the same on every run of the program with the same fuel, which
// is what determinism needs. Operators compiled as a pair (pending-op.ts: a compare and the
// br_if/if/select after it, an ALU op and the local.set/tee writing it back in place) are
// two operators: each passes through the dispatch loop, which counts it.
import { AluOp, type Assembler, type Label } from '../x64/assembler.js';
import { Cond } from '../x64/cond.js';
import { EPOCH_BORROWED, EPOCH_POLL_REG, HOST_STATUS, type Gpr } from './masm/registers.js';
import { vmctxMem } from './masm/macro-assembler.js';
import { cmpAbs32Imm8, fitsAbs32 } from '../x64/extra-abs.js';
import { btRegImm8 } from '../x64/extra-bt.js';
import { TrapCode, Vmctx } from '../abi.js';
import { CtrlKind, type Ctrl } from './control.js';
import type { FunctionCompiler } from './function-compiler.js';
import type { ModuleEnv } from './module-env.js';

interface EpochSlowPath {
  /** Where the check jumps when W >= 0, and where the slow path returns to. */
  slow: Label;
  resume: Label;
  /** The check's own trap stubs (so a trap reports the check's operator): a deadline came
   * (epochInterruption only), and a failed poll (hostInterrupts only; the status in eax). */
  trap: Label | null;
  pollFailed: Label | null;
}

/** Bit of W + B that is set while a poll is requested (epoch-counter.ts POLL_BIAS = 2^62). */
const POLL_BIAS_BIT = 62;
/** Byte offsets of the epoch cells B and C from W (epoch-counter.ts). */
const CELL_B = 8;
const CELL_C = 16;

/** Whether functions get epoch checks: for deadlines, for host-interrupt polls, or both. */
export function hasEpochChecks(env: ModuleEnv): boolean {
  return env.epochInterruption === true || env.hostInterrupts === true;
}

/** Each function's slow paths, until emitInterruptStubs writes them out. */
const slowPaths = new WeakMap<FunctionCompiler, EpochSlowPath[]>();

/** r = the address of cell W: compiled in, or read from vmctx EpochPtr. */
function loadCounterAddress(fc: FunctionCompiler, r: Gpr): void {
  const counter = fc.env.epochCounterAddress;
  if (counter !== undefined) fc.asm.mov_ri(64, r, BigInt(counter));
  else fc.asm.mov_rm(64, r, vmctxMem(Vmctx.EpochPtr));
}

function emitEpochCheck(fc: FunctionCompiler): void {
  const a = fc.asm;
  a.comment('epoch check');
  const counter = fc.env.epochCounterAddress;
  if (counter !== undefined && fitsAbs32(counter)) cmpAbs32Imm8(a, counter, 0);
  else {
    fc.masm.withScratch((w) => {
      loadCounterAddress(fc, w);
      a.alu_mi(AluOp.Cmp, 64, { base: w, disp: 0 }, 0);
    });
  }
  const path = {
    slow: a.newLabel(),
    resume: a.newLabel(),
    trap: fc.env.epochInterruption === true ? fc.trap(TrapCode.Interrupt) : null,
    pollFailed: fc.env.hostInterrupts === true ? fc.hostFailure() : null,
  };
  a.jcc_label(Cond.GE, path.slow);
  a.bind(path.resume);
  let list = slowPaths.get(fc);
  if (!list) slowPaths.set(fc, (list = []));
  list.push(path);
}

/**
 * epoch = W + B (+ POLL_BIAS while a poll is requested); poll if it is, else trap if the epoch
 * reached the engine's deadline C or the instance's, else resume. A register is borrowed (a
 * local may live in any allocatable one): pushing below rsp is safe, the host reserve is there.
 */
function emitEpochSlowPath(fc: FunctionCompiler, a: Assembler, p: EpochSlowPath): void {
  a.bind(p.slow);
  if (p.trap === null) {
    // Only polls make W >= 0 here: no deadline exists without epochInterruption.
    emitPoll(fc, a, p);
    return;
  }
  a.comment('epoch: a poll, or has a deadline come?');
  const cells = EPOCH_BORROWED;
  a.push_r(cells);
  loadCounterAddress(fc, cells);
  const epoch = fc.masm.takeScratch();
  // One load of W: the timer thread may add or the poll remove the bias at any time.
  a.mov_rm(64, epoch, { base: cells, disp: 0 });
  a.alu_rm(AluOp.Add, 64, epoch, { base: cells, disp: CELL_B });
  const poll = p.pollFailed !== null ? a.newLabel() : null;
  if (poll !== null) {
    btRegImm8(a, epoch, POLL_BIAS_BIT);
    a.jcc_label(Cond.B, poll); // CF set: bias in
  }
  a.alu_rm(AluOp.Cmp, 64, epoch, { base: cells, disp: CELL_C });
  a.pop_r(cells);
  a.jcc_label(Cond.GE, p.trap);
  a.alu_rm(AluOp.Cmp, 64, epoch, vmctxMem(Vmctx.EpochDeadline));
  fc.masm.releaseScratch();
  a.jcc_label(Cond.GE, p.trap);
  a.jmp_label(p.resume);
  if (poll !== null) {
    a.bind(poll);
    a.pop_r(cells);
    emitPoll(fc, a, p);
  }
}

/**
 * The poll (hostInterrupts): the thunk keeps every register but its own (EPOCH_POLL_REG, r11),
 * where it returns 0 or the TrapCode of a failed JS call, which goes to the host-failure stub
 * in eax. A deadline that came meanwhile is seen at the next check.
 */
function emitPoll(fc: FunctionCompiler, a: Assembler, p: EpochSlowPath): void {
  a.comment('host interrupts: let V8 act');
  const s = fc.masm.takeScratch();
  if (s !== EPOCH_POLL_REG) throw new Error('BUG: the epoch poll thunk takes the scratch register');
  loadCounterAddress(fc, s);
  a.call_m(vmctxMem(Vmctx.EpochPoll));
  a.test_rr(32, s, s);
  a.jcc_label(Cond.E, p.resume);
  a.mov_rr(32, HOST_STATUS, s);
  fc.masm.releaseScratch();
  a.jmp_label(p.pollFailed!);
}

/**
 * At the function entry: see emitInterruptChecks; the epoch check only if the body calls
 * (the local-homes pre-scan tells, asked to scan whenever epoch checks are on).
 */
export function emitEntryInterruptChecks(fc: FunctionCompiler): void {
  emitInterruptChecks(fc, hasEpochChecks(fc.env) && fc.homes.mayCall !== false);
}

/**
 * At a function entry or a loop header (after the frame exists, so the trap's backtrace has
 * this function, and with every value spilled, so r11 and the flags are free).
 */
export function emitInterruptChecks(fc: FunctionCompiler, epoch = hasEpochChecks(fc.env)): void {
  if (epoch) emitEpochCheck(fc);
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

/** After the function body: the epoch slow paths and the fuel refund stubs. */
export function emitInterruptStubs(fc: FunctionCompiler): void {
  for (const p of slowPaths.get(fc) ?? []) emitEpochSlowPath(fc, fc.asm, p);
  slowPaths.delete(fc);
  fc.fuel?.emitStubs();
}
