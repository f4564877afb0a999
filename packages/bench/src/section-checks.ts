// Section 4: what wasmjit's safety checks cost — the prologue stack check (stack issue) and
// explicit bounds checks against guard pages (out-of-bounds issue). A probe first asks
// whether each switch exists yet; until it does, its row reads "not available yet".
import { runJob } from './child.js';
import { COLUMN_FLAGS, type WasmjitOptions } from './engines.js';
import type { ProbeResult } from './jobs.js';
import { findProgram } from './programs.js';
import type { Progress } from './progress.js';
import { execOne } from './section-exec.js';
import { BOUNDS_CHECK_PROGRAMS, STACK_CHECK_PROGRAMS, type Settings } from './settings.js';
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
];

export async function runChecksSection(settings: Settings, progress: Progress, only?: (name: string) => boolean): Promise<{ rows: CheckRow[]; failures: string[] }> {
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
    progress.addSteps(programs.length * 2);
    const measured: CheckRow['programs'] = [];
    for (const name of programs) {
      const p = findProgram(name);
      progress.step(`checks ${c.key} ${name} · on`);
      const on = await execOne(p, 'wasmjit', settings, c.on);
      progress.step(`checks ${c.key} ${name} · off`);
      const off = await execOne(p, 'wasmjit', settings, c.off);
      let note: string | undefined;
      if (on.failure || off.failure) note = (on.failure ?? off.failure)!.message;
      else if (on.output !== off.output) {
        note = `MISMATCH: ${on.output} with checks, ${off.output} without`;
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
