// Out-of-bounds traps through the fault handler on several threads at once: worker_threads
// (each with its own alternate signal stack, freed when the worker ends, including workers
// with small stacks) and the main thread, all trapping concurrently.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { native } from './support.js';
import { threadScenario, type ThreadResult } from './thread-scenario.js';

const ITERATIONS = 1500;

// Small stacks, on purpose: glibc caches the stacks of ended threads and may hand one to a
// later thread asking for up to 4x less, which would give the stack tests' small-stack
// workers (stack/workers.test.ts) a bigger stack than they asked for.
function runWorker(seed: number, stackSizeMb = 0.5): Promise<ThreadResult> {
  const w = new Worker(new URL('./worker-entry.js', import.meta.url), {
    workerData: { iterations: ITERATIONS, seed },
    resourceLimits: { stackSizeMb },
  });
  return new Promise((resolve, reject) => {
    let result: ThreadResult | undefined;
    w.once('message', (m: ThreadResult) => (result = m));
    w.once('error', reject);
    // Resolve on exit, so the worker's teardown (alternate stack cleanup) is part of the test.
    w.once('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`worker exited with ${code}`))));
  });
}

function expectClean(r: ThreadResult, label: string): void {
  expect(r.wrong, label).to.deep.equal([]);
  expect(r.traps, label).to.equal(ITERATIONS + 1);
  expect(r.sums, label).to.equal(ITERATIONS);
  expect(r.deepFrames, label).to.equal(3);
  expect(r.altStack, `${label}: alternate signal stack`).to.be.greaterThan(0);
}

describe('guard mode: traps inside worker threads', function () {
  this.timeout(120_000);

  it('four workers (0.5 MiB stacks) and the main thread trap concurrently, each counted once', async () => {
    const before = native.signalCount();
    // Settled results, so a failing worker is reported here rather than as unhandled.
    const workers = Promise.allSettled([1, 2, 3, 4].map((i) => runWorker(i * 1000)));
    const main = await threadScenario(ITERATIONS, 99);
    const results = (await workers).map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    expectClean(main, 'main');
    results.forEach((r, i) => expectClean(r, `worker ${i + 1}`));
    expect(native.signalCount() - before).to.equal(5 * (ITERATIONS + 1));
  });

  it('workers come and go (alternate stacks set up and freed each time)', async () => {
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([runWorker(round), runWorker(round + 7)]);
      results.forEach((r, i) => expectClean(r, `round ${round} worker ${i}`));
    }
  });
});
