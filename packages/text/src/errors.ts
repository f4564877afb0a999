// The one error type of the text format: where in the source, and what was expected there.

/** A malformed text module or script. `line`/`column` are 1-based. */
export class TextError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    // The position in the text is what locates the error; a JavaScript stack would only name
    // parser internals, and capturing one was a tenth of a script parse's time (the suites
    // hold over a thousand malformed modules).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${line}:${column}: ${detail}`);
    Error.stackTraceLimit = limit;
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
