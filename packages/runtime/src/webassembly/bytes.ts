// BufferSource arguments (module bytes): an ArrayBuffer, a SharedArrayBuffer (also growable)
// or any view of one, resizable buffers included. Checked by brand, not by prototype, so a
// plain object or ArrayBuffer.prototype is a TypeError as in V8.
import { types } from 'node:util';

/** A view of the bytes `source` holds now (no copy), or TypeError. */
export function bufferSourceView(source: unknown, what: string): Uint8Array {
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (types.isArrayBuffer(source) || types.isSharedArrayBuffer(source)) return new Uint8Array(source);
  throw new TypeError(`${what}: Argument 0 must be a buffer source${what === 'WebAssembly.instantiate()' ? ' or a WebAssembly.Module object' : ''}`);
}

