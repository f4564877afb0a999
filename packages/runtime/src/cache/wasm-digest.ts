// The digest of a module's wasm bytes in the code cache's key and an entry's header: a
// two-level SHA-256 tree over 1 MiB chunks (docs/cache.md "The wasm digest"),
// collision-resistant like SHA-256 itself (the bytes come from anyone). The leaves are
// independent so that they can be hashed by several threads; today they are hashed here,
// with node's SHA-256 (the prebuilt add-on may take nothing from Node but Node-API, so it
// cannot call node's OpenSSL).
import { createHash } from 'node:crypto';
import { native } from '../native.js';

/** The bytes being looked up: a private copy, and their digest (hex). */
export interface WasmKey {
  readonly bytes: Uint8Array;
  readonly digest: string;
}

const CHUNK = 1 << 20;
const DOMAIN = 'wasmjit wasm digest 1\0';
/** Below this, a plain copy (huge pages would not pay; as threads/background-compile.ts copyModuleBytes). */
const SNAPSHOT_MIN_BYTES = 64 * 1024;

/** The digest of `bytes` (64 hex digits). */
export function wasmDigest(bytes: Uint8Array): string {
  const root = createHash('sha256').update(DOMAIN, 'latin1');
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(bytes.length), true);
  root.update(length);
  for (let at = 0; at < bytes.length; at += CHUNK) {
    root.update(createHash('sha256').update(bytes.subarray(at, at + CHUNK)).digest('hex'), 'hex');
  }
  return root.digest('hex');
}

/** A private copy of the caller's `view` (large ones in huge pages) and the copy's digest. */
export function copyWithDigest(view: Uint8Array): WasmKey {
  const bytes = view.length < SNAPSHOT_MIN_BYTES ? view.slice() : new Uint8Array(native.snapshotBytes(view)[0]);
  return { bytes, digest: wasmDigest(bytes) };
}
