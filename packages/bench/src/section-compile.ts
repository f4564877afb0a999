// Section 2: compile speed on the large npm-shipped modules. Each compile is a fresh
// process; V8 columns add --no-wasm-lazy-compilation --single-threaded so the whole module
// is compiled up front on one thread, which is what wasmjit does.
import { runJob } from './child.js';
import { COLUMN_FLAGS, COMPILE_FLAGS, engineKind } from './engines.js';
import type { CompileResult } from './jobs.js';
import { locateModule } from './paths.js';
import type { Progress } from './progress.js';
import type { CompileModule, Settings } from './settings.js';
import { median } from './stats.js';
import type { ColumnId, CompileRow, CompileRun } from './types.js';

export function compileSteps(settings: Settings): number {
  return settings.compileModules.length * settings.compileColumns.length * settings.compileReps;
}

/** Several cold compiles of one module in one engine → one table cell. */
export function summarizeCompiles(results: CompileResult[], failures: string[]): CompileRun {
  const timed = results.filter((r) => r.ms !== null);
  if (timed.length === 0) return { ms: null, mbPerSec: null, peakRssMb: null, note: failures[0] ?? results[0]?.note ?? 'no result' };
  const ms = median(timed.map((r) => r.ms!));
  const first = timed[0]!;
  const warm = timed.filter((r) => r.warmMs !== null).map((r) => r.warmMs!);
  return {
    ms,
    mbPerSec: first.bytesCompiled / 1e6 / (ms / 1000),
    peakRssMb: Math.max(...timed.map((r) => r.peakRssMb)),
    funcsCompiled: first.funcsCompiled,
    funcsTotal: first.funcs,
    ...(warm.length > 0 ? { warmMs: median(warm) } : {}),
    ...(first.note ? { note: first.note } : {}),
  };
}

export async function runCompileSection(settings: Settings, progress: Progress): Promise<CompileRow[]> {
  const rows: CompileRow[] = [];
  for (const m of settings.compileModules) rows.push(await compileModule(m, settings, progress));
  return rows;
}

async function compileModule(m: CompileModule, settings: Settings, progress: Progress): Promise<CompileRow> {
  let file: string;
  let origin: string;
  try {
    ({ file, origin } = locateModule(m));
  } catch (e) {
    const note = (e as Error).message;
    progress.step(`compile ${m.name}: not installed`);
    const none: CompileRun = { ms: null, mbPerSec: null, peakRssMb: null, note };
    return { name: m.name, origin: m.pkg, bytes: 0, funcs: 0, runs: { wasmjit: none, liftoff: none, turbofan: none } };
  }
  const runs = {} as Record<ColumnId, CompileRun>;
  let bytes = 0;
  let funcs = 0;
  for (const col of ['liftoff', 'turbofan', 'wasmjit'] as const) {
    if (!settings.compileColumns.includes(col)) {
      runs[col] = { ms: null, mbPerSec: null, peakRssMb: null, note: 'full run only' };
      continue;
    }
    const results: CompileResult[] = [];
    const failures: string[] = [];
    for (let i = 0; i < settings.compileReps; i++) {
      progress.step(`compile ${m.name} · ${col}${settings.compileReps > 1 ? ` #${i + 1}` : ''}`);
      const flags = col === 'wasmjit' ? COLUMN_FLAGS.wasmjit : [...COLUMN_FLAGS[col], ...COMPILE_FLAGS];
      const out = await runJob<CompileResult>(flags, { kind: 'compile', engine: engineKind(col), file, warm: settings.compileWarm }, settings.compileTimeoutMs);
      if (out.ok) {
        results.push(out.value);
        bytes = out.value.bytes;
        funcs = out.value.funcs;
      } else {
        failures.push(out.message);
      }
    }
    runs[col] = summarizeCompiles(results, failures);
  }
  return { name: m.name, origin, bytes, funcs, runs };
}
