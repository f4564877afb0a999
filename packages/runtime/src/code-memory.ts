// Executable and data memory for generated code, mapped with libc through ffi-rs.
//
// Only used at load/instantiate time (an ffi-rs call costs microseconds); nothing here is on
// the wasm call path. Code pages are written while RW and then flipped to RX: a mapping is
// never writable and executable at once.
//
// Lifetime: regions are unmapped by free(), or, if forgotten, by a FinalizationRegistry once
// the region object is unreachable. The runtime must keep a CodeRegion reachable for as long
// as its code may run (including from other instances' tables and from a nested call in
// progress): unmapping code that is executing or will be called crashes the process.
import { DataType, createExternalBuffer, load, open, type JsExternal } from 'ffi-rs';
import { registerCodeRange, unregisterCodeRange } from './signals.js';

// Linux x86-64 values (asm-generic/mman-common.h, x86 mman.h).
const PROT_NONE = 0;
const PROT_READ = 1;
const PROT_WRITE = 2;
const PROT_EXEC = 4;
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_NORESERVE = 0x4000;
const SC_PAGESIZE = 30;

// Our own library name so we never collide with another user of ffi-rs opening libc.
const LIBC = 'wasmjit:libc';

let libcOpen = false;
let pageSizeCache = 0;

function libc(): string {
  if (!libcOpen) {
    open({ library: LIBC, path: 'libc.so.6' });
    libcOpen = true;
  }
  return LIBC;
}

/** The system page size (4096 on x86-64 Linux, but asked once rather than assumed). */
export function pageSize(): number {
  if (pageSizeCache === 0) {
    const r = load({
      library: libc(),
      funcName: 'sysconf',
      retType: DataType.I64,
      paramsType: [DataType.I32],
      paramsValue: [SC_PAGESIZE],
    });
    pageSizeCache = typeof r === 'number' && r > 0 ? r : 4096;
  }
  return pageSizeCache;
}

