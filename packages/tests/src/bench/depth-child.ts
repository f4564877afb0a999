// One measurement of the depth benchmark (depth.ts), in a process of its own so that node's
// flags (--liftoff-only, --no-liftoff, --stack-size) apply to it alone and a worker is the
// first thread of its size (glibc hands later threads cached, larger stacks). Prints one
// line: RESULT <json> with { depths: { program: maxDepth } }.
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import type { EngineOptions } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { DEPTH_PROGRAMS } from './depth-programs.js';
import { instantiateRun, maxDepth, type DepthEngine } from './depth-measure.js';
import { nestingDepths, type NestingDepths } from './depth-nesting.js';

export interface DepthJob {
  engine: DepthEngine;
  /** Run on a worker with this resourceLimits.stackSizeMb (0: Node's default), or on the main thread. */
  worker?: number;
  options?: EngineOptions;
  programs?: string[];
  /** Measure wasm → JS → wasm nesting (depth-nesting.ts) instead of the programs. */
  nesting?: boolean;
}

export interface DepthJobResult {
  depths: Record<string, number>;
  nesting?: NestingDepths;
}

async function measure(job: DepthJob): Promise<DepthJobResult> {
  if (job.nesting) return { depths: {}, nesting: await nestingDepths(job.engine, job.options) };
  const depths: Record<string, number> = {};
  for (const p of DEPTH_PROGRAMS) {
    if (job.programs && !job.programs.includes(p.name)) continue;
    const run = instantiateRun(job.engine, await wat(p.wat), job.options);
    // Let V8's default tiering reach TurboFan before measuring (no effect with fixed tiers).
    for (let i = 0; i < 300; i++) run(200);
    depths[p.name] = maxDepth(job.engine, p, run);
  }
  return { depths };
}

if (isMainThread) {
  const job = JSON.parse(process.argv[2]!) as DepthJob;
  let result: DepthJobResult;
  if (job.worker === undefined) result = await measure(job);
  else {
    const w = new Worker(new URL(import.meta.url), {
      workerData: job,
      ...(job.worker > 0 ? { resourceLimits: { stackSizeMb: job.worker } } : {}),
    });
    result = await new Promise<DepthJobResult>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
    await w.terminate();
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
} else {
  parentPort!.postMessage(await measure(workerData as DepthJob));
}
