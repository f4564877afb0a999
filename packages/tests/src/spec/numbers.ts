// Exact conversion of wast numeric literals to bit patterns.
//
// Floats are converted through exact BigInt rationals rather than
// parseFloat/Math.fround: decimal -> f64 -> f32 rounds twice and gets ties
// wrong (e.g. 1.000000059604644775390626 must round up to 1+2^-23 as an f32,
// but parseFloat first lands exactly on the midpoint and fround then rounds
// to even, giving 1.0). Hex floats with more digits than fit need the same
// single-rounding treatment.

export type FloatType = 'f32' | 'f64';

interface FloatFormat {
  /** Explicit fraction bits. */
  frac: number;
  /** Exponent bias (also the maximum unbiased exponent). */
  bias: number;
  /** Total width. */
  width: number;
}
const FORMATS: Record<FloatType, FloatFormat> = {
  f32: { frac: 23, bias: 127, width: 32 },
  f64: { frac: 52, bias: 1023, width: 64 },
};

export class LiteralError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiteralError';
  }
}

/** Strip `_` separators, which the text format allows only between digits. */
function digits(s: string, re: RegExp, what: string): string {
  if (!re.test(s)) throw new LiteralError(`malformed ${what}: ${s}`);
  return s.replace(/_/g, '');
}
const DEC = /^[0-9](_?[0-9])*$/;
const HEX = /^[0-9a-fA-F](_?[0-9a-fA-F])*$/;

/** Integer literal (decimal or hex, optional sign) to its unsigned N-bit pattern. */
export function parseIntLiteral(text: string, width: 32 | 64): bigint {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let v: bigint;
  if (s.startsWith('0x')) v = BigInt('0x' + digits(s.slice(2), HEX, 'integer'));
  else v = BigInt(digits(s, DEC, 'integer'));
  const limit = 1n << BigInt(width);
  // Unsigned range for non-negative literals, signed range for negative ones.
  if (neg ? v > limit >> 1n : v >= limit) throw new LiteralError(`integer out of range: ${text}`);
  return neg ? (limit - v) % limit : v;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Round sign * (num / den) * 2^exp2 to the nearest float of the given type,
 * ties to even, and return its bit pattern. num, den > 0 (num may be 0).
 */
export function roundRational(neg: boolean, num: bigint, den: bigint, exp2: number, type: FloatType): bigint {
  const f = FORMATS[type];
  const signBit = neg ? 1n << BigInt(f.width - 1) : 0n;
  const infBits = signBit | (((1n << BigInt(f.width - 1 - f.frac)) - 1n) << BigInt(f.frac));
  if (num === 0n) return signBit;
  const p = f.frac + 1;
  const emin = 1 - f.bias;
  const emax = f.bias;
  // Quick exits keep huge exponents (e.g. 0x1p+100000000) from building giant BigInts.
  const approx = bitLength(num) - bitLength(den) + exp2;
  if (approx > emax + 2) return infBits;
  if (approx < emin - p - 2) return signBit;
  // Fold the power of two into the fraction.
  if (exp2 >= 0) num <<= BigInt(exp2);
  else den <<= BigInt(-exp2);
  // e = floor(log2(num/den)): the estimate is exact or one too high.
  let e = bitLength(num) - bitLength(den);
  const geq = (k: number) => (k >= 0 ? num >= den << BigInt(k) : num << BigInt(-k) >= den);
  if (!geq(e)) e--;
  if (e < emin) e = emin; // subnormal range: the quantum stays at 2^(emin-p+1)
  const q = e - (p - 1);
  let n = num;
  let d = den;
  if (q >= 0) d <<= BigInt(q);
  else n <<= BigInt(-q);
  let m = n / d;
  const r2 = (n - m * d) * 2n;
  if (r2 > d || (r2 === d && (m & 1n) === 1n)) m++;
  if (m === 1n << BigInt(p)) {
    m >>= 1n;
    e++;
  }
  if (e > emax) return infBits;
  const hidden = 1n << BigInt(f.frac);
  if (m < hidden) return signBit | m; // subnormal (or zero after rounding)
  return signBit | (BigInt(e + f.bias) << BigInt(f.frac)) | (m - hidden);
}

/** Float literal (as in `f32.const X`) to its bit pattern. */
export function parseFloatLiteral(text: string, type: FloatType): bigint {
  const f = FORMATS[type];
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const signBit = neg ? 1n << BigInt(f.width - 1) : 0n;
  const expAllOnes = ((1n << BigInt(f.width - 1 - f.frac)) - 1n) << BigInt(f.frac);
  if (s === 'inf') return signBit | expAllOnes;
  if (s === 'nan') return signBit | expAllOnes | (1n << BigInt(f.frac - 1));
  if (s.startsWith('nan:0x')) {
    const payload = BigInt('0x' + digits(s.slice(6), HEX, 'nan payload'));
    if (payload === 0n || payload >= 1n << BigInt(f.frac)) throw new LiteralError(`nan payload out of range: ${text}`);
    return signBit | expAllOnes | payload;
  }
  if (s.startsWith('0x')) {
    const m = /^0x([0-9a-fA-F_]+)(?:\.([0-9a-fA-F_]*))?(?:[pP]([+-]?[0-9_]+))?$/.exec(s);
    if (!m) throw new LiteralError(`malformed float: ${text}`);
    const intPart = digits(m[1], HEX, 'float');
    const fracPart = m[2] ? digits(m[2], HEX, 'float') : '';
    let exp = 0;
    if (m[3] !== undefined) {
      const es = m[3].replace(/^[+-]/, '');
      exp = Number(digits(es, DEC, 'exponent')) * (m[3][0] === '-' ? -1 : 1);
    }
    const mant = BigInt('0x' + intPart + fracPart);
    return roundRational(neg, mant, 1n, exp - 4 * fracPart.length, type);
  }
  const m = /^([0-9_]+)(?:\.([0-9_]*))?(?:[eE]([+-]?[0-9_]+))?$/.exec(s);
  if (!m) throw new LiteralError(`malformed float: ${text}`);
  const intPart = digits(m[1], DEC, 'float');
  const fracPart = m[2] ? digits(m[2], DEC, 'float') : '';
  let exp = 0;
  if (m[3] !== undefined) {
    const es = m[3].replace(/^[+-]/, '');
    exp = Number(digits(es, DEC, 'exponent')) * (m[3][0] === '-' ? -1 : 1);
  }
  const mant = BigInt(intPart + fracPart);
  if (mant === 0n) return signBit;
  const e10 = exp - fracPart.length;
  // Decimal magnitude estimate; anything this far out is 0 or inf in both
  // formats, and bailing early avoids 10^(huge) BigInts.
  const mag = mant.toString().length + e10;
  if (mag > 400) return roundRational(neg, 1n, 1n, 100000, type);
  if (mag < -400) return signBit;
  if (e10 >= 0) return roundRational(neg, mant * 10n ** BigInt(e10), 1n, 0, type);
  return roundRational(neg, mant, 10n ** BigInt(-e10), 0, type);
}
