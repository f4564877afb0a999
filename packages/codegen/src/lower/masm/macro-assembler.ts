// The macro assembler: typed operations over the x64 Assembler whose register constraints
// are its own business (the idea of Winch's MacroAssembler and V8's LiftoffAssembler). The
// lowering gets temporaries from the register allocator and everything with a fixed register
// from here: the scratch register (withScratch, with a check that no two users overlap), the
// pinned vmctx and stack-limit registers, the frame, calls that switch instance, jump tables.
// The rest of the directory: division and variable shifts, which pop their own operands into
// the registers x86 wants (div-shift.ts), the one host-call sequence (host-call.ts), the trap
// exit (trap-unwind.ts), and the register roles themselves (registers.ts).
import { AluOp, type Assembler, type FloatSize, type Label, type Mem } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import { FuncRefRecord } from '../../layout.js';
import { VMCTX_SLOT, rbpMem } from '../frame.js';
import { FRAME_REG, LIMIT_REG, SCRATCH_GPR, SCRATCH_XMM, STACK_REG, VMCTX_REG, type Gpr, type Xmm } from './registers.js';
import { JumpTables } from './jump-tables.js';
import { sse, sseStore } from '../../x64/simd.js';
import { V128Pool } from './v128-pool.js';
import { SIMD } from '../../x64/simd-ops.js';

/** [vmctx + disp]: a field of the current instance's context (abi.ts, Vmctx). */
export function vmctxMem(disp: number): Mem {
  // Shared like every Mem (they are read-only): a global's cell pointer is loaded through one
  // of these per global.get/set, ~1 MB of operands per esbuild.wasm compile when allocated.
  if (disp >= 0 && disp < VMCTX_MEMS_SHARED) return (vmctxMems[disp] ??= { base: VMCTX_REG, disp });
  return { base: VMCTX_REG, disp };
}

/** vmctx offsets below this get a shared operand (the array stays small and dense enough). */
const VMCTX_MEMS_SHARED = 1 << 16;
const vmctxMems: Mem[] = [];

/** Shared [rsp + 8*i] operands of the outgoing argument area (read-only, like every Mem). */
const outgoing: Mem[] = [];
export function outgoingMem(i: number): Mem {
  return (outgoing[i] ??= { base: STACK_REG, disp: 8 * i });
}

const SAVED_VMCTX = rbpMem(VMCTX_SLOT);

export class MacroAssembler {
  private scratchTaken = false;
  /**
   * asm.barriers when the scratch register was last loaded with memory 0's base, or -1: the
   * base is still there while no label, call or other use of the scratch register came since
   * (heap-address.ts uses it for a straight run of loads and stores).
   */
  private heapBaseAt = -1;
  private xmmScratchTaken = false;
  private readonly jumpTables = new JumpTables();
  private readonly v128Pool = new V128Pool();

  constructor(readonly asm: Assembler) {}

  // ── scratch registers ─────────────────────────────────────────────────────────────
  //
  // The scratch registers hold no value-stack entry, so any code may use them, but only one
  // piece of code at a time: a helper that writes r11 while its caller still has an address
  // in it produces wrong code silently. take/release bracket each use and catch overlap at
  // compile time. withScratch is the form for a use inside one function; take/release for a
  // use that spans calls (a heap operand formed in one function and accessed in another).

  /** The scratch Gpr, for the caller until releaseScratch(). */
  takeScratch(): Gpr {
    if (this.scratchTaken) throw new Error('BUG: scratch register taken while already in use');
    this.scratchTaken = true;
    this.heapBaseAt = -1;
    return SCRATCH_GPR;
  }

  /**
   * The scratch Gpr for a heap access, keeping what it holds: whether that is still memory
   * 0's base is heapBaseHeld(). The caller writes nothing else to it (it takes takeScratch
   * for that).
   */
  takeScratchForHeap(): Gpr {
    if (this.scratchTaken) throw new Error('BUG: scratch register taken while already in use');
    this.scratchTaken = true;
    return SCRATCH_GPR;
  }

