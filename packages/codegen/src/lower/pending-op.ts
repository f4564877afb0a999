// The operator whose code waits for the next one (Liftoff's "outstanding op").
//
// Some operators compile better together with the operator after them: a compare followed
// by br_if, if or select branches (or moves) on the flags instead of materialising a 0/1
// (`cmp; jcc`, not `cmp; setcc; movzx; test; jcc`), and `op (local.get $x) rhs` followed by
// `local.set $x` / `local.tee $x` on a register-homed $x is one `op home, rhs`. The single
// pass does not read ahead to find those pairs. The first operator emits nothing and leaves
// its operands on the value stack, recording itself here; the next operator goes through
// the dispatch loop like every other one (offset-map entry, trace line, fuel count), and
// then either consumes the pending operator (it is one of the consumers below) or the loop
// settles it first — emits its ordinary code — before anything else happens.
//
// Invariant: while an operator is pending, the only code that runs is the dispatch loop's
// bookkeeping (which emits nothing) and then either settlePending or a consumer.
import { Op } from '../wasm/opcodes.js';
import type { BinaryReader } from '../wasm/reader.js';
import type { AluOp, FloatSize, IntSize } from '../x64/assembler.js';
import { Cond } from '../x64/cond.js';
import type { FunctionCompiler } from './function-compiler.js';
import * as int from './ops/int-numeric.js';
import { emitFloatCompareFlags, emitFloatCompare, type OrderedFCmp } from './ops/float.js';
import { SIMD_PREFIX } from '../wasm/operators-simd.js';
import { foldsLoad, settleLoad, type PendingLoad } from './ops/simd-load-fold.js';

export const enum PendingKind {
  /** iNN.eq/ne/lt/gt/le/ge (signed and unsigned): true when `cond` holds after `cmp`. */
  IntCompare,
  /** iNN.eqz: true when ZF is set after `test`. */
  IntEqz,
  /** fNN.lt/gt/le/ge: one condition after `ucomis` (eq and ne need two, so never pend). */
  FloatCompare,
  /** An integer ALU op whose left operand reads a register-homed local. */
  AluOnHomedLocal,
  /**
   * A v128.load (AVX only) whose value the next operator, a one-instruction SIMD binary op,
   * reads as its second operand straight from memory (`vmulpd x, y, [base + index]`).
   * The heap operand, and with it the scratch register, is held until then.
   */
  V128Load,
}

export type PendingOp =
  | { kind: PendingKind.IntCompare; cond: Cond; size: IntSize }
  | { kind: PendingKind.IntEqz; size: IntSize }
  | { kind: PendingKind.FloatCompare; cmp: OrderedFCmp; size: FloatSize }
  | { kind: PendingKind.AluOnHomedLocal; op: AluOp; size: IntSize; local: number }
  | { kind: PendingKind.V128Load; load: PendingLoad };

/**
 * The object every non-load pending operator of a function is written into: it has every
 * field of every kind (unused ones 0), so that the dispatch loop's and the consumers' property
 * reads see one object shape, and one per function is enough because at most one operator is
 * pending at a time. Allocating one per compare instead was ~15 % of the bytes a compile
 * allocated (esbuild.wasm: ~17 of 113 MB).
 */
export interface PendingSlot {
  kind: PendingKind;
  size: number;
  cond: number;
  cmp: number;
  op: number;
  local: number;
}

/**
 * Make `kind` the pending operator of `fc`, in fc's slot. A consumer reads the fields it
 * needs before it emits anything: what it calls may make another operator pending.
 */
export function setPending(
  fc: FunctionCompiler, kind: PendingKind, size: number, cond: number, cmp: number, op: number, local: number,
): void {
  const p = fc.pendingSlot;
  p.kind = kind;
  p.size = size;
  p.cond = cond;
  p.cmp = cmp;
  p.op = op;
  p.local = local;
  fc.pending = p as unknown as PendingOp;
}

/** Whether `op` (its opcode just read, its immediates next in `r`) consumes `p`. */
export function consumesPending(p: PendingOp, op: number, r: BinaryReader, fc?: FunctionCompiler): boolean {
  if (p.kind === PendingKind.V128Load) return op === SIMD_PREFIX && foldsLoad(peekVarU32(r));
  if (p.kind === PendingKind.AluOnHomedLocal) {
    if (op !== Op.LocalSet && op !== Op.LocalTee) return false;
    // Its own local: in place. Another register-homed local: computed straight into that home.
    const local = peekVarU32(r);
    return local === p.local || (fc !== undefined && fc.homeOf(local) >= 0);
  }
  return op === Op.BrIf || op === Op.If || op === Op.Select || op === Op.SelectT;
}

/** The LEB128 u32 at the reader's position, leaving the position where it was. */
function peekVarU32(r: BinaryReader): number {
  const at = r.pos;
  const v = r.readVarU32();
  r.pos = at;
  return v;
}

/** Emit the pending operator's ordinary code: its result goes on the value stack. */
export function settlePending(fc: FunctionCompiler): void {
  const p = fc.pending;
  if (p === null) return;
  fc.pending = null;
  switch (p.kind) {
    case PendingKind.IntCompare: int.compare(fc, p.cond, p.size); return;
    case PendingKind.IntEqz: int.eqz(fc, p.size); return;
    case PendingKind.FloatCompare: emitFloatCompare(fc, p.cmp, p.size); return;
    case PendingKind.AluOnHomedLocal: int.emitAluBinop(fc, p.op, p.size); return;
    case PendingKind.V128Load: settleLoad(fc, p.load); return;
  }
}

/**
 * For br_if, if and select: when a compare is pending, emit it as flags only and return
 * the condition under which its result is 1; else null (the condition is on the stack).
 * The caller may then only emit moves (spills, loads) before its jcc/cmov: they keep the
 * flags.
 */
export function takeCondition(fc: FunctionCompiler): Cond | null {
  const p = fc.pending;
  if (p === null) return null;
  fc.pending = null;
  switch (p.kind) {
    case PendingKind.IntCompare: {
      const cond = p.cond;
      int.emitCompareFlags(fc, p.size);
      return cond;
    }
    case PendingKind.IntEqz:
      int.emitEqzFlags(fc, p.size);
      return Cond.E;
    case PendingKind.FloatCompare:
      return emitFloatCompareFlags(fc, p.cmp, p.size);
    case PendingKind.AluOnHomedLocal:
    case PendingKind.V128Load:
      throw new Error('BUG: a pending ALU op or load reached a branch (the dispatch loop settles it)');
  }
}

/**
 * For local.set / local.tee of `local`: when an ALU op on its register home is pending,
 * emit it in place (`op home, rhs`) and return true; the caller then has nothing left to do.
 */
export function takeLocalUpdate(fc: FunctionCompiler, local: number, write: LocalWrite): boolean {
  const p = fc.pending;
  if (p === null) return false;
  if (p.kind !== PendingKind.AluOnHomedLocal || (p.local !== local && fc.homeOf(local) < 0)) {
    throw new Error(`BUG: pending op ${p.kind} reached local.set/tee ${local} (the dispatch loop settles it)`);
  }
  fc.pending = null;
  const { op, size } = p;
  if (p.local === local) int.aluInPlace(fc, op, size as IntSize, local);
  else int.aluIntoHome(fc, op, size as IntSize, local);
  if (write === LocalWrite.Tee) fc.push(fc.localRef(local));
  return true;
}

/** What a local write leaves on the value stack. */
export const enum LocalWrite {
  /** local.set: nothing. */
  Set,
  /** local.tee: the value written. */
  Tee,
}
