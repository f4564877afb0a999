// Absolute [disp32] addressing (ModRM mod=00 rm=100 with a SIB byte of no index and no base):
// a memory operand at a fixed address below 2 GiB, with no register. In 64-bit mode the
// shorter mod=00 rm=101 form means rip-relative instead, hence the SIB byte. The epoch check
// (lower/interrupt-checks.ts) uses it when the engine's counter happens to lie that low, to
// test it with a single instruction.
import type { Assembler } from './assembler.js';

/** disp32 is sign-extended: the address must be in [0, 2^31). */
export function fitsAbs32(address: number): boolean {
  return Number.isInteger(address) && address >= 0 && address < 0x80000000;
}

/** REX.W 83 /7 ib with [disp32]: `cmp qword ptr [address], imm8`. */
export function cmpAbs32Imm8(a: Assembler, address: number, imm: number): void {
  if (!fitsAbs32(address)) throw new Error(`BUG: absolute address 0x${address.toString(16)} needs more than a disp32`);
  if (!Number.isInteger(imm) || imm < -128 || imm > 127) throw new Error(`BUG: imm8 ${imm}`);
  const b = a.buf;
  b.put1(0x48); // REX.W
  b.put1(0x83);
  b.put1(0x3c); // ModRM: mod=00, reg=/7 (cmp), rm=100 (SIB follows)
  b.put1(0x25); // SIB: scale=1, index=100 (none), base=101 (disp32, no base)
  b.put4(address);
  b.put1(imm & 0xff);
}