  /** Whether the scratch register still holds memory 0's base (see heapBaseAt). */
  heapBaseHeld(): boolean {
    return this.heapBaseAt >= 0 && this.heapBaseAt === this.asm.barriers;
  }

  /** The scratch register was just loaded with memory 0's base. */
  noteHeapBase(): void {
    this.heapBaseAt = this.asm.barriers;
  }

  /** Forget the base (code that writes the scratch register without takeScratch). */
  forgetHeapBase(): void {
    this.heapBaseAt = -1;
  }

  releaseScratch(): void {
    if (!this.scratchTaken) throw new Error('BUG: scratch register released but not taken');
    this.scratchTaken = false;
  }

  /** Run `fn` with the scratch Gpr; no other use of it may begin before `fn` returns. */
  withScratch<T>(fn: (scratch: Gpr) => T): T {
    const s = this.takeScratch();
    const result = fn(s);
    this.releaseScratch();
    return result;
  }

  takeXmmScratch(): Xmm {
    if (this.xmmScratchTaken) throw new Error('BUG: float scratch register taken while already in use');
    this.xmmScratchTaken = true;
    return SCRATCH_XMM;
  }

  releaseXmmScratch(): void {
    if (!this.xmmScratchTaken) throw new Error('BUG: float scratch register released but not taken');
    this.xmmScratchTaken = false;
  }

  withXmmScratch<T>(fn: (scratch: Xmm) => T): T {
    const s = this.takeXmmScratch();
    const result = fn(s);
    this.releaseXmmScratch();
    return result;
  }

  // ── moves through the scratch register ────────────────────────────────────────────

  /** Copy 8 bytes between two memory operands (x86 has no memory-to-memory mov). */
  copy64(dst: Mem, src: Mem): void {
    const s = this.takeScratch();
    this.asm.mov_rm(64, s, src);
    this.asm.mov_mr(64, dst, s);
    this.releaseScratch();
  }

  /** Store a 64-bit constant that does not fit a sign-extended imm32. */
  storeImm64(dst: Mem, bits: bigint): void {
    const s = this.takeScratch();
    this.asm.mov_ri(64, s, bits);
    this.asm.mov_mr(64, dst, s);
    this.releaseScratch();
  }

  /**
   * Put a float bit pattern in xmm `x`: xorps for +0, else through the scratch Gpr (SSE has
   * no immediate operands). Numbers take the assembler's fast path; bigints are u64 patterns.
   */
  loadFloatBits(fs: FloatSize, x: Xmm, bits: number | bigint): void {
    const a = this.asm;
    if (bits === 0 || bits === 0n) {
      a.xorps_rr(x, x);
      return;
    }
    const s = this.takeScratch();
    a.mov_ri(fs, s, bits);
    a.movd_xr(fs, x, s);
    this.releaseScratch();
  }

  // ── v128 moves (unaligned forms: frame slots and area slots are only 8-aligned) ──

  loadV128(x: Xmm, m: Mem): void {
    sse(this.asm, SIMD.movdqu, x, m);
  }

  storeV128(m: Mem, x: Xmm): void {
    sseStore(this.asm, SIMD.movdqu_store, m, x);
  }

  /** Copy 16 bytes between two memory operands through the float scratch register. */
  copy128(dst: Mem, src: Mem): void {
    const x = this.takeXmmScratch();
    this.loadV128(x, src);
    this.storeV128(dst, x);
    this.releaseXmmScratch();
  }

  /** Put a 128-bit pattern (an unsigned bigint) in `x`: pxor / pcmpeqd idioms, else from the constant pool. */
  loadV128Bits(x: Xmm, bits: bigint): void {
    const a = this.asm;
    if (bits === 0n) {
      sse(a, SIMD.pxor, x, x);
      return;
    }
    if (bits === (1n << 128n) - 1n) {
      sse(a, SIMD.pcmpeqd, x, x);
      return;
    }
    // One load from the pool: fewer instructions than building it through a Gpr.
    this.loadV128(x, this.v128ConstMem(bits));
  }

