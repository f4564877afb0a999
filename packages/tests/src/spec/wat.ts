// wabt.js as an oracle: the text golden test compares our encoder's bytes with its, and the
// fuzz corpus encodes spec modules with it. The spec runner itself uses @wasmjit/text.

import { isList, readSExprs } from './sexpr.js';

type Wabt = Awaited<ReturnType<typeof import('wabt')>>;
export type WabtFeatures = Parameters<Wabt['parseWat']>[2];

/** What the 2.0 core testsuite uses; SIMD files are not run. */
export const CORE_FEATURES: NonNullable<WabtFeatures> = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
};
export const PROPOSAL_FEATURES: NonNullable<WabtFeatures> = { ...CORE_FEATURES, tail_call: true, extended_const: true };

const utf8 = new TextEncoder();

export { loadWabt } from '../util/wat.js';

export type WatResult = { bytes: Uint8Array } | { error: string };

/**
 * Encode a `(module ...)` text. wabt's parseWat resolves names but does not
 * validate (validate() is a separate call we never make), so modules that
 * are only *invalid* (assert_invalid) still encode; what wabt refuses to
 * parse comes back as an error.
 */
export function watToBinary(wabt: Wabt, text: string, features: WabtFeatures): WatResult {
  let mod: ReturnType<Wabt['parseWat']> | undefined;
  try {
    // Hand wabt UTF-8 bytes: given a JS string, wabt.js copies it as one
    // byte per UTF-16 unit, which mangles non-ASCII names (names.wast). It
    // also copies a view's whole underlying buffer, hence the exact-size copy.
    mod = wabt.parseWat('module.wat', utf8.encode(text).slice(), features);
    return { bytes: new Uint8Array(mod.toBinary({}).buffer) };
  } catch (e) {
    return { error: String((e as Error).message ?? e).trim() };
  } finally {
    mod?.destroy();
  }
}

/**
 * `(module quote ...)` text is either a complete `(module ...)` or just the
 * module fields; the reference interpreter accepts both.
 */
export function quotedModuleText(text: string): string {
  try {
    const nodes = readSExprs(text);
    if (nodes.length === 1 && isList(nodes[0], 'module')) return text;
  } catch {
    // Unreadable text: let wabt report it.
  }
  return `(module\n${text}\n)`;
}
