// (e) The same scenarios in worker_threads with small stacks (resourceLimits.stackSizeMb),
// where the limit is set by the thread's real bottom plus the reserve rather than by
// maxWasmStack, and V8's JS limit sits only 192 KB above that bottom.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import type { BigFrameResult, DeepJsResult, DeepNativeResult, RunOptions, StormResult, ThreadReport } from './scenarios.js';
import { KiB, MiB } from './support.js';
import { expectNoSignals } from './signals.js';

function runWorker(stackSizeMb: number, data: RunOptions = {}): Promise<ThreadReport> {
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

function ok<T extends object>(x: T | { error: string } | undefined): T {
  if (x === undefined) throw new Error('scenario did not run');
  if ('error' in x) throw new Error(x.error);
  return x;
}

describe('stack: worker_threads with small stacks', function () {
  this.timeout(120_000);
  expectNoSignals();

  for (const mb of [0.5, 0.75, 1]) {
    it(`stackSizeMb ${mb}: deep native and JS imports, 1,000 overflows, huge frames`, async () => {
      const r = await runWorker(mb);
      expect(r.small).to.deep.equal({ kind: 'value', value: '100' });
      expect(r.signalCount, 'signals during the worker run').to.equal(r.signalCountBefore);
      // glibc may hand a new thread a larger cached stack than it asked for: use what it got.
      const room = r.stack.sp - r.stack.low;
      expect(room).to.be.greaterThan(256 * KiB);

      const n = ok<DeepNativeResult>(r.native);
      expect(n.headroom).to.be.within(0, 256);
      expect(n.checksum).to.equal(n.expected);
      expect(n.depthWithNative).to.equal(n.depth);

      const js = ok<DeepJsResult>(r.js);
      // Either the modest JS recursion fits under V8's limit, or V8 throws a RangeError that
      // comes out of the wasm frames cleanly; the thread is fine either way.
      if (js.result.kind === 'error') expect(js.result.name).to.equal('RangeError');
      else expect(js.result).to.deep.equal({ kind: 'value', value: String((BigInt(js.depth) << 32n) | 1000n) });
      expect(js.thrown).to.include({ kind: 'error', same: true });
      expect(js.caught.innerTrap).to.equal('stack_overflow');
      expect(js.caught.outcome.kind).to.equal('value');
      expect(js.after.kind).to.equal('value');

      const storm = ok<StormResult>(r.storm);
      expect(storm.traps).to.equal(1000);
      expect(storm.down).to.deep.equal({ kind: 'value', value: '1000' });

      const big = ok<BigFrameResult>(r.big);
      // One 320 KB frame fits only if the thread has the room; never a crash.
      const fits = room - 256 * KiB > 330_000;
      if (fits) expect(big.levels[0]).to.deep.equal({ kind: 'value', value: '1' });
      else expect(big.levels[0]).to.include({ kind: 'trap', trap: 'stack_overflow' });
      expect(big.levels[2]).to.include({ kind: 'trap', trap: 'stack_overflow' });
    });
  }

  it('maxWasmStack far beyond the thread stack: the thread bottom + reserve bounds wasm', async () => {
    const r = await runWorker(0.5, { maxWasmStack: 1024 * MiB });
    const n = ok<DeepNativeResult>(r.native);
    expect(n.headroom).to.be.within(0, 256);
    expect(n.checksum).to.equal(n.expected);
    expect(ok<StormResult>(r.storm).traps).to.equal(1000);
  });

  it('a reserve larger than the thread stack: every call traps stack_overflow at once', async () => {
    const r = await runWorker(0.5, { hostStackReserve: 1 * MiB });
    expect(r.small).to.include({ kind: 'trap', trap: 'stack_overflow' });
    expect(r.signalCount, 'signals during the worker run').to.equal(r.signalCountBefore);
  });
});
