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
/**
 * memory64: the most pages a 64-bit memory may have here (2^20 pages = 64 GiB), whatever
 * its declared maximum (2^48 pages would not fit the 47-bit user address space). Its
 * reservation covers min(maximum, this) once, uncommitted (MAP_NORESERVE), so the base
 * never moves; a grow beyond it returns -1 as a refused grow does.
 */
export const MAX_PAGES_64 = 2 ** 20;

export interface MemoryDescriptor {
  /** Initial size in pages. */
  initial: number;
  /** Maximum size in pages (default: the wasm32 limit). */
  maximum?: number;
  /** Shared memories (threads) are not supported. */
  shared?: boolean;
  /** 'i64' for a 64-bit memory (memory64); default 'i32'. */
  address?: 'i32' | 'i64';
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
  /** Returns the tracker the instance keeps; `entry` is where the memory's { base, size } pair goes. */
  attachVmctx(m: Memory, vmctx: DataRegion, entry: number): object;
  /** memory64: addressed by i64. */
  is64(m: Memory): boolean;
}

export let memoryInternals: MemoryInternals;

export class Memory {
  static {
    memoryInternals = {
      address: (m) => m.#reservation.address,
      pages: (m) => m.#pages,
      maximum: (m) => m.#maximum,
      growPages: (m, delta) => m.#growPages(delta),
      attachVmctx: (m, vmctx, entry) => m.#attachVmctx(vmctx, entry),
      is64: (m) => m.#is64,
    };
  }

  readonly #reservation: Reservation;
  readonly #unguardedReason: string | undefined;
  #pages: number;
  readonly #maximum: number | undefined;
  readonly #is64: boolean;
  #buffer: ArrayBuffer | null = null;
  #disposed = false;
  /** The vmctx of every live instance using this memory (see attachVmctx). */
  readonly #vmctxs = new Map<number, { vmctx: DataRegion; entry: number }>();
  #nextVmctxKey = 0;

  constructor(descriptor: MemoryDescriptor) {
    if (typeof descriptor !== 'object' || descriptor === null) {
      throw new TypeError('WebAssembly.Memory(): Argument 0 must be a memory descriptor');
    }
    const address: unknown = descriptor.address;
    if (address !== undefined && address !== 'i32' && address !== 'i64') {
      throw new TypeError(`Memory: address must be 'i32' or 'i64', got ${String(address)}`);
    }
    const is64 = address === 'i64';
    const initial = is64 ? enforceU64(descriptor.initial, 'initial') : enforceU32(descriptor.initial, 'initial');
    const max: unknown = descriptor.maximum; // read once: a getter may have side effects
    const maximum = max === undefined ? undefined : is64 ? enforceU64(max, 'maximum') : enforceU32(max, 'maximum');
    if (descriptor.shared) throw new TypeError('wasmjit: shared memories are not supported');
    const limit = is64 ? MAX_PAGES_64 : MAX_PAGES;
    if (initial > limit) throw new RangeError(`Memory: initial ${initial} exceeds the limit of ${limit} pages`);
    if (maximum !== undefined && maximum > (is64 ? 2 ** 48 : MAX_PAGES)) {
      throw new RangeError(`Memory: maximum ${maximum} exceeds the limit of ${is64 ? '2^48' : MAX_PAGES} pages`);
    }
    if (maximum !== undefined && maximum < initial) {
      throw new RangeError(`Memory: maximum ${maximum} is below initial ${initial}`);
    }
    const { reservation, unguardedReason } = is64 ? reserve64(maximum) : reserveFor(maximum);
    if (!reservation.commit(0, initial * WASM_PAGE)) {
      throw new RangeError(`Memory: cannot allocate ${initial} pages`);
    }
    this.#reservation = reservation;
    this.#unguardedReason = unguardedReason;
    this.#pages = initial;
    this.#maximum = maximum;
    this.#is64 = is64;
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
    const d = this.#is64 ? enforceU64(delta, 'delta') : enforceU32(delta, 'delta');
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
    const limit = this.#is64 ? Math.min(this.#maximum ?? MAX_PAGES_64, MAX_PAGES_64) : this.#maximum ?? MAX_PAGES;
    if (delta > limit - old) return -1;
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
  #attachVmctx(vmctx: DataRegion, entry: number): object {
    const key = this.#nextVmctxKey++;
    this.#vmctxs.set(key, { vmctx, entry });
    const vmctxs = this.#vmctxs; // not `this`: the cleanup must not keep the Memory alive
    writeVmctx(vmctx, entry, this.#reservation.address, this.#pages * WASM_PAGE);
    return cleanupWhenCollected(() => vmctxs.delete(key));
  }

  #detachBuffer(): void {
    if (this.#buffer === null) return;
    native.detachBuffer(this.#buffer);
    this.#buffer = null;
  }

  #syncVmctxs(): void {
    const bytes = this.#pages * WASM_PAGE;
    for (const { vmctx, entry } of this.#vmctxs.values()) writeVmctx(vmctx, entry, this.#reservation.address, bytes);
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

/** Writes { base, byte length } at `entry` (memory 0: the header's MemBase/MemSize). */
function writeVmctx(vmctx: DataRegion, entry: number, base: number, bytes: number): void {
  const view = new DataView(vmctx.buffer);
  view.setBigUint64(entry + Vmctx.MemBase, BigInt(base), true);
  view.setBigUint64(entry + Vmctx.MemSize, BigInt(bytes), true);
}

/**
 * memory64: one reservation of what the memory can ever use here (see MAX_PAGES_64), never
 * guarded (its code always compares; no guard region covers a 64-bit index).
 */
function reserve64(maximum: number | undefined): { reservation: Reservation; unguardedReason?: string } {
  const pages = Math.max(1, Math.min(maximum ?? MAX_PAGES_64, MAX_PAGES_64));
  const reservation = reserve(pages * WASM_PAGE, false);
  if (typeof reservation === 'string') throw new RangeError(`Memory: cannot reserve address space for a 64-bit linear memory (${reservation})`);
  return { reservation, unguardedReason: '64-bit memory: bounds are always compared' };
}

/** [EnforceRange] for a memory64 size: a number or a bigint up to 2^53 - 1 (what a page count here can be). */
function enforceU64(v: unknown, what: string): number {
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`Memory: ${what} must be a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > Number.MAX_SAFE_INTEGER) throw new TypeError(`Memory: ${what} ${t} is outside the range of an unsigned 64-bit integer`);
  return t;
}

/** WebIDL [EnforceRange] unsigned long, as the WebAssembly JS API converts these numbers. */
function enforceU32(v: unknown, what: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`Memory: ${what} must be a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > 0xffffffff) throw new TypeError(`Memory: ${what} ${t} is outside the range of an unsigned 32-bit integer`);
  return t;
}
