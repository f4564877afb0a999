// Helpers of the code cache tests: temporary cache directories (never the user's cache),
// single-byte edits of serialized bytes, and the SHA-256 trailer recomputed after an edit.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'wasmjit-cache-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= 0x40;
  return copy;
}

/**
 * Where the parts of serialized bytes start (serialized-module.ts): the main checksum ends
 * the main part, the offset map and its checksum follow, the code (codeLength bytes) is last.
 */
export function entryParts(bytes: Uint8Array): { mainDigest: number; map: number; mapDigest: number; code: number } {
  const { text } = headerJson(bytes);
  const field = (name: string) => Number(new RegExp(`"${name}":(\\d+)`).exec(text)![1]);
  const code = bytes.length - field('codeLength');
  const mapDigest = code - 32;
  const map = mapDigest - 8 * field('mapEntries');
  return { mainDigest: map - 32, map, mapDigest, code };
}

/**
 * `bytes` with both SHA-256s recomputed, so that the checksums no longer catch an edit: the
 * main one (over everything before it) and the offset map's.
 */
export function resealed(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const { mainDigest, map, mapDigest } = entryParts(bytes);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();
  copy.set(sha(copy.subarray(0, mainDigest)), mainDigest);
  copy.set(sha(copy.subarray(map, mapDigest)), mapDigest);
  return copy;
}

/** Where the header's JSON is (serialized-module.ts: u32 length at 12, the JSON at 16). */
export function headerJson(bytes: Uint8Array): { start: number; text: string } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return { start: 16, text: new TextDecoder().decode(bytes.subarray(16, 16 + length)) };
}

/** `bytes` with the header's `from` replaced by `to` (same length) and the checksum resealed. */
export function withHeaderEdit(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('test helper: same-length edits only');
  const { start, text } = headerJson(bytes);
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`test helper: ${from} not in the header ${text}`);
  const copy = bytes.slice();
  copy.set(new TextEncoder().encode(to), start + at);
  return resealed(copy);
}
