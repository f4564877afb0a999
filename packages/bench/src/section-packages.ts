// Section 5: real npm packages (src/packages), each run unmodified in plain node (V8 with
// its defaults: lazy compilation, Liftoff, tier-up to TurboFan) and under wasmjit's register
// hook, in fresh processes. Per package: load time (importing the package, compiling and
// instantiating its wasm) and run time, wasmjit / V8 in the same benchmark run. Outputs are
// checked against V8's before any time counts, as in the execution section.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SCENARIOS } from './packages/index.js';
import type { FirstExportTiming } from './packages/first-export.js';
import { runScenario, type PackageEngine, type ScenarioOutcome } from './packages/launch.js';
import { digestDiffs, engineProblems } from './packages/verdict.js';
import { packageVersion } from './paths.js';
import type { Progress } from './progress.js';
import type { Settings } from './settings.js';
import { median, ratio, summarize } from './stats.js';
import type { PackageRow } from './types.js';

const ENGINES: readonly PackageEngine[] = ['v8', 'wasmjit', 'wasmjit-lazy', 'wasmjit-cached'];

/** The scenarios the benchmark times (not the pure correctness checks), filtered by name. */
export function timedScenarios(only?: (name: string) => boolean) {
  return SCENARIOS.filter((s) => s.timed && (!only || only(s.name)));
}

/** The engines whose processes also run with the probe's startup clock (first-export.ts). */
const CLOCKED: readonly PackageEngine[] = ['v8', 'wasmjit-cached'];

export function packageSteps(settings: Settings, only?: (name: string) => boolean): number {
  // + one untimed run per package that fills the code cache of the wasmjit-cached runs.
  return timedScenarios(only).length * ((ENGINES.length + CLOCKED.length) * settings.packageProcesses + 1);
}

/** Median over processes of the first startup clock each recorded (null if any process has none). */
function clockMedian(outcomes: readonly ScenarioOutcome[], pick: (t: FirstExportTiming) => number | null): number | null {
  const xs = outcomes.map((o) => (o.ok && o.timings?.[0] ? pick(o.timings[0]) : null));
  return xs.length > 0 && xs.every((x) => x !== null) ? median(xs as number[]) : null;
}

type Meta = Pick<PackageRow, 'name' | 'origin' | 'what'>;

/** One package's row from its processes on each engine. Pure (exported for the tests). */
export function packageRow(
  meta: Meta, v8: readonly ScenarioOutcome[], wasmjit: readonly ScenarioOutcome[],
  lazy: readonly ScenarioOutcome[] = [], cached: readonly ScenarioOutcome[] = [],
  clocked: { v8: readonly ScenarioOutcome[]; cached: readonly ScenarioOutcome[] } = { v8: [], cached: [] },
): PackageRow {
  const none = {
    loadMs: { wasmjit: null, v8: null }, firstResultMs: { wasmjit: null, v8: null }, run: { wasmjit: null, v8: null },
    startupMs: { wasmjit: null, v8: null }, ratios: { load: null, firstResult: null, run: null },
  };
  const failure = (outcomes: readonly ScenarioOutcome[]) => outcomes.find((o) => !o.ok);
  const v8Failed = failure(v8);
  if (v8Failed && !v8Failed.ok) return { ...meta, ...none, status: 'failed', note: `V8 failed (${v8Failed.error.phase}): ${v8Failed.error.message}` };
  const problems = v8.flatMap((a, i) => engineProblems(a.processes, wasmjit[i]?.processes ?? []));
  if (problems.length > 0) return { ...meta, ...none, status: 'failed', note: problems[0]! };
  const wFailed = failure(wasmjit);
  if (wFailed && !wFailed.ok) return { ...meta, ...none, status: 'failed', note: `wasmjit failed (${wFailed.error.phase}): ${wFailed.error.message}` };
  const results = (outcomes: readonly ScenarioOutcome[]) => outcomes.flatMap((o) => (o.ok ? [o.result] : []));
  const rv = results(v8);
  const rw = results(wasmjit);
  // Every process's outputs against the first V8 process's (V8 against itself too).
  const diffs = [...rv, ...rw].flatMap((r) => digestDiffs(rv[0]!.outputs, r.outputs));
  if (diffs.length > 0) return { ...meta, ...none, status: 'mismatch', note: `outputs differ from V8's: ${diffs[0]}` };
  const loadMs = { wasmjit: median(rw.map((r) => r.loadMs)), v8: median(rv.map((r) => r.loadMs)) };
  const firstResultMs = { wasmjit: median(rw.map((r) => r.loadMs + r.firstRunMs)), v8: median(rv.map((r) => r.loadMs + r.firstRunMs)) };
  const run = { wasmjit: summarize(rw.flatMap((r) => r.runMs)), v8: summarize(rv.flatMap((r) => r.runMs)) };
  // Lazy compilation (WASMJIT_COMPILATION=lazy) and a warm code cache (WASMJIT_CACHE): time to
  // the first result only, when every process ran and its outputs match.
  const variantFirstResult = (outcomes: readonly ScenarioOutcome[]) => {
    const matching = results(outcomes).filter((r) => digestDiffs(rv[0]!.outputs, r.outputs).length === 0);
    return matching.length > 0 && matching.length === outcomes.length ? median(matching.map((r) => r.loadMs + r.firstRunMs)) : null;
  };
  const lazyFirstResultMs = variantFirstResult(lazy);
  const cachedFirstResultMs = variantFirstResult(cached);
  const firstExportMs = { cached: clockMedian(clocked.cached, (t) => t.firstExportMs), v8: clockMedian(clocked.v8, (t) => t.firstExportMs) };
  const instanceMs = { cached: clockMedian(clocked.cached, (t) => t.instanceMs), v8: clockMedian(clocked.v8, (t) => t.instanceMs) };
  return {
    ...meta,
    status: 'ok',
    lazyFirstResultMs,
    cachedFirstResultMs,
    firstExportMs,
    instanceMs,
    loadMs,
    firstResultMs,
    run,
    startupMs: { wasmjit: median(rw.map((r) => r.startupMs)), v8: median(rv.map((r) => r.startupMs)) },
    ratios: {
      load: ratio(loadMs.wasmjit, loadMs.v8),
      firstResult: ratio(firstResultMs.wasmjit, firstResultMs.v8),
      lazyFirstResult: ratio(lazyFirstResultMs, firstResultMs.v8),
      cachedFirstResult: ratio(cachedFirstResultMs, firstResultMs.v8),
      cachedFirstExport: ratio(firstExportMs.cached, firstExportMs.v8),
      run: ratio(run.wasmjit.median, run.v8.median),
    },
  };
}

