// Turning three engines' raw results for one program into a table row: outputs are compared
// first, and times only count when every output matched. Pure (tested in packages/tests).
import { geomean, ratio } from './stats.js';
import type { ColumnId, EngineRun, ExecRow, Geomeans, PackageRow } from './types.js';

export interface RowInput {
  name: string;
  origin: string;
  what: string;
  arg: number;
  runs: Record<ColumnId, EngineRun>;
}

export function judgeRow(input: RowInput): ExecRow {
  const { liftoff, turbofan, wasmjit } = input.runs;
  const row = (status: ExecRow['status'], note?: string): ExecRow => {
    const ok = status === 'ok';
    // Times of a run whose output is not confirmed do not count.
    const runs = ok ? input.runs : { ...input.runs, wasmjit: { ...wasmjit, time: null } };
    return {
      name: input.name, origin: input.origin, what: input.what, arg: input.arg, status, ...(note ? { note } : {}), runs,
      ratios: ok
        ? { liftoff: ratio(wasmjit.time?.median, liftoff.time?.median), turbofan: ratio(wasmjit.time?.median, turbofan.time?.median) }
        : { liftoff: null, turbofan: null },
    };
  };
  for (const [col, run] of [['Liftoff', liftoff], ['TurboFan', turbofan]] as const) {
    if (run.failure || run.output === null) return row('failed', `V8 ${col} failed: ${run.failure?.message ?? 'no output'}`);
  }
  if (liftoff.output !== turbofan.output) {
    return row('mismatch', `MISMATCH: Liftoff ${liftoff.output} vs TurboFan ${turbofan.output}`);
  }
  if (wasmjit.failure) return row(wasmjit.failure.kind, `${wasmjit.failure.kind}: ${wasmjit.failure.message}`);
  if (wasmjit.output === null) return row('failed', 'failed: no output');
  if (wasmjit.output !== liftoff.output) return row('mismatch', `MISMATCH: wasmjit ${wasmjit.output} vs V8 ${liftoff.output}`);
  return row('ok');
}

/** A correctness problem: exits the run non-zero. Unsupported features are not failures. */
export function isFailure(row: ExecRow): boolean {
  return row.status === 'failed' || row.status === 'mismatch';
}

export function geomeans(rows: readonly ExecRow[]): Geomeans {
  const both = rows.filter((r) => r.ratios.liftoff !== null && r.ratios.turbofan !== null);
  return {
    liftoff: geomean(both.map((r) => r.ratios.liftoff!)),
    turbofan: geomean(both.map((r) => r.ratios.turbofan!)),
    count: both.length,
    total: rows.length,
  };
}

/** Geomeans of the load, first-result and run ratios over the packages that matched V8. */
export function packageGeomeans(rows: readonly PackageRow[]): { load: number | null; firstResult: number | null; run: number | null; count: number; total: number } {
  const ok = rows.filter((r) => r.status === 'ok' && r.ratios.load !== null && r.ratios.firstResult !== null && r.ratios.run !== null);
  return {
    load: geomean(ok.map((r) => r.ratios.load!)),
    firstResult: geomean(ok.map((r) => r.ratios.firstResult!)),
    run: geomean(ok.map((r) => r.ratios.run!)),
    count: ok.length,
    total: rows.length,
  };
}
