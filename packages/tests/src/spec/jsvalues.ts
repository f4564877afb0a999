// Conversions between runner Values and JS API values (numbers, BigInts,
// references), shared by adapters whose boundary is the JS API.

import { bitsToF32, bitsToF64, f32ToBits, f64ToBits } from './numbers.js';
import type { Value, ValType } from './values.js';

export function toJS(v: Value): unknown {
  switch (v.type) {
    case 'i32':
      return Number(BigInt.asIntN(32, v.bits));
    case 'i64':
      return BigInt.asIntN(64, v.bits);
    case 'f32':
      return bitsToF32(v.bits);
    case 'f64':
      return bitsToF64(v.bits);
    case 'v128':
      throw new TypeError('a v128 value cannot cross the JS API');
    default:
      return v.ref;
  }
}

export function fromJS(x: unknown, type: ValType | undefined): Value {
  switch (type) {
    case 'i32':
      return { type, bits: BigInt((x as number) >>> 0) };
    case 'i64':
      return { type, bits: BigInt.asUintN(64, x as bigint) };
    case 'f32':
      return { type, bits: f32ToBits(x as number) };
    case 'f64':
      return { type, bits: f64ToBits(x as number) };
    case 'funcref':
    case 'externref':
      return { type, ref: x };
    default:
      // Untyped (bare invoke): best effort, the runner does not inspect it.
      if (typeof x === 'bigint') return { type: 'i64', bits: BigInt.asUintN(64, x) };
      if (typeof x === 'number') return { type: 'f64', bits: f64ToBits(x) };
      return { type: 'externref', ref: x };
  }
}
