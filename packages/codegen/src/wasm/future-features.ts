// Encodings of wasm features newer than what wasmjit implements (Wasm 3.0 proposals, threads;
// exception handling is implemented, behind DecodeOptions.exceptions; typed function
// references too, whose decoder and validator name the feature themselves when it is off),
// recognised when decoding fails on them: the CompileError then names the feature
// (UnsupportedFeatureError) instead of only saying "illegal opcode" or "malformed value type".
// The message keeps the spec's wording in front, so a 2.0 test suite that expects the module
// to be malformed still sees its text. Consulted only on the error path.

import { CompileError, UnsupportedFeatureError } from '../errors.js';

export const FEATURE = {
  tailCalls: 'tail calls',
  typedFunctionReferences: 'typed function references',
  gc: 'garbage collection',
  threads: 'threads',
  memory64: 'memory64',
  multiMemory: 'multi-memory',
  extendedConst: 'extended constant expressions',
} as const;

/** One-byte opcodes of later proposals. */
const OPCODES: Record<number, string> = {
  0x12: FEATURE.tailCalls, // return_call
  0x13: FEATURE.tailCalls, // return_call_indirect
  0xd3: FEATURE.gc, // ref.eq
  0xfb: FEATURE.gc, // struct/array/i31/cast prefix
};

/** Value/reference/block type bytes of later proposals. */
const TYPE_BYTES: Record<number, string> = {
  0x6e: FEATURE.gc, // anyref
  0x6d: FEATURE.gc, // eqref
  0x6c: FEATURE.gc, // i31ref
  0x6b: FEATURE.gc, // structref
  0x6a: FEATURE.gc, // arrayref
  0x71: FEATURE.gc, // nullref
  0x72: FEATURE.gc, // nullexternref
  0x73: FEATURE.gc, // nullfuncref
};

/** Type definition forms of the GC proposal (rec groups, subtypes, structs, arrays). */
const TYPE_FORMS = new Set([0x4e, 0x50, 0x4f, 0x5f, 0x5e]);

/** The feature the failing byte at `offset` belongs to, given what the decoder expected there. */
function featureAt(bytes: Uint8Array, message: string, offset: number): string | undefined {
  const b = bytes[offset];
  if (b === undefined) return undefined;
  switch (message) {
    case 'illegal opcode':
      return OPCODES[b];
    case 'malformed value type':
    case 'malformed block type':
      return TYPE_BYTES[b];
    case 'malformed reference type':
      return TYPE_BYTES[b];
    case 'malformed function type':
      return TYPE_FORMS.has(b) ? FEATURE.gc : undefined;
    case 'zero byte expected':
      return FEATURE.multiMemory; // a memory index where 2.0 has a reserved byte
    default:
      return undefined;
  }
}

/** The CompileError for a decode failure: UnsupportedFeatureError when a later feature explains it. */
export function decodeError(bytes: Uint8Array, message: string, offset: number, funcIndex: number | undefined): CompileError {
  const feature = featureAt(bytes, message, offset);
  return feature !== undefined ? new UnsupportedFeatureError(feature, message, offset, funcIndex) : new CompileError(message, offset, funcIndex);
}

/** Limits flags: 2/3 are shared memories (threads), 4..7 64-bit memories and tables (memory64). */
export function limitsFlagsFeature(flags: number): string | undefined {
  if (flags === 2 || flags === 3) return FEATURE.threads;
  if (flags >= 4 && flags <= 7) return FEATURE.memory64;
  return undefined;
}
