// How much work a run does. Quick: small inputs, few repetitions, one compile module and
// no TurboFan compile (alone ~25 s), one process per package — a few minutes on a 2-core
// machine. Full: bigger inputs, more repetitions, both compile modules, three compiles per
// engine, three processes per package.
import { PROGRAMS } from './programs.js';
import type { ColumnId } from './types.js';

export interface CompileModule {
  name: string;
  /** The npm package that ships it, and the file inside the package. */
  pkg: string;
  file: string;
}

export const ESBUILD: CompileModule = { name: 'esbuild.wasm', pkg: 'esbuild-wasm', file: 'esbuild.wasm' };
export const SWC: CompileModule = { name: 'swc wasm_bg.wasm', pkg: '@swc/wasm', file: 'wasm_bg.wasm' };
export const SQLJS: CompileModule = { name: 'sql-wasm.wasm', pkg: 'sql.js', file: 'dist/sql-wasm.wasm' };

export interface Settings {
  mode: 'quick' | 'full';
  /** Untimed runs first (the first also yields the output that is checked). */
  warmups: number;
  /** Timed runs, cut short once budgetMs is spent (keeping at least three). */
  reps: number;
  budgetMs: number;
  execTimeoutMs: number;
  compileModules: CompileModule[];
  /** Fresh processes per engine per module; the median is reported. */
  compileReps: number;
  /** Columns the compile section runs; the others read "full run only". */
  compileColumns: ColumnId[];
  /** wasmjit: time a second, warm compile in the same process too. */
  compileWarm: boolean;
  compileTimeoutMs: number;
  /** Modules of the code-cache table (with the compile section), and its repetitions. */
  cacheModules: CompileModule[];
  cacheReps: number;
  callIterations: number;
  callRuns: number;
  /** Packages section: fresh processes per package per engine (each loads once). */
  packageProcesses: number;
  /** Packages section: runs per process, untimed then timed. */
  packageWarmups: number;
  packageReps: number;
  packageTimeoutMs: number;
  /** Text section: fresh processes per parser and input, and warm passes in each. */
  textProcesses: number;
  textWarmRuns: number;
}

export function settingsFor(mode: 'quick' | 'full'): Settings {
  return mode === 'quick'
    ? {
        mode, warmups: 2, reps: 5, budgetMs: 1500, execTimeoutMs: 120_000,
        compileModules: [ESBUILD], compileReps: 1, compileColumns: ['liftoff', 'wasmjit'], compileWarm: false, compileTimeoutMs: 300_000,
        cacheModules: [SQLJS, ESBUILD, SWC], cacheReps: 1,
        callIterations: 1_000_000, callRuns: 5,
        packageProcesses: 1, packageWarmups: 1, packageReps: 3, packageTimeoutMs: 300_000,
        textProcesses: 1, textWarmRuns: 3,
      }
    : {
        mode, warmups: 2, reps: 11, budgetMs: 6000, execTimeoutMs: 300_000,
        compileModules: [ESBUILD, SWC], compileReps: 3, compileColumns: ['liftoff', 'turbofan', 'wasmjit'], compileWarm: true, compileTimeoutMs: 600_000,
        cacheModules: [SQLJS, ESBUILD, SWC], cacheReps: 3,
        callIterations: 2_000_000, callRuns: 9,
        packageProcesses: 3, packageWarmups: 1, packageReps: 5, packageTimeoutMs: 600_000,
        textProcesses: 5, textWarmRuns: 5,
      };
}

/** Programs measured with each engine switch on and off (item 4 of the issue). */
export const STACK_CHECK_PROGRAMS = ['nqueens', 'quicksort', 'fannkuch', 'hw-sha256'];
export const BOUNDS_CHECK_PROGRAMS = ['sieve', 'hashtable', 'crc32', 'matmul', 'hw-sha256'];
/** Interruption checks go wherever loops and calls are, so every execution program counts. */
export const INTERRUPT_CHECK_PROGRAMS = PROGRAMS.map((p) => p.name);
