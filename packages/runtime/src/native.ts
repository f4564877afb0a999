// Typed ESM view of the native add-on (@wasmjit/native, a CommonJS .node module).
import { createRequire } from 'node:module';

// abi.ts CallBuffer.Slots. @wasmjit/codegen only exports its index, which does not (yet)
// re-export abi.ts, so the number is repeated here and checked against the add-on below.
const CALL_BUFFER_SLOTS = 1032;

/**
 * Native host_call calls this without arguments (N-API numbers are costly): the instance id
 * (vmctx[InstanceId]) and import index are in the call buffer's HostCallTarget slot (low and
 * high 32 bits), which it must read before anything can re-enter wasm. It reads the arguments
 * from the call buffer area, calls the import and writes the results back there. A throw
 * becomes a HostException trap (see takeHostException).
 */
export type HostDispatcher = () => void;

/** Addresses of the C helpers that generated code reaches through the vmctx. */
export interface HelperAddresses {
  /** Goes in vmctx[HostCall]: int32_t (void *vmctx, uint32_t importIndex, uint64_t *area, uint32_t nslots). */
  hostCall: number;
  /** Goes in vmctx[TrapUnwind]: jumped to with edi = TrapCode, rsi = trap site (0 if unknown). */
  trapUnwind: number;
  /** Goes in vmctx[MemoryGrow]: int64_t (void *vmctx, uint32_t deltaPages); stub returning -1. */
  memoryGrow: number;
}

export interface StackInfo {
  /** Lowest usable address of this thread's stack (guard excluded). */
  low: number;
  /** One past the highest address of this thread's stack. */
  high: number;
  /** Approximate current stack pointer. */
  sp: number;
}

export interface NativeBinding {
  /** This thread's call buffer: CallBuffer.Slots 8-byte slots (see abi.ts CallBuffer). */
  readonly callBuffer: ArrayBuffer;
  /**
   * Runs `code` with r14 = vmctx, r15 = the stack limit, and `nslots` area slots taken from
   * callBuffer[AreaStart..]; afterwards the results are in the call buffer. Returns the
   * TrapCode (0 = returned normally; 13 = see takeHostException()).
   */
  invoke(code: number, vmctx: number, nslots: number): number;
  /**
   * invoke() with code, vmctx and nslots read from the call buffer's descriptor slots
   * (CallBuffer.InvokeCode, InvokeVmctx as f64; InvokeNslots as the low u32). Returns
   * undefined when wasm returned normally, else the TrapCode. The cheap path of exports.
   */
  invokeFast(): number | undefined;
  /** Returns and clears the exception of the last HostException trap on this thread. */
  takeHostException(): unknown;
  /**
   * Sets this thread's dispatcher, called for every host call as fn() (see HostDispatcher);
   * `null` unsets it. Returns the previous one (or null) so a temporary one can be undone.
   */
  setHostDispatcher(fn: HostDispatcher | null): HostDispatcher | null;
  helperAddresses(): HelperAddresses;
  /** Return addresses at the last trap on this thread, innermost first (at most 64). */
  lastTrapBacktrace(): number[];
  /** Trap site of the last trap on this thread (maps like a return address), 0 if unknown. */
  lastTrapPc(): number;
  /** True when the last trap had more wasm frames than lastTrapBacktrace() holds. */
  lastTrapTruncated(): boolean;
  /**
   * Whether the guard-region SIGSEGV handler is installed / how many faults it turned into
   * out_of_bounds_memory traps. It is installed only once a guard-mode instance with a
   * memory exists (signals.ts); stack overflow never uses signals.
   */
  signalHandlerInstalled(): boolean;
  signalCount(): number;
  /**
   * Installs the handler (once per process) and gives this thread an alternate signal stack
   * unless it has one; returns that stack's size. Throws when either fails.
   */
  signalsInstall(): number;
  /** Publishes a JIT code range to the handler: a handle, or -1 when the table is full. */
  signalsRegisterCode(address: number, size: number): number;
  signalsUnregisterCode(handle: number): boolean;
  /** Publishes a linear-memory reservation to the handler: a handle, or -1 when full. */
  signalsRegisterMemory(address: number, size: number): number;
  signalsUnregisterMemory(handle: number): boolean;
  /** Live registered ranges (tests, diagnostics). */
  signalRanges(): { code: number; memory: number };
  /** Epoch interruption (native/src/epoch.c, see interruption.ts): address of counter[0]. */
  epochAddress(counter: BigUint64Array): number;
  /** The timer thread adds 1 to the u64 at `address` after `ms` ms; returns the timer id. */
  startEpochTimer(address: number, ms: number): number;
  /** true when the timer had not fired yet (now it never will). */
  cancelEpochTimer(id: number): boolean;
  /** Timers armed on any thread, neither fired nor cancelled. */
  pendingEpochTimers(): number;
  /** Test only: addresses of wasmcall-ABI functions usable as wasm imports (see test-imports.ts). */
  testImports(): { useStack: number; stackHeadroom: number };
  stackInfo(): StackInfo;
  /** Test only: touches `bytes` of native stack and returns a checksum. */
  testUseStack(bytes: number): number;
  testClobberXmm(): void;
  /** Test only: crashes the process with SIGSEGV. */
  testCrash(): void;
}

const require = createRequire(import.meta.url);
// Typed against the package's own index.d.ts, so the two declarations cannot drift apart.
const loaded: typeof import('@wasmjit/native') = require('@wasmjit/native');

export const native: NativeBinding = loaded;

if (native.callBuffer.byteLength !== CALL_BUFFER_SLOTS * 8) {
  throw new Error(
    `@wasmjit/native call buffer is ${native.callBuffer.byteLength} bytes, abi.ts expects ${CALL_BUFFER_SLOTS * 8}`,
  );
}

/** Views over the same call buffer bytes, indexed by CallBuffer slot. */
export const callF64 = new Float64Array(native.callBuffer);
export const callI64 = new BigInt64Array(native.callBuffer);
/** 32-bit views: slot i's low half is index 2*i (little-endian). */
export const callI32 = new Int32Array(native.callBuffer);
export const callU32 = new Uint32Array(native.callBuffer);
