// The contract between generated code, the native add-on (native/src) and the runtime.
// Everything that two of those three must agree on lives here, and only here.
//
// ── Register roles (x86-64) ────────────────────────────────────────────────────────────
//   r15  stack limit, pinned while wasm runs. Every prologue compares rsp - frame with it.
//   r14  vmctx: the current instance's context (layout below).
//   r11  scratch for the code generator, never holds a value-stack entry. The lowering gets
//        it only from the macro assembler (lower/masm: withScratch, which refuses overlapping
//        uses); lower/masm/registers.ts maps every role here to its register.
//   xmm15 float scratch, likewise (withXmmScratch).
//   rsp/rbp  frame pointer chain; every wasm function keeps a standard rbp frame so that a
//        trap can walk it for a backtrace.
//   rbx, r12, r13 are callee-saved in SysV: wasm may allocate them because the C helpers we
//   call preserve them and the entry trampoline saves and restores them. They, and xmm8..13,
//   are the register homes of hot locals (lower/local-regs.ts), saved by a function that uses
//   them. r10, r9, r8 may home locals too, in functions that take them out of the temporaries;
//   being caller-saved, the function itself stores and reloads them around each call it makes.
//   Functions start 16-byte aligned.
//
// ── Calling convention between wasm functions ("wasmcall") ─────────────────────────────
//   The caller reserves an argument/result area of max(params, results) 8-byte slots at
//   [rsp + 8*i] and executes `call`. In the callee those slots are [rbp + 16 + 8*i].
//   Param i lives in slot i (i32/f32 in the low 4 bytes, upper bytes unspecified).
//   Result 0 returns in rax (i32, i64, references) or xmm0 (f32, f64); results 1..n-1 are
//   stored by the callee into area slots 1..n-1.
//   A v128 takes two slots, so with v128s "slot i" is the sum of the widths before value i
//   (lower/frame.ts areaSlots), and the area has that many slots; a v128 result 0 is
//   returned in area slots 0-1, not in xmm0 (docs/simd.md).
//   On entry r14 = callee vmctx, r15 = limit, rsp ≡ 8 (mod 16). All allocatable registers are
//   clobbered by a call; the callee returns with r14 = its own vmctx (it reloads r14 from its
//   frame after every call that may cross instances), so callers within one instance need not
//   reload it; callers of imports and call_indirect reload r14 from [rbp - 8].
//   A tail call (return_call*) leaves its frame and jumps to the callee, which then uses the
//   caller's incoming area and returns to the caller's caller; docs/tail-calls.md says when it
//   is an ordinary call instead (another instance, more argument slots than that area has).
//
// ── Frame layout (the one picture; lower/frame.ts computes it, docs/stack.md refers here) ──
//   [rbp + 16 + 8*i]  area slot i (params, results 1..)
//   [rbp + 8]         return address
//   [rbp + 0]         caller's rbp          ← the chain a trap's backtrace walks
//   [rbp - 8]         saved vmctx (r14)
//   [rbp - 16 - 8*i]  saved register i, i < S: the caller's value of each callee-saved
//                     home the function uses (rbx, r12, r13 first, then xmm8..13 as 8 bytes;
//                     lower/local-regs.ts); S = 0 in functions that home no local there
//   [rbp - 16 - 8*S - 8*j]  body (non-param) local j, then value-stack spill slots below them
//   [rsp + 8*i]       outgoing argument area (max over the calls in the function)
//   The frame size is a multiple of 16 so that rsp ≡ 0 (mod 16) inside a function body.
//
// ── Entry and traps ────────────────────────────────────────────────────────────────────
//   JS enters through native `invokeFast()` (code, vmctx and nslots in the CallBuffer's
//   descriptor slots; `invoke(code, vmctx, nslots)` takes them as arguments): args are read
//   from the per-thread shared call buffer (see CallBuffer), copied into an area on the
//   thread's wasm stack (a stack of its own, not the thread's), the pinned registers are set,
//   the code is called. A host call (HostCall) suspends the activation and returns
//   RunStatus.HostCall to the export wrapper, which runs the import in JS and resumes it.
//   A trap anywhere in wasm jumps to the trap-unwind routine whose address is in the vmctx
//   (TRAP_UNWIND) with edi = trap code and rsi = the trap site (see Vmctx.TrapUnwind): it
//   records the backtrace (rsi, then the return addresses of the rbp chain), switches back to
//   the thread stack and returns the code there. No signal, no longjmp. Stack limits and the
//   host reserve: docs/stack.md.