  /** The constant pool's [rip + rel32] operand holding `bits` (an unsigned 128-bit value). */
  v128ConstMem(bits: bigint): Mem {
    return this.v128Pool.memOf(this.asm, BigInt.asUintN(128, bits));
  }

  /**
   * Store a 128-bit pattern to memory with one 16-byte store (through the float scratch
   * register): two 8-byte stores read back by one 16-byte load defeat store forwarding,
   * which costs a v128 local set from a constant and read in a loop some 15 cycles a read.
   * Two halves only when the float scratch register is taken.
   */
  storeV128Bits(m: Mem, bits: bigint): void {
    if (!this.xmmScratchTaken) {
      const x = this.takeXmmScratch();
      this.loadV128Bits(x, bits);
      this.storeV128(m, x);
      this.releaseXmmScratch();
      return;
    }
    const hiMem: Mem = { ...m, disp: m.disp + 8 };
    for (const [dst, half] of [[m, BigInt.asIntN(64, bits)], [hiMem, BigInt.asIntN(64, bits >> 64n)]] as const) {
      if (half >= -0x80000000n && half <= 0x7fffffffn) this.asm.mov_mi(64, dst, Number(half));
      else this.storeImm64(dst, BigInt.asUintN(64, half));
    }
  }

  // ── frame ─────────────────────────────────────────────────────────────────────────

  /**
   * push rbp; mov rbp, rsp; sub rsp, <size>. Returns where the size goes (patched with
   * buf.patch32 once the function's frame is known).
   */
  enterFrame(): number {
    const a = this.asm;
    a.push_r(FRAME_REG);
    a.mov_rr(64, FRAME_REG, STACK_REG);
    return a.alu_ri_patchable(AluOp.Sub, 64, STACK_REG);
  }

  /**
   * A landing pad's entry (exception handling): rsp back to the bottom of the frame rbp
   * points at, `rbp - FRAME`, whose size is patched in like enterFrame's (returns the patch
   * position for setFrameSize).
   */
  padFrame(): number {
    this.asm.mov_rr(64, STACK_REG, FRAME_REG);
    return this.asm.alu_ri_patchable(AluOp.Sub, 64, STACK_REG);
  }

  /** Fill in the size of enterFrame's `sub rsp` (`at` is what enterFrame returned). */
  setFrameSize(at: number, bytes: number): void {
    this.asm.buf.patch32(at, bytes);
  }

  /** push rbp; mov rbp, rsp, for a frame without slots of its own (host thunks). */
  linkFrame(): void {
    this.asm.push_r(FRAME_REG);
    this.asm.mov_rr(64, FRAME_REG, STACK_REG);
  }

  /** Trap to `overflow` when rsp is below the pinned stack limit (3 + 6 bytes). */
  stackCheck(overflow: Label): void {
    this.asm.alu_rr(AluOp.Cmp, 64, STACK_REG, LIMIT_REG);
    this.asm.jcc_label(Cond.B, overflow);
  }

  /** Keep vmctx in its frame slot: calls that switch instance reload it from there. */
  saveVmctx(): void {
    this.asm.mov_mr(64, SAVED_VMCTX, VMCTX_REG);
  }

  reloadVmctx(): void {
    this.asm.mov_rm(64, VMCTX_REG, SAVED_VMCTX);
  }

  /** Drop the frame's slots: rsp back to rbp (the frame link stays). */
  dropSlots(): void {
    this.asm.mov_rr(64, STACK_REG, FRAME_REG);
  }

  /**
   * sub rsp, bytes: room below the frame link of a frame without a patched size (host
   * thunks). Returns the operand of its 8-byte slot i, [rsp + 8*i].
   */
  reserveStack(bytes: number): (i: number) => Mem {
    this.asm.alu_ri(AluOp.Sub, 64, STACK_REG, bytes);
    return outgoingMem;
  }

  /** pop rbp; ret (rsp already back at the frame link). */
  popFrameAndReturn(): void {
    this.asm.pop_r(FRAME_REG);
    this.asm.ret();
  }

