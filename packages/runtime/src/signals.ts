// The runtime side of guard-region bounds checks (docs/memory.md): what the native SIGSEGV
// handler (native/src/signals.c) needs to know, and when it gets installed.
//
// The handler turns a fault into an out_of_bounds_memory trap only when the faulting pc is
// in a registered JIT code range AND the fault address is in a registered linear-memory
// reservation. code-memory.ts registers every code region, memory.ts every guarded
// reservation. The handler itself is installed lazily, by the first guard-mode instance that
// has a memory: processes that only use explicit bounds checks (or no memory) never get one.
import { native } from './native.js';

/** Publishes a JIT code range; returns its handle. Throws if the native table is full. */
export function registerCodeRange(address: number, size: number): number {
  const handle = native.signalsRegisterCode(address, size);
  // 65536 live code regions: more than the kernel's default map count allows anyway.
  if (handle < 0) throw new RangeError('wasmjit: too many live code regions for the fault handler (65536)');
  return handle;
}

export function unregisterCodeRange(handle: number): void {
  native.signalsUnregisterCode(handle);
}

/**
 * Publishes a linear-memory guard reservation; returns its handle, or -1 when the native
 * table is full (the memory then counts as unguarded, see Memory.guarded).
 */
export function registerMemoryRange(address: number, size: number): number {
  return native.signalsRegisterMemory(address, size);
}

export function unregisterMemoryRange(handle: number): void {
  native.signalsUnregisterMemory(handle);
}

// Per thread (each worker loads its own copy of this module): the native call also sets up
// the thread's alternate signal stack, so it is needed once on every thread.
let installedOnThisThread = false;

/**
 * Makes sure the handler is installed (once per process) and that this thread, which is
 * about to run guard-mode code, has an alternate signal stack.
 */
export function ensureGuardHandler(): void {
  if (installedOnThisThread) return;
  native.signalsInstall();
  installedOnThisThread = true;
}
