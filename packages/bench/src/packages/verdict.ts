// What one scenario's pair of runs (V8, then wasmjit under the hook) amounts to. Pure (tested
// in packages/tests/src/packages/harness.test.ts); the package test and the benchmark's
// packages section both judge by these rules.
import type { ScenarioOutcome } from './launch.js';
import type { ProbeRecord } from './probe.js';
import type { OutputDigest } from './protocol.js';

export type Verdict =
  /** Both ran on the engine they were meant to, and the outputs are the same bytes. */
  | { kind: 'identical' }
  /** wasmjit failed or gave other bytes: `symptom` says how (checked against the list). */
  | { kind: 'different'; symptom: string }
  /** The comparison means nothing (V8 failed, or a run was not on the engine it claims). */
  | { kind: 'invalid'; problem: string };

const scripts = (ps: readonly ProbeRecord[]) => ps.map((p) => p.script).sort();

/**
 * wasmjit's own worker threads (background and parallel compilers, validators): they run no
 * WebAssembly of the program's. Unbundled they live in dist/threads/, bundled (the published
 * hook, scripts/bundle.mjs) in dist/workers/.
 */
const isRuntimeWorker = (p: ProbeRecord): boolean => /[\\/]runtime[\\/]dist[\\/](threads|workers)[\\/]/.test(p.script);

/** Problems with where the runs ran: every process of each run must have had its engine. */
export function engineProblems(v8: readonly ProbeRecord[], allWasmjit: readonly ProbeRecord[]): string[] {
  const problems: string[] = [];
  const wasmjit = allWasmjit.filter((p) => !isRuntimeWorker(p));
  if (v8.length === 0) problems.push('the V8 run left no probe record (the probe did not load)');
  if (wasmjit.length === 0) problems.push('the wasmjit run left no probe record (the probe did not load)');
  for (const p of v8) if (p.engine !== 'v8') problems.push(`V8 run: process ${p.script} had WebAssembly = ${p.engine}`);
  for (const p of wasmjit) if (p.engine !== 'wasmjit') problems.push(`wasmjit run: process ${p.script} had WebAssembly = ${p.engine}`);
  // Same processes on both sides (e.g. esbuild's service): none escaped the hook unprobed.
  if (JSON.stringify(scripts(v8)) !== JSON.stringify(scripts(wasmjit))) {
    problems.push(`the runs started different processes: V8 ${scripts(v8).join(', ')}; wasmjit ${scripts(wasmjit).join(', ')}`);
  }
  return problems;
}

/** `diffs`: compareOutputDirs of the two runs' outputs (only read when both succeeded). */
export function judge(v8: ScenarioOutcome, wasmjit: ScenarioOutcome, diffs: () => string[]): Verdict {
  if (!v8.ok) return { kind: 'invalid', problem: `the V8 run failed (${v8.error.phase}): ${v8.error.message}` };
  const problems = engineProblems(v8.processes, wasmjit.processes);
  if (problems.length > 0) return { kind: 'invalid', problem: problems.join('; ') };
  if (!wasmjit.ok) return { kind: 'different', symptom: `wasmjit failed (${wasmjit.error.phase}): ${wasmjit.error.message}` };
  const d = diffs();
  return d.length === 0 ? { kind: 'identical' } : { kind: 'different', symptom: `outputs differ: ${d.join('; ')}` };
}

/** Differences between two runs' output digests (the benchmark keeps no output files). */
export function digestDiffs(a: Record<string, OutputDigest>, b: Record<string, OutputDigest>): string[] {
  const diffs: string[] = [];
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[name];
    const y = b[name];
    if (!x || !y) diffs.push(`${name}: only in ${x ? 'V8' : 'wasmjit'}'s outputs`);
    else if (x.sha256 !== y.sha256) diffs.push(`${name}: differs (${x.bytes} vs ${y.bytes} bytes)`);
  }
  return diffs;
}
