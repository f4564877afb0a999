// The effective address of a linear-memory access and its bounds check: the one place that
// knows how memory 0 is reached ([vmctx + MemBase]) and how it is bounded ([vmctx + MemSize]).
//
// wasm's effective address is the zero-extended i32 address plus the memarg's u32 offset,
// computed without wrapping (it can reach 2^33 - 2); the access of `size` bytes is in bounds
// when address + offset + size <= the memory's current byte length. Everything here is done
// in 64-bit arithmetic so that sum is exact. An i32 in a register is already zero-extended
// (the lowering's invariant), so the address register can be used as a 64-bit index as is.
//
// Two modes (CompileOptions.boundsChecks, docs/memory.md):
//  - 'explicit': compare address + offset + size with [vmctx + MemSize] before the access,
//    jumping to an out-of-line out_of_bounds_memory stub.
//  - 'guard': no compare at all. Every Memory that guard-mode code may use reserves 8 GiB +
//    64 KiB of address space from its base, only the first MemSize bytes of it accessible;
//    base + (2^32 - 1) + (2^32 - 1) + 8 stays inside, so any out-of-bounds access faults on a
//    PROT_NONE page and the runtime's SIGSEGV handler turns the fault into the trap.
//
// The access operand is [scratch + index + disp] with the scratch register = memory base,
// loaded last: the caller emits the access right away and then gives the scratch register
// back (releaseHeapIndex or heapOperandDone).
//
// The base stays in the scratch register after the access: a straight run of loads and
// stores (an unrolled SIMD loop body) loads it once, not once per access. The macro
// assembler knows whether it is still there (heapBaseHeld): not after a label (code that
// jumps there may not have it), a call (the callee may clobber r11, and memory.grow may move
// the base) or any other use of the scratch register. With explicit checks the compare
// needs the scratch register first, so those accesses load the base each time.
import { AluOp, type Mem } from '../../x64/assembler.js';
import { testRegImm32 } from '../../x64/atomics.js';
import { Cond } from '../../x64/cond.js';
import type { Gpr } from '../masm/registers.js';
import { vmctxMem } from '../masm/macro-assembler.js';
import { TrapCode, Vmctx } from '../../abi.js';
import { Kind } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { memoryBaseOffset } from '../../layout.js';
import { memargMemory } from '../../wasm/memarg.js';

const SIMM32_MAX = 0x7fffffff;
const MEM_BASE: Mem = vmctxMem(Vmctx.MemBase);
const MEM_SIZE: Mem = vmctxMem(Vmctx.MemSize);

// The operands handed out are two shared objects rewritten by every call (one per operand
// shape, so the encoder's reads of them stay monomorphic): an access is emitted right after
// its operand is formed, so nothing holds one across calls, and no access allocates. Their
// base is the scratch register, set when it is taken (it is always the same register).
const CONST_ADDRESS: Mem = { base: 0 as Gpr, disp: 0 };
const INDEXED: Mem = { base: 0 as Gpr, index: 0 as Gpr, scale: 1, disp: 0 };
/** [index + end] for the bounds check's lea. */
const END_ADDRESS: Mem = { base: 0 as Gpr, disp: 0 };

/** What popHeapOperand checks before the access. */
export const enum AccessCheck {
  /** The bounds (explicit mode) or nothing (guard mode): plain loads and stores. */
  Bounds,
  /** The bounds, then that the address is a multiple of the width (atomic accesses). */
  BoundsAndAlignment,
}

/** Whether the last operand's index register was handed to the caller (see popHeapOperand). */
let indexOwned = false;

/**
 * Whether popHeapOperand, for the address on top of the stack, will use a local's register
 * home as the index (read only) rather than a register the caller gets to own.
 */
export function addressIsLocalHome(fc: FunctionCompiler, offset: number): boolean {
  const v = fc.peek();
  return v.kind === Kind.Local && offset <= SIMM32_MAX && fc.homeOf(v.local) >= 0;
}