  /** mov rsp, rbp; pop rbp: the frame is gone, a tail call's jump comes next. */
  leaveFrame(): void {
    this.dropSlots();
    this.asm.pop_r(FRAME_REG);
  }

  /** Compare this function's vmctx with the 8 bytes at `m` (flags for a jcc). */
  cmpVmctx(m: Mem): void {
    this.asm.alu_rm(AluOp.Cmp, 64, VMCTX_REG, m);
  }

  /**
   * callFuncRecord, binding `returnPoint` at the call's return address (a tail call's
   * same-site check, ops/tail-calls.ts, compares with it).
   */
  callFuncRecordMarking(record: Gpr, returnPoint: Label): void {
    this.asm.mov_rm(64, VMCTX_REG, { base: record, disp: FuncRefRecord.Vmctx });
    this.asm.call_m({ base: record, disp: FuncRefRecord.Code });
    this.asm.bind(returnPoint);
    this.reloadVmctx();
  }

  /** mov rsp, rbp; pop rbp; ret. */
  leaveAndReturn(): void {
    this.dropSlots();
    this.popFrameAndReturn();
  }

  /**
   * Zero the `n` 8-byte frame slots [rbp + top], [rbp + top - 8], ... with a loop (the form
   * for many slots).
   */
  zeroSlotsLoop(top: number, n: number): void {
    const a = this.asm;
    const s = this.takeScratch();
    // The scratch register runs from -n to -1; [rbp + s*8 + top + 8] walks the slots from the
    // lowest address up.
    a.mov_ri(64, s, BigInt.asUintN(64, BigInt(-n)));
    const loop = a.newLabel();
    a.bind(loop);
    a.mov_mi(64, { base: FRAME_REG, index: s, scale: 8, disp: top + 8 }, 0);
    a.alu_ri(AluOp.Add, 64, s, 1);
    a.jcc_label(Cond.NE, loop);
    this.releaseScratch();
  }

  // ── calls ─────────────────────────────────────────────────────────────────────────

  /**
   * Call an import through its { code, vmctx } entry at [vmctx + entry]: the callee may be
   * another instance, so vmctx switches for the call and comes back from the frame.
   */
  callImport(entry: number): void {
    const a = this.asm;
    const s = this.takeScratch();
    a.mov_rm(64, s, vmctxMem(entry));
    a.mov_rm(64, VMCTX_REG, vmctxMem(entry + 8));
    a.call_r(s);
    this.releaseScratch();
    this.reloadVmctx();
  }

  /** Call the function of the FuncRefRecord at `record` (layout.ts), in its instance. */
  callFuncRecord(record: Gpr): void {
    this.asm.mov_rm(64, VMCTX_REG, { base: record, disp: FuncRefRecord.Vmctx });
    this.asm.call_m({ base: record, disp: FuncRefRecord.Code });
    this.reloadVmctx();
  }

  // ── jump tables ───────────────────────────────────────────────────────────────────

  /**
   * Jump to targets[index], or to `fallback` when index >= targets.length (unsigned). The
   * index is an i32, zero-extended in its register; it is clobbered.
   */
  jumpTable(index: Gpr, targets: Label[], fallback: Label): void {
    const a = this.asm;
    a.alu_ri(AluOp.Cmp, 32, index, targets.length);
    a.jcc_label(Cond.AE, fallback);
    const table = a.newLabel();
    const s = this.takeScratch();
    a.lea_rip(s, table);
    a.movsx_rm(64, 32, index, { base: s, index, scale: 4, disp: 0 });
    a.alu_rr(AluOp.Add, 64, s, index);
    a.jmp_r(s);
    this.releaseScratch();
    a.bind(table);
    a.comment(`jump table (${targets.length} entries)`);
    this.jumpTables.emit(a, targets);
  }

  /** The end of a function: fill in its jump tables; no scratch register may still be taken. */
  finish(): void {
    if (this.scratchTaken || this.xmmScratchTaken) throw new Error('BUG: scratch register still taken at function end');
    this.jumpTables.resolve(this.asm);
    this.v128Pool.emit(this.asm);
  }
}
