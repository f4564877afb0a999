// Memory immediates of multi-memory and memory64. A memarg is `flags offset`, where flags
// below 0x40 are the alignment of an access to memory 0 (2.0's only form); with
// multi-memory, bit 6 announces a memory index after the flags. With memory64 the offset is
// a u64 (an i32 memory still only accepts offsets below 2^32: the validator's business).
import type { BinaryReader } from './reader.js';

/** Steps over a memarg whose encoding is not yet checked (body-scan.ts): the reader's features decide its shape. */
export function skipMemarg(r: BinaryReader): void {
  const flags = r.readVarU32();
  if (flags >= 0x40 && flags < 0x80 && r.features.multiMemory === true) r.readVarU32();
  if (r.features.memory64 === true) r.readVarU64();
  else r.readVarU32();
}

/** The memory index of the memarg readMemargOffset read last. */
export let memargMemory = 0;

/**
 * Reads a memarg of a validated body (code generation): returns its offset and leaves its
 * memory index in memargMemory. An offset is a number: exact up to 2^53, and anything
 * larger is beyond every memory this runtime can make, which is all its user needs to know.
 * No BigInt on this path: it runs once per access.
 */
export function readMemargOffset(r: BinaryReader): number {
  const flags = r.readVarU32();
  memargMemory = flags >= 0x40 ? r.readVarU32() : 0;
  return readU64AsNumber(r);
}

/** A u64 LEB of a validated body as a number (rounded above 2^53). */
export function readU64AsNumber(r: BinaryReader): number {
  const bytes = r.bytes;
  let p = r.pos;
  let b = bytes[p++]!;
  if (b < 0x80) {
    r.pos = p;
    return b;
  }
  let value = b & 0x7f;
  let scale = 128;
  do {
    b = bytes[p++]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
  } while (b >= 0x80 && p < r.end);
  r.pos = p;
  return value;
}

/**
 * Features for a reader stepping over a body that passed validation (code generation):
 * every later encoding of these immediates reads a valid 2.0 body the same way (alignments
 * stay below 0x40, reserved bytes are a zero index, u32 offsets are u64 ones).
 */
export const VALIDATED_BODY_FEATURES = Object.freeze({ multiMemory: true, memory64: true });
