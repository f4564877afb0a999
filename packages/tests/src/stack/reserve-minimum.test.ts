// The smallest hostStackReserve the Engine accepts: below it, a stack overflow at the
// thread's bottom could run the trap path or a host call off the stack (a SIGSEGV, e.g. with
// a reserve of 16 bytes). At it, everything still ends cleanly, under GC pressure too.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { MIN_HOST_STACK_RESERVE } from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';
import type { BigFrameResult, DeepJsResult, DeepNativeResult, PressureResult, StormResult, ThreadReport } from './scenarios.js';
import { ok, runWorker } from './run-worker.js';
import { KiB, MiB } from './support.js';
import { expectNoSignals } from './signals.js';

/**
 * With the limit at low + reserve, a JS import called at the deepest wasm point finds V8's
 * JS limit already passed (on the main thread it is ~984 KB below where JS started; in a
 * worker 192 KB above the bottom): V8 refuses it with a RangeError, built below the limit.
 */
function expectCleanAtTheBottom(r: ThreadReport, storm: number, pressure: number): void {
  expect(r.small).to.deep.equal({ kind: 'value', value: '100' });
  expect(r.signalCount, 'signals during the run').to.equal(r.signalCountBefore);

  const n = ok<DeepNativeResult>(r.native);
  expect(n.headroom).to.be.within(0, 256);
  expect(n.bytes).to.equal(MIN_HOST_STACK_RESERVE - 4 * KiB);
  expect(n.checksum).to.equal(n.expected);
  expect(n.depthWithNative).to.equal(n.depth);

  const js = ok<DeepJsResult>(r.js);
  for (const o of [js.result, js.thrown, js.caught.outcome, js.after]) {
    expect(o).to.include({ kind: 'error', name: 'RangeError' });
  }

  const s = ok<StormResult>(r.storm);
  expect(s.traps).to.equal(storm);
  expect(s.down).to.deep.equal({ kind: 'value', value: '1000' });

  // 320 KB frames: they fit or trap, depending on the thread's size.
  for (const level of ok<BigFrameResult>(r.big).levels) {
    if (level.kind !== 'value') expect(level).to.include({ kind: 'trap', trap: 'stack_overflow' });
  }

  expect(ok<PressureResult>(r.pressure).ends).to.deep.equal({ RangeError: pressure });
}

describe('stack: the hostStackReserve minimum', function () {
  this.timeout(300_000);
  expectNoSignals();

  it(`refuses a reserve below ${MIN_HOST_STACK_RESERVE} bytes with a RangeError naming the minimum`, () => {
    for (const bad of [16, 4096, MIN_HOST_STACK_RESERVE - 1]) {
      expect(() => new Engine({ hostStackReserve: bad }), String(bad)).to.throw(RangeError, /at least 65536 bytes/);
    }
    expect(new Engine({ hostStackReserve: MIN_HOST_STACK_RESERVE }).hostStackReserve).to.equal(MIN_HOST_STACK_RESERVE);
  });

  it('at the minimum, with the limit at the main thread\'s bottom: overflows, native and JS imports end cleanly (child process)', () => {
    const options = { hostStackReserve: MIN_HOST_STACK_RESERVE, maxWasmStack: 1024 * MiB, storm: 2000, pressure: 1000 };
    const entry = fileURLToPath(new URL('./child-entry.js', import.meta.url));
    const r = spawnSync(process.execPath, [entry, JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as ThreadReport;
    // The limit really was at the bottom: the dive went far below maxWasmStack's default.
    expect(ok<DeepNativeResult>(report.native).depth).to.be.greaterThan(50_000);
    expectCleanAtTheBottom(report, 2000, 1000);
  });

  for (const mb of [0.5, 1]) {
    it(`at the minimum in a worker with stackSizeMb ${mb}: the same`, async () => {
      const r = await runWorker(mb, { hostStackReserve: MIN_HOST_STACK_RESERVE, maxWasmStack: 1024 * MiB, pressure: 500 });
      expectCleanAtTheBottom(r, 1000, 500);
    });
  }
});