export const enum TrapCode {
  None = 0,
  StackOverflow = 1,
  Unreachable = 2,
  IntegerDivideByZero = 3,
  IntegerOverflow = 4,
  BadConversionToInteger = 5,
  OutOfBoundsMemory = 6,
  OutOfBoundsTable = 7,
  IndirectCallToNull = 8,
  BadSignature = 9,
  NullReference = 10,
  UninitializedElement = 11,
  OutOfBoundsDataOrElem = 12,
  /** A JS import threw; the exception object is held natively and rethrown at the entry. */
  HostException = 13,
  Interrupt = 14,
  OutOfFuel = 15,
  /** A native import (C API) trapped; its message is native hostTrapMessage(). */
  HostTrap = 16,
  /** An atomic access whose effective address is not a multiple of its width (threads). */
  UnalignedAtomic = 17,
  /** memory.atomic.wait on an unshared memory, which could only wait forever (threads). */
  ExpectedSharedMemory = 18,
}

/** The `trap` property of a RuntimeError, indexed by TrapCode. */
export const TRAP_NAMES: readonly string[] = [
  'none',
  'stack_overflow',
  'unreachable',
  'integer_divide_by_zero',
  'integer_overflow',
  'bad_conversion_to_integer',
  'out_of_bounds_memory',
  'out_of_bounds_table',
  'indirect_call_to_null',
  'bad_signature',
  'null_reference',
  'uninitialized_element',
  'out_of_bounds_data_or_elem',
  'host_exception',
  'interrupt',
  'out_of_fuel',
  'host_trap',
  'unaligned_atomic',
  'expected_shared_memory',
];

/** Byte offsets of the fixed vmctx header. All fields are 8 bytes. */
export const enum Vmctx {
  /** Base address of memory 0 (0 when the module has no memory). */
  MemBase = 0x00,
  /** Current byte length of memory 0 (the bound for explicit bounds checks). */
  MemSize = 0x08,
  /** C: int32_t host_call(void *vmctx, uint32_t import_index, uint64_t *area, uint32_t nslots). */
  HostCall = 0x10,
  /**
   * Jump target (not a call) with edi = TrapCode, rsi = trap site (an address just after a
   * `call` in the site's out-of-line stub, so it maps like a return address; 0 if unknown) and
   * rbp = the trapping function's frame: records the backtrace, unwinds to the innermost entry.
   */
  TrapUnwind = 0x18,
  /**
   * Nonzero once Instance.dispose() ran (u64). Generated code never reads it: JS export
   * wrappers check their owner instead; calls from C (the C API's call()) check it here.
   */
  Disposed = 0x20,
  /** Instance id (u32) the runtime uses to find the JS Instance from native code. */
  InstanceId = 0x28,
  /** Bytes of stack wasm may use, read by the outermost entry (Engine option maxWasmStack). */
  MaxWasmStack = 0x30,
  /** Bytes always left below the wasm limit for native code (Engine option hostStackReserve). */
  HostStackReserve = 0x38,
  /** Pointer to the globals area (8 bytes per global cell pointer, see layout.ts). */
  Globals = 0x40,
  /**
   * Epoch interruption and host interrupts (CompileOptions.epochInterruption, hostInterrupts):
   * address of the engine's epoch cells, i64s in a SharedArrayBuffer: [0] W = epoch - B,
   * which every bump increments (from any thread, or the native timer); [1] B = the earliest
   * deadline of the engine's instances and of [2]; [2] the engine-wide deadline of
   * callWithTimeout. Function entries and loop headers go to a slow path once W >= 0. There,
   * W + B is the epoch, plus 2^62 while the native timer thread requests a poll (host
   * interrupts: it calls EpochPoll); otherwise it traps `interrupt` if the epoch reached [2]
   * or EpochDeadline. The runtime's code embeds the address
   * (CompileOptions.epochCounterAddress); this field serves code compiled without it. See
   * lower/interrupt-checks.ts, the runtime's epoch-counter.ts and docs/interrupt.md.
   */
  EpochPtr = 0x48,
  /** This instance's epoch deadline (i64; 2^62 = none), see EpochPtr. */
  EpochDeadline = 0x50,
  /**
   * Fuel (CompileOptions.consumeFuel): this instance's remaining fuel as an i64. Every basic
   * block subtracts its operator count on entry; function entries and loop headers trap
   * `out_of_fuel` when what was left could not pay for their block (it is then negative).
   */
  Fuel = 0x58,
  /**
   * Host interrupts (CompileOptions.hostInterrupts): the native poll thunk (epoch.c
   * wasmjit_epoch_poll), called from an epoch check's slow path with r11 = the epoch cells'
   * address. It preserves every other register and returns r11d = 0, or a TrapCode (the host
   * exception of a termination) to trap with.
   */
  EpochPoll = 0x60,
  /** First of the per-module variable-length parts (imported functions, ...). */
  HeaderEnd = 0x80,
}

/**
 * The smallest host stack reserve (Engine option hostStackReserve) accepted: what the trap
 * path and a host call into JS need below the wasm limit, with a margin. Measured by stack
 * painting (docs/stack.md): the trap path writes at most ~100 bytes below the limit; a JS
 * import called there takes ~1.8 KB until it returns when V8 lets it run, and ~4.6 KB when
 * V8 refuses it for lack of JS stack and builds its RangeError, 16.4 KB when a scavenge runs
 * in the middle of that. Native code checks the same value (wasmjit.h).
 */
