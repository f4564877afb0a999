// The messages between the harness (parent) and its worker processes. A job goes in as one
// JSON argument; the result comes back as the stdout line `BENCH-RESULT <json>`.
import type { EngineKind, WasmjitOptions } from './engines.js';
import type { FailureKind } from './types.js';

export const RESULT_PREFIX = 'BENCH-RESULT ';

export interface ExecJob {
  kind: 'exec';
  engine: EngineKind;
  wasmjitOptions?: WasmjitOptions;
  program: string;
  arg: number;
  warmups: number;
  reps: number;
  /** Stop repeating once this much time went by (keeping at least 3 samples). */
  budgetMs: number;
}

export interface ExecResult {
  output: string | null;
  samplesMs: number[];
  /** The same runs' CPU time (user + system) of the worker process: less noisy under load. */
  cpuSamplesMs?: number[];
  failure?: { kind: FailureKind; message: string };
}

/**
 * One program in wasmjit under two option sets, in one process, timed in alternation: the
 * two sides see the same machine noise, which matters when they differ by a few percent.
 */
export interface PairJob {
  kind: 'pair';
  program: string;
  arg: number;
  a: WasmjitOptions;
  b: WasmjitOptions;
  warmups: number;
  reps: number;
  budgetMs: number;
}

export interface PairResult {
  a: ExecResult;
  b: ExecResult;
}

export interface CompileJob {
  kind: 'compile';
  engine: EngineKind;
  file: string;
  /** wasmjit: also time a second compile in the same process. */
  warm: boolean;
}

export interface CompileResult {
  bytes: number;
  funcs: number;
  ms: number | null;
  /** Bytes the time covers (all of them unless some functions failed to compile). */
  bytesCompiled: number;
  funcsCompiled: number;
  warmMs: number | null;
  peakRssMb: number;
  note?: string;
}

export interface CallsJob {
  kind: 'calls';
  engine: EngineKind;
  iterations: number;
  runs: number;
}

export interface CallsResult {
  /** ns per call, by row name; null with a note when it could not run. */
  ns: Record<string, number | null>;
  note?: string;
}

/** Which of wasmjit's measurement switches exist yet (item 4 of the issue). */
export interface ProbeJob {
  kind: 'probe';
}

export interface ProbeResult {
  /** null when available, else why not. */
  stackChecks: string | null;
  boundsChecks: string | null;
  epochs: string | null;
  fuel: string | null;
}

/** One compile for the code-cache table (section-cache.ts), in node's default flags. */
export interface CacheCompileJob {
  kind: 'cache-compile';
  engine: EngineKind;
  file: string;
  /** wasmjit: the cache directory (EngineOptions.cache). */
  cacheDir: string | null;
}

export interface CacheCompileResult {
  ms: number;
  /** wasmjit: whether the module came from the cache; null for V8. */
  hit: boolean | null;
}

/** Decode + validate a module (section-validate.ts), in node's default flags. */
export interface ValidateJob {
  kind: 'validate';
  engine: EngineKind;
  file: string;
}

export interface ValidateResult {
  /** CPU ms (all threads) of the first decode + validate in the process. */
  coldMs: number;
  /** wasmjit: of a later one in the same process (worker-validate.ts); null for V8. */
  warmMs: number | null;
}

/** Parse + encode text (section-text.ts): one parser over the section's inputs, in node's default flags. */
export interface TextJob {
  kind: 'text';
  engine: 'wasmjit' | 'wabt';
  /** modules: the module texts both parsers encode; scripts: the whole .wast files (wasmjit only). */
  what: 'modules' | 'scripts';
  /** The JSON file of text-modules.ts's TextInputs. */
  inputs: string;
  /** Passes after the first (cold) one; their median is the warm figure. */
  warmRuns: number;
}

export interface TextResult {
  /** ms to load the parser (import; wabt.js: also compiling and instantiating its wasm). */
  loadMs: number;
  /** ms of the first pass in the process. */
  coldMs: number;
  /** ms, median of the later passes; null when there were none. */
  warmMs: number | null;
  /** Modules encoded and rejected in a pass. */
  encoded: number;
  rejected: number;
}

export type Job = ExecJob | PairJob | CompileJob | CallsJob | ProbeJob | CacheCompileJob | ValidateJob | TextJob;
