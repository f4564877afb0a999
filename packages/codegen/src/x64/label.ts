// A position in the code that jumps and calls can target before it is known.

/**
 * Opaque to callers: create with Assembler.newLabel(), target with jmp_label/jcc_label/
 * call_label, place with Assembler.bind(). The fields are the assembler's bookkeeping.
 */
export class Label {
  /** @internal Bound offset, or -1 while unbound. */
  pos = -1;
  /** @internal Offsets of rel32 fields that must be patched when the label is bound. Every
   * such field is the last four bytes of its instruction, so rel = pos - (fixup + 4). */
  fixups: number[] = [];
  /** @internal The assembler that first used this label; a label is only meaningful
   * within one code buffer, so mixing assemblers is a bug we catch. */
  owner: object | undefined = undefined;
}
