// Section 3: call-path costs in ns, one process per column.
import { runJob } from './child.js';
import { COLUMN_FLAGS, engineKind } from './engines.js';
import type { CallsResult } from './jobs.js';
import type { Progress } from './progress.js';
import type { Settings } from './settings.js';
import { COLUMNS, type CallRow, type ColumnId } from './types.js';
import { CALL_ROWS } from './worker-calls.js';

export async function runCallsSection(settings: Settings, progress: Progress): Promise<{ rows: CallRow[]; failures: string[] }> {
  const byColumn = {} as Record<ColumnId, CallsResult>;
  const failures: string[] = [];
  for (const col of COLUMNS) {
    progress.step(`calls · ${col}`);
    const out = await runJob<CallsResult>(COLUMN_FLAGS[col], { kind: 'calls', engine: engineKind(col), iterations: settings.callIterations, runs: settings.callRuns }, settings.execTimeoutMs);
    if (out.ok) {
      byColumn[col] = out.value;
    } else {
      byColumn[col] = { ns: {}, note: out.message };
      // Wrong results throw in the worker: that is a correctness failure, like a mismatch.
      failures.push(`calls (${col}): ${out.message}`);
    }
  }
  const rows = CALL_ROWS.map((name): CallRow => {
    const ns = {} as Record<ColumnId, number | null>;
    for (const col of COLUMNS) ns[col] = byColumn[col].ns[name] ?? null;
    const note = byColumn.wasmjit.note;
    return { name, ns, ...(ns.wasmjit === null && note ? { note } : {}) };
  });
  return { rows, failures };
}
