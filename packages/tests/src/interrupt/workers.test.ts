// The epoch counter from other threads: a worker bumps the main thread's engine with plain
// Atomics (no wasmjit in the worker), and wasm running in a worker is stopped by its own
// timeouts and fuel and by a bump from the main thread.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { RUNAWAY_EXPORTS, native, runaway, thrown } from './programs.js';
import type { WorkerReport } from './worker-wasm.js';

type Message = { kind?: string; epoch?: SharedArrayBuffer; running?: SharedArrayBuffer; report?: WorkerReport } | string;

function once<T>(w: Worker, pick: (m: Message) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Message) => {
      const v = pick(m);
      if (v === undefined) return;
      w.off('message', onMessage);
      resolve(v);
    };
    w.on('message', onMessage);
    w.once('error', reject);
  });
}

describe('interrupt: other threads', function () {
  this.timeout(60_000);

  it('a worker bumps the epoch with Atomics.add on engine.epochBuffer: main-thread wasm stops', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { instance, e } = await runaway(engine);
    const go = new Int32Array(new SharedArrayBuffer(4));
    const w = new Worker(new URL('./worker-bump.js', import.meta.url), {
      workerData: { epoch: engine.epochBuffer, go: go.buffer, delayMs: 100 },
    });
    // Listen now: a worker that has already exited emits 'exit' no more.
    const exited = new Promise((r) => w.once('exit', r));
    await once(w, (m) => (m === 'ready' ? true : undefined));
    const bumped = once(w, (m) => (m === 'bumped' ? true : undefined));
    instance.setEpochDeadline(1);
    const t0 = performance.now();
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    const err = thrown(() => e.spin()) as RuntimeError;
    const ms = performance.now() - t0;
    expect(err).to.be.instanceOf(RuntimeError);
    expect(err.trap).to.equal('interrupt');
    expect(ms).to.be.within(95, 5000);
    await bumped;
    expect(engine.currentEpoch()).to.equal(1n);
    instance.setEpochDeadline(Infinity);
    expect(e.fib(20)).to.equal(6765);
    await exited;
  });

  it('wasm in a worker: timeouts, fuel, and a bump from the main thread', async () => {
    const w = new Worker(new URL('./worker-wasm.js', import.meta.url));
    const exited = new Promise((r) => w.once('exit', r));
    const epochMsg = await once(w, (m) => (typeof m === 'object' && m.kind === 'epoch' ? m : undefined));
    const reportP = once(w, (m) => (typeof m === 'object' && m.kind === 'report' ? m.report : undefined));
    // Wait until the worker is about to spin, give it 50 ms, then bump its engine's epoch.
    const running = new Int32Array(epochMsg.running!);
    while (Atomics.load(running, 0) === 0) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, 50));
    Atomics.add(new BigInt64Array(epochMsg.epoch!, 0, 1), 0, 1n);
    const r = await reportP;
    expect(r.timeouts.map((t) => t.name)).to.deep.equal([...RUNAWAY_EXPORTS]);
    for (const t of r.timeouts) {
      expect(t.trap, t.name).to.equal('interrupt');
      expect(t.ms, t.name).to.be.within(95, 3000);
    }
    for (const f of r.fuel) expect(f.trap, f.name).to.equal('out_of_fuel');
    expect(r.fromMain.trap).to.equal('interrupt');
    expect(r.fromMain.ms).to.be.greaterThan(40);
    expect(r.fibAfter).to.equal(6765);
    expect(r.pendingTimers).to.equal(0);
    await exited;
    expect(native.pendingEpochTimers()).to.equal(0);
  });
});
