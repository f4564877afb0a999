// Worker side of the decode + validate measurement (section-validate.ts): in a fresh
// process, CPU time (every thread's, as process.cpuUsage counts it) of V8's
// `new WebAssembly.Module` with node's defaults (lazy compilation: it decodes and validates
// every function body, compiling none), or of wasmjit's decodeModule + validateModule,
// cold, then warm: the last of WARM_RUNS more in the same process (the second one still pays
// for V8 re-optimising the validator, see docs/validation.md).
import { readFileSync } from 'node:fs';
import type { ValidateJob, ValidateResult } from './jobs.js';

const WARM_RUNS = 3;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function runValidateJob(job: ValidateJob): Promise<ValidateResult> {
  const bytes = new Uint8Array(readFileSync(job.file));
  if (job.engine === 'v8') {
    const t0 = cpuMs();
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    return { coldMs: cpuMs() - t0, warmMs: null };
  }
  const cg = await import('@wasmjit/codegen');
  const once = () => {
    const t0 = cpuMs();
    cg.validateModule(cg.decodeModule(bytes));
    return cpuMs() - t0;
  };
  const coldMs = once();
  let warmMs = 0;
  for (let i = 0; i < WARM_RUNS; i++) warmMs = once();
  return { coldMs, warmMs };
}
