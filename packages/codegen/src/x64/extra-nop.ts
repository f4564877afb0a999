// Multi-byte NOPs (the recommended 0F 1F /0 forms of the Intel SDM, "Recommended Multi-Byte
// Sequence of NOP Instruction"): one instruction of 1 to 9 bytes. Used where code must keep
// the same layout without doing anything (the measurement-only prologue without a stack check).
import type { Assembler } from './assembler.js';

const NOPS: readonly (readonly number[])[] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x0f, 0x1f, 0x00],
  [0x0f, 0x1f, 0x40, 0x00],
  [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

/** Emits exactly `length` bytes of NOPs, as few instructions as possible (9 bytes each). */
export function nopBytes(a: Assembler, length: number): void {
  if (!Number.isInteger(length) || length < 0) throw new Error(`BUG: nop length ${length}`);
  for (let left = length; left > 0; ) {
    const n = Math.min(left, 9);
    for (const b of NOPS[n]!) a.buf.put1(b);
    left -= n;
  }
}
