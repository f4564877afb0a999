import { expect } from 'chai';
import { f32ToBits, f64ToBits, isCanonicalNaN } from '@wasmjit/runtime/wast';
import { parseFloatLiteral, parseIntLiteral } from './numbers.js';
import { rng } from '../util/rng.js';

const f32 = (s: string) => '0x' + parseFloatLiteral(s, 'f32').toString(16);
const f64 = (s: string) => '0x' + parseFloatLiteral(s, 'f64').toString(16);

/** Exact value of a finite f32 bit pattern as n * 2^e. */
function f32Exact(bits: bigint): { n: bigint; e: number } {
  const sign = bits >> 31n ? -1n : 1n;
  const exp = Number((bits >> 23n) & 0xffn);
  const frac = bits & 0x7fffffn;
  if (exp === 0) return { n: sign * frac, e: -149 };
  return { n: sign * (frac | 0x800000n), e: exp - 150 };
}

/** Decimal "D e K" vs n*2^e: sign of (D*10^K - n*2^e), all exact. */
function cmpDecimal(d: bigint, k: number, x: { n: bigint; e: number }): number {
  // Scale both sides to integers: multiply by 10^max(0,-k) * 2^max(0,-e).
  let lhs = d * (k >= 0 ? 10n ** BigInt(k) : 1n);
  let rhs = x.n * (x.e >= 0 ? 2n ** BigInt(x.e) : 1n);
  if (k < 0) rhs *= 10n ** BigInt(-k);
  if (x.e < 0) lhs *= 2n ** BigInt(-x.e);
  return lhs === rhs ? 0 : lhs > rhs ? 1 : -1;
}

