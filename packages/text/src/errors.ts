// The one error type of the text format: where in the source, and what was expected there.

/** A malformed text module or script. `line`/`column` are 1-based. */
export class TextError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${line}:${column}: ${detail}`);
    this.name = 'TextError';
  }
}

/** Anything with a source position: tokens and lists both carry one. */
export interface Located {
  line: number;
  col: number;
}

export function errorAt(at: Located, detail: string): TextError {
  return new TextError(detail, at.line, at.col);
}
