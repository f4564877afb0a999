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
// `buffer` aliases the pages without copying (an ArrayBuffer made by the add-on). As with
// WebAssembly.Memory, a grow (from JS or from wasm) detaches the old buffer (its byteLength
// becomes 0) and `buffer` is then a new ArrayBuffer of the new size, the same object until
// the next grow.
//
// Lifetime: the reservation is given back when the Memory is collected (code-memory.ts); a
// buffer keeps its Memory alive (buffers below). dispose() returns the pages at once.
//
// Every instance that uses the Memory has its vmctx attached (attachVmctx): its MemBase and
// MemSize fields are kept current on every grow.
import { Vmctx } from '@wasmjit/codegen';
import { reserve, type DataRegion, type Reservation } from './code-memory.js';
import { native } from './native.js';
import { cleanupWhenCollected } from './collected.js';

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

// Each buffer handed out keeps its Memory, and so the reservation it aliases, alive. A
// WeakMap rather than a property: nothing of it is visible on the buffer.
const buffers = new WeakMap<ArrayBuffer, Memory>();

/**
 * What the runtime uses of a Memory (memory-access.ts): private members, reached through
 * these functions only, so no program can shadow, replace or call them. Each throws a
 * TypeError for anything but a real Memory.
 */
export interface MemoryInternals {
  /** Address of byte 0; fixed for the Memory's lifetime. */
  address(m: Memory): number;
  /** Current size in pages. */
  pages(m: Memory): number;
  /** The declared maximum in pages, if any. */
  maximum(m: Memory): number | undefined;
  /** memory.grow: the old size in pages, or -1. */
  growPages(m: Memory, delta: number): number;
  /** Returns the tracker the instance keeps. */
  attachVmctx(m: Memory, vmctx: DataRegion): object;
}

export let memoryInternals: MemoryInternals;

export class Memory {
  static {
    memoryInternals = {
      address: (m) => m.#reservation.address,
      pages: (m) => m.#pages,
      maximum: (m) => m.#maximum,
      growPages: (m, delta) => m.#growPages(delta),
      attachVmctx: (m, vmctx) => m.#attachVmctx(vmctx),
    };
  }

  readonly #reservation: Reservation;
  readonly #unguardedReason: string | undefined;
  #pages: number;
  readonly #maximum: number | undefined;
  #buffer: ArrayBuffer | null = null;
  #disposed = false;
  /** The vmctx of every live instance using this memory (see attachVmctx). */
  readonly #vmctxs = new Map<number, DataRegion>();
  #nextVmctxKey = 0;

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
    const { reservation, unguardedReason } = reserveFor(maximum);
    if (!reservation.commit(0, initial * WASM_PAGE)) {
      throw new RangeError(`Memory: cannot allocate ${initial} pages`);
    }
    this.#reservation = reservation;
    this.#unguardedReason = unguardedReason;
    this.#pages = initial;
    this.#maximum = maximum;
  }

  /** An ArrayBuffer over the whole current memory; detached by the next grow. */
  get buffer(): ArrayBuffer {
    if (this.#disposed) throw new TypeError('Memory: used after dispose()');
    if (this.#buffer === null) {
      this.#buffer = this.#reservation.alias(this.#pages * WASM_PAGE);
      buffers.set(this.#buffer, this);
    }
    return this.#buffer;
  }

  /** Grows by `delta` pages; returns the old size in pages. RangeError past the maximum. */
  grow(delta: number): number {
    const d = enforceU32(delta, 'delta');
    if (this.#disposed) throw new TypeError('Memory: used after dispose()');
    const old = this.#growPages(d);
    if (old < 0) throw new RangeError('Memory.grow(): maximum memory size exceeded');
    return old;
  }

  /**
   * Gives the pages back now instead of when the Memory is collected. Afterwards `buffer` and
   * `grow` throw, the old buffer is detached, and wasm code still using this memory traps
   * out of bounds (the address range stays reserved until collection, so nothing else can be
   * mapped where that code may still look). Idempotent.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#detachBuffer();
    const bytes = this.#pages * WASM_PAGE;
    this.#pages = 0;
    this.#syncVmctxs();
    this.#reservation.decommit(0, bytes);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Whether the 8 GiB + 64 KiB guard reservation (published to the fault handler) backs
   * this memory, so guard-mode code may use it. When false, `unguardedReason` says why.
   */
  get guarded(): boolean {
    return this.#reservation.guarded;
  }

  /** Why the guard reservation could not be made (undefined when guarded). */
  get unguardedReason(): string | undefined {
    return this.#unguardedReason;
  }

  /** memory.grow's semantics: the old size in pages, or -1 when it cannot grow. */
  #growPages(delta: number): number {
    const old = this.#pages;
    if (this.#disposed) return -1;
    if (delta > (this.#maximum ?? MAX_PAGES) - old) return -1;
    // Even a grow by 0 detaches, as in V8 (and the JS API spec's "refresh the memory buffer").
    if (delta !== 0 && !this.#reservation.commit(old * WASM_PAGE, delta * WASM_PAGE)) return -1;
    this.#pages = old + delta;
    this.#detachBuffer();
    this.#syncVmctxs();
    return old;
  }

  /**
   * Make this memory 0 of the instance whose vmctx is `vmctx`, for as long as the
   * instance keeps the returned tracker. Not a WeakRef: creating one keeps its target alive
   * until the end of the current job, and a FinalizationRegistry keeps its held value just as
   * long, which in a synchronous loop is every vmctx made in it (collected.ts).
   */
  #attachVmctx(vmctx: DataRegion): object {
    const key = this.#nextVmctxKey++;
    this.#vmctxs.set(key, vmctx);
    const vmctxs = this.#vmctxs; // not `this`: the cleanup must not keep the Memory alive
    writeVmctx(vmctx, this.#reservation.address, this.#pages * WASM_PAGE);
    return cleanupWhenCollected(() => vmctxs.delete(key));
  }

  #detachBuffer(): void {
    if (this.#buffer === null) return;
    native.detachBuffer(this.#buffer);
    this.#buffer = null;
  }

  #syncVmctxs(): void {
    const bytes = this.#pages * WASM_PAGE;
    for (const vmctx of this.#vmctxs.values()) writeVmctx(vmctx, this.#reservation.address, bytes);
  }
}

/**
 * The guard reservation, published to the fault handler; or, when that cannot be had even
 * after a collection, the smallest reservation the memory can grow in (unguarded).
 * RangeError when even that fails.
 */
function reserveFor(maximum: number | undefined): { reservation: Reservation; unguardedReason?: string } {
  const guarded = reserve(GUARD_RESERVATION, true);
  if (typeof guarded !== 'string') return { reservation: guarded };
  // Bounds-checked code never touches past the current size, so the maximum is enough.
  const size = Math.max(1, maximum ?? MAX_PAGES) * WASM_PAGE;
  const reservation = reserve(size, false);
  if (typeof reservation === 'string') {
    throw new RangeError(`Memory: cannot reserve address space for a linear memory (${guarded}; then ${reservation})`);
  }
  return { reservation, unguardedReason: guarded };
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
