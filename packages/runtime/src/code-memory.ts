// Native memory for generated code: executable code, linear-memory reservations and small
// data (vmctx, tables, cells), all made by the add-on (native/src/memory.c) and all given
// back by the garbage collector.
//
// Code and reservations are mappings owned by a native "owner" object: when the owner is
// collected, its finalizer unpublishes the range from the fault handler and unmaps it,
// inside the collection itself. So whoever may run code or touch memory must keep the owner
// reachable: a Module keeps its CodeRegion, a Memory its Reservation, an Instance its Module
// and Memory. Data is a plain ArrayBuffer whose backing store never moves; V8 frees it with
// the buffer.
//
// When a mapping fails for lack of address space, mappings or fault-handler slots, the
// allocation collects garbage and retries once (collect.ts) before giving up.
//
// Only used at compile/instantiate/grow time: nothing here is on the wasm call path.
import { native } from './native.js';
import { retryAfterCollection } from './collect.js';

/** The add-on's answer when the fault handler's range table is full. */
const RANGES_FULL = -1;
const ENOMEM = 12;

type Owner = object;
type Mapped = [owner: Owner, address: number];

function failure(call: string, code: number): RangeError {
  const why = code === RANGES_FULL ? 'the fault handler tracks no more ranges' : `errno ${code}`;
  return new RangeError(`wasmjit: ${call} failed (${why}), even after a garbage collection`);
}

/** Runs a native mapping call; exhaustion (ENOMEM, table full) is retried after a collection. */
function mapWithRetry(call: string, map: () => Mapped | number): Mapped {
  let code = 0;
  const mapped = retryAfterCollection(() => {
    const r = map();
    if (typeof r !== 'number') return r;
    code = r;
    if (r === ENOMEM || r === RANGES_FULL) return undefined;
    throw failure(call, r);
  });
  if (mapped === undefined) throw failure(call, code);
  return mapped;
}

const PAGE = 4096;

function roundToPages(size: number): number {
  return Math.max(PAGE, Math.ceil(size / PAGE) * PAGE);
}

let codeOwnerOf: (r: CodeRegion) => Owner;

/**
 * Machine code mapped read+execute (never writable again), published to the fault handler.
 * The pages are shared by every thread that adopted them (threads/module-share.ts, native/src/code_share.c): each thread's
 * CodeRegion holds one reference, and the last one to go unmaps them.
 */
export class CodeRegion {
  readonly address: number;
  /** Mapped size in bytes (page-rounded). */
  readonly size: number;
  readonly #owner: Owner;

  static {
    codeOwnerOf = (r) => r.#owner;
  }

  /** @internal use loadCode() */
  constructor(owner: Owner, address: number, size: number) {
    this.#owner = owner;
    this.address = address;
    this.size = size;
  }

  /**
   * Unmaps the code now rather than when the region is collected (when no other thread
   * holds it too). Nothing may run (or later call) it on this thread afterwards. Idempotent.
   */
  free(): void {
    native.releaseMapping(this.#owner);
  }
}

/** Copies `bytes` into fresh pages and makes them read+execute. */
export function loadCode(bytes: Uint8Array): CodeRegion {
  const [owner, address] = mapWithRetry(`mapping ${bytes.length} bytes of code`, () => native.mapCode(bytes));
  return new CodeRegion(owner, address, roundToPages(bytes.length));
}

/**
 * Bytes [offset, offset + length) of `source` (an open file's descriptor, or bytes) as code,
 * if their CRC32C is `crc`, with `ids[type]` written at each (code offset, type) pair of
 * `sites` (native/src/code_file.c); else the add-on's refusal: -2 CRC mismatch, -3 the source
 * is shorter, -4 a site out of range. The bytes go straight into the code pages (huge pages
 * when large) and are checked there: nothing becomes executable unless they match.
 */
export function loadCheckedCode(source: number | Uint8Array, offset: number, length: number, crc: number, sites: Int32Array, ids: Int32Array): CodeRegion | number {
  let refused = 0;
  const mapped = retryAfterCollection(() => {
    const r = native.loadCheckedCode(source, offset, length, crc, sites, ids);
    if (typeof r !== 'number') return r;
    if (r === ENOMEM || r === RANGES_FULL) {
      refused = r;
      return undefined;
    }
    refused = r;
    return null;
  });
  if (mapped === undefined) throw failure(`mapping ${length} bytes of code`, refused);
  if (mapped === null) {
    if (refused > 0) throw failure(`reading ${length} bytes of code`, refused);
    return refused;
  }
  return new CodeRegion(mapped[0], mapped[1], roundToPages(length));
}

/**
 * loadCheckedCode from an open file (kept open until the promise settles), read and checked
 * on a libuv worker thread. Exhaustion (no memory, a full fault-handler table) is retried
 * synchronously, after a garbage collection.
 */
export async function loadCheckedCodeAsync(fd: number, offset: number, length: number, crc: number, sites: Int32Array, ids: Int32Array): Promise<CodeRegion | number> {
  const r = await native.loadCheckedCodeAsync(fd, offset, length, crc, sites, ids);
  if (typeof r !== 'number') return new CodeRegion(r[0], r[1], roundToPages(length));
  if (r === ENOMEM || r === RANGES_FULL) return loadCheckedCode(fd, offset, length, crc, sites, ids);
  if (r > 0) throw failure(`reading ${length} bytes of code`, r);
  return r;
}

/**
 * Registers a region's code, with `meta` (what is needed to run it, see threads/module-share.ts;
 * the bytes of these arrays, concatenated),
 * in the add-on's process-wide registry: any thread can adopt it by the returned id while
 * the returned entry owner is alive.
 */
export function shareCode(region: CodeRegion, meta: ArrayBufferView[]): { entry: object; id: string } {
  const [entry, id] = native.shareCode(codeOwnerOf(region), meta);
  return { entry, id };
}

/**
 * What the registry holds under `id` (registered by any thread): a new reference to the
 * code (the same pages: nothing is mapped) and a new holder of the entry, whose metadata
 * readShared copies out; null for an id the registry does not know.
 */
export function adoptCode(id: string): { code: CodeRegion; length: number; entry: object; metaLength: number } | null {
  const r = native.adoptCode(id);
  if (r === null) return null;
  const [owner, address, length, entry, metaLength] = r;
  return { code: new CodeRegion(owner, address, roundToPages(length)), length, entry, metaLength };
}

/**
 * Lets go of a registry entry now (shareCode's or adoptCode's owner), for a thread that may
 * not collect garbage for a long time (an idle worker); the owner is unusable afterwards.
 */
export function releaseEntry(entry: object): void {
  native.releaseEntry(entry);
}

/** A copy of bytes [offset, offset + length) of a registry entry's metadata. */
export function readShared(entry: object, offset: number, length: number): ArrayBuffer {
  return native.readShared(entry, offset, length);
}

/** A copy of a region's machine code (its first `length` bytes are the module's code). */
export function copyCode(region: CodeRegion): Uint8Array {
  return new Uint8Array(native.copyCode(codeOwnerOf(region)));
}

/** Zeroed read+write memory with a zero-copy ArrayBuffer over it; freed with the buffer. */
export class DataRegion {
  readonly address: number;
  /** Usable size in bytes; also buffer.byteLength. */
  readonly size: number;
  /** The memory itself: the region lives exactly as long as this buffer. */
  readonly buffer: ArrayBuffer;

