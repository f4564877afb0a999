// `node dist/tiers.js [--quick] [--filter RE] [--rounds N]`: wasmjit's two tiers against
// TurboFan on the execution kernels (docs/optimizing-tier.md). Each round runs every column
// once, one fresh process each, alternating, so load drifts hit all columns alike; the
// median over rounds of each column's per-run median CPU time (user + system of the worker
// process: less noisy than wall time on a loaded machine) is reported, with the load average.
// Then the second tier's compile speed (MB/s of function bodies, in this process, warm).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileModule, optimizingTierStats } from '@wasmjit/codegen';
import { runJob } from './child.js';
import { COLUMN_FLAGS, engineKind, type WasmjitOptions } from './engines.js';
import type { ExecJob, ExecResult } from './jobs.js';
import { programArg } from './section-exec.js';
import type { Program } from './programs.js';
import { PROGRAMS } from './programs.js';
import { ESBUILD, settingsFor } from './settings.js';
import { packageDir } from './paths.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
const settings = settingsFor(values.quick ? 'quick' : 'full');
const filter = values.filter ? new RegExp(values.filter) : null;
const rounds = Number(values.rounds);
const programs = PROGRAMS.filter((p) => !p.name.includes('simd') && (filter === null || filter.test(p.name)));

/** One run of `program` in `column`: its output and the median CPU ms of its timed repetitions. */
async function execCpu(program: Program, column: 'wasmjit' | 'turbofan', options?: WasmjitOptions): Promise<{ output: string | null; cpuMs: number | null; failure?: string }> {
  const job: ExecJob = {
    kind: 'exec', engine: engineKind(column), program: program.name, arg: programArg(program, settings),
    warmups: settings.warmups, reps: settings.reps, budgetMs: settings.budgetMs, ...(options ? { wasmjitOptions: options } : {}),
  };
  const r = await runJob<ExecResult>(COLUMN_FLAGS[column], job, settings.execTimeoutMs);
  if (!r.ok) return { output: null, cpuMs: null, failure: r.message };
  if (r.value.failure) return { output: null, cpuMs: null, failure: r.value.failure.message };
  const cpu = r.value.cpuSamplesMs ?? [];
  return { output: r.value.output, cpuMs: cpu.length > 0 ? median(cpu) : null };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Functions the optimizing tier compiles / all defined functions, for one program. */
function coverage(bytes: Uint8Array): string {
  optimizingTierStats.optimized = 0;
  optimizingTierStats.fallbacks.clear();
  compileModule(bytes, {}, { tier: 'optimized' });
  let fellBack = 0;
  for (const n of optimizingTierStats.fallbacks.values()) fellBack += n;
  return `${optimizingTierStats.optimized}/${optimizingTierStats.optimized + fellBack}`;
}

console.log(`load ${os.loadavg()[0]!.toFixed(2)} at start; ${rounds} rounds, ${settings.mode} inputs`);
console.log('| program | optimized fns | baseline CPU ms | optimized CPU ms | TurboFan CPU ms | optimized / baseline | optimized / TurboFan |');
console.log('|---|---|---|---|---|---|---|');
const ratiosBase: number[] = [];
const ratiosTf: number[] = [];
for (const p of programs) {
  const t: Record<string, number[]> = { baseline: [], optimized: [], turbofan: [] };
  let failed = '';
  for (let r = 0; r < rounds && failed === ''; r++) {
    const outputs: Record<string, string | null> = {};
    for (const col of ['baseline', 'optimized', 'turbofan'] as const) {
      const run = await execCpu(p, col === 'turbofan' ? 'turbofan' : 'wasmjit', col === 'optimized' ? { tier: 'optimized' } : undefined);
      outputs[col] = run.output;
      if (run.cpuMs === null) failed = `${col}: ${run.failure ?? 'no time'}`;
      else t[col]!.push(run.cpuMs);
    }
    // Every column must compute the same thing.
    if (failed === '' && (outputs.optimized !== outputs.baseline || outputs.optimized !== outputs.turbofan)) {
      failed = `MISMATCH: baseline ${outputs.baseline}, optimized ${outputs.optimized}, TurboFan ${outputs.turbofan}`;
      process.exitCode = 1;
    }
  }
  if (failed !== '') {
    console.log(`| ${p.name} | | | | | ${failed} | |`);
    continue;
  }
  const [b, o, tf] = [median(t.baseline!), median(t.optimized!), median(t.turbofan!)];
  ratiosBase.push(o / b);
  ratiosTf.push(o / tf);
  console.log(`| ${p.name} | ${coverage(p.bytes())} | ${b.toFixed(2)} | ${o.toFixed(2)} | ${tf.toFixed(2)} | ${(o / b).toFixed(2)}× | ${(o / tf).toFixed(2)}× |`);
}
const geo = (xs: number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
console.log(`geomean: optimized/baseline ${geo(ratiosBase).toFixed(3)}×, optimized/TurboFan ${geo(ratiosTf).toFixed(3)}×; load ${os.loadavg()[0]!.toFixed(2)} at end`);

// Compile speed of both tiers on esbuild.wasm (11 MB, large toolchain output: the optimized
// tier compiles the functions in its subset, the rest falls back, as `tier: 'optimized'`
// does) and on the kernels above, in this process, CPU time, after a warm-up pair.
const esbuild = new Uint8Array(readFileSync(path.join(packageDir(ESBUILD.pkg), ESBUILD.file)));
const kernels = programs.map((p) => p.bytes());
for (const [label, modules] of [['esbuild.wasm', [esbuild]], [`the ${kernels.length} kernels`, kernels]] as const) {
  let bytes = 0;
  for (const m of modules) bytes += m.length;
  const reps = label === 'esbuild.wasm' ? 1 : 20;
  const rates: Record<string, number[]> = { baseline: [], optimized: [] };
  let fellBack = 0;
  for (let round = 0; round < 3; round++) {
    for (const tier of ['baseline', 'optimized'] as const) {
      optimizingTierStats.optimized = 0;
      optimizingTierStats.fallbacks.clear();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < reps; i++) for (const m of modules) compileModule(m, {}, { tier, parallelCompile: false });
      const cpu = process.cpuUsage(cpu0);
      if (round > 0) rates[tier]!.push((bytes * reps) / ((cpu.user + cpu.system) / 1e6) / 1e6);
      if (tier === 'optimized') fellBack = [...optimizingTierStats.fallbacks.values()].reduce((x, y) => x + y, 0);
    }
  }
  const opt = optimizingTierStats.optimized / reps;
  console.log(`compile ${label}: baseline ${median(rates.baseline!).toFixed(1)} MB/s, optimized ${median(rates.optimized!).toFixed(1)} MB/s ` +
    `(${opt} functions optimized, ${fellBack / reps} fell back; CPU time, median of 2 runs after a warm-up)`);
}
