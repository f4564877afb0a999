// Float → integer truncation: the trapping i32/i64.trunc_f32/f64_s/u and the saturating
// *.trunc_sat_* forms.
//
// cvttss2si/cvttsd2si return the "integer indefinite" value (the minimum signed integer) for
// NaN and for anything out of the destination's range, so the fast path is one conversion
// and one test of the result; only when the result is suspicious do we look at the input.
// Unsigned targets: u32 converts to 64 bits and checks the high half; u64 splits at 2^63
// (inputs ≥ 2^63 are converted after subtracting 2^63, then the top bit is set back).
import { AluOp, FloatOp, ShiftOp, type FloatSize, type IntSize, type Label } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import { TrapCode } from '../../abi.js';
import { ValType } from '../../wasm/types.js';
import { regVal } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { floatBits } from './float-util.js';

export interface TruncKind {
  intSize: IntSize;
  signed: boolean;
  fs: FloatSize;
  saturating: boolean;
}

const TWO_63 = 2 ** 63;

/**
 * The inputs whose truncation fits: lower < x (or lower <= x when inclusive) and x < upper.
 * Bounds are exact in both formats. For i32 from f64 the lower bound is exclusive
 * (-2147483648.9 truncates to INT32_MIN); for f32 there is no float strictly between
 * -2^31 - 256 and -2^31, so "x >= -2^31" is the same test.
 */
function validRange(k: TruncKind): { lower: number; inclusive: boolean; upper: number } {
  if (!k.signed) return { lower: -1, inclusive: false, upper: 2 ** k.intSize };
  if (k.intSize === 64) return { lower: -TWO_63, inclusive: true, upper: TWO_63 };
  return k.fs === 32 ? { lower: -(2 ** 31), inclusive: true, upper: 2 ** 31 } : { lower: -(2 ** 31) - 1, inclusive: false, upper: 2 ** 31 };
}

/** Trap unless x is a number whose truncation is in range (falls through when it is). */
function checkTrapping(fc: FunctionCompiler, k: TruncKind, x: Xmm): void {
  const a = fc.asm;
  const { lower, inclusive, upper } = validRange(k);
  a.ucomis_rr(k.fs, x, x);
  a.jcc_label(Cond.P, fc.trap(TrapCode.BadConversionToInteger));
  const bound = fc.masm.takeXmmScratch();
  fc.masm.loadFloatBits(k.fs, bound, floatBits(k.fs, lower));
  a.ucomis_rr(k.fs, x, bound);
  a.jcc_label(inclusive ? Cond.B : Cond.BE, fc.trap(TrapCode.IntegerOverflow));
  fc.masm.loadFloatBits(k.fs, bound, floatBits(k.fs, upper));
  a.ucomis_rr(k.fs, x, bound);
  a.jcc_label(Cond.AE, fc.trap(TrapCode.IntegerOverflow));
  fc.masm.releaseXmmScratch();
}

export function truncate(fc: FunctionCompiler, k: TruncKind): void {
  const x = fc.popToReg() as Xmm;
  const r = fc.allocGpr();
  if (k.signed) truncSigned(fc, k, x, r);
  else if (k.intSize === 32) truncU32(fc, k, x, r);
  else truncU64(fc, k, x, r);
  fc.ra.free(RegClass.Xmm, x);
  fc.push(regVal(k.intSize === 32 ? ValType.I32 : ValType.I64, r));
}

function truncSigned(fc: FunctionCompiler, k: TruncKind, x: Xmm, r: Gpr): void {
  const a = fc.asm;
  const done = a.newLabel();
  a.cvtts2si(k.fs, k.intSize, r, x);
  // r - 1 overflows exactly when r is the minimum signed value (the indefinite result).
  a.alu_ri(AluOp.Cmp, k.intSize, r, 1);
  a.jcc_label(Cond.NO, done);
  if (k.saturating) saturateSignedFs(fc, k, x, r, done);
  else checkTrapping(fc, k, x); // passes only for inputs that truly truncate to the minimum
  a.bind(done);
}

