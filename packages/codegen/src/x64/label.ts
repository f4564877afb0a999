// A position in the code that jumps and calls can target before it is known.

/**
 * Opaque to callers: create with Assembler.newLabel(), target with jmp_label/jcc_label/
 * call_label, place with Assembler.bind(). The fields are the assembler's bookkeeping.
 * Labels are made for every block and trap site, so they are kept small: most are targeted
 * once or not at all before they are bound, so the first pending fixup is held inline and
 * only further ones get an array.
 */
export class Label {
  /** @internal Bound offset, or -1 while unbound. */
  pos = -1;
  /** @internal Offset of the first rel32 field waiting for bind(), or -1. Every such field is
   * the last four bytes of its instruction, so rel = pos - (fixup + 4). */
  fixup = -1;
  /** @internal The second and later pending fixups, if any. */
  moreFixups: number[] | null = null;
  /** @internal The assembler that first used this label; a label is only meaningful
   * within one code buffer, so mixing assemblers is a bug we catch. */
  owner: object | undefined = undefined;
}
