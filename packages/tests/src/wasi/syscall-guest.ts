// A guest that is nothing but WASI calls: a module re-exporting preview1 functions unchanged,
// so a test makes the guest's syscalls one at a time from JS, and whatever the host does
// (a rename, a symlink) happens between two of them — ordered, never concurrent. The calls
// go through wasm into the WASI imports exactly as a compiled program's would.
import { Engine, WASI, type WasiOptions } from '@wasmjit/runtime';
import { DIRECTORY_RIGHTS, FILE_RIGHTS, WRITE_RIGHTS } from '../../../runtime/dist/wasi/abi.js';
import { wat } from '../util/wat.js';

/** Parameter types of the proxied preview1 functions (all return an errno). */
const SIGNATURES: Record<string, string> = {
  path_open: 'i32 i32 i32 i32 i32 i64 i64 i32 i32',
  path_rename: 'i32 i32 i32 i32 i32 i32',
  path_symlink: 'i32 i32 i32 i32 i32',
  path_link: 'i32 i32 i32 i32 i32 i32 i32',
  path_unlink_file: 'i32 i32 i32',
  path_create_directory: 'i32 i32 i32',
  path_remove_directory: 'i32 i32 i32',
  path_filestat_get: 'i32 i32 i32 i32 i32',
  path_filestat_set_times: 'i32 i32 i32 i32 i64 i64 i32',
  path_readlink: 'i32 i32 i32 i32 i32 i32',
  fd_read: 'i32 i32 i32 i32',
  fd_write: 'i32 i32 i32 i32',
  fd_readdir: 'i32 i32 i32 i64 i32',
  fd_seek: 'i32 i64 i32 i32',
  fd_filestat_set_size: 'i32 i64',
  fd_close: 'i32',
  poll_oneoff: 'i32 i32 i32 i32',
};

export type Engines = 'wasmjit' | 'v8';
export const ENGINES: Engines[] = ['wasmjit', 'v8'];

/** The proxy module's text: `pages` of memory, one export per preview1 function above. */
export function proxyWat(pages: number): string {
  const imports = Object.entries(SIGNATURES).map(([name, params]) =>
    `(import "wasi_snapshot_preview1" "${name}" (func $${name} (param ${params}) (result i32)))`);
  const exports = Object.entries(SIGNATURES).map(([name, params]) => {
    const args = params.split(' ').map((_, i) => `(local.get ${i})`).join(' ');
    return `(func (export "${name}") (param ${params}) (result i32) (call $${name} ${args}))`;
  });
  return `(module ${imports.join('\n')}\n(memory (export "memory") ${pages})\n${exports.join('\n')})`;
}

const LOOKUP_FOLLOW = 1;
const OFLAGS = { creat: 1, directory: 2, excl: 4, trunc: 8 } as const;
const FD_READ = 1n << 1n;
const FD_WRITE = 1n << 6n;
/** Where calls put their results (0..63) and iovecs (64..); strings and buffers go from SCRATCH on. */
const OUT = 0;
const IOVEC = 64;
const SCRATCH = 1024;

export interface OpenOptions {
  directory?: boolean;
  create?: boolean;
  write?: boolean;
  /** LOOKUP_SYMLINK_FOLLOW (default true, as wasi-libc's open()). */
  follow?: boolean;
}

export class SyscallGuest {
  private next = SCRATCH;

  private constructor(
    readonly wasi: WASI,
    private readonly exports: Record<string, unknown>,
  ) {}

