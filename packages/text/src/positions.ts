// Line and column of a source offset, worked out only when someone asks (an error message, a
// WAST command's line). The lexer keeps no line count: counting newlines as it goes cost a
// branch on every character, and nearly every position it could record is never looked at.

/** Offsets of the line starts of one source text, found on the first question. */
export class LineMap {
  private starts: Int32Array | undefined = undefined;

  constructor(readonly src: string) {}

  private lineStarts(): Int32Array {
    if (this.starts) return this.starts;
    const s = this.src;
    const found = [0];
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) found.push(i + 1);
    this.starts = Int32Array.from(found);
    return this.starts;
  }

  /** 1-based line of `offset` (lines end at LF, as the text format's positions count them). */
  line(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based column of `offset` in UTF-16 code units. */
  col(offset: number): number {
    return offset - this.lineStarts()[this.line(offset) - 1]! + 1;
  }
}
