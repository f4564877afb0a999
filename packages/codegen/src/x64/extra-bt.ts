// `bt r64, imm8`: copy one bit of a register into CF, leaving the register as it is. The
// epoch slow path (lower/interrupt-checks.ts) uses it to test the poll bias in W + B without
// a second scratch register.
import type { Assembler } from './assembler.js';
import type { Gpr } from './regs.js';

/** REX.W 0F BA /4 ib: `bt reg, bit`; CF = bit `bit` of reg. */
export function btRegImm8(a: Assembler, reg: Gpr, bit: number): void {
  if (!Number.isInteger(bit) || bit < 0 || bit > 63) throw new Error(`BUG: bt bit ${bit}`);
  const b = a.buf;
  b.put1(0x48 | (reg >= 8 ? 1 : 0)); // REX.W, REX.B for r8..r15
  b.put1(0x0f);
  b.put1(0xba);
  b.put1(0xc0 | (4 << 3) | (reg & 7)); // ModRM: mod=11 (register), reg=/4 (bt), rm=reg
  b.put1(bit);
}
