// The atomic read-modify-writes that need x86's cmpxchg, whose accumulator (rax) is an
// implicit operand: wasm's rmw.cmpxchg itself, and rmw.and/or/xor, which x86 has no
// value-returning locked form of (lock and/or/xor discard the old value), so they loop on
// cmpxchg. Like div, these take their operands from the value stack themselves, because the
// fixed register decides how the operands are popped; the caller forms the heap operand
// (bounds and alignment checks) through `operand`, keeping out of the registers in `pinned`.
import { type AluOp, type Mem, type MemSize } from '../../x64/assembler.js';
import { lockCmpxchg } from '../../x64/atomics.js';
import { Cond } from '../../x64/cond.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { CMPXCHG_ACCUMULATOR, type Gpr } from './registers.js';

/** Forms the access's operand (popping its address), avoiding the registers in `pinned`. */
export type HeapOperand = (pinned: number) => Mem;
/** Gives the operand's registers back once the access is emitted. */
export type ReleaseOperand = (m: Mem) => void;

/**
 * Pop the replacement, then the expected value; `lock cmpxchg` them with the `bits`-wide
 * memory and return the register holding the value loaded (zero-extended), which the caller
 * owns. A narrow cmpxchg compares the expected value's low bits only: wasm's wrapping of it.
 */
export function compareExchange(fc: FunctionCompiler, bits: MemSize, operand: HeapOperand, release: ReleaseOperand): Gpr {
  const acc = CMPXCHG_ACCUMULATOR;
  const replacement = fc.popToReg(1 << acc) as Gpr;
  fc.popToSpecific(acc, 1 << replacement);
  const mem = operand((1 << acc) | (1 << replacement));
  lockCmpxchg(fc.asm, bits, mem, replacement);
  release(mem);
  // On success the accumulator still holds the whole expected value: keep the loaded width.
  zeroExtendLow(fc, bits, acc);
  fc.ra.free(RegClass.Gpr, replacement);
  return acc;
}

/**
 * Pop the operand; atomically replace the `bits`-wide memory m with m `op` operand by a
 * cmpxchg loop, and return the register holding m's old value (zero-extended), which the
 * caller owns.
 */
export function rmwByCompareExchange(fc: FunctionCompiler, op: AluOp, bits: MemSize, operand: HeapOperand, release: ReleaseOperand): Gpr {
  const a = fc.asm;
  const acc = CMPXCHG_ACCUMULATOR;
  const value = fc.popToReg(1 << acc) as Gpr;
  fc.claim(RegClass.Gpr, acc, 1 << value);
  const next = fc.allocGpr((1 << acc) | (1 << value));
  const mem = operand((1 << acc) | (1 << value) | (1 << next));
  const size = bits === 64 ? 64 : 32;
  // A narrow load zero-extends, and a failed narrow cmpxchg writes only the low bits of the
  // accumulator: its upper bits stay zero throughout.
  if (bits === 8 || bits === 16) a.movzx_rm(bits, acc, mem);
  else a.mov_rm(size, acc, mem);
  const retry = a.newLabel();
  a.bind(retry);
  a.mov_rr(size, next, acc);
  a.alu_rr(op, size, next, value);
  lockCmpxchg(a, bits, mem, next);
  a.jcc_label(Cond.NE, retry);
  release(mem);
  fc.ra.free(RegClass.Gpr, next);
  fc.ra.free(RegClass.Gpr, value);
  return acc;
}

/** r = the low `bits` of r, zero-extended to 64 (nothing to do for 64). */
export function zeroExtendLow(fc: FunctionCompiler, bits: MemSize, r: Gpr): void {
  if (bits === 8 || bits === 16) fc.asm.movzx_rr(bits, r, r);
  else if (bits === 32) fc.asm.mov_rr(32, r, r);
}