export const MIN_HOST_STACK_RESERVE = 64 * 1024;

/** Size in bytes of one imported-function entry in the vmctx: { code, vmctx }. */
export const IMPORT_ENTRY_SIZE = 16;

/** vmctx offset of imported function `i`'s code pointer; its vmctx follows 8 bytes later. */
export function importedFuncOffset(i: number): number {
  return Vmctx.HeaderEnd + i * IMPORT_ENTRY_SIZE;
}

/**
 * The per-thread call buffer shared between JS and native code (a Float64Array, a
 * BigInt64Array and an Int32Array view over the same bytes). Slot indexes, in 8-byte units.
 */
export const enum CallBuffer {
  /** xmm0 after the call: result 0 when it is f32/f64. */
  FloatResult = 0,
  /** rax after the call: result 0 when it is i32/i64/ref. */
  IntResult = 1,
  /** First argument/result area slot; area slot i is at AreaStart + i. */
  AreaStart = 2,
  /** One past the last area slot: 1022 area slots, enough for the spec's limit of 1000. */
  AreaEnd = 1024,
  // Descriptor slots after the area, so that plain memory, not N-API values, carries the
  // call's target (creating or reading an N-API number costs about as much as a call).
  /**
   * invokeFast() descriptor, written by the export wrapper right before the call, after all
   * argument conversions (which may run JS that re-enters wasm and rewrites it): code
   * address and vmctx as f64, area slot count in the low 32 bits. Native code reads it
   * before running anything.
   */
  InvokeCode = 1024,
  InvokeVmctx = 1025,
  InvokeNslots = 1026,
  /**
   * host_call → dispatcher descriptor: instance id (vmctx InstanceId) in the low 32 bits,
   * import index (or BUILTIN_BASE + Builtin) in the high 32 bits. Written by native code right
   * before it calls the argument-less dispatcher, which reads it first.
   */
  HostCallTarget = 1027,
  /**
   * The suspended activation's serial (f64), written by native code with HostCallTarget; the
   * export wrapper keeps it and writes it back right before resume()/abandon().
   */
  SuspendSerial = 1028,
  /** Total slots (1029..1031 are spare; the descriptors share one 64-byte line). */
  Slots = 1032,
}

/**
 * What native invoke()/invokeFast()/resume() return besides a TrapCode (0/undefined: wasm
 * returned). HostCall: wasm called a JS import or runtime builtin and is suspended on the
 * wasm stack (CallBuffer.HostCallTarget names it, the area holds its arguments); the export
 * wrapper runs it and resumes. Distinct from every TrapCode.
 */
export const enum RunStatus {
  HostCall = 256,
}

/**
 * host_call import indexes at or above BUILTIN_BASE are runtime builtins ("libcalls"): rare or
 * bulk operations done in the runtime (memory.grow, bulk memory, table ops). Arguments and the
 * result use the same area protocol as JS imports; a builtin traps by throwing a RuntimeError,
 * which unwinds like a JS exception from an import.
 */
export const BUILTIN_BASE = 0x40000000;

export const enum Builtin {
  MemoryGrow = 0,
  MemoryFill = 1,
  MemoryCopy = 2,
  MemoryInit = 3,
  DataDrop = 4,
  TableGrow = 5,
  TableFill = 6,
  TableCopy = 7,
  TableInit = 8,
  ElemDrop = 9,
  TableGet = 10,
  TableSet = 11,
  /**
   * No arguments, no effect: called by the host-interrupt poll (EpochPoll) so that V8 runs
   * its pending interrupts (worker.terminate(), inspector) at the JS call.
   */
  Poll = 12,
  /**
   * Lazy compilation: compile defined function arg 0 (a function index) and point its jump
   * slot at the code; called by the lazy stub (lower/lazy-base.ts) on the function's first call.
   */
  LazyCompile = 13,
  // The memory builtins for any memory but a 32-bit memory 0 (multi-memory, memory64): the
  // same operations with the memory index (or indexes) as extra trailing arguments. An
  // address or length is an i64 slot for a 64-bit memory, else an i32 one.
  /** (delta, memory) → old pages or -1. */
  MemoryGrowAt = 14,
  /** (dst, value, len, memory). */
  MemoryFillAt = 15,
  /** (dst, src, len, dstMemory, srcMemory). */
  MemoryCopyAt = 16,
  /** (dst, src, len, segment, memory). */
  MemoryInitAt = 17,
  /**
   * Exception handling (docs/exceptions.md): throw tag arg N-1 (an i32 after the payload,
   * area layout of frame.ts) with the payload before it. Never returns normally.
   */
  Throw = 18,
  /** throw_ref: rethrow exnref arg 0; a null one traps. Never returns normally. */
  ThrowRef = 19,
  /**
   * A landing pad's values: arg 0 is the clause kind (catch, catch_ref, catch_all,
   * catch_all_ref); the results are the caught exception's payload (catch, catch_ref), then
   * its exnref (the _ref kinds).
   */
  CatchPayload = 20,
}
