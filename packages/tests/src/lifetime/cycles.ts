// Runs synchronous create-and-drop cycles and measures what stays behind: fault-handler
// ranges, VmSize and RSS after a forced collection, against the same figures after a warm-up
// of as many cycles. The warm-up lets V8's heap grow to the size such a loop needs, which it
// keeps for reuse (measured: RSS rises for two batches of 3,000, then stays within 1 MiB
// over six more, while heapUsed stays flat): growth after it is what the cycles leak. A leak
// of 100 bytes per cycle would show over 50,000 cycles.
import { expect } from 'chai';
import { collectGarbage, native, processMemory } from './support.js';

const MiB = 2 ** 20;

export interface CycleFigures {
  ms: number;
  start: { vmSize: number; rss: number };
  end: { vmSize: number; rss: number };
}

/** `body(i)` must return true; checks ranges, VmSize and RSS come back within 10 %. */
export function cyclesReclaim(what: string, cycles: number, body: (i: number) => boolean): CycleFigures {
  // In a function of its own so that no interpreter register still holds the last object.
  const run = (n: number): number => {
    let ok = 0;
    for (let i = 0; i < n; i++) if (body(i)) ok++;
    return ok;
  };
  expect(run(cycles), `${what}: warm-up`).to.equal(cycles);
  collectGarbage();
  const start = processMemory();
  const ranges = native.signalRanges();
  const t0 = performance.now();
  expect(run(cycles), what).to.equal(cycles);
  const ms = performance.now() - t0;
  collectGarbage();
  const end = processMemory();
  const f = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
  console.log(`      ${what}: ${cycles} cycles in ${ms.toFixed(0)} ms; VmSize ${f(start.vmSize)} -> ${f(end.vmSize)}, RSS ${f(start.rss)} -> ${f(end.rss)}`);
  expect(native.signalRanges(), `${what}: fault-handler ranges back`).to.deep.equal(ranges);
  expect(end.vmSize, `${what}: VmSize within 10 %`).to.be.below(start.vmSize * 1.1);
  expect(end.rss, `${what}: RSS within 10 %`).to.be.below(start.rss * 1.1);
  return { ms, start, end };
}
