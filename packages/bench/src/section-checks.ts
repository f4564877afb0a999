// Section 4: what wasmjit's safety checks cost — the prologue stack check (stack issue),
// explicit bounds checks against guard pages (out-of-bounds issue), and interruption: epoch
// deadline checks and fuel metering on every execution program (interruption issue; with no
// deadline set and unlimited fuel, so the checks run in full and never fire). A probe first asks
// whether each switch exists yet; until it does, its row reads "not available yet".
import { runJob } from './child.js';
import { COLUMN_FLAGS, type WasmjitOptions } from './engines.js';
import type { PairResult, ProbeResult } from './jobs.js';
import { findProgram } from './programs.js';
import type { Progress } from './progress.js';
import { programArg, toEngineRun } from './section-exec.js';
import { BOUNDS_CHECK_PROGRAMS, INTERRUPT_CHECK_PROGRAMS, STACK_CHECK_PROGRAMS, type Settings } from './settings.js';
import { geomean, ratio } from './stats.js';
import type { CheckRow } from './types.js';

interface CheckSpec {
  name: string;
  key: keyof ProbeResult;
  programs: string[];
  on: WasmjitOptions;
  off: WasmjitOptions;
}

const CHECKS: CheckSpec[] = [
  { name: 'stack checks (on vs off)', key: 'stackChecks', programs: STACK_CHECK_PROGRAMS, on: { stackChecks: true }, off: { stackChecks: false } },
  { name: 'bounds checks (explicit vs guard)', key: 'boundsChecks', programs: BOUNDS_CHECK_PROGRAMS, on: { boundsChecks: 'explicit' }, off: { boundsChecks: 'guard' } },
  { name: 'epoch checks (on vs off)', key: 'epochs', programs: INTERRUPT_CHECK_PROGRAMS, on: { epochInterruption: true }, off: {} },
  { name: 'fuel metering (on vs off)', key: 'fuel', programs: INTERRUPT_CHECK_PROGRAMS, on: { consumeFuel: true }, off: {} },
];

/**
 * `expected`: V8's output per program, from the execution section when it ran. Either side
 * disagreeing with it, or with the other side, is a correctness failure like a mismatch in
 * the execution table; so is a trap or crash (an unsupported module is not).
 */
export async function runChecksSection(
  settings: Settings, progress: Progress, only?: (name: string) => boolean, expected: ReadonlyMap<string, string> = new Map(),
): Promise<{ rows: CheckRow[]; failures: string[] }> {
  progress.step('checks · probe');
  const probe = await runJob<ProbeResult>(COLUMN_FLAGS.wasmjit, { kind: 'probe' }, settings.execTimeoutMs);
  const failures: string[] = [];
  const rows: CheckRow[] = [];
  for (const c of CHECKS) {
    const why = probe.ok ? probe.value[c.key] : `not available yet (probe failed: ${probe.message})`;
    if (why !== null) {
      rows.push({ name: c.name, status: why, programs: [], geomean: null });
      continue;
    }
    const programs = c.programs.filter((p) => !only || only(p));
    progress.addSteps(programs.length);
    const measured: CheckRow['programs'] = [];
    for (const name of programs) {
      const p = findProgram(name);
      progress.step(`checks ${c.key} ${name}`);
      const job = {
        kind: 'pair', program: name, arg: programArg(p, settings), a: c.on, b: c.off,
        warmups: settings.warmups, reps: settings.reps, budgetMs: settings.budgetMs,
      } as const;
      const pair = await runJob<PairResult>(COLUMN_FLAGS.wasmjit, job, settings.execTimeoutMs);
      const on = toEngineRun(pair.ok ? { ok: true, value: pair.value.a } : pair);
      const off = toEngineRun(pair.ok ? { ok: true, value: pair.value.b } : pair);
      let note: string | undefined;
      const failure = on.failure ?? off.failure;
      const v8 = expected.get(name);
      if (failure) {
        note = `${failure.kind}: ${failure.message}`;
        if (failure.kind === 'failed') failures.push(`${c.name} ${name}: ${note}`);
      } else if (on.output !== off.output || (v8 !== undefined && on.output !== v8)) {
        note = `MISMATCH: ${on.output} with checks, ${off.output} without${v8 !== undefined ? `, V8 ${v8}` : ''}`;
        failures.push(`${c.name} ${name}: ${note}`);
      }
      const onMs = note ? null : on.time?.median ?? null;
      const offMs = note ? null : off.time?.median ?? null;
      measured.push({ name, onMs, offMs, ratio: ratio(onMs, offMs), ...(note ? { note } : {}) });
    }
    const ratios = measured.map((m) => m.ratio).filter((r): r is number => r !== null);
    rows.push({ name: c.name, status: 'measured', programs: measured, geomean: geomean(ratios) });
  }
  return { rows, failures };
}
