// The way out of wasm code on a trap: a jump to the trap-unwind routine whose address is in
// the vmctx, with edi = the TrapCode and rsi = the trap site (abi.ts, Vmctx.TrapUnwind).
// Used by the trap stubs (trap-stubs.ts) and by a failed host call in a thunk (host-call.ts).
import { Vmctx } from '../../abi.js';
import { vmctxMem, type MacroAssembler } from './macro-assembler.js';
import { HOST_STATUS, TRAP_ARG_CODE, TRAP_ARG_SITE } from './registers.js';

/** edi = the status of the host call that just failed (a TrapCode, in eax). */
export function trapCodeFromHostStatus(masm: MacroAssembler): void {
  masm.asm.mov_rr(32, TRAP_ARG_CODE, HOST_STATUS);
}

/** edi = `code`, the TrapCode to unwind with. */
export function setTrapCode(masm: MacroAssembler, code: number): void {
  masm.asm.mov_ri(32, TRAP_ARG_CODE, code);
}

/** rsi = the trap site: the return address a stub's `call` pushed (see trap-stubs.ts). */
export function popTrapSite(masm: MacroAssembler): void {
  masm.asm.pop_r(TRAP_ARG_SITE);
}

/** Jump (never returns) to the trap-unwind routine, edi and rsi set (abi.ts, Vmctx.TrapUnwind). */
export function jumpToTrapUnwind(masm: MacroAssembler): void {
  masm.asm.jmp_m(vmctxMem(Vmctx.TrapUnwind));
}
