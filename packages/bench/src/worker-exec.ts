// Worker side of the execution section: instantiate one program in one engine, check its
// output is stable, then time repetitions.
import { errorMessage, instantiate, isUnsupported } from './engines.js';
import type { ExecJob, ExecResult } from './jobs.js';
import { findProgram } from './programs.js';

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
    const samplesMs: number[] = [];
    const start = performance.now();
    for (let i = 0; i < job.reps; i++) {
      const t0 = process.hrtime.bigint();
      const out = run();
      samplesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (out !== output) throw new Error(`output changed between runs: ${output} then ${out}`);
      if (samplesMs.length >= 3 && performance.now() - start > job.budgetMs) break;
    }
    return { output, samplesMs };
  } catch (e) {
    return { output: null, samplesMs: [], failure: { kind: 'failed', message: errorMessage(e) } };
  }
}
