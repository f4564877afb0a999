// The locked read-modify-write instructions, fences and the immediate `test` the wasm
// atomics need (lower/ops/atomics.ts). All take a memory operand of any width 8..64; the
// register operand is in ModRM.reg, so a byte register 4..7 (spl..dil) needs a bare REX.
//
// SDM Vol. 2: LOCK (F0) makes the read-modify-write indivisible (§"LOCK—Assert LOCK# Signal
// Prefix"); XCHG with a memory operand is locked without it. CMPXCHG compares the accumulator
// (al/ax/eax/rax) with memory: equal → memory = src, ZF = 1; else accumulator = memory, ZF = 0.

import type { Assembler } from './assembler.js';
import { emitRM, emitRR, REX_W, rexForByteReg } from './encoding.js';
import type { Mem, MemSize } from './operands.js';
import type { Gpr } from './regs.js';

const LOCK = 0xf0;
const OPSIZE = 0x66;

/** Prefixes and REX of an instruction whose operand size is `size` with `reg` in ModRM.reg. */
function sized(size: MemSize, reg: Gpr, locked: boolean): { prefix: number; rex: number } {
  const lock = locked ? LOCK : 0;
  switch (size) {
    case 8: return { prefix: lock, rex: rexForByteReg(reg) };
    case 16: return { prefix: locked ? (LOCK << 8) | OPSIZE : OPSIZE, rex: 0 };
    case 32: return { prefix: lock, rex: 0 };
    case 64: return { prefix: lock, rex: REX_W };
  }
  throw new Error(`BUG: bad atomic operand size ${size as number}`);
}

/** F0 0F C0 /r (byte), F0 [66|REX.W] 0F C1 /r: lock xadd [m], src — src gets the old value. */
export function lockXadd(a: Assembler, size: MemSize, m: Mem, src: Gpr): void {
  const { prefix, rex } = sized(size, src, true);
  emitRM(a.buf, prefix, rex, size === 8 ? 0x0fc0 : 0x0fc1, src, m);
}

/** 86 /r (byte), [66|REX.W] 87 /r: xchg [m], src (locked by the processor). */
export function xchgMem(a: Assembler, size: MemSize, m: Mem, src: Gpr): void {
  const { prefix, rex } = sized(size, src, false);
  emitRM(a.buf, prefix, rex, size === 8 ? 0x86 : 0x87, src, m);
}

/** F0 0F B0 /r (byte), F0 [66|REX.W] 0F B1 /r: lock cmpxchg [m], src (accumulator implicit). */
export function lockCmpxchg(a: Assembler, size: MemSize, m: Mem, src: Gpr): void {
  const { prefix, rex } = sized(size, src, true);
  emitRM(a.buf, prefix, rex, size === 8 ? 0x0fb0 : 0x0fb1, src, m);
}

/** 0F AE F0: mfence, a full barrier (atomic.fence). */
export function mfence(a: Assembler): void {
  a.buf.put1(0x0f);
  a.buf.put1(0xae);
  a.buf.put1(0xf0);
}

/** F7 /0 id: test r32, imm32 (the alignment check: ZF = 1 when r & imm is 0). */
export function testRegImm32(a: Assembler, r: Gpr, imm: number): void {
  if (!Number.isInteger(imm) || imm < 0 || imm > 0x7fffffff) throw new Error(`BUG: test immediate ${imm}`);
  emitRR(a.buf, 0, 0, 0xf7, 0, r);
  a.buf.put4(imm);
}
