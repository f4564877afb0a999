// Types of the wasmjit native add-on (native/src). Addresses are plain numbers: x86-64
// user-space addresses are below 2^47, so doubles hold them exactly.

declare namespace wasmjitNative {
  /**
   * Called by native host_call without arguments: callBuffer slot 1027 holds the instance id
   * (low u32) and import index (high u32); convert the args, call the import, store results.
   */
  type HostDispatcher = () => void;

  interface HelperAddresses {
    /** int32_t wasmjit_host_call(void *vmctx, uint32_t importIndex, uint64_t *area, uint32_t nslots) */
    hostCall: number;
    /** Jump target (not a call) with edi = TrapCode, rsi = trap site (0 if unknown); goes in vmctx[TrapUnwind]. */
    trapUnwind: number;
  }

  interface StackInfo {
    /** Lowest usable address of this thread's stack (guard excluded). */
    low: number;
    /** One past the highest address of this thread's stack. */
    high: number;
    /** Approximate current stack pointer (inside the native call). */
    sp: number;
  }

  interface TestImports {
    /** use_stack(bytes: i32) -> i32: testUseStack's checksum, or 0 if the thread lacks room. */
    useStack: number;
    /** stack_headroom() -> i64: the caller's rsp minus the wasm limit (r15). */
    stackHeadroom: number;
  }