describe('spec runner: numeric literals', () => {
  it('parses integers to unsigned bit patterns with range checks', () => {
    expect(parseIntLiteral('0', 32)).to.equal(0n);
    expect(parseIntLiteral('-1', 32)).to.equal(0xffffffffn);
    expect(parseIntLiteral('0xffff_ffff', 32)).to.equal(0xffffffffn);
    expect(parseIntLiteral('-0x80000000', 32)).to.equal(0x80000000n);
    expect(parseIntLiteral('+2147483647', 32)).to.equal(0x7fffffffn);
    expect(parseIntLiteral('1_000_000', 32)).to.equal(1000000n);
    expect(parseIntLiteral('-9223372036854775808', 64)).to.equal(0x8000000000000000n);
    expect(parseIntLiteral('18446744073709551615', 64)).to.equal(0xffffffffffffffffn);
    expect(() => parseIntLiteral('4294967296', 32)).to.throw();
    expect(() => parseIntLiteral('-2147483649', 32)).to.throw();
    expect(() => parseIntLiteral('1__0', 32)).to.throw();
    expect(() => parseIntLiteral('_1', 32)).to.throw();
  });

  it('parses special float values', () => {
    expect(f32('inf')).to.equal('0x7f800000');
    expect(f32('-inf')).to.equal('0xff800000');
    expect(f32('nan')).to.equal('0x7fc00000');
    expect(f32('-nan')).to.equal('0xffc00000');
    expect(f32('+nan')).to.equal('0x7fc00000');
    expect(f32('nan:0x200000')).to.equal('0x7fa00000');
    expect(f32('-nan:0x7f_ffff')).to.equal('0xffffffff');
    expect(f64('nan:0x4000000000000')).to.equal('0x7ff4000000000000');
    expect(f64('-nan')).to.equal('0xfff8000000000000');
    expect(f32('-0')).to.equal('0x80000000');
    expect(f64('-0x0p+0')).to.equal('0x8000000000000000');
    expect(() => parseFloatLiteral('nan:0x0', 'f32')).to.throw();
    expect(() => parseFloatLiteral('nan:0x800000', 'f32')).to.throw();
    expect(isCanonicalNaN(parseFloatLiteral('-nan', 'f64'), 'f64')).to.equal(true);
  });

  it('parses hex floats with correct rounding', () => {
    expect(f32('0x1.fffffep+127')).to.equal('0x7f7fffff');
    expect(f32('0x1p-149')).to.equal('0x1');
    expect(f32('0x1p-126')).to.equal('0x800000');
    expect(f32('0x1p-150')).to.equal('0x0'); // exact tie with 0: to even
    expect(f32('0x1.8p-149')).to.equal('0x2'); // 1.5 ulp: tie to even
    expect(f32('0x1.0000010000000000001p-149')).to.equal('0x1');
    // Just below the midpoint to infinity stays finite, the midpoint itself rounds up.
    expect(f32('0x1.fffffefffffff8000000p127')).to.equal('0x7f7fffff');
    expect(f32('0x1.ffffffp127')).to.equal('0x7f800000');
    // Ties and near-ties in the mantissa (from const.wast).
    expect(f32('0x1.00000100000000000p-50')).to.equal('0x26800000');
    expect(f32('0x1.00000100000000001p-50')).to.equal('0x26800001');
    expect(f32('0x1.000003p-50')).to.equal('0x26800002');
    expect(f32('0x0.00000100000000000p-126')).to.equal('0x0');
    expect(f32('0x1_0.0p0')).to.equal('0x41800000');
    expect(f64('0x1.fffffffffffffp1023')).to.equal('0x7fefffffffffffff');
    expect(f64('0x1p-1074')).to.equal('0x1');
    expect(f64('0x1.00000000000008p0')).to.equal('0x3ff0000000000000');
    expect(f64('0x1.00000000000018p0')).to.equal('0x3ff0000000000002');
    expect(f64('0x1p+100000000')).to.equal('0x7ff0000000000000');
    expect(f64('0x1p-100000000')).to.equal('0x0');
  });

  it('rounds decimals to f32 in one step (no double rounding through f64)', () => {
    // Midpoint between 1 and 1+2^-23 is exactly 1.000000059604644775390625.
    expect(f32('1.000000059604644775390625')).to.equal('0x3f800000');
    expect(f32('1.000000059604644775390626')).to.equal('0x3f800001');
    // parseFloat + fround gets the second one wrong; make sure the test means something.
    expect(f32ToBits(Math.fround(parseFloat('1.000000059604644775390626')))).to.equal(0x3f800000n);
    expect(f32('1e38')).to.equal('0x7e967699');
    expect(f32('3.4028234e38')).to.equal('0x7f7fffff');
    expect(f32('1e-45')).to.equal('0x1');
    expect(f32('1e-46')).to.equal('0x0');
    expect(f32('666.6')).to.equal('0x4426a666');
    expect(f32('1e1000')).to.equal('0x7f800000');
  });

  it('rounds decimals at and around exact f32 midpoints', () => {
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      // A random positive finite f32 below the largest one, and the midpoint above it.
      const bits = BigInt(Math.floor(r() * 0x7f7fffff));
      const { n, e } = f32Exact(bits);
      // midpoint = (2n+1) * 2^(e-1) = (2n+1) * 5^(1-e) * 10^(e-1)  (e <= 0 here)
      // or an integer when e >= 1.
      let digits: string;
      let k: number;
      if (e >= 1) {
        digits = ((2n * n + 1n) * 2n ** BigInt(e - 1)).toString();
        k = 0;
      } else {
        digits = ((2n * n + 1n) * 5n ** BigInt(1 - e)).toString();
        k = e - 1;
      }
      const even = bits & 1n ? bits + 1n : bits;
      expect(parseFloatLiteral(`${digits}e${k}`, 'f32'), `tie ${bits}`).to.equal(even);
      expect(parseFloatLiteral(`${digits}1e${k - 1}`, 'f32'), `above ${bits}`).to.equal(bits + 1n);
      expect(parseFloatLiteral(`${(BigInt(digits) * 10n - 1n).toString()}e${k - 1}`, 'f32'), `below ${bits}`).to.equal(bits);
    }
  });

  it('matches parseFloat for random decimals as f64', () => {
    const r = rng(1);
    for (let i = 0; i < 3000; i++) {
      const digits = 1 + Math.floor(r() * 25);
      let mant = '';
      for (let j = 0; j < digits; j++) mant += Math.floor(r() * 10);
      const point = Math.floor(r() * (digits + 1));
      const exp = Math.floor(r() * 640) - 330;
      const s = `${mant.slice(0, point) || '0'}.${mant.slice(point)}e${exp}`;
      expect(f64(s), s).to.equal('0x' + f64ToBits(parseFloat(s)).toString(16));
    }
  });

  it('rounds random decimals to the nearest f32 (checked against exact neighbours)', () => {
    const r = rng(2);
    for (let i = 0; i < 3000; i++) {
      const digits = 1 + Math.floor(r() * 20);
      let mant = '';
      for (let j = 0; j < digits; j++) mant += Math.floor(r() * 10);
      const k = Math.floor(r() * 140) - 100 - digits; // 10^-100 .. 10^40: underflow to overflow
      const s = `${mant}e${k}`;
      const got = parseFloatLiteral(s, 'f32');
      const d = BigInt(mant);
      if (got === 0x7f800000n) {
        // Overflow only when at least the midpoint above the largest finite f32.
        expect(cmpDecimal(d, k, { n: 0x1ffffffn, e: 103 }), s).to.be.at.least(0);
        continue;
      }
      // |D*10^k - x|, scaled by 2^160 * 10^max(0,-k) so every term is an integer
      // (f32 exponents are >= -149, so x.e + 160 > 0).
      const kk = 10n ** BigInt(Math.max(0, -k));
      const target = d * (k >= 0 ? 10n ** BigInt(k) : 1n) * 2n ** 160n;
      const distance = (x: { n: bigint; e: number }) => {
        const diff = target - x.n * 2n ** BigInt(x.e + 160) * kk;
        return diff < 0n ? -diff : diff;
      };
      const mine = distance(f32Exact(got));
      for (const nb of [got - 1n, got + 1n]) {
        if (nb < 0n || nb >= 0x7f800000n) continue;
        const other = distance(f32Exact(nb));
        expect(mine <= other, `${s}: ${got.toString(16)} vs neighbour ${nb.toString(16)}`).to.equal(true);
        if (mine === other) expect(got & 1n, `${s}: tie must go to even`).to.equal(0n);
      }
    }
  });
});
