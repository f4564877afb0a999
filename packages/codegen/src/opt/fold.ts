// Constant folding and algebraic simplification, applied as the SSA builder creates each
// value (so the later passes never see `2 + 3` or `x + 0`). Folding follows wasm's integer
// semantics exactly: every result is reduced to its width, shift counts are taken modulo it.
import { BinOp, CmpOp, type Width } from './ir.js';

const MASK = { 32: (1n << 32n) - 1n, 64: (1n << 64n) - 1n } as const;

/** The unsigned `width`-bit form of `x`. */
export function norm(x: bigint, width: Width): bigint {
  return x & MASK[width];
}

function signed(x: bigint, width: Width): bigint {
  return BigInt.asIntN(width, x);
}

/** a op b on unsigned `width`-bit constants; null when folding is not wanted. */
export function foldBin(op: BinOp, width: Width, a: bigint, b: bigint): bigint {
  const w = BigInt(width);
  const k = b & (w - 1n);
  switch (op) {
    case BinOp.Add: return norm(a + b, width);
    case BinOp.Sub: return norm(a - b, width);
    case BinOp.Mul: return norm(a * b, width);
    case BinOp.And: return a & b;
    case BinOp.Or: return a | b;
    case BinOp.Xor: return a ^ b;
    case BinOp.Shl: return norm(a << k, width);
    case BinOp.ShrS: return norm(signed(a, width) >> k, width);
    case BinOp.ShrU: return a >> k;
    case BinOp.Rotl: return norm((a << k) | (a >> ((w - k) % w)), width);
    case BinOp.Rotr: return norm((a >> k) | (a << ((w - k) % w)), width);
  }
}

export function foldCmp(op: CmpOp, width: Width, a: bigint, b: bigint): boolean {
  const sa = signed(a, width);
  const sb = signed(b, width);
  switch (op) {
    case CmpOp.Eq: return a === b;
    case CmpOp.Ne: return a !== b;
    case CmpOp.LtS: return sa < sb;
    case CmpOp.LtU: return a < b;
    case CmpOp.GtS: return sa > sb;
    case CmpOp.GtU: return a > b;
    case CmpOp.LeS: return sa <= sb;
    case CmpOp.LeU: return a <= b;
    case CmpOp.GeS: return sa >= sb;
    case CmpOp.GeU: return a >= b;
  }
}

/**
 * x op c for a constant right operand c: 'x' when the operation leaves x unchanged
 * (x + 0, x * 1, x & all-ones, shifts by a multiple of the width...), else null.
 */
export function identityWithConst(op: BinOp, width: Width, c: bigint): 'x' | null {
  const k = c & BigInt(width - 1);
  switch (op) {
    case BinOp.Add: case BinOp.Sub: case BinOp.Or: case BinOp.Xor: return c === 0n ? 'x' : null;
    case BinOp.Mul: return c === 1n ? 'x' : null;
    case BinOp.And: return c === MASK[width] ? 'x' : null;
    default: return k === 0n ? 'x' : null;
  }
}

/** Operations whose operands may be swapped. */
export function commutative(op: BinOp): boolean {
  return op === BinOp.Add || op === BinOp.Mul || op === BinOp.And || op === BinOp.Or || op === BinOp.Xor;
}

/** The comparison with its operands swapped (a < b  ≡  b > a). */
export function swapCmp(op: CmpOp): CmpOp {
  switch (op) {
    case CmpOp.LtS: return CmpOp.GtS;
    case CmpOp.LtU: return CmpOp.GtU;
    case CmpOp.GtS: return CmpOp.LtS;
    case CmpOp.GtU: return CmpOp.LtU;
    case CmpOp.LeS: return CmpOp.GeS;
    case CmpOp.LeU: return CmpOp.GeU;
    case CmpOp.GeS: return CmpOp.LeS;
    case CmpOp.GeU: return CmpOp.LeU;
    default: return op;
  }
}
