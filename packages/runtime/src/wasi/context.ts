// What the syscall families share: guest memory, the descriptor table, argv and environ.
import type { GuestMemory } from './guest-memory.js';
import type { FdTable } from './fd-table.js';

export interface WasiContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  /** NUL-terminated UTF-8 argv and "KEY=VALUE" environ strings. */
  readonly args: readonly Uint8Array[];
  readonly env: readonly Uint8Array[];
}

/**
 * A syscall implementation: wasm i32 arguments arrive as JS numbers (signed; pointers are
 * made unsigned by GuestMemory), i64 ones as bigints. Returning nothing means success; an
 * error is thrown (WasiError or a host fs error) and turned into an errno by the dispatcher.
 */
export type Syscall = (...args: never[]) => number | void;
export type SyscallTable = Record<string, Syscall>;
