// The value-stack patterns the SIMD families share: operands popped into xmm registers the
// caller owns, temporaries, constants, and the result pushed back.
import { ValType } from '../../wasm/types.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import { RegClass } from '../reg-class.js';
import { regVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';

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

/** f(a) into a's register. */
export function unary(fc: FunctionCompiler, emit: (dst: Xmm, a: Xmm) => void): void {
  const a = popXmm(fc);
  emit(a, a);
  pushV128(fc, a);
}