/**
 * The memory is the one the operator's memarg named (wasm/memarg.ts readMemargOffset, which
 * every caller reads its memarg with right before).
 *
 * Pop an i32 address and return the operand of a `size`-byte access at address + offset,
 * after emitting its bounds check (and, when `check` asks, its alignment check). `pinned`
 * keeps the address out of registers the caller still needs (a store's value).
 *
 * The operand holds the scratch register until the caller gives it back (releaseHeapIndex or
 * heapOperandDone, right after the access). Its `index` is
 * undefined when the address was a constant. When the address is a local with a register
 * home, the home itself is the index (an i32 there is zero-extended, like any i32 in a
 * register), read only: no copy. Otherwise the index is the register that held the address,
 * now the caller's (free it, or reuse it as the destination of a load). ownedHeapIndex and
 * releaseHeapIndex tell the two apart.
 */
export function popHeapOperand(fc: FunctionCompiler, offset: number, size: number, pinned = 0, check = AccessCheck.Bounds, memory = memargMemory): Mem {
  if (memory !== 0 || fc.env.module.memories[0]!.address64 === true) return popOtherHeapOperand(fc, offset, size, pinned, check, memory);
  const a = fc.asm;
  const v = fc.peek();
  // Atomic accesses compare with the bound even in guard mode: out of bounds must win over
  // misaligned (V8's order), and notify/wait check an address they never access.
  const explicit = check === AccessCheck.BoundsAndAlignment || explicitChecks(fc);
  if (v.kind === Kind.Const) {
    fc.pop();
    // At most 2^33 - 2: exact in a double.
    const ea = ((v.value as number) >>> 0) + offset;
    if (ea <= SIMM32_MAX && (!explicit || ea + size <= SIMM32_MAX)) {
      // The check (if any) is a compare with an immediate: the base may stay loaded.
      if (explicit) boundsCheckConst(fc, -1 as Gpr, ea + size);
      // A misaligned constant address always traps: the access after the jump is dead code.
      if (check === AccessCheck.BoundsAndAlignment && ea % size !== 0) a.jmp_label(fc.trap(TrapCode.UnalignedAtomic));
      const s = baseInScratch(fc);
      CONST_ADDRESS.base = s;
      CONST_ADDRESS.disp = ea;
      return CONST_ADDRESS;
    }
    const s = fc.masm.takeScratch();
    if (explicit) boundsCheckConst(fc, s, ea + size);
    if (check === AccessCheck.BoundsAndAlignment && ea % size !== 0) a.jmp_label(fc.trap(TrapCode.UnalignedAtomic));
    CONST_ADDRESS.base = s;
    a.mov_ri(64, s, ea);
    a.alu_rm(AluOp.Add, 64, s, MEM_BASE);
    CONST_ADDRESS.disp = 0;
    return CONST_ADDRESS;
  }
  let index: Gpr;
  if (addressIsLocalHome(fc, offset)) {
    fc.pop();
    index = fc.homeOf(v.local) as Gpr;
    indexOwned = false;
  } else {
    index = fc.popToReg(pinned) as Gpr;
    indexOwned = true;
  }
  if (!explicit && offset <= SIMM32_MAX) {
    const s = baseInScratch(fc);
    INDEXED.base = s;
    INDEXED.index = index;
    INDEXED.disp = offset;
    return INDEXED;
  }
  const s = fc.masm.takeScratch();
  if (explicit) boundsCheckReg(fc, s, index, offset + size);
  if (check === AccessCheck.BoundsAndAlignment) alignmentCheck(fc, s, index, offset, size);
  let disp = offset;
  if (offset > SIMM32_MAX) {
    // A displacement is a signed 32-bit field: fold a larger offset into the index instead.
    a.mov_ri(64, s, offset);
    a.alu_rr(AluOp.Add, 64, index, s);
    disp = 0;
  }
  a.mov_rm(64, s, MEM_BASE);
  fc.masm.noteHeapBase();
  INDEXED.base = s;
  INDEXED.index = index;
  INDEXED.disp = disp;
  return INDEXED;
}

/**
 * Trap (unaligned_atomic) unless index + offset is a multiple of `size` (a power of two).
 * Only the offset's low bits matter, so the sum never needs 64 bits: with them zero the
 * index is tested as is, else index + (offset mod size) is formed in the scratch register.
 * After the bounds check, as V8 orders the two traps.
 */
