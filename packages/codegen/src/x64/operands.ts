// Operand descriptions shared by the assembler and its callers.

import type { Gpr } from './regs.js';
import type { Label } from './label.js';

/** Operand size of integer ALU instructions (32 = the default size, 64 = REX.W). */
export type IntSize = 32 | 64;
/** Width of a memory access in bits. */
export type MemSize = 8 | 16 | 32 | 64;
/** Scalar float width: 32 = single (ss), 64 = double (sd). */
export type FloatSize = 32 | 64;

/**
 * A memory operand [base + index*scale + disp]. disp is a signed 32-bit value. index may be
 * any register but rsp (unencodable, SDM Vol. 2A Table 2-3). Base-less forms are not offered.
 *
 * One RIP-relative form exists, for the SIMD emitters only (x64/simd.ts): with `rip` set the
 * operand is [rip + rel32] to that label (a function's v128 constant pool), base, index and
 * disp are ignored, and the emitter records the rel32 for Assembler.resolveRip. Other
 * emitters refuse it (memRexBits), since they do not record the fixup.
 */
export interface Mem {
  base: Gpr;
  index?: Gpr;
  scale?: 1 | 2 | 4 | 8;
  disp: number;
  rip?: Label;
}

/** The two-operand integer ALU group; the value is the /digit of the 0x80/0x81/0x83 group and
 * also bits 5:3 of the register forms' opcodes (00 add, 08 or, ..., 38 cmp). */
export const enum AluOp { Add = 0, Or = 1, Adc = 2, Sbb = 3, And = 4, Sub = 5, Xor = 6, Cmp = 7 }

/** The /digit of the shift group (C1, D1, D3). */
export const enum ShiftOp { Rol = 0, Ror = 1, Shl = 4, Shr = 5, Sar = 7 }

/** Scalar SSE arithmetic (addss/addsd, ...). */
export const enum FloatOp { Add, Sub, Mul, Div, Min, Max, Sqrt }

/** Packed bitwise SSE ops used for float sign/abs tricks (andps/andpd, andnps/andnpd, ...). */
export const enum FloatBitOp { And, AndNot, Or, Xor }
