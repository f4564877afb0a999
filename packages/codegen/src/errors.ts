// Errors reported for bad input. A module that fails to decode (malformed) or to validate
// (invalid) raises CompileError; a broken invariant inside the compiler raises a plain
// Error whose message starts with 'BUG: ' instead, so the two can never be confused.

/** Formats the location suffix that CompileError appends to its message. */
export function formatLocation(offset?: number, funcIndex?: number): string {
  let s = '';
  if (offset !== undefined) s += ` @+0x${offset.toString(16)}`;
  if (funcIndex !== undefined) s += ` (function ${funcIndex})`;
  return s;
}

export class CompileError extends Error {
  override name = 'CompileError';
  /**
   * The reason alone, without the location suffix. It starts with the wording of the spec
   * test suite (e.g. 'type mismatch', 'unknown local'), so a test runner can compare it
   * against an assert_invalid / assert_malformed text by prefix.
   */
  readonly reason: string;

  constructor(message: string, readonly offset?: number, readonly funcIndex?: number) {
    super(message + formatLocation(offset, funcIndex));
    this.reason = message;
  }
}
