// (e) The same scenarios in worker_threads with small stacks (resourceLimits.stackSizeMb),
// where the limit is set by the thread's real bottom plus the reserve rather than by
// maxWasmStack, and V8's JS limit sits only 192 KB above that bottom.
import { expect } from 'chai';
import type { BigFrameResult, DeepJsResult, DeepNativeResult, StormResult } from './scenarios.js';
import { ok, runWorker } from './run-worker.js';
import { KiB, MiB } from './support.js';
import { expectNoSignals } from './signals.js';

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
      // Node puts V8's JS limit at the requested size minus 192 KiB below the thread's top.
      // Given a larger cached stack, wasm (bounded by maxWasmStack, not by the requested
      // size) can reach below that limit: V8 then refuses any JS import at the deepest point
      // with its RangeError, which comes out just as cleanly.
      const v8Limit = r.stack.high - (mb * MiB - 192 * KiB);
      const wasmLimit = Math.max(r.stack.sp - 512 * KiB, r.stack.low + 256 * KiB);
      const importsRun = wasmLimit > v8Limit + 16 * KiB;
      const refused = wasmLimit < v8Limit;
      if (importsRun) {
        expect(js.thrown).to.include({ kind: 'error', same: true });
        expect(js.caught.innerTrap).to.equal('stack_overflow');
        expect(js.caught.outcome.kind).to.equal('value');
        expect(js.after.kind).to.equal('value');
      } else if (refused) {
        for (const o of [js.thrown, js.caught.outcome, js.after]) expect(o).to.include({ kind: 'error', name: 'RangeError' });
      }

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