function saturateSignedFs(fc: FunctionCompiler, k: TruncKind, x: Xmm, r: Gpr, done: Label): void {
  const a = fc.asm;
  fc.masm.withXmmScratch((zero) => {
    a.xorps_rr(zero, zero);
    a.ucomis_rr(k.fs, x, zero);
  });
  // The moves below keep the flags of this one compare.
  a.mov_ri(k.intSize, r, k.intSize === 32 ? 0x7fffffff : 0x7fffffffffffffffn);
  a.jcc_label(Cond.A, done); // x > 0 (false for NaN: unordered sets ZF and CF)
  a.mov_ri(k.intSize, r, k.intSize === 32 ? 0x80000000 : 0x8000000000000000n);
  a.jcc_label(Cond.NP, done); // x < 0
  a.mov_ri(32, r, 0); // NaN
}

/** u32: a 64-bit conversion is exact for every input that fits; check the high half. */
function truncU32(fc: FunctionCompiler, k: TruncKind, x: Xmm, r: Gpr): void {
  const a = fc.asm;
  const done = a.newLabel();
  a.cvtts2si(k.fs, 64, r, x);
  fc.masm.withScratch((high) => {
    a.mov_rr(64, high, r);
    a.shift_ri(ShiftOp.Shr, 64, high, 32);
  });
  a.jcc_label(Cond.E, done);
  if (k.saturating) {
    fc.masm.withXmmScratch((zero) => {
      a.xorps_rr(zero, zero);
      a.ucomis_rr(k.fs, x, zero);
    });
    a.mov_ri(32, r, 0xffffffff);
    a.jcc_label(Cond.A, done); // too large (NaN is unordered: not above)
    a.mov_ri(32, r, 0); // negative or NaN
  } else {
    checkTrapping(fc, k, x);
  }
  a.bind(done);
}

/** u64: below 2^63 the signed conversion works; above, convert x - 2^63 and add 2^63 back. */
function truncU64(fc: FunctionCompiler, k: TruncKind, x: Xmm, r: Gpr): void {
  const a = fc.asm;
  const done = a.newLabel();
  const big = a.newLabel();
  const two63 = fc.masm.takeXmmScratch();
  fc.masm.loadFloatBits(k.fs, two63, floatBits(k.fs, TWO_63));
  a.ucomis_rr(k.fs, x, two63);
  a.jcc_label(Cond.AE, big); // NaN is unordered (CF=1): it takes the small path
  a.cvtts2si(k.fs, 64, r, x);
  a.test_rr(64, r, r);
  a.jcc_label(Cond.NS, done);
  // A negative result: NaN, or x <= -1 (inputs in (-1, 0) truncate to 0).
  if (k.saturating) {
    a.mov_ri(32, r, 0);
    a.jmp_label(done);
  } else {
    a.ucomis_rr(k.fs, x, x);
    a.jcc_label(Cond.P, fc.trap(TrapCode.BadConversionToInteger));
    a.jmp_label(fc.trap(TrapCode.IntegerOverflow));
  }
  a.bind(big);
  a.fop_rr(FloatOp.Sub, k.fs, x, two63); // exact: x is in [2^63, 2^64) or beyond
  fc.masm.releaseXmmScratch();
  a.cvtts2si(k.fs, 64, r, x);
  a.test_rr(64, r, r);
  if (k.saturating) {
    const inRange = a.newLabel();
    a.jcc_label(Cond.NS, inRange);
    a.mov_ri(64, r, -1);
    a.jmp_label(done);
    a.bind(inRange);
  } else {
    a.jcc_label(Cond.S, fc.trap(TrapCode.IntegerOverflow)); // x >= 2^64 (or +inf)
  }
  fc.masm.withScratch((bit63) => {
    a.mov_ri(64, bit63, 0x8000000000000000n);
    a.alu_rr(AluOp.Or, 64, r, bit63);
  });
  a.bind(done);
}
