// Many interrupts in a row leave the process healthy: no pending timers, one timer thread,
// bounded memory, and instances that keep answering.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { RUNAWAY_EXPORTS, native, runaway, threadCount, thrown } from './programs.js';

describe('interrupt: process health', function () {
  this.timeout(120_000);

  it('1,000 timeouts in a row (0-2 ms each), then normal calls', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { e } = await runaway(engine);
    // Starts the timer thread if no earlier test did.
    thrown(() => engine.callWithTimeout(e.spin, 1));
    const threads = await threadCount();
    const rss = process.memoryUsage().rss;
    let traps = 0;
    for (let i = 0; i < 1000; i++) {
      const name = RUNAWAY_EXPORTS[i % RUNAWAY_EXPORTS.length]!;
      const err = thrown(() => engine.callWithTimeout(e[name], i % 3));
      if (err instanceof RuntimeError && err.trap === 'interrupt') traps++;
      else throw err;
      if (i % 100 === 0) expect(e.fib(15)).to.equal(610);
    }
    expect(traps).to.equal(1000);
    expect(native.pendingEpochTimers()).to.equal(0);
    expect(await threadCount()).to.equal(threads);
    expect(process.memoryUsage().rss - rss).to.be.lessThan(64 * 1024 * 1024);
    // Still healthy: a normal call, and a call that outlives a short timeout's thread work.
    expect(e.fib(25)).to.equal(75025);
    expect(engine.callWithTimeout(e.fib, 10_000, 20)).to.equal(6765);
    expect(engine.currentEpoch()).to.equal(1001n);
  });

  it('1,000 out_of_fuel traps in a row, then normal calls', async () => {
    const engine = new Engine({ consumeFuel: true });
    const { instance, e } = await runaway(engine);
    let traps = 0;
    for (let i = 0; i < 1000; i++) {
      instance.setFuel(1000 + i);
      const err = thrown(() => e[RUNAWAY_EXPORTS[i % RUNAWAY_EXPORTS.length]!]());
      if (err instanceof RuntimeError && err.trap === 'out_of_fuel') traps++;
      else throw err;
    }
    expect(traps).to.equal(1000);
    instance.setFuel(Infinity);
    expect(e.fib(25)).to.equal(75025);
  });
});
