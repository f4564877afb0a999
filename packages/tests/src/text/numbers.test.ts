import { expect } from 'chai';
import { parseF32, parseF64, parseInt, parseU32 } from '@wasmjit/text';
import { parseFloatLiteral } from '../spec/numbers.js';
import { rng } from '../util/rng.js';

const hex = (v: bigint | number | undefined) => (v === undefined ? undefined : '0x' + v.toString(16));

function f64Bits(x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return dv.getBigUint64(0, true);
}

describe('text: number literals', () => {
  it('parses integers with sign, hex and separators, range-checked per width', () => {
    expect(parseInt('0', 32)).to.equal(0n);
    expect(parseInt('-1', 32)).to.equal(0xffffffffn);
    expect(parseInt('4294967295', 32)).to.equal(0xffffffffn);
    expect(parseInt('-2147483648', 32)).to.equal(0x80000000n);
    expect(parseInt('4294967296', 32)).to.equal(undefined);
    expect(parseInt('-2147483649', 32)).to.equal(undefined);
    expect(parseInt('0x1_0000', 32)).to.equal(0x10000n);
    expect(parseInt('+0x7fff_ffff_ffff_ffff', 64)).to.equal(0x7fffffffffffffffn);
    expect(parseInt('-0x8000000000000000', 64)).to.equal(0x8000000000000000n);
    expect(parseInt('1__0', 32)).to.equal(undefined);
    expect(parseInt('_1', 32)).to.equal(undefined);
    expect(parseInt('1_', 32)).to.equal(undefined);
    expect(parseInt('0x', 32)).to.equal(undefined);
    expect(parseU32('-1')).to.equal(undefined);
    expect(parseU32('+1')).to.equal(undefined);
  });

  it('parses decimal and hex floats, inf and NaN payloads', () => {
    expect(hex(parseF32('1.5'))).to.equal('0x3fc00000');
    expect(hex(parseF32('-0'))).to.equal('0x80000000');
    expect(hex(parseF32('0x1p-149'))).to.equal('0x1');
    expect(hex(parseF32('0x1.fffffep127'))).to.equal('0x7f7fffff');
    expect(hex(parseF32('inf'))).to.equal('0x7f800000');
    expect(hex(parseF32('-nan'))).to.equal('0xffc00000');
    expect(hex(parseF32('nan:0x1'))).to.equal('0x7f800001');
    expect(hex(parseF64('nan:0xf_ffff_ffff_ffff'))).to.equal('0x7fffffffffffffff');
    expect(hex(parseF64('1.e1'))).to.equal('0x4024000000000000');
    expect(hex(parseF64('0x1.8p1'))).to.equal('0x4008000000000000');
    expect(hex(parseF64('1_000.000_1'))).to.equal(hex(f64Bits(1000.0001)));
    expect(parseF32('nan:0x0')).to.equal(undefined);
    expect(parseF32('nan:0x800000')).to.equal(undefined);
    expect(parseF32('.5')).to.equal(undefined);
    expect(parseF32('1e')).to.equal(undefined);
  });

  it('rounds to nearest even without double rounding, and rejects overflow', () => {
    // 1 + 2^-24 + 2^-60 is above the f32 halfway point 1 + 2^-24; a decimal → f64 → f32 path
    // would first round it to the halfway point and then tie to 1.
    expect(hex(parseF32('0x1.000001000000001p0'))).to.equal('0x3f800001');
    expect(hex(parseF32('0x1.000001p0'))).to.equal('0x3f800000'); // exact tie → even
    expect(hex(parseF32('0x1.000003p0'))).to.equal('0x3f800002'); // tie → even, upwards
    expect(hex(parseF32('1.000000059604644775390626'))).to.equal('0x3f800001'); // just above the tie
    expect(hex(parseF32('1.000000059604644775390625'))).to.equal('0x3f800000'); // the tie itself
    expect(hex(parseF32('0x1.fffffefp127'))).to.equal('0x7f7fffff'); // rounds down below the tie
    expect(parseF32('0x1.ffffffp127')).to.equal(undefined); // rounds up to infinity
    expect(parseF32('1e39')).to.equal(undefined);
    expect(hex(parseF32('1e-50'))).to.equal('0x0');
    expect(hex(parseF64('0x1p-1075'))).to.equal('0x0'); // tie between 0 and the least subnormal → 0
    expect(hex(parseF64('0x1.8p-1075'))).to.equal('0x1');
  });

  it('agrees with V8 on random decimal f64 literals and with the runner on f32', () => {
    const rand = rng(19);
    const u32 = () => Math.floor(rand() * 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const digits = String(u32()) + String(u32()).padStart(10, '0');
      const cut = 1 + (u32() % (digits.length - 1));
      const exp = (u32() % 700) - 350;
      const text = `${digits.slice(0, cut)}.${digits.slice(cut)}e${exp}`;
      const v = Number(text);
      if (Number.isFinite(v)) expect(hex(parseF64(text)), text).to.equal(hex(f64Bits(v)));
      else expect(parseF64(text), text).to.equal(undefined);
      const e32 = (u32() % 90) - 45;
      const t32 = `${digits.slice(0, cut)}.${digits.slice(cut)}e${e32}`;
      let want: bigint | undefined;
      try {
        want = parseFloatLiteral(t32, 'f32');
      } catch {
        want = undefined;
      }
      // The runner's reader rounds overflow to infinity; as a literal that is out of range.
      if (want === 0x7f800000n) want = undefined;
      expect(hex(parseF32(t32)), t32).to.equal(hex(want));
    }
  });

  it('agrees with the runner on random hex float literals of both widths', () => {
    const rand = rng(1919);
    const hexDigits = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
    for (let i = 0; i < 3000; i++) {
      const text = `0x${hexDigits(1 + Math.floor(rand() * 3))}.${hexDigits(Math.floor(rand() * 16))}p${Math.floor(rand() * 2200) - 1100}`;
      for (const type of ['f32', 'f64'] as const) {
        let want: bigint | undefined;
        try {
          want = parseFloatLiteral(text, type);
        } catch {
          want = undefined;
        }
        if (want === (type === 'f32' ? 0x7f800000n : 0x7ff0000000000000n)) want = undefined; // out of range
        const got = type === 'f32' ? parseF32(text) : parseF64(text);
        expect(hex(got), `${type} ${text}`).to.equal(hex(want));
      }
    }
  });
});
