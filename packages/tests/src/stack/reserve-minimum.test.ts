// The smallest hostStackReserve the Engine accepts: below it, a stack overflow at the wasm
// stack's bottom could run the trap path or a native import off the stack (a SIGSEGV, e.g.
// with a reserve of 16 bytes). At it, everything still ends cleanly, under GC pressure too.
// The wasm stack is pinned to 1 MiB (native.testPinWasmStack) and maxWasmStack is 1 GiB, so
// the limit sits at the wasm stack's bottom, low + hostStackReserve.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { MIN_HOST_STACK_RESERVE } from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';
import type { BigFrameResult, DeepJsResult, DeepNativeResult, PressureResult, RunOptions, StormResult, ThreadReport } from './scenarios.js';
import { ok, runWorker } from './run-worker.js';
import { KiB, MiB } from './support.js';
import { expectNoSignals } from './signals.js';

const AT_THE_BOTTOM: RunOptions = { hostStackReserve: MIN_HOST_STACK_RESERVE, maxWasmStack: 1024 * MiB, wasmStack: 1 * MiB };

/**
 * With the limit at low + reserve: native code at the deepest wasm point gets the reserve; a
 * JS import there runs normally, on the thread's stack, whatever it does (deep recursion,
 * throwing, calling runaway wasm that traps); overflows, huge frames and GC pressure end
 * cleanly.
 */
function expectCleanAtTheBottom(r: ThreadReport, storm: number, pressure: number): void {
  expect(r.small).to.deep.equal({ kind: 'value', value: '100' });
  expect(r.signalCount, 'signals during the run').to.equal(r.signalCountBefore);
  expect(r.wasmStack.high - r.wasmStack.low).to.equal(1 * MiB);

  const n = ok<DeepNativeResult>(r.native);
  expect(n.headroom).to.be.within(0, 256);
  expect(n.bytes).to.equal(MIN_HOST_STACK_RESERVE - 4 * KiB);
  expect(n.checksum).to.equal(n.expected);
  expect(n.depthWithNative).to.equal(n.depth);
  // The dive went down to the pinned stack's bottom, not to some budget above it.
  expect(n.depth).to.be.greaterThan(5000);

  const js = ok<DeepJsResult>(r.js);
  expect(js.result.kind).to.equal('value');
  expect(js.thrown).to.include({ kind: 'error', same: true });
  expect(js.caught.outcome.kind).to.equal('value');
  expect(js.caught.innerTrap).to.equal('stack_overflow');
  expect(js.after.kind).to.equal('value');

  const s = ok<StormResult>(r.storm);
  expect(s.traps).to.equal(storm);
  expect(s.down).to.deep.equal({ kind: 'value', value: '1000' });

  // 320 KB frames: they fit or trap, depending on where the limit is.
  for (const level of ok<BigFrameResult>(r.big).levels) {
    if (level.kind !== 'value') expect(level).to.include({ kind: 'trap', trap: 'stack_overflow' });
  }

  expect(ok<PressureResult>(r.pressure).ends).to.deep.equal({ value: pressure });
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

  it('at the minimum, with the limit at the wasm stack\'s bottom: overflows, native and JS imports end cleanly (child process)', () => {
    const options: RunOptions = { ...AT_THE_BOTTOM, storm: 2000, pressure: 1000 };
    const entry = fileURLToPath(new URL('./child-entry.js', import.meta.url));
    const r = spawnSync(process.execPath, [entry, JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 240_000 });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    expectCleanAtTheBottom(JSON.parse(r.stdout) as ThreadReport, 2000, 1000);
  });

  for (const mb of [0.5, 1]) {
    it(`at the minimum in a worker with stackSizeMb ${mb}: the same`, async () => {
      const r = await runWorker(mb, { ...AT_THE_BOTTOM, pressure: 500 });
      expectCleanAtTheBottom(r, 1000, 500);
    });
  }
});
