// An independent model of how objdump -M intel spells the instructions we emit, used as the
// oracle for the random round-trip test. It deliberately shares no code with the assembler:
// register names, mnemonics and operand spellings are restated here from the manuals.

import type { Mem } from './asm.js';

const N64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const N32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const N16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const N8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];

export function r(n: number, size: 8 | 16 | 32 | 64): string {
  const t = size === 64 ? N64 : size === 32 ? N32 : size === 16 ? N16 : N8;
  const s = t[n];
  if (s === undefined) throw new Error(`no register ${n}`);
  return s;
}

export function x(n: number): string {
  return `xmm${n}`;
}

export const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
export const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
export const SHIFT: Record<number, string> = { 0: 'rol', 1: 'ror', 4: 'shl', 5: 'shr', 7: 'sar' };
export const FOP = ['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt'];
export const FBIT = ['and', 'andn', 'or', 'xor'];

const PTR: Record<number, string> = { 8: 'BYTE PTR ', 16: 'WORD PTR ', 32: 'DWORD PTR ', 64: 'QWORD PTR ' };

function signedHex(v: number): string {
  return v < 0 ? `-0x${(-v).toString(16)}` : `+0x${v.toString(16)}`;
}

/**
 * [base+index*scale+disp]. objdump prints the displacement exactly when one is encoded: a
 * zero displacement is only encoded for rbp/r13 bases (which cannot use the no-displacement
 * form), and then shows as +0x0. An index always shows its scale, even *1.
 */
export function mem(m: Mem, size?: 8 | 16 | 32 | 64): string {
  let s = `[${r(m.base, 64)}`;
  if (m.index !== undefined) s += `+${r(m.index, 64)}*${m.scale ?? 1}`;
  if (m.disp !== 0 || (m.base & 7) === 5) s += signedHex(m.disp);
  s += ']';
  return size === undefined ? s : PTR[size] + s;
}

/** An immediate as objdump shows it: the operand-size two's complement value in hex. */
export function imm(v: number | bigint, bits: 8 | 16 | 32 | 64): string {
  return `0x${BigInt.asUintN(bits, BigInt(v)).toString(16)}`;
}
