// The register roles of the x86-64 lowering (abi.ts has the whole contract). The macro
// assembler (this directory) is the only part of the lowering that turns a role into a
// physical register; lower/ops/ asks for roles through it and for temporaries through the
// register allocator, and a test (tests/src/lower/masm-boundary.test.ts) keeps it that way.
import { RAX, RBP, RCX, RDI, RDX, RSI, RSP, R11, R14, R15, XMM0, XMM15, type Gpr, type Xmm } from '../../x64/regs.js';
import { RegClass } from '../reg-class.js';

export type { Gpr, Xmm } from '../../x64/regs.js';

/** General-purpose scratch: never holds a value-stack entry; handed out by withScratch. */
export const SCRATCH_GPR: Gpr = R11;
/** Float scratch, likewise (withXmmScratch). */
export const SCRATCH_XMM: Xmm = XMM15;
/** Pinned: the current instance's vmctx. */
export const VMCTX_REG: Gpr = R14;
/** Pinned: the stack limit every prologue compares with. */
export const LIMIT_REG: Gpr = R15;
/** The frame pointer (every wasm function keeps an rbp chain for backtraces). */
export const FRAME_REG: Gpr = RBP;
export const STACK_REG: Gpr = RSP;

/** Result 0 of a wasm call: rax for integers and references, xmm0 for floats. */
export function resultReg(rc: RegClass): number {
  return rc === RegClass.Gpr ? RAX : XMM0;
}

/** x86 division: dividend in rdx:rax, quotient to rax, remainder to rdx. */
export const DIV_LOW: Gpr = RAX;
export const DIV_HIGH: Gpr = RDX;
/** cmpxchg compares with, and loads into, the accumulator (al/ax/eax/rax). */
export const CMPXCHG_ACCUMULATOR: Gpr = RAX;
/** A shift by a register count takes it in cl. */
export const SHIFT_COUNT: Gpr = RCX;

/** SysV integer argument registers 1..4, the operands of native host_call. */
export const HOST_ARG_VMCTX: Gpr = RDI;
export const HOST_ARG_ID: Gpr = RSI;
export const HOST_ARG_AREA: Gpr = RDX;
export const HOST_ARG_NSLOTS: Gpr = RCX;
/** SysV integer return register: host_call's status. */
export const HOST_STATUS: Gpr = RAX;

/**
 * The native epoch poll thunk's argument and result register (abi.ts, Vmctx.EpochPoll). It is
 * the scratch register, which the poll takes like any other use.
 */
export const EPOCH_POLL_REG: Gpr = SCRATCH_GPR;
/** Borrowed (pushed and popped) by an epoch check's slow path for the counter's address. */
export const EPOCH_BORROWED: Gpr = RAX;

/** What the trap-unwind routine takes (abi.ts, Vmctx.TrapUnwind): edi = code, rsi = site. */
export const TRAP_ARG_CODE: Gpr = RDI;
export const TRAP_ARG_SITE: Gpr = RSI;
