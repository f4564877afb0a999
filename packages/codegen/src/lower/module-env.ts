// What every function compiler of one module shares.
import type { Assembler, Label } from '../x64/assembler.js';
import type { WasmModule } from '../wasm/types.js';
import type { OffsetMapBuilder } from './offset-map.js';
import type { VmctxLayout } from '../layout.js';

/**
 * How linear-memory accesses are bounds checked (see ops/memory.ts).
 *  - 'explicit': compare address + offset + size with [vmctx + MemSize] before each access.
 *  - 'guard': no compare; rely on the Memory's 8 GiB + 64 KiB reservation (PROT_NONE past
 *    MemSize) and the runtime's SIGSEGV handler (see ops/heap-address.ts, docs/memory.md).
 */
export type BoundsCheckMode = 'explicit' | 'guard';

export interface CompileOptions {
  /** Linear-memory bounds checking (default 'explicit'). */
  boundsChecks?: BoundsCheckMode;
  /**
   * Emit the prologue stack check (default true). An internal switch for measuring the
   * check's cost only (bench/stack-check.ts): without it, deep recursion crashes the process.
   */
  stackChecks?: boolean;
  /** Record `[jit]` comments per wasm operator (for `explore` and tracing). */
  trace?: boolean;
  /**
   * Check the engine's epoch against the instance's deadline at every function entry and
   * loop header, trapping `interrupt` once it is reached (Vmctx.EpochPtr; default false).
   */
  epochInterruption?: boolean;
  /**
   * Address of the epoch counter (a u64 that never moves, e.g. in a SharedArrayBuffer),
   * embedded in the code so that a check loads just the counter and the deadline. Without
   * it the check first loads the address from vmctx EpochPtr.
   */
  epochCounterAddress?: number;
  /**
   * Host interrupts (default false): the same checks as epochInterruption (one check serves
   * both), whose slow path also calls the native poll (Vmctx.EpochPoll) when the timer
   * thread requests one, every 10 ms, so that V8 acts on worker.terminate() and other
   * interrupts while wasm runs. Needs the engine's epoch cells (epochCounterAddress or
   * Vmctx.EpochPtr) like epochInterruption. See interrupt-checks.ts.
   */
  hostInterrupts?: boolean;
  /**
   * Charge every basic block its operator count against the instance's fuel and trap
   * `out_of_fuel` at function entries and loop headers once it runs out (Vmctx.Fuel;
   * default false). See interrupt-checks.ts.
   */
  consumeFuel?: boolean;
  /**
   * Compile function bodies on worker threads too (parallel-compile.ts): true = one thread
   * per core, a number = that many threads in all (the calling one included), false = the
   * calling thread only. Default: for modules with at least PARALLEL_MIN_CODE_BYTES of
   * function bodies, one thread per core but one (V8 needs that one to optimise the
   * compiler while it runs), or more if workers are already warm (module-compiler.ts
   * threadCount). The code is byte-identical either way.
   */
  parallelCompile?: boolean | number;
  /**
   * SIMD instruction set: true = AVX (VEX three-operand forms), false = the SSE4.1 baseline;
   * default: AVX when the CPU reports it (x64/cpu-features.ts).
   */
  simdAvx?: boolean;
  /**
   * 'optimized': compile every function the optimizing tier supports with it (src/opt,
   * docs/optimizing-tier.md), the others with the single-pass compiler. Default 'baseline'.
   */
  tier?: 'baseline' | 'optimized';
}

export interface ModuleEnv {
  readonly module: WasmModule;
  readonly asm: Assembler;
  /** Entry label of every function in the index space (imports: their host thunk). */
  readonly funcLabels: Label[];
  /** vmctx offsets of globals, tables, FuncRefRecords and segments (see layout.ts). */
  readonly layout: VmctxLayout;
  readonly trace: boolean;
  /** Linear-memory bounds checking; absent means 'explicit'. */
  readonly boundsChecks?: BoundsCheckMode;
  /** Pairs (wasm byte offset, code offset) per operator when collecting a source map. */
  readonly opOffsets: number[] | null;
  /** The prologue stack check (CompileOptions.stackChecks); absent means on. */
  readonly stackChecks?: boolean;
  /** Code offset → wasm offset at operators and trap stubs, for trap backtraces. */
  readonly offsetMap?: OffsetMapBuilder;
  /** CompileOptions.epochInterruption; absent means off. */
  readonly epochInterruption?: boolean;
  /** CompileOptions.epochCounterAddress. */
  readonly epochCounterAddress?: number;
  /** CompileOptions.hostInterrupts; absent means off. */
  readonly hostInterrupts?: boolean;
  /** CompileOptions.consumeFuel; absent means off. */
  readonly consumeFuel?: boolean;
  /**
   * Direct calls are `call rel32` placeholders recorded here as pairs (offset of the rel32
   * field, callee function index) and patched once the code is placed (link-chunks.ts), so
   * that function ranges compile independently, on any thread.
   */
  readonly callRelocs: number[];
  /**
   * Canonical signature id of every module type (layout.ts canonicalTypeId), computed on the
   * thread that owns the module: the ids are per thread, and code compiled on a worker must
   * embed the ones the runtime uses.
   */
  readonly typeIds: readonly number[];
  /**
   * Every signature id compiled into the code, as pairs (offset of its imm32, module type
   * index): the only process-specific values in the code besides an epoch cell address
   * (epochCounterAddress), so that the code cache can rewrite them in another process.
   */
  readonly typeIdSites: number[];
  /** CompileOptions.simdAvx, resolved: emit VEX forms for SIMD. */
  readonly simdAvx: boolean;
  /** CompileOptions.tier; absent means 'baseline'. */
  readonly tier?: 'baseline' | 'optimized';
}