function roundToPages(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid size ${size}`);
  const page = pageSize();
  return Math.max(page, Math.ceil(size / page) * page);
}

function checkAddress(address: number, what: string): void {
  if (!Number.isSafeInteger(address) || address <= 0 || address % pageSize() !== 0) {
    throw new RangeError(`${what}: ${address} is not a page-aligned address`);
  }
}

function sysError(call: string, errnoCode: number, errnoMessage: string): RangeError {
  return new RangeError(`${call} failed: ${errnoMessage} (errno ${errnoCode})`);
}

interface ErrnoResult<T> {
  value: T;
  errnoCode: number;
  errnoMessage: string;
}

/** Calls a libc function and also returns errno as it was right after the call. */
function libcCall<T>(funcName: string, retType: DataType, paramsType: DataType[], paramsValue: unknown[]): ErrnoResult<T> {
  return load({ library: libc(), funcName, retType, paramsType, paramsValue, errno: true }) as unknown as ErrnoResult<T>;
}

function mmap(size: number, prot: number, flags: number): number {
  const r = libcCall<bigint>(
    'mmap',
    DataType.BigInt,
    [DataType.BigInt, DataType.U64, DataType.I32, DataType.I32, DataType.I32, DataType.I64],
    [0n, size, prot, flags, -1, 0],
  );
  // MAP_FAILED is (void *)-1.
  if (r.value === -1n) throw sysError(`mmap(${size})`, r.errnoCode, r.errnoMessage);
  return Number(r.value);
}

function mprotect(address: number, size: number, prot: number): void {
  const r = libcCall<number>('mprotect', DataType.I32, [DataType.BigInt, DataType.U64, DataType.I32], [
    BigInt(address),
    size,
    prot,
  ]);
  if (r.value !== 0) throw sysError(`mprotect(0x${address.toString(16)}, ${size}, ${prot})`, r.errnoCode, r.errnoMessage);
}

function munmap(address: number, size: number): void {
  const r = libcCall<number>('munmap', DataType.I32, [DataType.BigInt, DataType.U64], [BigInt(address), size]);
  if (r.value !== 0) throw sysError(`munmap(0x${address.toString(16)}, ${size})`, r.errnoCode, r.errnoMessage);
}

/** A JsExternal for `address`: memmove(p, p, 0) returns p, typed as External by ffi-rs. */
function externalAt(address: number): JsExternal {
  const a = BigInt(address);
  return load({
    library: libc(),
    funcName: 'memmove',
    retType: DataType.External,
    paramsType: [DataType.BigInt, DataType.BigInt, DataType.U64],
    paramsValue: [a, a, 0],
  });
}

/** A zero-copy Buffer over [address, address + size). The caller keeps the mapping alive. */
export function aliasMemory(address: number, size: number): Buffer {
  const buf = createExternalBuffer(externalAt(address), size);
  if (buf.byteLength !== size || buf.byteOffset !== 0 || buf.buffer.byteLength !== size) {
    // createExternalBuffer falls back to copying on runtimes without external buffers;
    // a copy would silently break aliasing, so refuse it.
    throw new Error('ffi-rs createExternalBuffer did not alias the memory');
  }
  return buf;
}

interface Mapping {
  address: number;
  size: number;
  /** Code regions: the fault handler's handle (signals.ts), dropped before the unmap. */
  codeHandle?: number;
}

// Unmaps regions whose objects were dropped without free(). Errors cannot be reported
// from here, and the mapping is gone from our point of view either way.
const forgotten = new FinalizationRegistry<Mapping>((m) => {
  try {
    if (m.codeHandle !== undefined) unregisterCodeRange(m.codeHandle);
    munmap(m.address, m.size);
  } catch {
    /* nothing useful to do */
  }
});

/** Machine code mapped read+execute. */
export class CodeRegion {
  readonly address: number;
  /** Mapped size in bytes (page-rounded). */
  readonly size: number;
  readonly #codeHandle: number;
  #freed = false;

  /** @internal use loadCode() */
  constructor(address: number, size: number, codeHandle: number) {
    this.address = address;
    this.size = size;
    this.#codeHandle = codeHandle;
    forgotten.register(this, { address, size, codeHandle }, this);
  }

  /** Unmaps the code. Nothing may run (or later call) it afterwards. Idempotent. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    forgotten.unregister(this);
    // Unpublished first: the address range may be reused by anything once unmapped.
    unregisterCodeRange(this.#codeHandle);
    munmap(this.address, this.size);
  }
}

/**
 * Copies `bytes` into fresh pages and makes them read+execute (never writable again). The
 * range is published to the guard-region fault handler (signals.ts) for as long as it is
 * mapped: a fault there inside a linear-memory reservation is an out-of-bounds access.
 */
export function loadCode(bytes: Uint8Array): CodeRegion {
  const size = roundToPages(bytes.length);
  const address = mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  let codeHandle: number;
  try {
    aliasMemory(address, size).set(bytes);
    mprotect(address, size, PROT_READ | PROT_EXEC);
    codeHandle = registerCodeRange(address, size);
  } catch (e) {
    munmap(address, size);
    throw e;
  }
  // x86 keeps instruction fetch coherent with stores, so no cache flush is needed.
  return new CodeRegion(address, size, codeHandle);
}

// Key of the back-reference from a DataRegion's ArrayBuffer to the region, so that the
// mapping outlives every JS view of it (the registry only fires once both are unreachable).
const OWNER = Symbol('wasmjit.DataRegion');

/** Zeroed read+write memory (vmctx, globals, tables) with a zero-copy ArrayBuffer over it. */
export class DataRegion {
  readonly address: number;
  /** Mapped size in bytes (page-rounded); also buffer.byteLength. */
  readonly size: number;
  /**
   * Aliases the memory. After free() it must not be touched (it cannot be detached: ffi-rs
   * external buffers are not transferable), so free() only when no view is in use.
   */
  readonly buffer: ArrayBuffer;
  #freed = false;

  /** @internal use allocData() */
  constructor(address: number, size: number) {
    this.address = address;
    this.size = size;
    this.buffer = aliasMemory(address, size).buffer as ArrayBuffer;
    Object.defineProperty(this.buffer, OWNER, { value: this });
    forgotten.register(this, { address, size }, this);
  }

  /** Unmaps the memory. Idempotent. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    forgotten.unregister(this);
    munmap(this.address, this.size);
  }
}

/** `size` bytes (rounded up to whole pages) of zeroed read+write memory. */
export function allocData(size: number): DataRegion {
  const mapped = roundToPages(size);
  const address = mmap(mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  try {
    return new DataRegion(address, mapped);
  } catch (e) {
    munmap(address, mapped);
    throw e;
  }
}

/**
 * Reserves `size` bytes (page-rounded) of address space, inaccessible and without
 * committing memory or swap (for linear memories and their guard regions). Returns the
 * address; make parts usable with commit() and give it all back with release().
 * Not tracked by the FinalizationRegistry: the owner must release() it.
 */
export function reserve(size: number): number {
  return mmap(roundToPages(size), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
}

/** Makes [address, address + size) of a reservation read+write (zero-filled on first touch). */
export function commit(address: number, size: number): void {
  checkAddress(address, 'commit');
  if (size === 0) return;
  mprotect(address, roundToPages(size), PROT_READ | PROT_WRITE);
}

/** Unmaps [address, address + size) of a reservation (size page-rounded like reserve()). */
export function release(address: number, size: number): void {
  checkAddress(address, 'release');
  munmap(address, roundToPages(size));
}
