// Section 1: every program in all three columns, one fresh process each.
import { runJob, type JobOutcome } from './child.js';
import { COLUMN_FLAGS, engineKind, type WasmjitOptions } from './engines.js';
import type { ExecJob, ExecResult } from './jobs.js';
import type { Program } from './programs.js';
import type { Progress } from './progress.js';
import { judgeRow } from './rows.js';
import type { Settings } from './settings.js';
import { summarize } from './stats.js';
import type { ColumnId, EngineRun, ExecRow } from './types.js';

/** V8 columns first: their agreed output is what wasmjit's is checked against. */
const ORDER: readonly ColumnId[] = ['liftoff', 'turbofan', 'wasmjit'];

export function toEngineRun(outcome: JobOutcome<ExecResult>): EngineRun {
  if (!outcome.ok) return { output: null, time: null, failure: { kind: 'failed', message: outcome.message } };
  const r = outcome.value;
  if (r.failure) return { output: null, time: null, failure: r.failure };
  return { output: r.output, time: r.samplesMs.length > 0 ? summarize(r.samplesMs) : null };
}

export async function execOne(program: Program, column: ColumnId, settings: Settings, options?: WasmjitOptions): Promise<EngineRun> {
  const job: ExecJob = {
    kind: 'exec', engine: engineKind(column), program: program.name, arg: programArg(program, settings),
    warmups: settings.warmups, reps: settings.reps, budgetMs: settings.budgetMs,
    ...(options ? { wasmjitOptions: options } : {}),
  };
  return toEngineRun(await runJob<ExecResult>(COLUMN_FLAGS[column], job, settings.execTimeoutMs));
}

export function programArg(program: Program, settings: Settings): number {
  return settings.mode === 'quick' ? program.args.quick : program.args.full;
}

export async function runExecSection(programs: readonly Program[], settings: Settings, progress: Progress): Promise<ExecRow[]> {
  const rows: ExecRow[] = [];
  for (const p of programs) {
    const runs = {} as Record<ColumnId, EngineRun>;
    for (const col of ORDER) {
      progress.step(`exec ${p.name} · ${col}`);
      runs[col] = await execOne(p, col, settings);
    }
    rows.push(judgeRow({ name: p.name, origin: p.origin, what: p.what, arg: programArg(p, settings), runs }));
  }
  return rows;
}
