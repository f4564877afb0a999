// f32x4/f64x2 arithmetic. min/max follow IEEE/wasm semantics (NaN in → canonical NaN out,
// -0 < +0), which minps/maxps alone do not give: V8's sequence computes both operand
// orders and merges them (written anew). pmin/pmax are exactly minps/maxps with swapped
// operands. abs/neg build their sign masks from all-ones with a shift.
import { SIMD } from '../../x64/simd-ops.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { binary, bit, freeXmm, popTwo, pushV128, tempXmm, unary } from './simd-values.js';

export function absNeg(fc: FunctionCompiler, f64: boolean, neg: boolean): void {
  const s = fc.simd;
  unary(fc, (d, a) => {
    const m = tempXmm(fc, bit(a));
    s.ones(m);
    if (neg) s.shiftImm(f64 ? SIMD.psllq_imm : SIMD.pslld_imm, m, m, f64 ? 63 : 31);
    else s.shiftImm(f64 ? SIMD.psrlq_imm : SIMD.psrld_imm, m, m, 1);
    s.bin(neg ? SIMD.xorps : SIMD.andps, d, a, m);
    freeXmm(fc, m);
  });
}

/** pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a: minps/maxps with b as destination. */
export function pminPmax(fc: FunctionCompiler, f64: boolean, max: boolean): void {
  const op = max ? (f64 ? SIMD.maxpd : SIMD.maxps) : (f64 ? SIMD.minpd : SIMD.minps);
  const [a, b] = popTwo(fc);
  fc.simd.bin(op, b, b, a);
  freeXmm(fc, a);
  pushV128(fc, b);
}

export function minMax(fc: FunctionCompiler, f64: boolean, max: boolean): void {
  const s = fc.simd;
  const P = f64
    ? { min: SIMD.minpd, max: SIMD.maxpd, or: SIMD.orpd, xor: SIMD.xorpd, sub: SIMD.subpd, cmp: SIMD.cmppd, andn: SIMD.andnpd, shr: SIMD.psrlq_imm, bits: 13 }
    : { min: SIMD.minps, max: SIMD.maxps, or: SIMD.orps, xor: SIMD.xorps, sub: SIMD.subps, cmp: SIMD.cmpps, andn: SIMD.andnps, shr: SIMD.psrld_imm, bits: 10 };
  binary(fc, (d, a, b) => {
    const t = tempXmm(fc, bit(a) | bit(b));
    // t = op(b, a) and d = op(a, b): each returns its second operand for NaNs and ±0 pairs.
    s.bin(max ? P.max : P.min, t, b, a);
    s.bin(max ? P.max : P.min, d, a, b);
    if (max) {
      s.bin(P.xor, d, d, t); // where the orders disagree
      s.bin(P.or, t, t, d); // NaNs propagate
      s.bin(P.sub, t, t, d); // -0 vs +0 gives +0; NaNs stay NaN
    } else {
      s.bin(P.or, t, t, d); // -0 wins, NaNs propagate
    }
    // NaN lanes: quiet and clear the payload (canonical NaN).
    s.bin(P.cmp, d, t, t, 3); // unordered
    if (!max) s.bin(P.or, t, t, d);
    s.shiftImm(P.shr, d, d, P.bits);
    s.bin(P.andn, d, d, t);
    freeXmm(fc, t);
  });
}

export { binary };
