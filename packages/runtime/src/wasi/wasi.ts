// WASI preview1 for any instance that exports its memory: wasmjit's, or WebAssembly's. The
// API is node:wasi's (new WASI({ args, env, preopens }), getImportObject(), start()), so a
// program runs the same under both and tests can compare them.
import { argsEnvSyscalls } from './args-env.js';
import { clockSyscalls } from './clocks.js';
import { Errno, errnoOf } from './errno.js';
import { FdTable } from './fd-table.js';
import { fdSyscalls } from './fds.js';
import { GuestMemory, encodeCStrings, type MemoryLike } from './guest-memory.js';
import { pathSyscalls } from './paths.js';
import type { Syscall, SyscallTable, WasiContext } from './context.js';

export interface WasiOptions {
  version?: 'preview1';
  /** argv, program name first. */
  args?: readonly string[];
  /** The guest's whole environment (nothing is inherited from the host). */
  env?: Readonly<Record<string, string>>;
  /** Guest name → host directory; they become fds 3, 4, ... in this order. */
  preopens?: Readonly<Record<string, string>>;
  /** Host descriptors behind the guest's 0, 1 and 2 (default: this process's own). */
  stdin?: number;
  stdout?: number;
  stderr?: number;
  /** proc_exit makes start() return the code (default); false exits this process instead. */
  returnOnExit?: boolean;
}

/** What proc_exit throws through the guest's frames; start() catches it. */
export class WasiExit extends Error {
  override name = 'WasiExit';
  constructor(readonly code: number) {
    super(`WASI proc_exit(${code})`);
  }
}

export interface InstanceLike {
  readonly exports: Record<string, unknown>;
}

export type WasiImport = Record<string, (...args: (number | bigint)[]) => number>;

export class WASI {
  readonly wasiImport: WasiImport;
  readonly #mem = new GuestMemory();
  readonly #fds: FdTable;
  readonly #returnOnExit: boolean;
  #started = false;

  constructor(options: WasiOptions = {}) {
    if ((options.version ?? 'preview1') !== 'preview1') throw new TypeError(`WASI: unsupported version ${options.version}`);
    this.#returnOnExit = options.returnOnExit ?? true;
    this.#fds = new FdTable(
      [options.stdin ?? 0, options.stdout ?? 1, options.stderr ?? 2],
      Object.entries(options.preopens ?? {}),
    );
    const ctx: WasiContext = {
      mem: this.#mem,
      fds: this.#fds,
      args: encodeCStrings(options.args ?? []),
      env: encodeCStrings(Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`)),
    };
    const table: SyscallTable = {
      ...argsEnvSyscalls(ctx),
      ...clockSyscalls(ctx),
      ...fdSyscalls(ctx),
      ...pathSyscalls(ctx),
      proc_exit: (code: number) => {
        throw new WasiExit(code >>> 0);
      },
      proc_raise: () => Errno.Nosys,
      sock_accept: () => Errno.Notsup,
      sock_recv: () => Errno.Notsup,
      sock_send: () => Errno.Notsup,
      sock_shutdown: () => Errno.Notsup,
    };
    this.wasiImport = Object.fromEntries(Object.entries(table).map(([name, f]) => [name, this.#guard(f)]));
  }

  getImportObject(): { wasi_snapshot_preview1: WasiImport } {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  /** Runs a command's `_start`; returns the proc_exit code, or 0 when `_start` returns. */
  start(instance: InstanceLike): number {
    const { _start, _initialize } = instance.exports;
    if (typeof _start !== 'function') throw new TypeError('WASI: the module does not export a _start function');
    if (_initialize !== undefined) throw new TypeError('WASI: a command must not export _initialize');
    this.#bind(instance);
    try {
      _start();
      return 0;
    } catch (e) {
      if (!(e instanceof WasiExit)) throw e;
      if (!this.#returnOnExit) process.exit(e.code);
      return e.code;
    }
  }

  /** Prepares a reactor: binds its memory and runs `_initialize` when it has one. */
  initialize(instance: InstanceLike): void {
    const { _start, _initialize } = instance.exports;
    if (_start !== undefined) throw new TypeError('WASI: a reactor must not export _start');
    this.#bind(instance);
    if (typeof _initialize === 'function') _initialize();
  }

  #bind(instance: InstanceLike): void {
    if (this.#started) throw new Error('WASI: start() or initialize() was already called');
    const memory = instance.exports.memory as MemoryLike | undefined;
    if (!memory || typeof memory !== 'object' || !('buffer' in memory)) {
      throw new TypeError('WASI: the instance must export its memory as "memory"');
    }
    this.#started = true;
    this.#mem.bind(memory);
  }

  /**
   * Makes a syscall return an errno: host and WasiError failures become their numbers, and
   * anything else a host call throws (a RangeError from an allocation, a bug here) becomes EIO,
   * so no exception but proc_exit's unwind ever leaves a syscall into the guest's frames.
   * Calling before start()/initialize() is the embedder's mistake and still throws.
   */
  #guard(f: Syscall): (...args: (number | bigint)[]) => number {
    const mem = this.#mem;
    const call = f as (...args: (number | bigint)[]) => number | void;
    return (...args) => {
      mem.refresh();
      try {
        return call(...args) ?? Errno.Success;
      } catch (e) {
        if (e instanceof WasiExit) throw e;
        return errnoOf(e) ?? Errno.Io;
      }
    };
  }
}
