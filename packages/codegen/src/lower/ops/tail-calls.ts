// Tail calls (return_call, return_call_indirect, return_call_ref): the callee replaces the caller's frame and
// returns straight to the caller's caller. The convention is docs/tail-calls.md's:
//
// - The arguments are first stored to the outgoing area as for a call (prepareCallArgs), so
//   that every argument has its value before the caller's own parameters are overwritten.
// - When they fit in the caller's incoming area — max(params, results) slots of the caller's
//   signature, which whoever called it reserved — they are copied there, the callee-saved
//   homes are restored, the frame is left (mov rsp, rbp; pop rbp) and the callee is jumped
//   to: it finds the wasmcall state of a call from the caller's caller, whose area then holds
//   its results (they are the caller's results, validation checked).
// - When the callee may be another instance (an import, a table entry whose vmctx is not
//   this one: the caller's caller would not reload its vmctx after a same-instance call), it
//   is an ordinary call followed by a return that forwards the results.
// - When the arguments need more slots than that area has, it is such an ordinary call too,
//   unless this frame was itself entered from this same site's ordinary call (see
//   jumpUnlessCalledFromHere): then that caller's outgoing area is wide enough, and the frame
//   is replaced after all.
//
// The callee's prologue does the stack check against r15, the fuel and epoch checks, as for a
// call. A trap's backtrace no longer shows the frames that tail-called.
import { AluOp } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { importedFuncOffset } from '../../abi.js';
import { FuncRefRecord } from '../../layout.js';
import { ValType, type FuncType } from '../../wasm/types.js';
import { areaSize, callAreaSlots } from '../frame.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { outgoingMem } from '../masm/macro-assembler.js';
import type { Gpr } from '../masm/registers.js';
import { RegClass } from '../reg-class.js';
import type { Label } from '../../x64/label.js';
import { rbpMem } from '../frame.js';

/** [rbp + 8]: this frame's return address. */
const RETURN_ADDRESS = rbpMem(8);
import { prepareCallArgs } from './calls.js';
import { checkedCalleeRecord } from './call-indirect.js';
import { checkedRefRecord } from './typed-refs.js';

/** Whether a tail call to `sig` can reuse the caller's incoming area (see the file comment). */
function fitsInPlace(fc: FunctionCompiler, sig: FuncType): boolean {
  return areaSize(sig.params) <= callAreaSlots(fc.sig.params, fc.sig.results);
}

/** Copy `n` argument slots from the outgoing area to the incoming one ([rbp + 16 + 8*i]). */
function moveArgsToIncomingArea(fc: FunctionCompiler, n: number): void {
  const a = fc.asm;
  const s = fc.masm.takeScratch();
  for (let i = 0; i < n; i++) {
    a.mov_rm(64, s, outgoingMem(i));
    a.mov_mr(64, fc.frame.areaMem(i), s);
  }
  fc.masm.releaseScratch();
}

/** Give the caller's caller its registers and stack back: what is left is a jump. */
function leaveFrame(fc: FunctionCompiler): void {
  fc.restoreSavedHomes();
  fc.masm.leaveFrame();
}

/**
 * After an ordinary call to `sig` (the fallback): return its results as this function's.
 * Result 0 is already in rax/xmm0 (a v128 result 0 is in area slots 0-1, copied with the rest).
 */
function forwardResults(fc: FunctionCompiler, sig: FuncType): void {
  const results = sig.results;
  const from = results.length > 0 && results[0] !== ValType.V128 ? 1 : 0;
  const a = fc.asm;
  const s = fc.masm.takeScratch();
  for (let i = from; i < areaSize(results); i++) {
    a.mov_rm(64, s, outgoingMem(i));
    a.mov_mr(64, fc.frame.areaMem(i), s);
  }
  fc.masm.releaseScratch();
  fc.restoreSavedHomes();
  fc.masm.leaveAndReturn();
}

/**
 * A tail call whose arguments need more slots than the caller's signature guarantees: when
 * this function's return address is `after` (the return point of this very site's ordinary
 * call), the frame below is this function's own, suspended at that call, and its outgoing
 * area — which has room for this callee's arguments — is this frame's incoming area: the
 * frame can be replaced. So an ordinary call happens once per chain, and a mutual recursion
 * whose callee is wider than its caller still runs in constant stack.
 */
