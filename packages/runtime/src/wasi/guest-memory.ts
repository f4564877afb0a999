// Bounds-checked access to the guest's linear memory for the syscalls. The memory is read
// through the instance's exported Memory object: its `buffer` is replaced when the memory
// grows, so the views are rebuilt whenever a syscall starts with a different buffer.
import { Errno, WasiError } from './errno.js';
import { Layout } from './abi.js';

/** What WASI needs of an exported memory (a wasmjit Memory or a WebAssembly.Memory). */
export interface MemoryLike {
  readonly buffer: ArrayBufferLike;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export class GuestMemory {
  private memory: MemoryLike | undefined;
  private buffer: ArrayBufferLike | undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private u8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);

  bind(memory: MemoryLike): void {
    this.memory = memory;
    this.refresh();
  }

  /** Called at the start of every syscall: the memory may have grown since the last one. */
  refresh(): void {
    if (!this.memory) throw new Error('WASI: start() or initialize() must be called before the module uses WASI');
    const buffer = this.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.view = new DataView(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  /** Guest pointer → byte offset, EFAULT unless [ptr, ptr + len) is inside the memory. */
  private at(ptr: number, len: number): number {
    const p = ptr >>> 0;
    if (p + len > this.u8.length) throw new WasiError(Errno.Fault);
    return p;
  }

  u8At(ptr: number): number { return this.view.getUint8(this.at(ptr, 1)); }
  u16(ptr: number): number { return this.view.getUint16(this.at(ptr, 2), true); }
  u32(ptr: number): number { return this.view.getUint32(this.at(ptr, 4), true); }
  u64(ptr: number): bigint { return this.view.getBigUint64(this.at(ptr, 8), true); }
  setU8(ptr: number, v: number): void { this.view.setUint8(this.at(ptr, 1), v); }
  setU16(ptr: number, v: number): void { this.view.setUint16(this.at(ptr, 2), v, true); }
  setU32(ptr: number, v: number): void { this.view.setUint32(this.at(ptr, 4), v, true); }
  setU64(ptr: number, v: bigint | number): void { this.view.setBigUint64(this.at(ptr, 8), BigInt(v), true); }

  /** A live view of guest bytes [ptr, ptr + len): reads and writes go straight to memory. */
  bytes(ptr: number, len: number): Uint8Array {
    const n = len >>> 0;
    return this.u8.subarray(this.at(ptr, n), (ptr >>> 0) + n);
  }

  /** A UTF-8 string of `len` bytes (paths); bytes that are not UTF-8 are EILSEQ. */
  string(ptr: number, len: number): string {
    try {
      return utf8Strict.decode(this.bytes(ptr, len));
    } catch (e) {
      if (e instanceof TypeError) throw new WasiError(Errno.Ilseq);
      throw e;
    }
  }

  /** Copies `data` to ptr, all of it or EFAULT. */
  write(ptr: number, data: Uint8Array): void {
    this.bytes(ptr, data.length).set(data);
  }

  /** EFAULT unless the array of `count` records of `size` bytes at ptr lies in the memory. */
  checkArray(ptr: number, count: number, size: number): void {
    this.at(ptr, (count >>> 0) * size);
  }

  /**
   * The buffers of an iovec array (fd_read/fd_write), as live views made one at a time: the
   * count is the guest's, so no list of that length is ever built. Every buffer is checked
   * before the first is yielded, so a bad one is EFAULT before any I/O (as node:wasi).
   */
  *iovecs(ptr: number, count: number): Generator<Uint8Array, void, undefined> {
    const n = count >>> 0;
    this.checkArray(ptr, n, Layout.IovecBytes);
    const iovec = (i: number) => (ptr >>> 0) + i * Layout.IovecBytes;
    for (let i = 0; i < n; i++) this.at(this.u32(iovec(i)), this.u32(iovec(i) + 4));
    for (let i = 0; i < n; i++) yield this.bytes(this.u32(iovec(i)), this.u32(iovec(i) + 4));
  }
}

/** NUL-terminated UTF-8 encodings of a string list (argv, environ). */
export function encodeCStrings(list: readonly string[]): Uint8Array[] {
  return list.map((s) => {
    const b = utf8.encode(s);
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return z;
  });
}
