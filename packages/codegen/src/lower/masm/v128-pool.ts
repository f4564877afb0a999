// 16-byte constants of one function, placed after its code (data the body never falls into:
// it ends in a return, and the pool is emitted when the function is finished). A constant is
// read with lea scratch, [rip + label]; movdqu x, [scratch]: two instructions instead of
// building it from two 64-bit immediates (four), which matters in loops.
import type { Assembler, Label } from '../../x64/assembler.js';

export class V128Pool {
  private readonly labels = new Map<bigint, Label>();

  /** The label of constant `bits` (an unsigned 128-bit value), one per distinct value. */
  labelOf(a: Assembler, bits: bigint): Label {
    let l = this.labels.get(bits);
    if (l === undefined) this.labels.set(bits, (l = a.newLabel()));
    return l;
  }

  /** Emit the constants (16-byte aligned, so each sits in one cache line). */
  emit(a: Assembler): void {
    if (this.labels.size === 0) return;
    a.comment(`v128 constants (${this.labels.size})`);
    while ((a.buf.offset & 15) !== 0) a.buf.put1(0xcc);
    for (const [bits, l] of this.labels) {
      a.bind(l);
      a.buf.put8(BigInt.asUintN(64, bits));
      a.buf.put8(bits >> 64n);
    }
    this.labels.clear();
  }
}
