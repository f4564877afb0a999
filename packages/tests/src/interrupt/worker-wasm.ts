// worker_threads entry that runs the runaway programs on its own thread and reports:
//  - a 100 ms callWithTimeout and a fuel limit, each on every runaway program;
//  - an interrupt sent from the main thread: it posts its engine's epochBuffer, sets
//    running[0] = 1 and spins with a deadline of 1; the main thread then bumps the epoch.
import { parentPort } from 'node:worker_threads';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { RUNAWAY_EXPORTS, native, runaway } from './programs.js';

export interface WorkerReport {
  timeouts: { name: string; trap: string; ms: number }[];
  fuel: { name: string; trap: string; steps: string }[];
  fromMain: { trap: string; ms: number };
  fibAfter: number;
  pendingTimers: number;
}

function trapOf(f: () => unknown): string {
  try {
    f();
    return 'returned';
  } catch (e) {
    return e instanceof RuntimeError ? e.trap : String(e);
  }
}

const engine = new Engine({ epochInterruption: true, consumeFuel: true });
const { instance, e } = await runaway(engine);
const report: WorkerReport = { timeouts: [], fuel: [], fromMain: { trap: '', ms: 0 }, fibAfter: 0, pendingTimers: -1 };
for (const name of RUNAWAY_EXPORTS) {
  const t0 = performance.now();
  const trap = trapOf(() => engine.callWithTimeout(e[name], 100));
  report.timeouts.push({ name, trap, ms: performance.now() - t0 });
}
for (const name of RUNAWAY_EXPORTS) {
  instance.setFuel(2_000_000);
  const trap = trapOf(() => e[name]());
  report.fuel.push({ name, trap, steps: String(e.steps.value) });
}
instance.setFuel(Infinity);

const running = new Int32Array(new SharedArrayBuffer(4));
parentPort!.postMessage({ kind: 'epoch', epoch: engine.epochBuffer, running: running.buffer });
instance.setEpochDeadline(1);
Atomics.store(running, 0, 1);
Atomics.notify(running, 0);
const t0 = performance.now();
report.fromMain = { trap: trapOf(() => e.spin()), ms: performance.now() - t0 };
instance.setEpochDeadline(Infinity);
report.fibAfter = e.fib(20);
report.pendingTimers = native.pendingEpochTimers();
parentPort!.postMessage({ kind: 'report', report });
