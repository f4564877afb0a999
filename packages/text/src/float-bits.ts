// Correctly rounded conversion of an exact rational number to IEEE 754 bits (round to nearest,
// ties to even), with BigInt arithmetic so that no literal suffers double rounding: decimal
// f32 literals, and hex literals of either width, go through here.

export interface FloatFormat {
  /** Stored fraction bits: 23 for f32, 52 for f64. */
  mantissa: number;
  /** Exponent bits: 8 for f32, 11 for f64. */
  exponent: number;
}
export const F32: FloatFormat = { mantissa: 23, exponent: 8 };
export const F64: FloatFormat = { mantissa: 52, exponent: 11 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Bits of `sign · num/den` (num ≥ 0, den > 0), or undefined if it rounds to infinity
 * (a literal out of the format's range).
 */
export function rationalToBits(negative: boolean, num: bigint, den: bigint, f: FloatFormat): bigint | undefined {
  const m = f.mantissa;
  const bias = (1 << (f.exponent - 1)) - 1;
  const signBit = negative ? 1n << BigInt(m + f.exponent) : 0n;
  if (num === 0n) return signBit;
  // e = floor(log2(num/den))
  let e = bitLength(num) - bitLength(den);
  if (e >= 0 ? num < den << BigInt(e) : num << BigInt(-e) < den) e--;
  const emin = 1 - bias;
  if (e < emin) e = emin; // subnormal: fixed exponent, fewer significant bits
  const shift = e - m; // q = round(value / 2^shift) has m+1 bits for normals
  let n = num;
  let d = den;
  if (shift >= 0) d <<= BigInt(shift);
  else n <<= BigInt(-shift);
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  const hidden = 1n << BigInt(m);
  if (q === hidden << 1n) {
    q = hidden;
    e++;
  }
  if (q < hidden) return signBit | q; // subnormal (biased exponent 0)
  const biased = e + bias;
  if (biased >= (1 << f.exponent) - 1) return undefined;
  return signBit | (BigInt(biased) << BigInt(m)) | (q - hidden);
}