  /** Instantiates the proxy on `engine` with a WASI made from `options`, bound and ready. */
  static async create(engine: Engines, options: WasiOptions, pages = 1): Promise<SyscallGuest> {
    const bytes = await wat(proxyWat(pages));
    const wasi = new WASI(options);
    const imports = wasi.getImportObject();
    const exports = engine === 'wasmjit'
      ? (() => { const e = new Engine(); return e.instantiate(e.compile(bytes), imports as never).exports; })()
      : new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports as never).exports;
    wasi.initialize({ exports: { memory: exports.memory } });
    return new SyscallGuest(wasi, exports as Record<string, unknown>);
  }

  get memory(): ArrayBuffer {
    return (this.exports.memory as { buffer: ArrayBuffer }).buffer;
  }

  u32(ptr: number): number {
    return new DataView(this.memory).getUint32(ptr, true);
  }

  /** Calls preview1 function `name` through the guest; returns its errno. */
  call(name: string, ...args: (number | bigint)[]): number {
    const f = this.exports[name] as (...a: (number | bigint)[]) => number;
    return f(...args);
  }

  /** Copies `data` into guest scratch memory; returns [ptr, len]. */
  put(data: string | Uint8Array): [number, number] {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const ptr = this.next;
    new Uint8Array(this.memory, ptr, bytes.length).set(bytes);
    this.next += (bytes.length + 7) & ~7;
    if (this.next > 60_000) this.next = SCRATCH;
    return [ptr, bytes.length];
  }

  /** path_open: the errno, and the new descriptor when it is 0. */
  open(dirFd: number, path: string, o: OpenOptions = {}): { errno: number; fd: number } {
    const oflags = (o.directory ? OFLAGS.directory : 0) | (o.create ? OFLAGS.creat : 0);
    // A directory is opened read-only: rights that need a writable host fd would make it EISDIR.
    const base = o.directory ? BigInt(DIRECTORY_RIGHTS & ~WRITE_RIGHTS) : o.write ? FD_READ | FD_WRITE : FD_READ;
    const inheriting = o.directory ? BigInt(DIRECTORY_RIGHTS | FILE_RIGHTS) : 0n;
    const errno = this.call('path_open', dirFd, o.follow === false ? 0 : LOOKUP_FOLLOW, ...this.put(path),
      oflags, base, inheriting, 0, OUT);
    return { errno, fd: errno === 0 ? this.u32(OUT) : -1 };
  }

  /** Opens `path` under dirFd and reads it whole: its text, or `errno N`. */
  readFile(dirFd: number, path: string): string {
    const { errno, fd } = this.open(dirFd, path);
    if (errno !== 0) return `errno ${errno}`;
    try {
      const [buf] = this.put(new Uint8Array(256));
      const view = new DataView(this.memory);
      view.setUint32(IOVEC, buf, true);
      view.setUint32(IOVEC + 4, 256, true);
      const e = this.call('fd_read', fd, IOVEC, 1, OUT);
      if (e !== 0) return `errno ${e}`;
      return new TextDecoder().decode(new Uint8Array(this.memory, buf, this.u32(OUT)));
    } finally {
      this.call('fd_close', fd);
    }
  }

  /** Creates (or truncates) `path` under dirFd with `text`: the errno. */
  writeFile(dirFd: number, path: string, text: string): number {
    const { errno, fd } = this.open(dirFd, path, { create: true, write: true });
    if (errno !== 0) return errno;
    const [buf, len] = this.put(text);
    const view = new DataView(this.memory);
    view.setUint32(IOVEC, buf, true);
    view.setUint32(IOVEC + 4, len, true);
    const e = this.call('fd_write', fd, IOVEC, 1, OUT);
    this.call('fd_close', fd);
    return e;
  }

  /** fd_readdir from cookie 0: the entry names, or `errno N`. */
  list(dirFd: number): string[] | string {
    const [buf, len] = this.put(new Uint8Array(4096));
    const e = this.call('fd_readdir', dirFd, buf, len, 0n, OUT);
    if (e !== 0) return `errno ${e}`;
    const used = this.u32(OUT);
    const view = new DataView(this.memory);
    const names: string[] = [];
    for (let at = buf; at + 24 <= buf + used;) {
      const namlen = view.getUint32(at + 16, true);
      names.push(new TextDecoder().decode(new Uint8Array(this.memory, at + 24, namlen)));
      at += 24 + namlen;
    }
    return names.sort();
  }

  rename(fd: number, from: string, toFd: number, to: string): number {
    return this.call('path_rename', fd, ...this.put(from), toFd, ...this.put(to));
  }

  symlink(target: string, fd: number, path: string): number {
    return this.call('path_symlink', ...this.put(target), fd, ...this.put(path));
  }

  link(fd: number, from: string, toFd: number, to: string, follow = false): number {
    return this.call('path_link', fd, follow ? LOOKUP_FOLLOW : 0, ...this.put(from), toFd, ...this.put(to));
  }

  unlink(fd: number, path: string): number {
    return this.call('path_unlink_file', fd, ...this.put(path));
  }

  mkdir(fd: number, path: string): number {
    return this.call('path_create_directory', fd, ...this.put(path));
  }

  rmdir(fd: number, path: string): number {
    return this.call('path_remove_directory', fd, ...this.put(path));
  }

  /** path_filestat_get: the errno, and the inode when it is 0. */
  stat(fd: number, path: string, follow = true): { errno: number; ino: bigint } {
    const errno = this.call('path_filestat_get', fd, follow ? LOOKUP_FOLLOW : 0, ...this.put(path), OUT);
    return { errno, ino: errno === 0 ? new DataView(this.memory).getBigUint64(OUT + 8, true) : 0n };
  }

  /** path_filestat_set_times to mtime `sec` seconds: the errno. */
  setMtime(fd: number, path: string, sec: number, follow = true): number {
    return this.call('path_filestat_set_times', fd, follow ? LOOKUP_FOLLOW : 0, ...this.put(path),
      0n, BigInt(sec) * 1_000_000_000n, 4 /* MTIM */);
  }

  /** path_readlink: the target, or `errno N`. */
  readlink(fd: number, path: string): string {
    const [buf, len] = this.put(new Uint8Array(256));
    const e = this.call('path_readlink', fd, ...this.put(path), buf, len, OUT);
    return e === 0 ? new TextDecoder().decode(new Uint8Array(this.memory, buf, this.u32(OUT))) : `errno ${e}`;
  }

  close(fd: number): number {
    return this.call('fd_close', fd);
  }
}
