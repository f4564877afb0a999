// Hundreds of memories: each guarded one holds 8 GiB + 64 KiB of address space. In this
// process they all fit; under an address-space limit (a child with `ulimit -v`) the ones
// that do not fit fall back to unguarded reservations, usable by explicit-mode code and
// refused by guard-mode code with a LinkError / RangeError that says why.
import { expect } from 'chai';
import { Memory } from '@wasmjit/runtime';
import { guardInstance } from './reservation-modules.js';
import { native, PAGE, runChild, trapOf } from './support.js';

const GiB = 1024 * 1024 * 1024;

describe('guard mode: guard reservations for hundreds of memories', function () {
  this.timeout(120_000);

  it('300 guarded memories at once, each with its own guard-mode instance trapping', async () => {
    const before = native.signalRanges().memory;
    const memories = Array.from({ length: 300 }, () => new Memory({ initial: 1, maximum: 1 }) as Memory & { guarded: boolean });
    expect(memories.every((m) => m.guarded)).to.equal(true);
    expect(native.signalRanges().memory - before).to.be.at.least(300);
    for (const [i, m] of memories.entries()) {
      const ex = await guardInstance(m);
      ex.poke!(i * 8, i);
      expect(ex.peek!(i * 8)).to.equal(i);
      expect(trapOf(() => ex.peek!(PAGE - 2))).to.equal('out_of_bounds_memory');
    }
  });

  it('under `ulimit -v` the rest fall back: explicit mode works, guard mode refuses clearly', () => {
    // Node itself needs well under 4 GiB of address space; 40 GiB leaves room for ~4 guards.
    const r = runChild('reservations-child.js', ['400'], { ulimitKiB: (40 * GiB) / 1024 });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(out.created).to.equal(400);
    expect(out.guarded).to.be.within(1, 8);
    expect(out.unguardedReason).to.match(/^address space exhausted: reserving 8590000128 bytes failed \(errno 12\), even after a garbage collection/);
    // Every memory works with explicit bounds checks, guarded or not.
    expect(out.explicitOk).to.equal(400);
    // Guard mode: the guarded ones work, every other one is a LinkError naming the cause.
    expect(out.guardOk).to.equal(out.guarded);
    expect(out.linkErrors).to.equal(400 - (out.guarded as number));
    expect(out.linkErrorMessage).to.match(/LinkError: .*imported memory has no guard region.*boundsChecks: 'explicit'/);
    expect(out.ownMemoryError).to.match(/^RangeError: .*cannot reserve the 8 GiB guard region/);
    expect(out.noMaximumError).to.match(/^RangeError: Memory: cannot reserve address space/);
  });
});
