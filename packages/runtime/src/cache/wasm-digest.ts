// The digest of a module's wasm bytes in the code cache's key and an entry's header
// (native/src/wasm_digest.c): a SHA-256 tree over 1 MiB chunks, collision-resistant like
// SHA-256 itself (the bytes come from anyone), and hashed by several threads for large
// modules — one SHA-256 over the whole cost 9.5 ms of an esbuild.wasm hit (docs/cache.md).
import { native } from '../native.js';

/** The bytes being looked up: a private copy, and their digest (hex). */
export interface WasmKey {
  readonly bytes: Uint8Array;
  readonly digest: string;
}

/** Below this, a plain copy (huge pages would not pay; see copyModuleBytes). */
const SNAPSHOT_MIN_BYTES = 64 * 1024;

/** The digest of `bytes` (64 hex digits). */
export function wasmDigest(bytes: Uint8Array): string {
  return native.wasmDigest(bytes);
}

/**
 * A private copy of the caller's `view` and its digest, made in one pass (each chunk copied,
 * then hashed from the copy while in cache): large modules go to a snapshot in huge pages.
 */
export function copyWithDigest(view: Uint8Array): WasmKey {
  if (view.length < SNAPSHOT_MIN_BYTES) {
    const bytes = view.slice();
    return { bytes, digest: native.wasmDigest(bytes) };
  }
  const [buffer, , digest] = native.snapshotWithDigest(view);
  return { bytes: new Uint8Array(buffer), digest };
}
