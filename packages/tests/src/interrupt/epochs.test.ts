// Epoch interruption on the main thread: callWithTimeout (the native timer thread bumps the
// epoch), deadlines set by hand, and what an interrupt leaves behind.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { RUNAWAY_EXPORTS, native, runaway, thrown, watNamed } from './programs.js';
import { compiledParts } from '../../../runtime/dist/module.js';

describe('interrupt: epochs', function () {
  this.timeout(30_000);

  for (const name of RUNAWAY_EXPORTS) {
    it(`${name}: stopped by a 100 ms timeout, then the instance is called again`, async () => {
      const engine = new Engine({ epochInterruption: true });
      const { e } = await runaway(engine);
      const t0 = performance.now();
      const err = thrown(() => engine.callWithTimeout(e[name], 100));
      const ms = performance.now() - t0;
      expect(err).to.be.instanceOf(RuntimeError);
      expect((err as RuntimeError).trap).to.equal('interrupt');
      expect(ms).to.be.within(95, 1500);
      // The frames name the function that was running.
      expect((err as RuntimeError).message).to.equal('execution interrupted');
      expect((err as RuntimeError).stack).to.match(/^RuntimeError: execution interrupted\n {4}at func\[/);
      expect((err as RuntimeError).frames.length).to.be.greaterThan(0);
      // The same instance answers, with no deadline left over from the timeout.
      expect(e.fib(20)).to.equal(6765);
      const before = e.steps.value;
      e.steps_n(1000);
      expect(e.steps.value - before).to.equal(1000n);
      expect(native.pendingEpochTimers()).to.equal(0);
    });
  }

  it('the backtrace names the interrupted loop', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { e } = await runaway(engine);
    const err = thrown(() => engine.callWithTimeout(e.spin, 20)) as RuntimeError;
    const names = err.frames.map((f) => f.name);
    expect(names).to.satisfy((n: unknown[]) => n[0] === 'spin' || (n[0] === 'step' && n[1] === 'spin'));
  });

  it('a call that ends in time returns its result and cancels the timer', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { e } = await runaway(engine);
    for (let i = 0; i < 20; i++) expect(engine.callWithTimeout(e.fib, 5_000, 15)).to.equal(610);
    expect(native.pendingEpochTimers()).to.equal(0);
    // Nothing fired: the epoch never moved.
    expect(engine.currentEpoch()).to.equal(0n);
  });

  it('setEpochDeadline(n): traps after the epoch advanced n ticks, at the next check', async () => {
    const engine = new Engine({ epochInterruption: true });
    let calls = 0;
    const bytes = await watNamed(`(module
      (import "host" "tick" (func $tick))
      (func (export "loop_ticks") (loop $l (call $tick) (br $l))))`);
    const instance = engine.instantiate(engine.compile(bytes), {
      host: { tick: () => { calls++; engine.incrementEpoch(); } },
    });
    const loopTicks = instance.exports.loop_ticks as () => void;
    instance.setEpochDeadline(3);
    const err = thrown(loopTicks) as RuntimeError;
    expect(err.trap).to.equal('interrupt');
    // Three bumps reach the deadline; the loop header after the third call traps.
    expect(calls).to.equal(3);
    expect(engine.currentEpoch()).to.equal(3n);

    // The deadline has passed: the next call traps at the function entry, before any tick.
    calls = 0;
    expect((thrown(loopTicks) as RuntimeError).trap).to.equal('interrupt');
    expect(calls).to.equal(0);

    instance.setEpochDeadline(1);
    expect((thrown(loopTicks) as RuntimeError).trap).to.equal('interrupt');
    expect(calls).to.equal(1);
  });

  it('setEpochDeadline(0) traps at once; Infinity (the default) never', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { instance, e } = await runaway(engine);
    expect(e.fib(10)).to.equal(55);
    instance.setEpochDeadline(0);
    expect((thrown(() => e.fib(10)) as RuntimeError).trap).to.equal('interrupt');
    instance.setEpochDeadline(Infinity);
    for (let i = 0; i < 5; i++) engine.incrementEpoch();
    expect(e.fib(10)).to.equal(55);
  });

  it('one instance past its deadline does not stop the others of the engine', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { instance: a, e: ea } = await runaway(engine);
    const { e: eb } = await runaway(engine);
    a.setEpochDeadline(0);
    // Every check of every instance now takes the slow path; only a's deadline has come.
    expect((thrown(() => ea.fib(5)) as RuntimeError).trap).to.equal('interrupt');
    expect(eb.fib(20)).to.equal(6765);
    eb.steps_n(10_000);
    engine.incrementEpoch();
    expect(eb.fib(20)).to.equal(6765);
    expect((thrown(() => ea.fib(5)) as RuntimeError).trap).to.equal('interrupt');
    a.setEpochDeadline(Infinity);
    expect(ea.fib(20)).to.equal(6765);
    expect(engine.currentEpoch()).to.equal(1n);
  });

  it('a timeout also stops another instance of the engine called through an import', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { e: inner } = await runaway(engine);
    const outerBytes = await watNamed(`(module
      (import "inner" "spin" (func $spin))
      (func (export "run") (call $spin)))`);
    const outer = engine.instantiate(engine.compile(outerBytes), { inner: { spin: inner.spin } });
    const err = thrown(() => engine.callWithTimeout(outer.exports.run as () => void, 50)) as RuntimeError;
    expect(err.trap).to.equal('interrupt');
    expect(inner.fib(12)).to.equal(144);
  });

  // They share the engine's epoch: the inner timer's bump also ends the outer call.
  it('timeouts nest: an inner callWithTimeout from an import also ends the outer call', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { e } = await runaway(engine);
    let inner: unknown;
    const bytes = await watNamed(`(module
      (import "host" "nested" (func $nested))
      (import "inner" "spin" (func $spin))
      (func (export "run") (call $nested) (call $spin)))`);
    const outer = engine.instantiate(engine.compile(bytes), {
      host: { nested: () => { inner = thrown(() => engine.callWithTimeout(e.spin, 20)); } },
      inner: { spin: e.spin },
    });
    const err = thrown(() => engine.callWithTimeout(outer.exports.run as () => void, 100)) as RuntimeError;
    expect((inner as RuntimeError).trap).to.equal('interrupt');
    expect(err.trap).to.equal('interrupt');
    expect(native.pendingEpochTimers()).to.equal(0);
  });

  it('the code without epochInterruption has no checks, and the API says so', async () => {
    const engine = new Engine();
    const { instance, e } = await runaway(engine);
    expect(() => engine.incrementEpoch()).to.throw(TypeError, /epochInterruption/);
    expect(() => engine.callWithTimeout(e.spin, 10)).to.throw(TypeError, /epochInterruption/);
    expect(() => instance.setEpochDeadline(1)).to.throw(TypeError, /epochInterruption/);
    // Eagerly compiled, so that the code compared is the function's, not a lazy jump slot.
    const plain = new Engine({ compilation: 'eager' }).compile(await watNamed('(module (func (export "f") (loop)))'));
    const checked = new Engine({ epochInterruption: true, compilation: 'eager' }).compile(await watNamed('(module (func (export "f") (loop)))'));
    expect(compiledParts(checked)!.compiled.code.length).to.be.greaterThan(compiledParts(plain)!.compiled.code.length);
  });

  it('rejects bad arguments', async () => {
    const engine = new Engine({ epochInterruption: true });
    const { instance, e } = await runaway(engine);
    expect(() => engine.callWithTimeout(e.fib, -1, 1)).to.throw(RangeError);
    expect(() => engine.callWithTimeout(e.fib, NaN, 1)).to.throw(RangeError);
    expect(() => instance.setEpochDeadline(-1)).to.throw(RangeError);
    expect(() => instance.setEpochDeadline(1.5)).to.throw(RangeError);
    expect(() => engine.callWithTimeout(42 as never, 10)).to.throw(TypeError);
  });
});
