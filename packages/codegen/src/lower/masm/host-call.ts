// The one host-call sequence: wasm code calling native host_call (abi.ts, Vmctx.HostCall),
// used by the thunks of JS imports (host-thunk.ts) and by runtime builtins (ops/calls.ts).
//
//   int32_t host_call(void *vmctx, uint32_t id, uint64_t *area, uint32_t nslots)
//
// The arguments and results stay in the area. host_call follows SysV, which does not keep
// xmm8..xmm13, while wasmcall treats them as callee-saved (the float and v128 local homes of
// this function or of any wasm caller up the stack): all 128 bits of each are kept in two
// slots around the call.
import { Cond } from '../../x64/cond.js';
import type { Label, Mem } from '../../x64/assembler.js';
import { Vmctx } from '../../abi.js';
import { LOCAL_HOME_XMMS } from '../local-regs.js';
import type { MacroAssembler } from './macro-assembler.js';
import { vmctxMem } from './macro-assembler.js';
import { RegClass } from '../reg-class.js';
import { jumpToTrapUnwind, trapCodeFromHostStatus } from './trap-unwind.js';
import { HOST_ARG_AREA, HOST_ARG_ID, HOST_ARG_NSLOTS, HOST_ARG_VMCTX, HOST_STATUS, TRAP_ARG_SITE, VMCTX_REG, resultReg, type Gpr, type Xmm } from './registers.js';

const HOST_CALL: Mem = vmctxMem(Vmctx.HostCall);

export interface HostCall {
  /** An import index, or BUILTIN_BASE + a Builtin. */
  id: number;
  /** Slot 0 of the argument/result area. */
  area: Mem;
  nslots: number;
  /** Slot `i` of the 8-byte slots (2 per xmm home, LOCAL_HOME_XMMS) kept during the call. */
  xmmSlot(i: number): Mem;
  /** Where to go when host_call returns a non-zero status (a TrapCode, in eax). */
  failed: Label;
  /** Code right after the xmm homes are saved (the caller's own saves). */
  afterSave?(): void;
  /** Code right after they are restored, before the status is tested. */
  afterRestore?(): void;
}

/** Number of slots xmmSlot must provide. */
export const HOST_CALL_XMM_SLOTS = 2 * LOCAL_HOME_XMMS.length;

export function callHost(masm: MacroAssembler, c: HostCall): void {
  const a = masm.asm;
  LOCAL_HOME_XMMS.forEach((x, i) => masm.storeV128(c.xmmSlot(2 * i), x));
  c.afterSave?.();
  a.mov_rr(64, HOST_ARG_VMCTX, VMCTX_REG);
  a.mov_ri(32, HOST_ARG_ID, c.id);
  if (c.area.disp === 0 && c.area.index === undefined) a.mov_rr(64, HOST_ARG_AREA, c.area.base);
  else a.lea(64, HOST_ARG_AREA, c.area);
  a.mov_ri(32, HOST_ARG_NSLOTS, c.nslots);
  a.call_m(HOST_CALL);
  LOCAL_HOME_XMMS.forEach((x, i) => masm.loadV128(x, c.xmmSlot(2 * i)));
  c.afterRestore?.();
  a.test_rr(32, HOST_STATUS, HOST_STATUS);
  a.jcc_label(Cond.NE, c.failed);
}

/**
 * Rethrow a failed host call's status (in eax) without a trap site (rsi = 0): the JS
 * exception a host failure carries is rethrown unchanged at the entry.
 */
export function rethrowHostStatus(masm: MacroAssembler): void {
  trapCodeFromHostStatus(masm);
  masm.asm.mov_ri(32, TRAP_ARG_SITE, 0);
  jumpToTrapUnwind(masm);
}

/**
 * Result 0 of a host call, from area slot 0 to both result registers (the wasm caller reads
 * the one of its type). `intSize` 32 for an i32: JS stores an i32 result into the low half of
 * the slot only, and a 32-bit load keeps the register zero-extended (the Gpr invariant) where
 * a 64-bit one would pick up a stale upper half.
 */
export function loadHostResult(masm: MacroAssembler, intSize: 32 | 64, slot: Mem): void {
  masm.asm.mov_rm(intSize, resultReg(RegClass.Gpr) as Gpr, slot);
  masm.asm.movs_rm(64, resultReg(RegClass.Xmm) as Xmm, slot);
}