function alignmentCheck(fc: FunctionCompiler, s: Gpr, index: Gpr, offset: number, size: number): void {
  const mask = size - 1;
  if (mask === 0) return;
  const a = fc.asm;
  const low = offset & mask;
  if (low === 0) {
    testRegImm32(a, index, mask);
  } else {
    END_ADDRESS.base = index;
    END_ADDRESS.disp = low;
    a.lea(32, s, END_ADDRESS);
    testRegImm32(a, s, mask);
  }
  a.jcc_label(Cond.NE, fc.trap(TrapCode.UnalignedAtomic));
}

/** The scratch register holding memory 0's base: loaded unless it still holds it (file comment). */
function baseInScratch(fc: FunctionCompiler): Gpr {
  const s = fc.masm.takeScratchForHeap();
  if (!fc.masm.heapBaseHeld()) {
    fc.asm.mov_rm(64, s, MEM_BASE);
    fc.masm.noteHeapBase();
  }
  return s;
}

/** The operand's index register when it is the caller's to free or reuse, else -1. */
export function ownedHeapIndex(mem: Mem): number {
  return mem.index !== undefined && indexOwned ? mem.index : -1;
}

/** Done with the operand: free its index register if the caller owns it. */
export function releaseHeapIndex(fc: FunctionCompiler, mem: Mem): void {
  const r = ownedHeapIndex(mem);
  if (r >= 0) fc.ra.free(RegClass.Gpr, r);
  heapOperandDone(fc);
}

/** Done with the operand's base (the scratch register); the index is the caller's business. */
export function heapOperandDone(fc: FunctionCompiler): void {
  fc.masm.releaseScratch();
}

/** True when accesses compare against MemSize; false in 'guard' mode (see the file comment). */
function explicitChecks(fc: FunctionCompiler): boolean {
  return fc.env.boundsChecks !== 'guard';
}

/** Trap unless index + end <= MemSize, where end = offset + size (up to 2^32 + 8). */
function boundsCheckReg(fc: FunctionCompiler, s: Gpr, index: Gpr, end: number, sizeMem: Mem = MEM_SIZE): void {
  const a = fc.asm;
  if (end <= SIMM32_MAX) {
    END_ADDRESS.base = index;
    END_ADDRESS.disp = end;
    a.lea(64, s, END_ADDRESS);
  } else {
    a.mov_ri(64, s, end);
    a.alu_rr(AluOp.Add, 64, s, index);
  }
  a.alu_rm(AluOp.Cmp, 64, s, sizeMem);
  a.jcc_label(Cond.A, fc.trap(TrapCode.OutOfBoundsMemory));
}

/** Trap unless end <= MemSize for a constant end (up to 2^33 + 6; up to 2^53 for memory64). */
function boundsCheckConst(fc: FunctionCompiler, s: Gpr, end: number, sizeMem: Mem = MEM_SIZE): void {
  const a = fc.asm;
  if (end <= SIMM32_MAX) {
    // cmp [MemSize], end; trap when MemSize < end.
    a.alu_mi(AluOp.Cmp, 64, sizeMem, end);
    a.jcc_label(Cond.B, fc.trap(TrapCode.OutOfBoundsMemory));
    return;
  }
  // Past 2^31 the immediate would sign-extend: compare from a register.
  a.mov_ri(64, s, end);
  a.alu_rm(AluOp.Cmp, 64, s, sizeMem);
  a.jcc_label(Cond.A, fc.trap(TrapCode.OutOfBoundsMemory));
}

// ── memories other than a 32-bit memory 0 (multi-memory, memory64) ──────────────────────
//
// Memory 0 with i32 addresses keeps the path above (its base may stay in the scratch
// register). Any other memory reads its base and bound from its own vmctx entry
// (layout.ts memoryBaseOffset) at every access, and never leaves a base that heapBaseHeld
// could take for memory 0's. A 32-bit one is bounded like memory 0: guard regions in guard
// mode (every Memory has one), compares otherwise.
//
// A 64-bit memory (memory64) is always checked with compares: no guard region covers a
// 64-bit index. address + offset + size is formed with an add whose carry traps (an
// address near 2^64 must not wrap to a small one), then compared with the byte length.
// Offsets arrive as numbers (exact to 2^53): an end past MAX_END can't be in any memory
// this runtime makes, so such an access traps unconditionally.

