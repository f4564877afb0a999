// Validation and normalisation of immediate operands. x86 immediates are at most 32 bits
// (except movabs) and, for 64-bit operations, are sign-extended (SDM Vol. 2A §2.2.1.5). A
// value that would silently change meaning when truncated is a code-generator bug.

import type { IntSize, MemSize } from './operands.js';

/**
 * The 32-bit field for an immediate of an operation of `size` bits, as a signed int32.
 * 32-bit operations accept either reading of the 32 bits (-2^31 .. 2^32-1); 64-bit
 * operations sign-extend the field, so only -2^31 .. 2^31-1 keeps its value.
 */
export function imm32(size: IntSize, imm: number, what: string): number {
  if (!Number.isInteger(imm)) throw new Error(`BUG: ${what}: immediate ${imm} is not an integer`);
  if (size === 64) {
    if (imm < -0x80000000 || imm > 0x7fffffff) {
      throw new Error(`BUG: ${what}: immediate ${imm} does not fit a sign-extended imm32`);
    }
    return imm;
  }
  if (imm < -0x80000000 || imm > 0xffffffff) {
    throw new Error(`BUG: ${what}: immediate ${imm} does not fit 32 bits`);
  }
  return imm | 0;
}

/** Immediate for a store of `size` bits: either reading of the field's bits, except that the
 * 64-bit store sign-extends an imm32. Returns the value to pass to put1/put2/put4. */
export function storeImm(size: MemSize, imm: number): number {
  if (!Number.isInteger(imm)) throw new Error(`BUG: store immediate ${imm} is not an integer`);
  switch (size) {
    case 8:
      if (imm < -0x80 || imm > 0xff) break;
      return imm;
    case 16:
      if (imm < -0x8000 || imm > 0xffff) break;
      return imm;
    case 32:
    case 64:
      return imm32(size, imm, 'store');
  }
  throw new Error(`BUG: store immediate ${imm} does not fit ${size} bits`);
}

/** An 8-bit immediate read as unsigned (for imm8 operands that are not sign-extended values). */
export function uimm8(imm: number, what: string): number {
  if (!(Number.isInteger(imm) && imm >= 0 && imm <= 0xff)) throw new Error(`BUG: ${what}: bad imm8 ${imm}`);
  return imm;
}

const I64_MIN = -(1n << 63n);
const U64_END = 1n << 64n;

/** A mov-immediate value as the unsigned 64-bit integer it denotes. */
export function toU64(imm: number | bigint): bigint {
  if (typeof imm === 'number') {
    if (!Number.isSafeInteger(imm)) throw new Error(`BUG: mov immediate ${imm} is not a safe integer; pass a bigint`);
    imm = BigInt(imm);
  }
  if (imm < I64_MIN || imm >= U64_END) throw new Error(`BUG: mov immediate ${imm} does not fit 64 bits`);
  // Already unsigned (what the lowering passes): no new BigInt.
  return imm >= 0n ? imm : BigInt.asUintN(64, imm);
}
