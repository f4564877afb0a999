// Inputs for the SIMD differential tests: v128 values as two u64 halves, built lane by lane
// from values that exercise the edge cases of each lane shape (saturation bounds, sign bits,
// NaNs of both signs and kinds, ±0, infinities, values just past the int32/uint32 range).

/** A deterministic 32-bit generator (xorshift32), so failures reproduce. */
export class Rng {
  constructor(private s = 0x9e3779b9) {}
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.u32() % xs.length]!;
  }
}

const F32_SPECIAL = [
  0, 0x80000000, 0x3f800000, 0xbf800000, 0x7fc00000, 0xffc00000, 0x7fa00000, 0x7f800000, 0xff800000,
  0x3fc00000, 0xc0200000, 0x4f000000, 0x4f800000, 0xcf000001, 0x4effffff, 0x00000001, 0x7f7fffff, 0x3f000000, 0xbf000000,
  0x40400000, 0x4b000001, 0xdf000000, 0x5f800000,
].map((x) => BigInt(x >>> 0));
const F64_SPECIAL = [
  0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n,
  0x7ff4000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x41dfffffffc00000n, 0x41e0000000000000n,
  0xc1e0000000200000n, 0x41efffffffe00000n, 0x41f0000000000000n, 0x3fe0000000000000n, 0xbfe0000000000000n,
  0x4004000000000000n, 0x0000000000000001n, 0x7fefffffffffffffn, 0xc3e0000000000000n,
];

function intSpecial(bits: number): bigint[] {
  const b = BigInt(bits);
  const max = (1n << (b - 1n)) - 1n;
  const all = (1n << b) - 1n;
  return [0n, 1n, all, max, max + 1n, max - 1n, 2n, all - 1n, 0x55n & all, 0xaan & all];
}

export type LaneShape = 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64';

/** The lane shape an operator's operands are in (its name's prefix; v128.* are bytes). */
export function laneShapeOf(name: string): LaneShape {
  const m = /^([if])(8|16|32|64)x/.exec(name);
  if (!m) return 'i8';
  return `${m[1]}${m[2]}` as LaneShape;
}

function laneValue(rng: Rng, shape: LaneShape): bigint {
  const bits = Number(shape.slice(1));
  const random = (): bigint => {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(rng.u32());
    return BigInt.asUintN(bits, v);
  };
  const r = rng.u32() % 4;
  if (r === 0) return random();
  if (shape === 'f32') return rng.pick(F32_SPECIAL);
  if (shape === 'f64') return rng.pick(F64_SPECIAL);
  if (r === 1) return BigInt.asUintN(bits, BigInt(rng.u32() % 9) - 4n);
  return rng.pick(intSpecial(bits));
}

/** A random v128 of `shape` lanes, as [low u64, high u64] (signed, as JS BigInt64 args). */
export function randomV128(rng: Rng, shape: LaneShape): [bigint, bigint] {
  const bits = Number(shape.slice(1));
  let v = 0n;
  for (let i = 0; i < 128 / bits; i++) v |= laneValue(rng, shape) << BigInt(i * bits);
  return [BigInt.asIntN(64, v), BigInt.asIntN(64, v >> 64n)];
}
