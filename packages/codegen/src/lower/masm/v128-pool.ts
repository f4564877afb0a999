// 16-byte constants of one function, placed after its code (data the body never falls into:
// it ends in a return, and the pool is emitted when the function is finished). A constant is
// an operand [rip + rel32] of the SIMD instruction that uses it: a load (movdqu x, [rip+c])
// or folded into the instruction itself (vpaddd x, y, [rip+c]), instead of building it from
// two 64-bit immediates (four instructions), which matters in loops. The entries are 16-byte
// aligned, so legacy SSE forms (which fault on an unaligned 16-byte operand) may use them too.
import type { Assembler, Label, Mem } from '../../x64/assembler.js';
import type { Gpr } from '../../x64/regs.js';

export class V128Pool {
  private readonly entries = new Map<bigint, { label: Label; mem: Mem }>();

  /** The label of constant `bits` (an unsigned 128-bit value), one per distinct value. */
  labelOf(a: Assembler, bits: bigint): Label {
    return this.entry(a, bits).label;
  }

  /** The [rip + rel32] operand of constant `bits` (read only: shared by its uses). */
  memOf(a: Assembler, bits: bigint): Mem {
    return this.entry(a, bits).mem;
  }

  private entry(a: Assembler, bits: bigint): { label: Label; mem: Mem } {
    let e = this.entries.get(bits);
    if (e === undefined) {
      const label = a.newLabel();
      e = { label, mem: { base: 0 as Gpr, disp: 0, rip: label } };
      this.entries.set(bits, e);
    }
    return e;
  }

  /** Emit the constants (16-byte aligned, so each sits in one cache line) and patch their uses. */
  emit(a: Assembler): void {
    if (this.entries.size === 0) return;
    a.comment(`v128 constants (${this.entries.size})`);
    while ((a.buf.offset & 15) !== 0) a.buf.put1(0xcc);
    for (const [bits, e] of this.entries) {
      a.bind(e.label);
      a.buf.put8(BigInt.asUintN(64, bits));
      a.buf.put8(bits >> 64n);
    }
    a.resolveRip();
    this.entries.clear();
  }
}
