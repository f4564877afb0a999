// Worker side of the call-path section: ns per call for a trivial export (JS→wasm), an
// export that calls a JS import (→ wasm→JS round trip) and wasm→wasm calls in a loop.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, instantiate } from './engines.js';
import type { CallsJob, CallsResult } from './jobs.js';
import { PROGRAMS_DIR } from './paths.js';
import { median } from './stats.js';

export const CALL_ROWS = ['JS→wasm trivial export', 'wasm→JS import round trip', 'wasm→wasm call'] as const;

type Fn = (x: number) => number;

/** Median ns per operation over `runs` timed runs, after one warm-up run. */
function timeNs(f: () => void, ops: number, runs: number): number {
  f();
  const per: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    f();
    per.push(Number(process.hrtime.bigint() - t0) / ops);
  }
  return median(per);
}

export async function runCallsJob(job: CallsJob): Promise<CallsResult> {
  const none = Object.fromEntries(CALL_ROWS.map((k) => [k, null]));
  const bytes = new Uint8Array(readFileSync(path.join(PROGRAMS_DIR, 'calls.wasm')));
  let e: Record<string, Fn>;
  try {
    e = (await instantiate(job.engine, bytes, { env: { js: (x: number) => x + 1 } })) as Record<string, Fn>;
  } catch (err) {
    return { ns: none, note: errorMessage(err) };
  }
  const { id, via_import: viaImport, loop_calls: loopCalls } = e;
  if (!id || !viaImport || !loopCalls) return { ns: none, note: 'calls.wasm lacks an export' };
  // Outputs first: a wrong answer is a failure, not a time.
  if (id(7) !== 7 || viaImport(7) !== 8 || loopCalls(1000) !== 1000) {
    throw new Error(`wrong results: id(7)=${id(7)} via_import(7)=${viaImport(7)} loop_calls(1000)=${loopCalls(1000)}`);
  }
  const N = job.iterations;
  let sink = 0;
  const ns: Record<string, number | null> = {};
  ns[CALL_ROWS[0]] = timeNs(() => { let s = 0; for (let i = 0; i < N; i++) s += id(i); sink += s; }, N, job.runs);
  ns[CALL_ROWS[1]] = timeNs(() => { let s = 0; for (let i = 0; i < N; i++) s += viaImport(i); sink += s; }, N, job.runs);
  ns[CALL_ROWS[2]] = timeNs(() => { sink += loopCalls(10 * N); }, 10 * N, job.runs);
  if (sink === 0.5) console.log(sink); // keeps the loops' results observable
  return { ns };
}
