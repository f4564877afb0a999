// Long variants of stack/reserve-minimum.test.ts and stack/nesting.test.ts (not run by
// `pnpm test`): 40,000 JS imports refused by V8 at the bottom of the main thread's stack with
// the minimum host reserve, under GC pressure (the measurement behind MIN_HOST_STACK_RESERVE
// ran this many), and 200 unbounded wasm → JS → wasm nests in a row.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { MIN_HOST_STACK_RESERVE } from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';
import type { PressureResult, ThreadReport } from '../stack/scenarios.js';
import { nestingScenario } from '../stack/nesting.js';
import { ok } from '../stack/run-worker.js';
import { MiB } from '../stack/support.js';

describe('stress: stack reserve and nesting', function () {
  this.timeout(3_600_000);

  it('40,000 refused JS imports at the minimum reserve, limit at the thread bottom (child process)', () => {
    const options = { hostStackReserve: MIN_HOST_STACK_RESERVE, maxWasmStack: 1024 * MiB, storm: 10_000, pressure: 40_000 };
    const entry = fileURLToPath(new URL('../stack/child-entry.js', import.meta.url));
    const r = spawnSync(process.execPath, [entry, JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as ThreadReport;
    expect(report.signalCount).to.equal(report.signalCountBefore);
    expect(ok<PressureResult>(report.pressure).ends).to.deep.equal({ RangeError: 40_000 });
  });

  it('200 unbounded nests in a row on the main thread, each ending in the same RangeError', async () => {
    const engine = new Engine();
    for (let i = 0; i < 100; i++) {
      const r = await nestingScenario(engine);
      for (const end of [r.first, r.second]) expect(end).to.include({ name: 'RangeError', same: true });
      expect(r.after).to.equal(50);
    }
  });
});
