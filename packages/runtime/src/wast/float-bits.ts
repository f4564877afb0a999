// Raw bit patterns of f32/f64 values and their NaN classes, for comparing results bit for bit
// (NaN payloads and -0 must survive, so numbers are compared as bits, never as JS numbers).

export type FloatType = 'f32' | 'f64';

const FRACTION_BITS: Record<FloatType, number> = { f32: 23, f64: 52 };
const WIDTH: Record<FloatType, number> = { f32: 32, f64: 64 };

const view = new DataView(new ArrayBuffer(8));

export function f64ToBits(x: number): bigint {
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true);
}
export function bitsToF64(b: bigint): number {
  view.setBigUint64(0, BigInt.asUintN(64, b), true);
  return view.getFloat64(0, true);
}
export function f32ToBits(x: number): bigint {
  view.setFloat32(0, x, true);
  return BigInt(view.getUint32(0, true));
}
export function bitsToF32(b: bigint): number {
  view.setUint32(0, Number(BigInt.asUintN(32, b)), true);
  return view.getFloat32(0, true);
}

function exponentMask(type: FloatType): bigint {
  const frac = FRACTION_BITS[type];
  return ((1n << BigInt(WIDTH[type] - 1 - frac)) - 1n) << BigInt(frac);
}

export function isNaNBits(bits: bigint, type: FloatType): boolean {
  const exp = exponentMask(type);
  return (bits & exp) === exp && (bits & ((1n << BigInt(FRACTION_BITS[type])) - 1n)) !== 0n;
}
/** The quiet bit (top fraction bit) of the format. */
export function quietBit(type: FloatType): bigint {
  return 1n << BigInt(FRACTION_BITS[type] - 1);
}
/** Canonical NaN: only the quiet bit set in the payload, either sign. */
export function isCanonicalNaN(bits: bigint, type: FloatType): boolean {
  const magnitude = bits & ((1n << BigInt(WIDTH[type] - 1)) - 1n);
  return magnitude === (exponentMask(type) | quietBit(type));
}
/** Arithmetic NaN: any NaN with the quiet bit set. */
export function isArithmeticNaN(bits: bigint, type: FloatType): boolean {
  return isNaNBits(bits, type) && (bits & quietBit(type)) !== 0n;
}
export function isSignallingNaN(bits: bigint, type: FloatType): boolean {
  return isNaNBits(bits, type) && (bits & quietBit(type)) === 0n;
}