  interface Binding {
    /**
     * Per-thread call buffer, CallBuffer.Slots (1032) 8-byte slots: [0] f64 result (xmm0),
     * [1] int result (rax), [2..1023] argument/result area, [1024..1026] the invokeFast
     * descriptor, [1027] the host-call target, [1028] the suspended activation's serial
     * (f64). Shared by invoke and host calls.
     */
    readonly callBuffer: ArrayBuffer;
    /**
     * Calls `code` (wasmcall ABI) with r14 = vmctx and an area of `nslots` slots copied from
     * callBuffer[2..]; copies results back. Returns the TrapCode (0 = returned normally), or
     * 256 (RunStatus.HostCall) when wasm called an import: see resume().
     */
    invoke(code: number, vmctx: number, nslots: number): number;
    /**
     * invoke() with code and vmctx (f64) from callBuffer slots 1024 and 1025 and nslots from
     * the low u32 of slot 1026; undefined when wasm returned normally, else the TrapCode, or
     * true (invoke() returns 256, RunStatus.HostCall): wasm called import / builtin callBuffer[1027] (instance id
     * low, index high) with its arguments in the area, and is suspended; the caller runs the
     * call, leaves the results in the area and calls resume() with slot 1028 holding the
     * serial it found there (or abandon() if the call threw).
     */
    invokeFast(): number | true | undefined;
    /** Continues the suspended activation whose serial is in callBuffer slot 1028 (f64). Returns like invokeFast. */
    resume(): number | true | undefined;
    /** Drops the suspended activation whose serial is in callBuffer slot 1028 (its host call threw). */
    abandon(): void;
    /**
     * Exception handling: the wasm frames of the suspended activation whose serial is in
     * callBuffer slot 1028, innermost first, as [pc, rbp, saved vmctx, pc, ...].
     */
    suspendedFrames(): number[];
    /** Continues that activation at landing pad `pc` in frame `rbp`. Returns like resume(). */
    resumeAt(rbp: number, pc: number): number | true | undefined;
    /** This thread's wasm stack (0s before first use) and the innermost activation's limit (0 when none). */
    wasmStackInfo(): { low: number; high: number; limit: number };
    /** Test only: remap this thread's idle wasm stack to exactly `bytes` and keep that size (0: unpin). */
    testPinWasmStack(bytes: number): void;
    helperAddresses(): HelperAddresses;
    /** Return addresses collected at the last trap on this thread, innermost first (max 64). */
    lastTrapBacktrace(): number[];
    /**
     * The trap site of the last trap on this thread: the rsi generated code passed to
     * TrapUnwind (an address just after a `call` in the site's stub, so it maps like a return
     * address), or 0 when unknown.
     */
    lastTrapPc(): number;
    /** True when the last trap had more wasm frames than lastTrapBacktrace() holds. */
    lastTrapTruncated(): boolean;
    /**
     * Whether the guard-region SIGSEGV handler is installed (only once a guard-mode instance
     * with a memory exists), and how many faults it has turned into out_of_bounds_memory
     * traps. Stack overflow never uses signals (see wj_signals in native/src/wasmjit.h).
     */
    signalHandlerInstalled(): boolean;
    signalCount(): number;
    /**
     * Guard-region bounds checks (native/src/signals.c, docs/memory.md): installs the
     * SIGSEGV/SIGBUS handler once per process and gives the calling thread an alternate
     * signal stack unless it has one. Returns the size of that stack in bytes.
     */
    signalsInstall(): number;
    /** Publishes a JIT code range; a handle for signalsUnregisterCode, or -1 if the table is full. */
    signalsRegisterCode(address: number, size: number): number;
    /** false when the handle is not (or no longer) registered. */
    signalsUnregisterCode(handle: number): boolean;
    /** Publishes a linear-memory reservation; a handle, or -1 if the table is full. */
    signalsRegisterMemory(address: number, size: number): number;
    signalsUnregisterMemory(handle: number): boolean;
    /** Live registered ranges (tests, diagnostics). */
    signalRanges(): { code: number; memory: number };
    /**
     * Epoch interruption (native/src/epoch.c). The address of `counter[0]`: the cell of an
     * engine's epoch that bumps increment (runtime epoch-counter.ts), in a SharedArrayBuffer
     * (whose backing store never moves).
     */
    epochAddress(counter: BigUint64Array): number;
    /**
     * After `ms` milliseconds the process-wide timer thread atomically adds 1 to the u64 at
     * `address`. Returns an id for cancelEpochTimer; the caller keeps the counter alive until
     * the timer fired or was cancelled (a worker's pending timers are cancelled when it exits).
     */
    startEpochTimer(address: number, ms: number): number;
    /** true when the timer was still pending (it will never fire now), false if it had fired. */
    cancelEpochTimer(id: number): boolean;
    /** Timers armed on any thread that have neither fired nor been cancelled. */
    pendingEpochTimers(): number;
    /**
     * Native memory owned by the GC (native/src/memory.c). An owner is an opaque object whose
     * collection unpublishes and unmaps its mapping. Mapping calls answer a positive errno,
     * or -1 when the fault handler's range table is full, instead of [owner, address].
     */
    mapCode(bytes: Uint8Array): [owner: object, address: number] | number;
    /**
     * For every file under `root` whose name ends with `suffix`, in byte order of the relative
     * path: "path\0size\0mtime ns\0ctime ns\0inode\0", concatenated (native/src/file_stamps.c);
     * an errno when the walk fails.
     */
    fileStamps(root: string, suffix: string): string | number;
    /** The CRC32C (Castagnoli) of `bytes` (native/src/code_file.c). */
    crc32c(bytes: Uint8Array): number;
    /**
     * Copies bytes [offset, offset + length) of an open file (a descriptor) or of a buffer
     * into fresh code pages, checks their CRC32C against `crc`, writes `ids[type]` as an i32
     * at every site (pairs of code offset and module type index) and maps them read+execute
     * as mapCode does. Else an errno, -1 (table full), -2 (CRC mismatch), -3 (the source is
     * shorter) or -4 (a site outside the code or naming no type); nothing was made executable.
     */
    loadCheckedCode(source: number | Uint8Array, offset: number, length: number, crc: number, sites: Int32Array, ids: Int32Array): [owner: object, address: number] | number;
    /** loadCheckedCode from a file, read and checked on a libuv worker thread; `fd` stays open until it settles. */
    loadCheckedCodeAsync(fd: number, offset: number, length: number, crc: number, sites: Int32Array, ids: Int32Array): Promise<[owner: object, address: number] | number>;
    reserveMemory(size: number, publish: boolean): [owner: object, address: number] | number;
    /**
     * Lazy compilation (native/src/lazy_code.c): a code mapping of `capacity` bytes, `code`
     * read+execute at 0, slot words read+write at [dataOffset, dataOffset + dataLength), the
     * rest inaccessible until installCode. A code owner like mapCode's.
     */
    mapLazyCode(code: Uint8Array, dataOffset: number, dataLength: number, capacity: number): [owner: object, address: number] | number;
    /** Code into fresh pages at page-aligned `offset` (made read+execute): 0 or an errno (EPERM: sealed already). */
    installCode(owner: object, offset: number, code: Uint8Array): number;
    /** Atomic store of `target` (an address inside the mapping's executable part) into the slot word at `offset`. */
    setCodeSlot(owner: object, offset: number, target: number): void;
    /** The address in the slot word at `offset`. */
    codeSlot(owner: object, offset: number): number;
    /** A copy of `length` installed bytes at `offset` of a lazy region (below lazySealed). */
    readLazyCode(owner: object, offset: number, length: number): ArrayBuffer;
    /** Offset of the first byte not yet made executable. */
    lazySealed(owner: object): number;
    /** Raises the calling thread's nice value to `nice` (0..19): 0, or an errno (lazy background worker). */
    lowerThreadPriority(nice: number): number;
    /** 0 or an errno. Offsets are checked against the owner's reservation (RangeError). */
    commitMemory(owner: object, offset: number, length: number): number;
    decommitMemory(owner: object, offset: number, length: number): number;
    /** A detachable ArrayBuffer over the reservation's first `length` bytes; it does not own them. */
    memoryBuffer(owner: object, length: number): ArrayBuffer;
    detachBuffer(buffer: ArrayBuffer): void;
    /**
     * Unmaps now (idempotent); later use of the owner is an Error. A code owner drops only
     * its own reference: code another thread adopted stays mapped (code_share.c).
     */
    releaseMapping(owner: object): void;
    /**
     * Registers code (a mapCode / adoptCode owner) with a copy of the bytes of the `meta`
     * arrays, concatenated, in the process-wide registry (native/src/code_share.c) under a
     * fresh random id (32 hex digits). The entry lives as long as the returned owner.
     */
    shareCode(code: object, meta: ArrayBufferView[]): [entry: object, id: string];
    /**
     * A copy of `bytes` (in huge pages where possible) that any thread can open by the id
     * (native/src/snapshot.c); it lives while any ArrayBuffer over it does.
     */
    snapshotBytes(bytes: Uint8Array): [buffer: ArrayBuffer, id: string];
    /**
     * snapshotBytes, with the code cache's digest of the copy (wasmDigest) made in the same
     * pass, on several threads for large modules (native/src/wasm_digest.c).
     */
    snapshotWithDigest(bytes: Uint8Array): [buffer: ArrayBuffer, id: string, digest: string];
    /**
     * The code cache's digest of wasm bytes, 64 hex digits: a SHA-256 tree over 1 MiB chunks
     * (native/src/wasm_digest.c), hashed by several threads for large modules.
     */
    wasmDigest(bytes: Uint8Array): string;
    /**
     * Tests: SHA-256 of `bytes` by the add-on's own implementation (native/src/sha256.c), with
     * the compression `impl` (0 the CPU's best, 1 portable, 2 SHA-NI), as 64 hex digits; null
     * when the CPU has no SHA-NI for impl 2.
     */
    sha256(bytes: Uint8Array, impl: 0 | 1 | 2): string | null;
    /**
     * Copies the active data segments (offsetAt >= 0) of `source` into `memory`, in order,
     * each bounds-checked (native/src/data_segments.c): -1 when all were applied, else the
     * index of the first that does not fit (the earlier ones written), or -2 for columns that
     * do not describe segments of `source`.
     */
    applyDataSegments(memory: Uint8Array, source: Uint8Array, start: Float64Array, length: Float64Array,
      offset: Float64Array, offsetAt: Float64Array, count: number): number;
    /** A new ArrayBuffer over the snapshot `id` (no copy), or null for an unknown id. */
    openSnapshot(id: string): ArrayBuffer | null;
    /**
     * What `id` names in the registry: a new reference to its code (any thread), the code's
     * address and length, a new holder of the entry (which keeps it alive) and its metadata's
     * length; null for an unknown id.
     */
    adoptCode(id: string): [code: object, address: number, codeLength: number, entry: object, metaLength: number] | null;
    /** Drops an entry owner's hold now rather than when it is collected (idempotent). */
    releaseEntry(entry: object): void;
    /** A copy of bytes [offset, offset + length) of an entry's metadata (RangeError outside it). */
    readShared(entry: object, offset: number, length: number): ArrayBuffer;
    /** A copy of a code owner's machine code. */
    copyCode(code: object): ArrayBuffer;
    /**
     * Process-wide: code mappings alive, code mappings ever made, registry entries alive
     * (tests prove with them that adopted code was not compiled again).
     */
    codeStats(): { live: number; made: number; shared: number };
    /** The id every thread of the process uses for a signature key (native/src/type_ids.c). */
    canonicalTypeId(key: string): number;
    /** A zeroed ArrayBuffer of `size` bytes (at least 8) and the address of its bytes. */
    newData(size: number): [buffer: ArrayBuffer, address: number];
    /** An object whose collection reports `id` through takeCollected() (native/src/collected.c). */
    tracker(id: number): object;
    takeCollected(): number[];
    /**
     * Host interrupts: from now on the timer thread requests a poll of the engine whose cell
     * W is `cells[0]` (a view over a SharedArrayBuffer, held alive until unwatched) every
     * 10 ms, by adding the poll bias to it (see native/src/epoch.c). Again for the same cell:
     * no-op.
     */
    watchEpochCell(cells: BigUint64Array): void;
    /** Stops watching (this thread's) cell at `address`; false if it was not watched. */
    unwatchEpochCell(address: number): boolean;
    /** Polls run so far for the watched cell at `address`, or -1 if it is not watched. */
    epochPolls(address: number): number;
    /** Address of the poll thunk generated code calls (vmctx EpochPoll). */
    epochPollAddress(): number;
    /** Test only: addresses of wasmcall-ABI functions usable as wasm imports. */
    testImports(): TestImports;
    /** The public C API (capi.c, include/wasmjit_api.h): the External holding the wj_api table. */
    capiTable(): object;
    /** A make_import handle's [C function, descriptor, adapter address, param types, result
     * types] (wasm binary type codes); undefined for any other value. */
    capiImportInfo(v: unknown): [bigint, bigint, number, number[], number[]] | undefined;
    /** The tagged handle func_from_value accepts for the wasm function at code/vmctx; the
     * host-call driver is called with ownerId when C-started wasm of it calls a JS import. */
    capiFunctionHandle(code: number, vmctx: number, params: number[], results: number[], keepAlive: object, ownerId: number): object;
    /** Sets this thread's driver: driver(ownerId) runs the host calls of the activation C
     * started and suspended in one (the runtime's runHostCalls loop). */
    capiSetHostDriver(driver: (ownerId: number) => number | undefined): void;
    /** Test only: make_import descriptors alive in the process (not yet collected). */
    capiLiveImports(): number;
    /** Test only: keeps the wj_func of a nativeFunction() handle in a process-wide slot. */
    testCapiStash(handle: object): void;
    /** Test only: api->call of the stashed function with one i32 (if it takes one); [status, i32 result]. */
    testCapiCallStashed(x: number): [number, number];
    /** The message of this thread's last host trap (a native import's api->trap). */
    hostTrapMessage(): string;
    stackInfo(): StackInfo;
    /** Test only: touches `bytes` of native stack, returns a checksum. */
    testUseStack(bytes: number): number;
    /** Test only: sets xmm8..xmm13 to all-ones, as any C code may (they are caller-saved in SysV). */
    testClobberXmm(): void;
    /** Test only: dereferences a bad pointer (SIGSEGV). */
    testCrash(): void;
  }
}

declare const wasmjitNative: wasmjitNative.Binding;
export = wasmjitNative;
