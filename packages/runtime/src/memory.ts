// Memory: a wasm linear memory, shaped like WebAssembly.Memory, backed by native pages that
// generated code addresses directly.
//
// Address space: every Memory reserves GUARD_RESERVATION bytes once (PROT_NONE,
// MAP_NORESERVE: no memory or swap is committed) and makes its first `pages` 64 KiB pages
// read+write; grow only mprotects more of the same reservation. The base therefore never
// moves, which is what lets compiled code read it from the vmctx without any reload
// protocol, and lets guard-mode code drop explicit bounds checks: 8 GiB + 64 KiB covers every
// u32 address + u32 offset + access size, so an out-of-bounds access always lands on a
// PROT_NONE page of this reservation. Guarded reservations are published to the fault
// handler (signals.ts) until released.
//
// When that reservation cannot be made (address space exhausted: thousands of live
// memories, or an RLIMIT_AS), the Memory falls back to reserving only what it can ever use
// (its maximum, or 4 GiB) and is not `guarded`. Explicit-bounds-check code works with it;
// guard-mode code refuses it at instantiation (instance-memory.ts: a LinkError for an
// imported memory, a RangeError for the instance's own). See docs/memory.md.
//
// `buffer` aliases the pages without copying (an external ArrayBuffer). Unlike
// WebAssembly.Memory, growing does NOT detach the old buffer (external buffers cannot be
// detached): the old ArrayBuffer stays valid, aliasing the first bytes of the same memory,
// just shorter than the memory now is. `buffer` returns a new, full-length ArrayBuffer after
// any grow (from JS or from wasm).
//
// Every instance that uses the Memory has its vmctx attached (attachVmctx): its MemBase and
// MemSize fields are kept current on every grow.
import { Vmctx } from '@wasmjit/codegen';
import { aliasMemory, commit, release, reserve, type DataRegion } from './code-memory.js';
import { registerMemoryRange, unregisterMemoryRange } from './signals.js';

/** Bytes in a wasm page. */
export const WASM_PAGE = 65536;
/** The wasm32 limit: 65536 pages = 4 GiB. */
export const MAX_PAGES = 65536;
/** 8 GiB covers any u32 address plus any u32 offset; one more wasm page covers the widest access. */
export const GUARD_RESERVATION = 2 ** 33 + WASM_PAGE;

export interface MemoryDescriptor {
  /** Initial size in pages. */
  initial: number;
  /** Maximum size in pages (default: the wasm32 limit). */
  maximum?: number;
  /** Shared memories (threads) are not supported. */
  shared?: boolean;
}

interface Reservation {
  address: number;
  size: number;
  /** The fault handler's handle when guarded (signals.ts), else -1. */
  handle: number;
}

/** Unpublishes (first: the range may be reused once unmapped), then unmaps. */
function releaseReservation(r: Reservation): void {
  if (r.handle >= 0) unregisterMemoryRange(r.handle);
  release(r.address, r.size);
}

// Gives the reservation back once the Memory and every buffer of it are unreachable.
const forgotten = new FinalizationRegistry<Reservation>((r) => {
  try {
    releaseReservation(r);
  } catch {
    /* nothing useful to do from a finalizer */
  }
});

// Back-reference from each buffer to its Memory, so the pages outlive every JS view of them.
const OWNER = Symbol('wasmjit.Memory');

export class Memory {
  /** @internal Address of byte 0; fixed for the Memory's lifetime. */
  readonly address: number;
  /**
   * @internal Whether the 8 GiB + 64 KiB guard reservation (published to the fault handler)
   * backs this memory, so guard-mode code may use it. When false, `unguardedReason` says why.
   */
  readonly guarded: boolean;
  /** @internal Why the guard reservation could not be made (undefined when guarded). */
  readonly unguardedReason: string | undefined;
  #pages: number;
  readonly #maximum: number | undefined;
  #buffer: ArrayBuffer | null = null;
  /** Weak: an instance's vmctx must not be kept alive by a Memory it imported. */
  #vmctxs: WeakRef<DataRegion>[] = [];

  constructor(descriptor: MemoryDescriptor) {
    if (typeof descriptor !== 'object' || descriptor === null) {
      throw new TypeError('WebAssembly.Memory(): Argument 0 must be a memory descriptor');
    }
    const initial = enforceU32(descriptor.initial, 'initial');
    const max: unknown = descriptor.maximum; // read once: a getter may have side effects
    const maximum = max === undefined ? undefined : enforceU32(max, 'maximum');
    if (descriptor.shared) throw new TypeError('wasmjit: shared memories are not supported');
    if (initial > MAX_PAGES) throw new RangeError(`Memory: initial ${initial} exceeds the limit of ${MAX_PAGES} pages`);
    if (maximum !== undefined && maximum > MAX_PAGES) {
      throw new RangeError(`Memory: maximum ${maximum} exceeds the limit of ${MAX_PAGES} pages`);
    }
    if (maximum !== undefined && maximum < initial) {
      throw new RangeError(`Memory: maximum ${maximum} is below initial ${initial}`);
    }
    const r = reserveFor(maximum);
    this.address = r.address;
    try {
      commit(this.address, initial * WASM_PAGE);
    } catch (e) {
      releaseReservation(r);
      throw new RangeError(`Memory: cannot allocate ${initial} pages (${(e as Error).message})`);
    }
    this.guarded = r.handle >= 0;
    this.unguardedReason = r.unguardedReason;
    this.#pages = initial;
    this.#maximum = maximum;
    forgotten.register(this, { address: r.address, size: r.size, handle: r.handle });
  }

