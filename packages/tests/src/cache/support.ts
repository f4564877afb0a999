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
 * `bytes` with both SHA-256s recomputed, so that the checksums no longer catch an edit: the
 * main one (over everything before it) and the offset map's (the last 32 bytes), which are
 * 8 * mapEntries bytes apart (serialized-module.ts).
 */
export function resealed(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const mapEntries = Number(/"mapEntries":(\d+)/.exec(headerJson(bytes).text)![1]);
  const mapDigest = copy.length - 32;
  const mainDigest = mapDigest - 8 * mapEntries - 32;
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();
  copy.set(sha(copy.subarray(0, mainDigest)), mainDigest);
  copy.set(sha(copy.subarray(mainDigest + 32, mapDigest)), mapDigest);
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
