// callWithTimeout's deadline is the engine's: every instance has it, including the ones fn
// creates (their start functions too), and arming it touches one cell whatever the number of
// instances.
import { expect } from 'chai';
import { Engine, RuntimeError, type Instance } from '@wasmjit/runtime';
import { readDeadline as readMemberDeadline } from '../../../runtime/dist/interruption.js';
import { memberOf } from '../../../runtime/dist/instance.js';
import { NO_DEADLINE } from '../../../runtime/dist/epoch-counter.js';
import { runaway, runawayBytes, thrown, watNamed } from './programs.js';
import { engineEpoch } from '../../../runtime/dist/engine.js';

/** The deadline in an instance's vmctx. */
const readDeadline = (i: Instance): bigint => readMemberDeadline(memberOf(i));

// 2^33 rounds: seconds of work, far beyond any timeout here, yet finite, so that an engine
// that misses the deadline fails the test (it returns) rather than hanging it.
const LONG = `(i64.const 0x200000000)`;
const LOOPING = `(module
  (func $long (export "long") (local $i i64)
    (loop $l
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) ${LONG}))))
  (func (export "answer") (result i32) (i32.const 42)))`;
const LOOPING_START = LOOPING.replace('(func (export "answer")', '(start $long) (func (export "answer")');

/** The engine-wide deadline cell C (epoch-counter.ts): [2] of the engine's epoch buffer. */
function engineDeadline(engine: Engine): bigint {
  return new BigInt64Array(engine.epochBuffer, 16, 1)[0]!;
}

describe('interrupt: callWithTimeout covers the whole engine', function () {
  this.timeout(120_000);

  it('a looping start function of an instance created inside fn traps `interrupt`', async () => {
    const engine = new Engine({ epochInterruption: true });
    const module = engine.compile(await watNamed(LOOPING_START));
    const t0 = performance.now();
    const err = thrown(() => engine.callWithTimeout(() => engine.instantiate(module), 200)) as RuntimeError;
    const ms = performance.now() - t0;
    expect(err).to.be.instanceOf(RuntimeError);
    expect(err.trap).to.equal('interrupt');
    // Promptly: the issue saw 8.2 s under a 200 ms limit; this bound is for a loaded machine.
    expect(ms).to.be.within(150, 5000);
  });

  it('an export of an instance created inside fn traps `interrupt`; afterwards it runs normally', async () => {
    const engine = new Engine({ epochInterruption: true });
    const module = engine.compile(await watNamed(LOOPING));
    let created: Instance | undefined;
    const err = thrown(() => engine.callWithTimeout(() => {
      created = engine.instantiate(module);
      (created.exports.long as () => void)();
    }, 100)) as RuntimeError;
    expect(err.trap).to.equal('interrupt');
    // The deadline left with the call: the new instance has none of its own.
    expect(engineDeadline(engine)).to.equal(NO_DEADLINE);
    expect(readDeadline(created!)).to.equal(NO_DEADLINE);
    expect((created!.exports.answer as () => number)()).to.equal(42);
  });

  it('arming touches one engine cell and no instance, with 1 or 2,000 instances alive', async () => {
    for (const count of [1, 2000]) {
      const engine = new Engine({ epochInterruption: true });
      const module = engine.compile(await runawayBytes());
      const instances = Array.from({ length: count }, () => engine.instantiate(module));
      const scans = engineEpoch(engine)!.deadlineScans;
      let seen: { c: bigint; deadlines: bigint[] } | undefined;
      const result = engine.callWithTimeout(() => {
        seen = { c: engineDeadline(engine), deadlines: instances.map(readDeadline) };
        return (instances[0]!.exports.fib as (n: number) => number)(15);
      }, 10_000);
      expect(result).to.equal(610);
      // The engine-wide deadline is the next epoch; no instance's own deadline was written.
      expect(seen!.c, `${count} instances`).to.equal(engine.currentEpoch() + 1n);
      expect(seen!.deadlines.every((d) => d === NO_DEADLINE), `${count} instances`).to.equal(true);
      // Nor read: nothing visited the instances, before, during or after the call.
      expect(engineEpoch(engine)!.deadlineScans - scans, `${count} instances`).to.equal(0);
      expect(engineDeadline(engine)).to.equal(NO_DEADLINE);
    }
  });

  it('an instance deadline earlier than the call\'s is kept; a later one is overridden for the call', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { instance: early, e: eEarly } = await runaway(engine);
    const { instance: late, e: eLate } = await runaway(engine);
    early.setEpochDeadline(0);
    late.setEpochDeadline(1000);
    // early's own deadline has come: it traps inside the call at once, before any bump.
    expect((thrown(() => engine.callWithTimeout(() => eEarly.fib(5), 10_000)) as RuntimeError).trap).to.equal('interrupt');
    // late's is far off, but the call's comes first.
    expect((thrown(() => engine.callWithTimeout(eLate.spin, 50)) as RuntimeError).trap).to.equal('interrupt');
    expect(readDeadline(late)).to.equal(1000n);
    // Outside a call, late runs on (the epoch is 1 now, its deadline 1000).
    expect(eLate.fib(20)).to.equal(6765);
    early.setEpochDeadline(Infinity);
    expect(eEarly.fib(20)).to.equal(6765);
  });
});