  /** An ArrayBuffer over the whole current memory (see the file comment about growing). */
  get buffer(): ArrayBuffer {
    const length = this.#pages * WASM_PAGE;
    if (this.#buffer === null || this.#buffer.byteLength !== length) this.#buffer = this.#alias(length);
    return this.#buffer;
  }

  /** Grows by `delta` pages; returns the old size in pages. RangeError past the maximum. */
  grow(delta: number): number {
    const old = this.growPages(enforceU32(delta, 'delta'));
    if (old < 0) throw new RangeError('Memory.grow(): maximum memory size exceeded');
    return old;
  }

  /** @internal Current size in pages. */
  get pages(): number {
    return this.#pages;
  }

  /** @internal The declared maximum in pages, if any. */
  get maximum(): number | undefined {
    return this.#maximum;
  }

  /** @internal memory.grow's semantics: the old size in pages, or -1 when it cannot grow. */
  growPages(delta: number): number {
    const old = this.#pages;
    if (delta > (this.#maximum ?? MAX_PAGES) - old) return -1;
    if (delta === 0) return old;
    try {
      commit(this.address + old * WASM_PAGE, delta * WASM_PAGE);
    } catch {
      return -1; // mprotect refused (out of memory or a ulimit): the spec allows failing
    }
    this.#pages = old + delta;
    this.#syncVmctxs();
    return old;
  }

  /** @internal Make this memory 0 of the instance whose vmctx is `vmctx`. */
  attachVmctx(vmctx: DataRegion): void {
    this.#vmctxs.push(new WeakRef(vmctx));
    writeVmctx(vmctx, this.address, this.#pages * WASM_PAGE);
  }

  #syncVmctxs(): void {
    const bytes = this.#pages * WASM_PAGE;
    // A vmctx that is still reachable is still mapped (its unmapping finalizer runs only after
    // the WeakRef is cleared), so writing through a live one is safe.
    this.#vmctxs = this.#vmctxs.filter((ref) => {
      const vmctx = ref.deref();
      if (vmctx) writeVmctx(vmctx, this.address, bytes);
      return vmctx !== undefined;
    });
  }

  #alias(length: number): ArrayBuffer {
    // An external buffer needs a non-empty range; an empty memory has nothing to alias.
    const buf = length === 0 ? new ArrayBuffer(0) : (aliasMemory(this.address, length).buffer as ArrayBuffer);
    Object.defineProperty(buf, OWNER, { value: this });
    return buf;
  }
}

/**
 * The guard reservation, published to the fault handler; or, when the address space is
 * exhausted, the smallest reservation the memory can grow in (unguarded). RangeError when
 * even that fails.
 */
function reserveFor(maximum: number | undefined): Reservation & { unguardedReason?: string } {
  let reason: string;
  try {
    const address = reserve(GUARD_RESERVATION);
    const handle = registerMemoryRange(address, GUARD_RESERVATION);
    if (handle >= 0) return { address, size: GUARD_RESERVATION, handle };
    // The handler's table is full (more live memories than fit in the address space
    // anyway); without it a fault here would not be recognized, so do not call it guarded.
    release(address, GUARD_RESERVATION);
    reason = 'the fault handler tracks no more memories';
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    reason = `address space exhausted: ${e.message}`;
  }
  // Bounds-checked code never touches past the current size, so the maximum is enough.
  const size = Math.max(1, maximum ?? MAX_PAGES) * WASM_PAGE;
  try {
    return { address: reserve(size), size, handle: -1, unguardedReason: reason };
  } catch (e) {
    throw new RangeError(`Memory: cannot reserve address space for a linear memory (${reason}; then ${(e as Error).message})`);
  }
}

function writeVmctx(vmctx: DataRegion, base: number, bytes: number): void {
  const view = new DataView(vmctx.buffer);
  view.setBigUint64(Vmctx.MemBase, BigInt(base), true);
  view.setBigUint64(Vmctx.MemSize, BigInt(bytes), true);
}

/** WebIDL [EnforceRange] unsigned long, as the WebAssembly JS API converts these numbers. */
function enforceU32(v: unknown, what: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`Memory: ${what} must be a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > 0xffffffff) throw new TypeError(`Memory: ${what} ${t} is outside the range of an unsigned 32-bit integer`);
  return t;
}
