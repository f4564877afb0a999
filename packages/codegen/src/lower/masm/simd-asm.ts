// SIMD emission in three-operand style for the lowering (lower/ops/simd-*.ts): with AVX the
// VEX form is emitted as asked (dst = src1 op src2); on the SSE4.1 baseline the destructive
// legacy form, with a register copy first when dst is not src1. One lowering therefore serves
// both paths (CompileOptions.simdAvx picks), and tests run both.
import type { Assembler, Mem } from '../../x64/assembler.js';
import { SIMD, type SimdOp } from '../../x64/simd-ops.js';
import {
  sse, sseExtract, sseInsert, sseShift, sseStore, sseToGpr, vex, vexBlendv, vexExtract, vexInsert, vexShift, vexStore, vexToGpr, vexUnary,
} from '../../x64/simd.js';
import type { Gpr, Xmm } from './registers.js';

export class SimdAsm {
  constructor(readonly asm: Assembler, readonly avx: boolean) {}

  /** dst = src1 op src2. On SSE, dst may be src2 only when it is also src1. */
  bin(op: SimdOp, dst: Xmm, src1: Xmm, src2: Xmm | Mem, imm?: number): void {
    if (this.avx) {
      vex(this.asm, op, dst, src1, src2, imm);
      return;
    }
    if (dst !== src1) {
      if (dst === src2) throw new Error(`BUG: ${op.mnemonic}: SSE destination is the second source`);
      this.mov(dst, src1);
    }
    sse(this.asm, op, dst, src2, imm);
  }

  /** dst = f(src) (a Unary row). */
  un(op: SimdOp, dst: Xmm, src: Xmm | Mem, imm?: number): void {
    if (this.avx) vexUnary(this.asm, op, dst, src, imm);
    else sse(this.asm, op, dst, src, imm);
  }

  /** dst = src shifted by an immediate. */
  shiftImm(op: SimdOp, dst: Xmm, src: Xmm, imm: number): void {
    if (this.avx) {
      vexShift(this.asm, op, dst, src, imm);
      return;
    }
    if (dst !== src) this.mov(dst, src);
    sseShift(this.asm, op, dst, imm);
  }

  /** A full 128-bit register copy. */
  mov(dst: Xmm, src: Xmm): void {
    if (dst !== src) this.asm.movaps_rr(dst, src);
  }

  load(dst: Xmm, m: Mem): void {
    this.un(SIMD.movdqu, dst, m);
  }

  store(m: Mem, src: Xmm): void {
    if (this.avx) vexStore(this.asm, SIMD.movdqu_store, m, src);
    else sseStore(this.asm, SIMD.movdqu_store, m, src);
  }

  /** A movemask or pextrw into a general register. */
  toGpr(op: SimdOp, dst: Gpr, src: Xmm, imm?: number): void {
    if (this.avx) vexToGpr(this.asm, op, dst, src, imm);
    else sseToGpr(this.asm, op, dst, src, imm);
  }

  extract(op: SimdOp, dst: Gpr | Mem, src: Xmm, lane: number): void {
    if (this.avx) vexExtract(this.asm, op, dst, src, lane);
    else sseExtract(this.asm, op, dst, src, lane);
  }

  /** dst = src1 with lane `lane` from a general register or memory. */
  insert(op: SimdOp, dst: Xmm, src1: Xmm, src2: Gpr | Mem, lane: number): void {
    if (this.avx) {
      vexInsert(this.asm, op, dst, src1, src2, lane);
      return;
    }
    this.mov(dst, src1);
    sseInsert(this.asm, op, dst, src2, lane);
  }

  /** AVX variable blend: dst = mask's top bits ? src2 : src1 (per byte or lane, by the row). */
  blendv(op: SimdOp, dst: Xmm, src1: Xmm, src2: Xmm, mask: Xmm): void {
    if (!this.avx) throw new Error(`BUG: ${op.mnemonic} without AVX (the SSE form wants its mask in xmm0)`);
    vexBlendv(this.asm, op, dst, src1, src2, mask);
  }

  /** dst = 0. */
  zero(dst: Xmm): void {
    this.bin(SIMD.pxor, dst, dst, dst);
  }

  /** dst = all ones. */
  ones(dst: Xmm): void {
    this.bin(SIMD.pcmpeqd, dst, dst, dst);
  }
}
