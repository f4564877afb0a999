// abs, neg and copysign: pure sign-bit manipulation. The spec makes these bit-exact even on
// NaN (payload and all other bits preserved), so they must not go through arithmetic (x87
// fabs/fchs, or 0 - x, would quiet a signalling NaN). A mask built in xmm15 through r11 is
// combined with andps/xorps/orps; the upper lanes of the register are don't-cares.
import { FloatBitOp, type FloatSize } from '../../x64/assembler.js';
import type { Xmm } from '../masm/registers.js';
import { Kind, constVal, regVal } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { constBits, constValue, floatType, signBit } from './float-util.js';

export const enum SignOp { Abs, Neg }

function allOnes(fs: FloatSize): bigint {
  return fs === 32 ? 0xffffffffn : 0xffffffffffffffffn;
}

/** Apply `op` with `mask` to the value on top of the stack, folding constants. */
function maskTop(fc: FunctionCompiler, fs: FloatSize, op: FloatBitOp, mask: bigint): void {
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    fc.pop();
    const bits = constBits(fs, v.value);
    const out = op === FloatBitOp.And ? bits & mask : op === FloatBitOp.Or ? bits | mask : bits ^ mask;
    fc.push(constVal(floatType(fs), constValue(fs, out)));
    return;
  }
  const x = fc.popToReg() as Xmm;
  const m = fc.masm.takeXmmScratch();
  fc.masm.loadFloatBits(fs, m, mask);
  fc.asm.fbit_rr(op, fs, x, m);
  fc.masm.releaseXmmScratch();
  fc.push(regVal(floatType(fs), x));
}

export function signOp(fc: FunctionCompiler, op: SignOp, fs: FloatSize): void {
  const sign = signBit(fs);
  if (op === SignOp.Abs) maskTop(fc, fs, FloatBitOp.And, allOnes(fs) ^ sign);
  else maskTop(fc, fs, FloatBitOp.Xor, sign);
}

/** copysign(a, b) = (a & ~SIGN) | (b & SIGN). */
export function copysign(fc: FunctionCompiler, fs: FloatSize): void {
  const sign = signBit(fs);
  const b = fc.peek();
  if (b.kind === Kind.Const) {
    // A known sign: set it (or) or clear it (and), which also folds a constant `a`.
    fc.pop();
    if ((constBits(fs, b.value) & sign) !== 0n) maskTop(fc, fs, FloatBitOp.Or, sign);
    else maskTop(fc, fs, FloatBitOp.And, allOnes(fs) ^ sign);
    return;
  }
  const a = fc.asm;
  const bReg = fc.popToReg() as Xmm;
  const aReg = fc.popToReg(1 << bReg) as Xmm;
  const t = fc.masm.takeXmmScratch();
  fc.masm.loadFloatBits(fs, t, sign);
  a.fbit_rr(FloatBitOp.And, fs, bReg, t); // b's sign only
  a.fbit_rr(FloatBitOp.AndNot, fs, t, aReg); // ~SIGN & a
  a.fbit_rr(FloatBitOp.Or, fs, bReg, t);
  fc.masm.releaseXmmScratch();
  fc.ra.free(RegClass.Xmm, aReg);
  fc.push(regVal(floatType(fs), bReg));
}
