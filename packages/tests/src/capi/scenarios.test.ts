// The stack scenarios for native imports, on the main thread and in a worker whose
// own stack is 1 MB: a native import using 200 KB of stack at the deepest wasm recursion
// with default options; native code calling back into wasm that overflows (a clean
// stack_overflow reaches JS, every native frame in between returns and runs its cleanup).
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import '@wasmjit/runtime';
import { runCapiScenarios, type CapiReport } from './scenarios.js';

function check(r: CapiReport): void {
  // Deepest: the recursion stopped within SLACK bytes of the limit.
  expect(r.depth).to.be.greaterThan(1000);
  expect(r.headroom).to.be.within(0, 256);
  expect(r.deepNative).to.have.length(5);
  for (const run of r.deepNative) expect(run).to.deep.equal({ sum: r.expectedSum, depth: r.depth });
  expect(r.expectedSum).to.equal(1275);

  expect(r.overflowShallow.outcome).to.deep.include({ kind: 'trap', trap: 'stack_overflow' });
  expect(r.overflowShallow.calls).to.equal(1);
  expect(r.overflowShallow.cleanups).to.equal(1);
  expect(r.overflowShallow.lastError).to.equal('Maximum call stack size exceeded');

  expect(r.overflowDeep.outcome).to.deep.include({ kind: 'trap', trap: 'stack_overflow' });
  expect(r.overflowDeep.calls).to.equal(1);
  expect(r.overflowDeep.cleanups).to.equal(1);

  // Native and wasm frames alternate until the wasm stack runs out; all native ones return.
  expect(r.pingPong.outcome).to.deep.include({ kind: 'trap', trap: 'stack_overflow' });
  expect(r.pingPong.calls).to.be.greaterThan(100);
  expect(r.pingPong.cleanups).to.equal(r.pingPong.calls);
  // C → wasm → JS → C → ...: the JS imports of C-called wasm run; 200 levels give 200.
  expect(r.jsThroughC).to.deep.equal({ value: 200, levels: 200 });
  // Unbounded, JS's stack runs out first (each level costs JS and N-API frames on the thread
  // stack, wasm's frames are on the wasm stack): V8's RangeError is rethrown through every
  // C level as the same kind of error; the wasm stack is not touched by it.
  expect(r.jsThroughCUnbounded.outcome).to.deep.include({ kind: 'error', message: 'Maximum call stack size exceeded' });
  expect(r.jsThroughCUnbounded.levels).to.be.greaterThan(100);
  expect(r.jsThroughCUnbounded.after).to.equal(10);
  expect(r.after).to.equal('true');
}

describe('capi: native imports and the wasm stack', () => {
  it('on the main thread', async () => {
    check(await runCapiScenarios());
  });

  it('in a worker with a 1 MB stack', async function () {
    this.timeout(60_000);
    const w = new Worker(new URL('./worker-entry.js', import.meta.url), { resourceLimits: { stackSizeMb: 1 } });
    const report = await new Promise<CapiReport | { error: string }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)));
    });
    if ('error' in report) throw new Error(report.error);
    check(report);
  });
});
