// Where a SIMD instruction reads its operands from, without copying them first.
//
// A value-stack entry is often not in a register the lowering owns: a v128 local homed in
// xmm8..xmm13, a v128.const, a local or a spilled value in its frame slot. Copying each into
// a fresh register before the instruction (movaps xmm1, xmm11; vpaddusb xmm0, xmm0, xmm1)
// costs an instruction per operand, in the loops SIMD code spends its time in. x86 reads a
// source operand from anywhere: a home register as is (read only), a constant from the
// function's pool ([rip + c], 16-byte aligned), a frame slot from memory. Frame slots are
// only 8-aligned, and legacy SSE faults on an unaligned 16-byte memory operand, so they are
// folded only with AVX (VEX forms have no alignment rule).
//
// The operand helpers return either a register or a Mem; releaseSrc frees the register when
// it is one the caller owns (a temporary), never a home.
import type { Mem } from '../../x64/assembler.js';
import type { Xmm } from '../masm/registers.js';
import { ValType } from '../../wasm/types.js';
import { Kind } from '../value.js';
import { RegClass } from '../reg-class.js';
import { ALLOCATABLE_XMMS } from '../regalloc.js';
import type { FunctionCompiler } from '../function-compiler.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { Op } from '../../wasm/opcodes.js';

export type XmmSrc = Xmm | Mem;

export function isXmm(s: XmmSrc): s is Xmm {
  return typeof s === 'number';
}

const TEMPORARY = new Set<number>(ALLOCATABLE_XMMS);

/** Whether `r` is a temporary (the caller's to free) rather than a local's home. */
function owned(r: number): boolean {
  return TEMPORARY.has(r);
}

/** The register bit of a source for `pinned` masks (0 for memory). */
export function srcBit(s: XmmSrc): number {
  return isXmm(s) ? 1 << s : 0;
}

/**
 * Pop the top v128 as a source operand: a register (a temporary the caller owns, or a
 * local's home, read only) or memory (the pool, or with AVX a frame slot). `pinned` keeps a
 * loaded value out of registers the caller still needs.
 */
export function popSrc(fc: FunctionCompiler, pinned = 0): XmmSrc {
  const v = fc.peek();
  switch (v.kind) {
    case Kind.Local: {
      const home = fc.homeOf(v.local);
      if (home >= 0) {
        fc.pop();
        return home as Xmm;
      }
      if (fc.simd.avx) {
        fc.pop();
        return fc.frame.localMem(v.local);
      }
      break;
    }
    case Kind.Const:
      if (v.type === ValType.V128) {
        fc.pop();
        return fc.masm.v128ConstMem(v.value as bigint);
      }
      break;
    case Kind.Stack:
      if (fc.simd.avx) {
        const pos = fc.stack.length - 1;
        fc.pop();
        return fc.frame.spillMem(pos);
      }
      break;
    case Kind.Reg:
      break;
  }
  return fc.popToReg(pinned) as Xmm;
}

/** Pop the top v128 into a register, read only: a local's home as is, else a temporary. */
export function popSrcReg(fc: FunctionCompiler, pinned = 0): Xmm {
  const v = fc.peek();
  if (v.kind === Kind.Local) {
    const home = fc.homeOf(v.local);
    if (home >= 0) {
      fc.pop();
      return home as Xmm;
    }
  }
  return fc.popToReg(pinned) as Xmm;
}

/** Done with a source: free it when it is a temporary register. */
export function releaseSrc(fc: FunctionCompiler, s: XmmSrc): void {
  if (isXmm(s) && owned(s)) fc.ra.free(RegClass.Xmm, s);
}

/**
 * The destination for dst = src1 op src2 with src1 popped now (src2 already popped, kept
 * out by `pinned`): with AVX src1 may be a home (dst a fresh temporary); on SSE the
 * destructive form needs src1 in dst, so src1 comes in a temporary the result then takes.
 */
export function popFirst(fc: FunctionCompiler, pinned: number): { dst: Xmm; src1: Xmm } {
  if (fc.simd.avx) {
    const src1 = popSrcReg(fc, pinned);
    if (owned(src1)) return { dst: src1, src1 };
    return { dst: fc.allocXmm(pinned), src1 };
  }
  const r = fc.popToReg(pinned) as Xmm;
  return { dst: r, src1: r };
}

/** A register for the result of dst = f(src): src's own when it is a temporary. */
export function destFor(fc: FunctionCompiler, src: XmmSrc, pinned = 0): Xmm {
  if (isXmm(src) && owned(src)) return src;
  return fc.allocXmm(pinned | srcBit(src));
}

/**
 * The local a result can be computed straight into: when the next operator is local.set or
 * local.tee of a v128 local with a register home (an accumulator: `acc = acc + x`), the
 * instruction writes the home itself and the local.set finds the local's own value on the
 * stack, a no-op (variables.ts), instead of computing into a temporary and copying it.
 * Returns the local's index, or -1. Only the dispatch loop's bookkeeping runs in between.
 */
export function nextHomedSet(fc: FunctionCompiler, r: BinaryReader | undefined): number {
  if (r === undefined) return -1;
  const op = r.bytes[r.pos];
  if (op !== Op.LocalSet && op !== Op.LocalTee) return -1;
  const at = r.pos;
  r.pos++;
  const local = r.readVarU32();
  r.pos = at;
  return fc.homeOf(local) >= 0 ? local : -1;
}

/** The result goes to `local`'s home (nextHomedSet): pending reads of it take the old value first. */
export function intoHome(fc: FunctionCompiler, local: number): Xmm {
  fc.materializeLocal(local);
  return fc.homeOf(local) as Xmm;
}