function jumpUnlessCalledFromHere(fc: FunctionCompiler, after: Label, fallback: Label, s: Gpr): void {
  fc.asm.lea_rip(s, after);
  fc.asm.alu_rm(AluOp.Cmp, 64, s, RETURN_ADDRESS);
  fc.asm.jcc_label(Cond.NE, fallback);
}

export function visitReturnCall(fc: FunctionCompiler, funcIndex: number): void {
  if (fc.dead) return;
  const m = fc.module;
  const sig = m.types[m.funcs[funcIndex]!]!;
  const a = fc.asm;
  prepareCallArgs(fc, sig);
  if (funcIndex < m.numImportedFuncs) {
    fc.masm.callImport(importedFuncOffset(funcIndex));
    forwardResults(fc, sig);
    fc.dead = true;
    return;
  }
  const fits = fitsInPlace(fc, sig);
  const after = a.newLabel();
  const fallback = a.newLabel();
  if (!fits) {
    const s = fc.masm.takeScratch();
    jumpUnlessCalledFromHere(fc, after, fallback, s);
    fc.masm.releaseScratch();
  }
  moveArgsToIncomingArea(fc, areaSize(sig.params));
  leaveFrame(fc);
  // Patched like a call's rel32 (link-chunks.ts); with lazy compilation it is the jump slot.
  fc.env.callRelocs.push(a.jmp_rel32(), funcIndex);
  if (!fits) {
    a.bind(fallback);
    fc.env.callRelocs.push(a.call_rel32(), funcIndex);
    a.bind(after);
    // The callee may have tail-called into another instance before returning.
    fc.masm.reloadVmctx();
    forwardResults(fc, sig);
  }
  fc.dead = true;
}

export function visitReturnCallIndirect(fc: FunctionCompiler, typeIndex: number, table: number): void {
  if (fc.dead) return;
  const sig = fc.module.types[typeIndex];
  if (!sig) throw new Error(`BUG: no type ${typeIndex} (validation should have caught it)`);
  // The checks of call_indirect, each with its own trap (table64 indexes included).
  tailCallRecord(fc, sig, checkedCalleeRecord(fc, sig, typeIndex, table));
}

/** return_call_ref (typed function references): call_ref's null check, then as return_call_indirect. */
export function visitReturnCallRef(fc: FunctionCompiler, typeIndex: number): void {
  if (fc.dead) return;
  const sig = fc.module.types[typeIndex];
  if (!sig) throw new Error(`BUG: no type ${typeIndex} (validation should have caught it)`);
  tailCallRecord(fc, sig, checkedRefRecord(fc, sig));
}

/**
 * The tail call to the function of `record` (in the scratch register, arguments in the
 * outgoing area): a frame replacement within the instance, else an ordinary call.
 */
function tailCallRecord(fc: FunctionCompiler, sig: FuncType, record: Gpr): void {
  const a = fc.asm;
  const after = a.newLabel();
  const fallback = a.newLabel();
  // Same instance: replace the frame. Another: an ordinary call (see the file comment).
  fc.masm.cmpVmctx({ base: record, disp: FuncRefRecord.Vmctx });
  a.jcc_label(Cond.NE, fallback);
  // The record stays in the scratch register; any other is free (every value is in the
  // outgoing area now) for the copy.
  const t = fc.allocGpr();
  if (!fitsInPlace(fc, sig)) jumpUnlessCalledFromHere(fc, after, fallback, t);
  const n = areaSize(sig.params);
  for (let i = 0; i < n; i++) {
    a.mov_rm(64, t, outgoingMem(i));
    a.mov_mr(64, fc.frame.areaMem(i), t);
  }
  fc.ra.free(RegClass.Gpr, t);
  leaveFrame(fc);
  a.jmp_m({ base: record, disp: FuncRefRecord.Code });
  a.bind(fallback);
  fc.masm.callFuncRecordMarking(record, after);
  fc.masm.releaseScratch();
  forwardResults(fc, sig);
  fc.dead = true;
}
