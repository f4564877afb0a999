// Worker side of the execution section: instantiate one program in one engine, check its
// output is stable, then time repetitions.
import { errorMessage, instantiate, isUnsupported } from './engines.js';
import type { ExecJob, ExecResult, PairJob, PairResult } from './jobs.js';
import { findProgram } from './programs.js';

/** A full collection before timing (the harness starts workers with --expose-gc). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function runExecJob(job: ExecJob): Promise<ExecResult> {
  const program = findProgram(job.program);
  let run: () => string;
  try {
    const exports = await instantiate(job.engine, program.bytes(), {}, job.wasmjitOptions);
    run = program.driver(exports, job.arg);
  } catch (e) {
    return { output: null, samplesMs: [], failure: { kind: isUnsupported(e) ? 'unsupported' : 'failed', message: errorMessage(e) } };
  }
  let output: string;
  try {
    // The first run is a warm-up too (V8 compiles lazily on the first call).
    output = run();
    for (let i = 1; i < job.warmups; i++) {
      const again = run();
      if (again !== output) throw new Error(`output changed between runs: ${output} then ${again}`);
    }
    collectGarbage();
    const samplesMs: number[] = [];
    const cpuSamplesMs: number[] = [];
    const start = performance.now();
    for (let i = 0; i < job.reps; i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const out = run();
      samplesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpuSamplesMs.push((c.user + c.system) / 1000);
      if (out !== output) throw new Error(`output changed between runs: ${output} then ${out}`);
      if (samplesMs.length >= 3 && performance.now() - start > job.budgetMs) break;
    }
    return { output, samplesMs, cpuSamplesMs };
  } catch (e) {
    return { output: null, samplesMs: [], failure: { kind: 'failed', message: errorMessage(e) } };
  }
}

export async function runPairJob(job: PairJob): Promise<PairResult> {
  const program = findProgram(job.program);
  const sides: { run: (() => string) | null; result: ExecResult }[] = [];
  for (const options of [job.a, job.b]) {
    try {
      const exports = await instantiate('wasmjit', program.bytes(), {}, options);
      sides.push({ run: program.driver(exports, job.arg), result: { output: null, samplesMs: [] } });
    } catch (e) {
      sides.push({ run: null, result: { output: null, samplesMs: [], failure: { kind: isUnsupported(e) ? 'unsupported' : 'failed', message: errorMessage(e) } } });
    }
  }
  const live = sides.filter((s) => s.run !== null);
  try {
    for (const s of live) {
      s.result.output = s.run!();
      for (let i = 1; i < job.warmups; i++) s.run!();
    }
    collectGarbage();
    const start = performance.now();
    for (let i = 0; i < job.reps; i++) {
      for (const s of live) {
        const t0 = process.hrtime.bigint();
        const out = s.run!();
        s.result.samplesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (out !== s.result.output) throw new Error(`output changed between runs: ${s.result.output} then ${out}`);
      }
      if (i >= 2 && performance.now() - start > 2 * job.budgetMs) break;
    }
  } catch (e) {
    for (const s of live) s.result = { output: null, samplesMs: [], failure: { kind: 'failed', message: errorMessage(e) } };
  }
  return { a: sides[0]!.result, b: sides[1]!.result };
}