export async function runPackagesSection(settings: Settings, progress: Progress, only?: (name: string) => boolean): Promise<{ rows: PackageRow[]; failures: string[] }> {
  const rows: PackageRow[] = [];
  for (const s of timedScenarios(only)) {
    const outcomes: Record<PackageEngine, ScenarioOutcome[]> = { v8: [], wasmjit: [], 'wasmjit-lazy': [], 'wasmjit-cached': [] };
    const clocked: Record<PackageEngine, ScenarioOutcome[]> = { v8: [], wasmjit: [], 'wasmjit-lazy': [], 'wasmjit-cached': [] };
    const job = { scenario: s.name, outDir: null, warmups: settings.packageWarmups, reps: settings.packageReps };
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'wasmjit-bench-pkg-cache-'));
    try {
      // The run that fills the cache (a user's first start): untimed, its outcome unused (a
      // failure shows in the timed runs). Eager: a module compiled lazily (16 MiB or more:
      // @swc/wasm, ruby.wasm) is stored only once its background compile ends, which on a
      // loaded machine came after the scenario's process had exited, so the "warm" runs were
      // misses; the entry is the same bytes either way (docs/cache.md "Lazy compilation").
      progress.step(`package ${s.name} · filling the code cache`);
      await runScenario('wasmjit-cached', { ...job, warmups: 1, reps: 0 }, settings.packageTimeoutMs, cacheDir, false, { WASMJIT_COMPILATION: 'eager' });
      // Alternate the engines so slow drift in machine load hits both alike.
      for (let p = 0; p < settings.packageProcesses; p++) {
        for (const engine of ENGINES) {
          progress.step(`package ${s.name} · ${engine}${settings.packageProcesses > 1 ? ` #${p + 1}` : ''}`);
          outcomes[engine].push(await runScenario(engine, job, settings.packageTimeoutMs, cacheDir));
        }
        // The startup clock in processes of their own (its wrappers would tax the timed
        // runs): one run, whose first export call some packages make only there (swc).
        for (const engine of CLOCKED) {
          progress.step(`package ${s.name} · ${engine} compile → first export${settings.packageProcesses > 1 ? ` #${p + 1}` : ''}`);
          clocked[engine].push(await runScenario(engine, { ...job, warmups: 1, reps: 0 }, settings.packageTimeoutMs, cacheDir, true));
        }
      }
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
    let origin = s.pkg;
    try {
      origin = `${s.pkg}@${packageVersion(s.pkg)}`;
    } catch {
      // Not installed: the runs failed and the row says so.
    }
    rows.push(packageRow({ name: s.name, origin, what: s.what }, outcomes.v8, outcomes.wasmjit, outcomes['wasmjit-lazy'], outcomes['wasmjit-cached'],
      { v8: clocked.v8, cached: clocked['wasmjit-cached'] }));
  }
  const failures = rows.filter((r) => r.status !== 'ok').map((r) => `package ${r.name}: ${r.note}`);
  return { rows, failures };
}
