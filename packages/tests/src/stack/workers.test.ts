// (e) The same scenarios in worker_threads with small stacks (resourceLimits.stackSizeMb).
// wasm runs on the worker's own wasm stack, so the worker's stack size only sets V8's JS
// limit (192 KiB above its bottom) and the default maxWasmStack (twice that JS stack).
import { expect } from 'chai';
import type { BigFrameResult, DeepJsResult, DeepNativeResult, StormResult } from './scenarios.js';
import { ok, runWorker } from './run-worker.js';
import { KiB, MiB } from './support.js';
import { expectNoSignals } from './signals.js';

/** default-stack.ts for a worker of this stackSizeMb. */
function defaultBudget(mb: number): number {
  return Math.ceil((2 * (mb * MiB - 192 * KiB)) / 4096) * 4096;
}

describe('stack: worker_threads with small stacks', function () {
  this.timeout(120_000);
  expectNoSignals();

  for (const mb of [0.5, 0.75, 1]) {
    it(`stackSizeMb ${mb}: deep native and JS imports, 1,000 overflows, huge frames`, async () => {
      const r = await runWorker(mb);
      expect(r.small).to.deep.equal({ kind: 'value', value: '100' });
      expect(r.signalCount, 'signals during the worker run').to.equal(r.signalCountBefore);
      // The wasm stack is not the worker's stack.
      expect(r.wasmStack.high <= r.stack.low || r.wasmStack.low >= r.stack.high).to.equal(true);

      const n = ok<DeepNativeResult>(r.native);
      expect(n.headroom).to.be.within(0, 256);
      expect(n.checksum).to.equal(n.expected);
      expect(n.depthWithNative).to.equal(n.depth);

      // JS imports at the deepest wasm point run on the worker's own stack, with all of it.
      const js = ok<DeepJsResult>(r.js);
      expect(js.result).to.deep.equal({ kind: 'value', value: String((BigInt(js.depth) << 32n) | 1000n) });
      expect(js.thrown).to.include({ kind: 'error', same: true });
      expect(js.caught.innerTrap).to.equal('stack_overflow');
      expect(js.caught.outcome.kind).to.equal('value');
      expect(js.after.kind).to.equal('value');

      const storm = ok<StormResult>(r.storm);
      expect(storm.traps).to.equal(1000);
      expect(storm.down).to.deep.equal({ kind: 'value', value: '1000' });

      // 320 KB frames: as many fit as the default budget holds; never a crash.
      const big = ok<BigFrameResult>(r.big);
      const budget = defaultBudget(mb);
      big.levels.forEach((level, k) => {
        const frames = k + 1;
        if (frames * 320_000 + 4 * KiB < budget) expect(level.kind, `${frames} frames`).to.equal('value');
        else if (frames * 320_000 > budget) expect(level, `${frames} frames`).to.include({ kind: 'trap', trap: 'stack_overflow' });
      });
    });
  }

  it('maxWasmStack far beyond the worker\'s stack: wasm goes far deeper than that stack could hold', async () => {
    const r = await runWorker(0.5, { maxWasmStack: 8 * MiB, storm: 100 });
    const n = ok<DeepNativeResult>(r.native);
    expect(n.headroom).to.be.within(0, 256);
    expect(n.checksum).to.equal(n.expected);
    // Tens of bytes a level: far more than 0.5 MiB of frames.
    expect(n.depth).to.be.greaterThan(50_000);
    expect(ok<StormResult>(r.storm).traps).to.equal(100);
  });

  it('a reserve larger than the wasm stack: every call traps stack_overflow at once', async () => {
    const r = await runWorker(0.5, { hostStackReserve: 2 * MiB, wasmStack: 1 * MiB });
    expect(r.small).to.include({ kind: 'trap', trap: 'stack_overflow' });
    expect(r.signalCount, 'signals during the worker run').to.equal(r.signalCountBefore);
  });
});
