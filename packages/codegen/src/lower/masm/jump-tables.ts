// The tables behind MacroAssembler.jumpTable: each entry is a 32-bit offset from the table's
// start to a label, written as zero when the table is emitted and filled in once the function
// ends (br_table targets are usually forward, still unbound when the table is emitted).
import type { Assembler, Label } from '../../x64/assembler.js';

export class JumpTables {
  private readonly pending: { at: number; targets: Label[] }[] = [];

  /** Emit a table for `targets` at the current position. */
  emit(a: Assembler, targets: Label[]): void {
    const at = a.offset;
    this.pending.push({ at, targets });
    for (let i = 0; i < targets.length; i++) a.buf.put4(0);
  }

  /** Fill in every table's entries; all their labels must be bound by now. */
  resolve(a: Assembler): void {
    for (const { at, targets } of this.pending) {
      for (let i = 0; i < targets.length; i++) {
        const to = a.labelOffset(targets[i]!);
        if (to === undefined) throw new Error('BUG: jump table target not bound at function end');
        a.buf.patch32(at + 4 * i, to - at);
      }
    }
    this.pending.length = 0;
  }
}
