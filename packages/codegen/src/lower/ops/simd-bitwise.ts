// v128.not/and/andnot/or/xor/bitselect, and the SSE instructions that map one to one onto a
// binary operator (adds, subs, saturating forms, min/max, averages, narrowing, …).
import { SIMD, type SimdOp } from '../../x64/simd-ops.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { bit, constXmm, freeXmm, popTwo, popXmm, pushV128, unary } from './simd-values.js';
import { intoHome, nextHomedSet, popFirst, popSrc, popSrcReg, releaseSrc, srcBit } from './simd-operands.js';
import type { BinaryReader } from '../../wasm/reader.js';
import type { Xmm } from '../masm/registers.js';
import { emitFolded, takeFoldedLoad } from './simd-load-fold.js';

/** dst = a op b with one instruction, b read from wherever it is (simd-operands.ts). */
export function direct(fc: FunctionCompiler, op: SimdOp, r?: BinaryReader): void {
  // b: a v128.load folded into this instruction (simd-load-fold.ts), or the top of the stack.
  const load = takeFoldedLoad(fc);
  const b = load !== null ? load.mem : popSrc(fc);
  const emit = (dst: Xmm, src1: Xmm): void => {
    if (load !== null) emitFolded(fc, load, () => fc.simd.bin(op, dst, src1, b));
    else fc.simd.bin(op, dst, src1, b);
  };
  const local = nextHomedSet(fc, r);
  // SSE writes the home before reading b: not when b is that home (x = y - x).
  if (local >= 0 && (fc.simd.avx || b !== fc.homeOf(local))) {
    const src1 = popSrcReg(fc, srcBit(b));
    const home = intoHome(fc, local);
    emit(home, src1);
    releaseSrc(fc, src1);
    releaseSrc(fc, b);
    fc.push(fc.localRef(local));
    return;
  }
  const { dst, src1 } = popFirst(fc, srcBit(b));
  emit(dst, src1);
  releaseSrc(fc, b);
  pushV128(fc, dst);
}

export function v128Not(fc: FunctionCompiler): void {
  unary(fc, (d, a) => {
    const ones = constXmm(fc, (1n << 128n) - 1n, bit(a));
    fc.simd.bin(SIMD.pxor, d, a, ones);
    freeXmm(fc, ones);
  });
}

/** a & ~b: pandn computes ~dst & src, so b is the destination. */
export function v128AndNot(fc: FunctionCompiler): void {
  const [a, b] = popTwo(fc);
  fc.simd.bin(SIMD.pandn, b, b, a);
  freeXmm(fc, a);
  pushV128(fc, b);
}

/** (v1 & c) | (v2 & ~c) as ((v1 ^ v2) & c) ^ v2. */
export function bitselect(fc: FunctionCompiler): void {
  const s = fc.simd;
  const c = popXmm(fc);
  const v2 = popXmm(fc, bit(c));
  const v1 = popXmm(fc, bit(c) | bit(v2));
  s.bin(SIMD.pxor, v1, v1, v2);
  s.bin(SIMD.pand, v1, v1, c);
  s.bin(SIMD.pxor, v1, v1, v2);
  freeXmm(fc, c, v2);
  pushV128(fc, v1);
}
