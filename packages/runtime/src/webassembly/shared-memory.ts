// Shared memories made from JS: `new WebAssembly.Memory({ shared: true, initial, maximum })`.
//
// wasmjit compiles no shared memories yet (threads), so no module can import one: linking it
// is a LinkError (imports.ts finds no runtime Memory behind it), and nothing native is ever
// reached through it. What such a memory is still good for, and what real programs use it for
// (pyodide makes a one-page one to sleep with Atomics.wait on its buffer), is a
// SharedArrayBuffer with a memory's page arithmetic: here a growable SharedArrayBuffer of
// `initial` pages that grows up to `maximum` in place.
//
// One difference from V8, where each grow gives a new fixed-length, frozen SharedArrayBuffer
// over the same memory: `buffer` is always the one growable SharedArrayBuffer, whose
// byteLength grows (old views keep working either way).
import { MAX_PAGES, WASM_PAGE as PAGE_SIZE } from '../memory.js';

const buffers = new WeakMap<object, SharedArrayBuffer>();

/** Makes `memory` a shared memory of `initial` pages, growable up to `maximum` pages. */
export function initSharedMemory(memory: object, initial: number, maximum: number, what: string): void {
  if (initial > MAX_PAGES) throw new RangeError(`${what}: Property 'initial': value ${initial} is above the upper bound ${MAX_PAGES}`);
  if (maximum > MAX_PAGES) throw new RangeError(`${what}: Property 'maximum': value ${maximum} is above the upper bound ${MAX_PAGES}`);
  let sab: SharedArrayBuffer;
  try {
    sab = new (SharedArrayBuffer as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer)(initial * PAGE_SIZE, { maxByteLength: maximum * PAGE_SIZE });
  } catch {
    throw new RangeError(`${what}: could not allocate memory`);
  }
  buffers.set(memory, sab);
}

/** The buffer of a shared memory made by initSharedMemory, or undefined for any other object. */
export function sharedBufferOf(memory: unknown): SharedArrayBuffer | undefined {
  return typeof memory === 'object' && memory !== null ? buffers.get(memory) : undefined;
}

/** Memory.grow for a shared memory: the old size in pages, or a RangeError past its maximum. */
export function growShared(sab: SharedArrayBuffer, delta: number): number {
  const old = sab.byteLength / PAGE_SIZE;
  const max = (sab as SharedArrayBuffer & { maxByteLength: number }).maxByteLength / PAGE_SIZE;
  if (delta > max - old) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
  (sab as SharedArrayBuffer & { grow(n: number): void }).grow((old + delta) * PAGE_SIZE);
  return old;
}