  /** @internal use allocData() */
  constructor(buffer: ArrayBuffer, address: number) {
    this.buffer = buffer;
    this.address = address;
    this.size = buffer.byteLength;
  }

  /** Nothing to do: the memory goes with the buffer. Kept so owners can say they are done. */
  free(): void {}
}

/** `size` bytes (at least 8) of zeroed read+write memory, 16-byte aligned. */
export function allocData(size: number): DataRegion {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid size ${size}`);
  const [buffer, address] = native.newData(size);
  return new DataRegion(buffer, address);
}

/**
 * Address space for a linear memory: inaccessible until committed, page by page. Published
 * to the fault handler when `guarded` (only then may guard-mode code use it).
 */
export class Reservation {
  readonly address: number;
  readonly size: number;
  readonly guarded: boolean;
  readonly #owner: Owner;

  /** @internal use reserve() */
  constructor(owner: Owner, address: number, size: number, guarded: boolean) {
    this.#owner = owner;
    this.address = address;
    this.size = size;
    this.guarded = guarded;
  }

  /** Makes [offset, offset + length) read+write (zero-filled); false when the system refuses. */
  commit(offset: number, length: number): boolean {
    const attempt = () => (native.commitMemory(this.#owner, offset, length) === 0 ? true : undefined);
    // mprotect can fail for lack of mappings (it splits one): collect, then try again.
    return retryAfterCollection(attempt) ?? false;
  }

  /** Gives [offset, offset + length) back to the system; it stays reserved and inaccessible. */
  decommit(offset: number, length: number): void {
    const r = native.decommitMemory(this.#owner, offset, length);
    if (r !== 0) throw new RangeError(`wasmjit: cannot release linear memory pages (errno ${r})`);
  }

  /** An ArrayBuffer aliasing the first `length` bytes (which must be committed). */
  alias(length: number): ArrayBuffer {
    return native.memoryBuffer(this.#owner, length);
  }
}

/**
 * Reserves `size` bytes (page-rounded) of address space, published to the fault handler when
 * `guarded`. When it cannot be had even after a collection, the reason, as a string.
 */
export function reserve(size: number, guarded: boolean): Reservation | string {
  const rounded = roundToPages(size);
  let code = 0;
  const mapped = retryAfterCollection(() => {
    const r = native.reserveMemory(rounded, guarded);
    if (typeof r !== 'number') return r;
    code = r;
    if (r === ENOMEM || r === RANGES_FULL) return undefined;
    throw failure(`reserving ${rounded} bytes`, r);
  });
  if (mapped) return new Reservation(mapped[0], mapped[1], rounded, guarded);
  return code === RANGES_FULL
    ? 'the fault handler tracks no more memories, even after a garbage collection'
    : `address space exhausted: reserving ${rounded} bytes failed (errno ${code}), even after a garbage collection`;
}
