// Runs the stack scenarios (scenarios.ts runAll) on a worker_threads thread with a small
// stack, for workers.test.ts and reserve-minimum.test.ts.
import { Worker } from 'node:worker_threads';
// Load the runtime (and its ffi-rs add-on) on the main thread first: ffi-rs crashes at worker
// teardown if a worker was the only one to load it (the napi-rs unload issue), which has
// nothing to do with the wasm stack but would kill this process.
import '@wasmjit/runtime';
import type { RunOptions, ThreadReport } from './scenarios.js';

export function runWorker(stackSizeMb: number, data: RunOptions = {}): Promise<ThreadReport> {
  const w = new Worker(new URL('./worker-entry.js', import.meta.url), {
    resourceLimits: { stackSizeMb },
    workerData: { storm: 1000, ...data },
  });
  return new Promise((resolve, reject) => {
    // The worker ends by itself after posting; an exit before the report is a failure.
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)));
  });
}

/** A scenario's result, or a failure with the error it reported. */
export function ok<T extends object>(x: T | { error: string } | undefined): T {
  if (x === undefined) throw new Error('scenario did not run');
  if ('error' in x) throw new Error(x.error);
  return x;
}
