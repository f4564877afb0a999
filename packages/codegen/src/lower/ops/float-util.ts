// Shared pieces of the f32/f64 lowering (float.ts, float-sign.ts, conversions.ts): sizes,
// bit patterns of float constants, and operand fetching.
import type { FloatSize, Mem } from '../../x64/assembler.js';
import type { Xmm } from '../masm/registers.js';
import { ValType } from '../../wasm/types.js';
import { Kind } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';

export function floatType(fs: FloatSize): ValType {
  return fs === 32 ? ValType.F32 : ValType.F64;
}

/** The sign bit of an fs-wide float, as an unsigned bit pattern. */
export function signBit(fs: FloatSize): bigint {
  return fs === 32 ? 0x80000000n : 0x8000000000000000n;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Bit pattern of `v` rounded to the float format (only for values exact in that format). */
export function floatBits(fs: FloatSize, v: number): bigint {
  if (fs === 32) {
    scratch.setFloat32(0, v);
    if (scratch.getFloat32(0) !== v) throw new Error(`BUG: ${v} is not an exact f32`);
    return BigInt(scratch.getUint32(0));
  }
  scratch.setFloat64(0, v);
  return scratch.getBigUint64(0);
}

/** The value of an f32/f64 bit pattern (NaN payloads are lost: callers test isNaN first). */
export function bitsToNumber(fs: FloatSize, bits: bigint): number {
  if (fs === 32) {
    scratch.setUint32(0, Number(bits));
    return scratch.getFloat32(0);
  }
  scratch.setBigUint64(0, bits);
  return scratch.getFloat64(0);
}

/** The bit pattern a float constant entry holds (f32: u32 number, f64: u64 bigint). */
export function constBits(fs: FloatSize, value: number | bigint): bigint {
  return fs === 32 ? BigInt((value as number) >>> 0) : BigInt.asUintN(64, value as bigint);
}

/** The `value` field of a float constant entry with bit pattern `bits`. */
export function constValue(fs: FloatSize, bits: bigint): number | bigint {
  return fs === 32 ? Number(BigInt.asUintN(32, bits)) : BigInt.asUintN(64, bits);
}

/**
 * A popped float operand: either a frame slot the instruction can read directly, or a
 * register. The caller gives it back with freeOperand: an `owned` register to the allocator,
 * the float scratch register (used for constants) to the macro assembler.
 */
export type FloatOperand = { mem: Mem } | { reg: Xmm; owned: boolean; home?: true };

/** Which forms popFloatOperand may hand back besides an allocated register. */
export interface FloatOperandForms {
  /** A frame slot the instruction reads directly (for an r/m operand). */
  slot: boolean;
  /** A constant loaded into the scratch register (not to be freed or kept). */
  scratch: boolean;
  /** A local's register home, read only. */
  home?: boolean;
}

/**
 * Pop the top float: a slot or the scratch register when `forms` allow them, otherwise an
 * allocated register (avoiding `pinned`).
 */
export function popFloatOperand(fc: FunctionCompiler, forms: FloatOperandForms, pinned = 0): FloatOperand {
  const v = fc.peek();
  if (forms.slot) {
    const m = fc.memOf(v, fc.stack.length - 1);
    if (m) {
      fc.pop();
      return { mem: m };
    }
  }
  if (forms.home && v.kind === Kind.Local && fc.homeOf(v.local) >= 0) {
    fc.pop();
    return { reg: fc.homeOf(v.local) as Xmm, owned: false, home: true };
  }
  if (forms.scratch && v.kind === Kind.Const) {
    fc.pop();
    const x = fc.masm.takeXmmScratch();
    fc.loadInto(v, x);
    return { reg: x, owned: false };
  }
  return { reg: fc.popToReg(pinned) as Xmm, owned: true };
}

export function freeOperand(fc: FunctionCompiler, o: FloatOperand): void {
  if (!('reg' in o) || o.home) return;
  if (o.owned) fc.ra.free(RegClass.Xmm, o.reg);
  else fc.masm.releaseXmmScratch();
}

export function pinOf(o: FloatOperand): number {
  return 'reg' in o && o.owned ? 1 << o.reg : 0;
}
