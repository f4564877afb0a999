// (d) Recursion shapes: mutual, through call_indirect, huge frames, many live values; and
// the spec's exhaustion cases (runaway, mutual-runaway, fac-rec) in our own words.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { INDIRECT, SHAPES, bigFrame, liveExpected } from './modules.js';
import { bigFrames } from './scenarios.js';
import { KiB, MiB, largestOk, thrown, watNamed, type Exports } from './support.js';
import { expectNoSignals } from './signals.js';

function trapOf(f: () => unknown): string {
  const e = thrown(f);
  if (!(e instanceof RuntimeError)) throw e;
  return e.trap;
}

describe('stack: recursion shapes', () => {
  expectNoSignals();
  let ex: Exports;
  before(async () => {
    const engine = new Engine();
    ex = engine.instantiate(engine.compile(await watNamed(SHAPES))).exports as Exports;
  });

  it('mutual recursion: correct when it fits, stack_overflow when it does not', () => {
    expect(ex.even!(1000n)).to.equal(1);
    expect(ex.odd!(1001n)).to.equal(1);
    expect(trapOf(() => ex.even!(100_000_000n))).to.equal('stack_overflow');
    expect(trapOf(() => ex['mutual-runaway']!())).to.equal('stack_overflow');
    expect(ex.even!(10n)).to.equal(1);
  });

  it('the spec exhaustion shapes trap stack_overflow', () => {
    expect(trapOf(() => ex.forever!(0))).to.equal('stack_overflow');
    expect(trapOf(() => ex['fac-rec']!(1073741824n))).to.equal('stack_overflow');
    expect(ex['fac-rec']!(20n)).to.equal(2432902008176640000n);
  });

  it('many values live across each recursive call', () => {
    expect(ex.live!(1000)).to.equal(liveExpected(1000));
    expect(trapOf(() => ex.live!(10_000_000))).to.equal('stack_overflow');
    // The deepest live() that fits computes the right sum all the way back up.
    const deepest = largestOk((n) => {
      try {
        return ex.live!(n) === liveExpected(n);
      } catch {
        return false;
      }
    }, 1_000_000);
    expect(deepest).to.be.greaterThan(1000);
    expect(ex.live!(deepest)).to.equal(liveExpected(deepest));
  });

  it('frames of thousands of locals: the check covers the whole frame', async () => {
    const engine = new Engine();
    const mid = engine.instantiate(engine.compile(await watNamed(bigFrame(5000)))).exports as Exports;
    // 40 KB frames: a dozen fit in 512 KiB.
    expect(mid.big!(5)).to.equal(1n + 5n + 4n + 3n + 2n + 1n + 5n);
    expect(trapOf(() => mid.big!(1000))).to.equal('stack_overflow');
    expect(mid.big!(3)).to.equal(1n + 3n + 2n + 1n + 3n);
  });

  it('a frame larger than the host reserve (320 KB vs 256 KiB) is checked before it is touched', async () => {
    const r = await bigFrames(new Engine({ maxWasmStack: 512 * KiB }));
    expect(r.frameBytes).to.equal(320_000);
    expect(r.levels[0]).to.deep.equal({ kind: 'value', value: '1' });
    expect(r.levels[1]).to.include({ kind: 'trap', trap: 'stack_overflow' });
    expect(r.levels[2]).to.include({ kind: 'trap', trap: 'stack_overflow' });
    // With room for several, several run.
    const roomy = new Engine({ maxWasmStack: 2 * MiB });
    const big = roomy.instantiate(roomy.compile(await watNamed(bigFrame(40_000)))).exports as Exports;
    expect(big.big!(4)).to.equal(1n + 4n + 3n + 2n + 1n + 4n);
  });

  it('recursion through call_indirect, direct and mutual', async () => {
    const engine = new Engine();
    const ind = engine.instantiate(engine.compile(await watNamed(INDIRECT))).exports as Exports;
    expect(ind.rec!(1000)).to.equal(1000);
    expect(trapOf(() => ind.rec!(100_000_000))).to.equal('stack_overflow');
    expect(trapOf(() => ind.ping!(0))).to.equal('stack_overflow');
    expect(ind.rec!(10)).to.equal(10);
  });
});
