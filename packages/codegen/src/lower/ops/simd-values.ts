// The value-stack patterns the SIMD families share: operands popped into xmm registers the
// caller owns, temporaries, constants, and the result pushed back.
import { ValType } from '../../wasm/types.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import { RegClass } from '../reg-class.js';
import { regVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';
import type { Mem } from '../../x64/assembler.js';
import { destFor, intoHome, nextHomedSet, popSrc, releaseSrc, type XmmSrc } from './simd-operands.js';
import type { BinaryReader } from '../../wasm/reader.js';

/** Pop the top (a v128, f32 or f64) into an xmm register the caller owns. */
export function popXmm(fc: FunctionCompiler, pinned = 0): Xmm {
  return fc.popToReg(pinned) as Xmm;
}

export function popGpr(fc: FunctionCompiler, pinned = 0): Gpr {
  return fc.popToReg(pinned) as Gpr;
}

export function tempXmm(fc: FunctionCompiler, pinned = 0): Xmm {
  return fc.allocXmm(pinned);
}

export function freeXmm(fc: FunctionCompiler, ...regs: Xmm[]): void {
  for (const r of regs) fc.ra.free(RegClass.Xmm, r);
}

export function freeGpr(fc: FunctionCompiler, r: Gpr): void {
  fc.ra.free(RegClass.Gpr, r);
}

export function pushV128(fc: FunctionCompiler, r: Xmm): void {
  fc.push(regVal(ValType.V128, r));
}

export function bit(r: number): number {
  return 1 << r;
}

/** A 128-bit constant with `lane` (of `bits` bits) in every lane. */
export function splatBits(bits: 8 | 16 | 32 | 64, lane: bigint): bigint {
  let v = 0n;
  const l = BigInt.asUintN(bits, lane);
  for (let i = 0; i < 128 / bits; i++) v |= l << BigInt(i * bits);
  return v;
}

/** A fresh register holding a 128-bit constant. */
export function constXmm(fc: FunctionCompiler, bits: bigint, pinned = 0): Xmm {
  const r = fc.allocXmm(pinned);
  fc.masm.loadV128Bits(r, BigInt.asUintN(128, bits));
  return r;
}

/** A 128-bit constant as a memory operand ([rip + c] in the function's pool): a source, read only. */
export function constMem(fc: FunctionCompiler, bits: bigint): Mem {
  return fc.masm.v128ConstMem(bits);
}

/** Pop two v128 operands (b on top): both in registers the caller owns. */
export function popTwo(fc: FunctionCompiler): [Xmm, Xmm] {
  const b = popXmm(fc);
  const a = popXmm(fc, bit(b));
  return [a, b];
}

/** a op b into a's register: the common shape of a binary operator. */
export function binary(fc: FunctionCompiler, emit: (dst: Xmm, a: Xmm, b: Xmm) => void): void {
  const [a, b] = popTwo(fc);
  emit(a, a, b);
  freeXmm(fc, b);
  pushV128(fc, a);
}

/** dst = f(src) for a Unary row: src read from wherever it is, dst src's register if it owns one. */
export function unaryFrom(fc: FunctionCompiler, emit: (dst: Xmm, src: XmmSrc) => void, r?: BinaryReader): void {
  const src = popSrc(fc);
  const local = nextHomedSet(fc, r);
  if (local >= 0) {
    // Straight into the local's home (nextHomedSet); unary forms read src before writing.
    emit(intoHome(fc, local), src);
    releaseSrc(fc, src);
    fc.push(fc.localRef(local));
    return;
  }
  const dst = destFor(fc, src);
  emit(dst, src);
  if (src !== dst) releaseSrc(fc, src);
  pushV128(fc, dst);
}

/** f(a) into a's register. */
export function unary(fc: FunctionCompiler, emit: (dst: Xmm, a: Xmm) => void): void {
  const a = popXmm(fc);
  emit(a, a);
  pushV128(fc, a);
}
