// The shapes the harness passes around and writes to bench/results/latest.json.
import type { Summary } from './stats.js';

/** The three execution columns. wasmjit runs in plain node; the V8 ones under flags. */
export type ColumnId = 'wasmjit' | 'liftoff' | 'turbofan';
export const COLUMNS: readonly ColumnId[] = ['wasmjit', 'liftoff', 'turbofan'];

/** Why an engine produced no timing for a program. */
export type FailureKind =
  /** wasmjit rejected the module (CompileError/LinkError): a feature not supported yet. */
  | 'unsupported'
  /** It ran but trapped, threw or crashed where V8 did not: a correctness failure. */
  | 'failed';

export interface EngineRun {
  /** The program's output (checksum or digest), identical on every repetition. */
  output: string | null;
  /** Wall time per repetition in ms, warm-ups excluded; null when the run failed. */
  time: Summary | null;
  failure?: { kind: FailureKind; message: string };
}

export type RowStatus = 'ok' | 'unsupported' | 'failed' | 'mismatch';

export interface ExecRow {
  name: string;
  /** Where it comes from: 'C' (programs/c) or the npm package it ships in. */
  origin: string;
  what: string;
  arg: number;
  status: RowStatus;
  /** One line for the table when status is not ok. */
  note?: string;
  runs: Record<ColumnId, EngineRun>;
  /** wasmjit median / V8 median; null unless all outputs matched. */
  ratios: { liftoff: number | null; turbofan: number | null };
}

export interface Geomeans {
  liftoff: number | null;
  turbofan: number | null;
  /** Programs the geomeans are over, and programs in all. */
  count: number;
  total: number;
}

export interface CompileRun {
  ms: number | null;
  /** Module MB (10^6 bytes) per second of wall time. */
  mbPerSec: number | null;
  peakRssMb: number | null;
  /** Defined functions compiled / in the module (wasmjit may compile only some today). */
  funcsCompiled?: number;
  funcsTotal?: number;
  /** wasmjit: a second compile in the same (by then warmed-up) process. */
  warmMs?: number | null;
  note?: string;
}

export interface CompileRow {
  name: string;
  origin: string;
  bytes: number;
  funcs: number;
  runs: Record<ColumnId, CompileRun>;
}

/** A module compiled in fresh processes: V8's default, wasmjit with a cold and a warm code cache (medians). */
export interface CacheRow {
  name: string;
  origin: string;
  v8Ms: number | null;
  coldMs: number | null;
  warmMs: number | null;
  note?: string;
}

/** Decode + validate of a module in fresh processes, CPU ms (medians): V8's default compile, wasmjit cold and warm. */
export interface ValidateRow {
  name: string;
  origin: string;
  v8Ms: number | null;
  coldMs: number | null;
  warmMs: number | null;
  note?: string;
}

/**
 * Text format parse + encode (section-text.ts), wall-clock ms, medians over fresh processes.
 * The wabt columns are always its time on the module texts: wabt.js reads no scripts, so the
 * whole-scripts row sets wasmjit's time for more work (every command too) against it.
 */
export interface TextRow {
  name: string;
  /** What one pass covers, e.g. "4,762 modules, 1.5 MB". */
  what: string;
  wasmjit: { loadMs: number | null; coldMs: number | null; warmMs: number | null };
  wabt: { loadMs: number | null; coldMs: number | null; warmMs: number | null };
  note?: string;
}

export interface CallRow {
  name: string;
  ns: Record<ColumnId, number | null>;
  note?: string;
}

/** Item 4 of the issue: an engine-internal switch measured on a few programs. */
export interface CheckRow {
  name: string;
  /** 'not available yet: …' until the switch exists in the engine. */
  status: string;
  programs: { name: string; onMs: number | null; offMs: number | null; ratio: number | null; note?: string }[];
  geomean: number | null;
}

/** One npm package scenario (src/packages): wasmjit under the register hook vs plain node. */
export interface PackageRow {
  name: string;
  /** package@version */
  origin: string;
  what: string;
  /** ok: every output matched V8's; failed: a run failed or was not on its engine. */
  status: 'ok' | 'failed' | 'mismatch';
  note?: string;
  /** ms of the scenario's load (import, compile, instantiate), median over processes. */
  loadMs: { wasmjit: number | null; v8: number | null };
  /** ms of load plus the first run, median over processes: the time to a first result,
   * which counts V8's lazy compiling as well as wasmjit's (eager by default) one. */
  firstResultMs: { wasmjit: number | null; v8: number | null };
  /**
   * firstResultMs of wasmjit with lazy compilation (WASMJIT_COMPILATION=lazy); absent in older
   * results (those of 2026-12-05 before the default went back to eager had eagerFirstResultMs).
   */
  lazyFirstResultMs?: number | null;
  /** firstResultMs of wasmjit with a warm persistent code cache (WASMJIT_CACHE, filled by an
   * untimed run before); absent in results before 2026-12-05. */
  cachedFirstResultMs?: number | null;
  /**
   * ms from the first compile call to the first export call's return (the probe's startup
   * clock, packages/first-export.ts), median over processes of their own: V8 with node's
   * defaults, wasmjit with a warm code cache. `instance`: to the first instance made. Absent
   * in results before 2026-12-06.
   */
  firstExportMs?: { cached: number | null; v8: number | null };
  instanceMs?: { cached: number | null; v8: number | null };
  /** ms per run, all processes' timed runs together. */
  run: { wasmjit: Summary | null; v8: Summary | null };
  /** ms from process start to the scenario's start (node, plus the hook's import for wasmjit). */
  startupMs: { wasmjit: number | null; v8: number | null };
  /** wasmjit / V8; null unless status is ok. */
  ratios: {
    load: number | null; firstResult: number | null; run: number | null;
    lazyFirstResult?: number | null; cachedFirstResult?: number | null;
    /** firstExportMs.cached / firstExportMs.v8 (the warm-start target: at most 0.2). */
    cachedFirstExport?: number | null;
  };
}

export interface BenchResults {
  schema: 1;
  date: string;
  mode: 'quick' | 'full';
  machine: {
    node: string; v8: string; cpu: string; cores: number; platform: string;
    /** 1-minute load average at the start and the end: a busy machine makes noisy numbers. */
    load: [number, number];
  };
  flags: Record<string, string[]>;
  exec: { rows: ExecRow[]; geomean: Geomeans };
  compile: CompileRow[];
  /** The code cache, measured with the compile section (absent in older results). */
  cache?: CacheRow[];
  /** Decode + validate, measured with the compile section (absent in older results). */
  validate?: ValidateRow[];
  calls: CallRow[];
  /** Text format parsing against wabt.js (absent in results before 2026-12-06). */
  text?: TextRow[];
  checks: CheckRow[];
  /** Absent in results written before the packages section existed. */
  packages?: PackageRow[];
  /** Every correctness failure (the run exits non-zero when this is not empty). */
  failures: string[];
  durationSec: number;
}
