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

/**
 * A module that uses a wasm feature this engine recognises but does not implement yet (a
 * Wasm 3.0 proposal, say). Still a CompileError — the module cannot be compiled — but it
 * names the feature, so users (and the spec runner, which skips such modules with that name)
 * can tell "not yet" from "broken".
 */
export class UnsupportedFeatureError extends CompileError {
  override name = 'CompileError';
  /** `reason` as for CompileError; see withFeature for the usual wording. */
  constructor(readonly feature: string, reason: string, offset?: number, funcIndex?: number) {
    super(reason, offset, funcIndex);
  }
}

/** "illegal opcode" → "illegal opcode (tail calls not supported)": the spec's wording stays first. */
export function withFeature(reason: string, feature: string): string {
  return `${reason} (${feature} not supported)`;
}