const MAX_END = 2 ** 52;
const OTHER_BASE: Mem = { base: 0 as Gpr, disp: 0 };
const OTHER_SIZE: Mem = { base: 0 as Gpr, disp: 0 };

function popOtherHeapOperand(fc: FunctionCompiler, offset: number, size: number, pinned: number, check: AccessCheck, memory: number): Mem {
  const a = fc.asm;
  const is64 = fc.env.module.memories[memory]!.address64 === true;
  const explicit = is64 || check === AccessCheck.BoundsAndAlignment || explicitChecks(fc);
  const entry = memoryBaseOffset(fc.env.layout, memory);
  const base = vmctxMem(entry);
  OTHER_BASE.base = base.base;
  OTHER_BASE.disp = entry;
  OTHER_SIZE.base = base.base;
  OTHER_SIZE.disp = entry + 8;
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    fc.pop();
    let ea = constAddress(v.value as number | bigint, is64) + offset;
    const s = fc.masm.takeScratch();
    if (ea + size > MAX_END) {
      a.jmp_label(fc.trap(TrapCode.OutOfBoundsMemory));
      ea = 0; // the access is dead code
    } else if (explicit) {
      boundsCheckConst(fc, s, ea + size, OTHER_SIZE);
    }
    if (check === AccessCheck.BoundsAndAlignment && ea % size !== 0) a.jmp_label(fc.trap(TrapCode.UnalignedAtomic));
    CONST_ADDRESS.base = s;
    if (ea <= SIMM32_MAX) {
      a.mov_rm(64, s, OTHER_BASE);
      CONST_ADDRESS.disp = ea;
    } else {
      a.mov_ri(64, s, ea);
      a.alu_rm(AluOp.Add, 64, s, OTHER_BASE);
      CONST_ADDRESS.disp = 0;
    }
    return CONST_ADDRESS;
  }
  let index: Gpr;
  if (addressIsLocalHome(fc, offset)) {
    fc.pop();
    index = fc.homeOf(v.local) as Gpr;
    indexOwned = false;
  } else {
    index = fc.popToReg(pinned) as Gpr;
    indexOwned = true;
  }
  const s = fc.masm.takeScratch();
  let disp = offset;
  if (offset + size > MAX_END) {
    a.jmp_label(fc.trap(TrapCode.OutOfBoundsMemory));
    disp = 0;
  } else {
    if (is64) boundsCheckReg64(fc, s, index, offset + size, OTHER_SIZE);
    else if (explicit) boundsCheckReg(fc, s, index, offset + size, OTHER_SIZE);
    if (check === AccessCheck.BoundsAndAlignment) alignmentCheck(fc, s, index, offset, size);
    if (offset > SIMM32_MAX) {
      // In bounds, so index + offset fits: fold it into the (owned) index register.
      a.mov_ri(64, s, offset);
      a.alu_rr(AluOp.Add, 64, index, s);
      disp = 0;
    }
  }
  a.mov_rm(64, s, OTHER_BASE);
  INDEXED.base = s;
  INDEXED.index = index;
  INDEXED.disp = disp;
  return INDEXED;
}

/** A constant address: a u32, or for memory64 a u64 as a number (rounded above 2^53, see MAX_END). */
function constAddress(value: number | bigint, is64: boolean): number {
  if (!is64) return Number(value) >>> 0;
  if (typeof value === 'number') return value >= 0 ? value : 2 ** 64 + value;
  return Number(BigInt.asUintN(64, value));
}

/**
 * memory64: trap unless index + end <= the byte length, where index is any u64: the sum is
 * formed with add, so its carry (a sum past 2^64 - 1) traps before the compare.
 */
function boundsCheckReg64(fc: FunctionCompiler, s: Gpr, index: Gpr, end: number, sizeMem: Mem): void {
  const a = fc.asm;
  if (end <= SIMM32_MAX) {
    a.mov_rr(64, s, index);
    a.alu_ri(AluOp.Add, 64, s, end);
  } else {
    a.mov_ri(64, s, end);
    a.alu_rr(AluOp.Add, 64, s, index);
  }
  const trap = fc.trap(TrapCode.OutOfBoundsMemory);
  a.jcc_label(Cond.B, trap);
  a.alu_rm(AluOp.Cmp, 64, s, sizeMem);
  a.jcc_label(Cond.A, trap);
}
