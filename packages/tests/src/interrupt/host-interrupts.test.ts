// Host interrupts on this (main) thread, where they are opt-in: the poll runs in long wasm
// runs, keeps every register of the running code, does not disturb epochs and deadlines, and
// its native side checks what it is given. Termination itself: terminate.test.ts.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { native, runaway, thrown, watNamed } from './programs.js';
import { engineEpoch } from '../../../runtime/dist/engine.js';

// Every kind of register home live across the checks: i32/i64 locals (rbx, r12, r13, r8..r10),
// f64/f32 locals (xmm8..xmm13), and a function that calls, whose params are live across its
// entry check.
const MIX = `(module
  (func $leaf (param f64) (result f64) (f64.mul (local.get 0) (f64.const 1.0000001)))
  (func $mix (param $a i32) (param $b i64) (param $x f64) (param $y f32) (result f64)
    (f64.add (call $leaf (local.get $x))
      (f64.add (f64.convert_i32_s (local.get $a))
        (f64.add (f64.convert_i64_s (local.get $b)) (f64.promote_f32 (local.get $y))))))
  (func (export "run") (param $n i32) (param $seed i32) (result f64)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
    (local $g i64) (local $h i64) (local $x f64) (local $y f64) (local $z f64) (local $w f32)
    (local.set $a (local.get $seed))
    (local.set $b (i32.mul (local.get $seed) (i32.const 7)))
    (local.set $x (f64.convert_i32_s (local.get $seed)))
    (loop $l
      (local.set $a (i32.add (i32.mul (local.get $a) (i32.const 1664525)) (i32.const 1013904223)))
      (local.set $b (i32.xor (local.get $b) (i32.shr_u (local.get $a) (i32.const 7))))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (local.set $d (i32.rotl (i32.xor (local.get $d) (local.get $c)) (i32.const 5)))
      (local.set $e (i32.add (local.get $e) (i32.mul (local.get $d) (i32.const 3))))
      (local.set $f (i32.xor (local.get $f) (local.get $e)))
      (local.set $g (i64.add (local.get $g) (i64.extend_i32_u (local.get $f))))
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 6364136223846793005)) (local.get $g)))
      (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.999)) (f64.convert_i32_s (local.get $a))))
      (local.set $y (f64.add (local.get $y) (f64.mul (local.get $x) (f64.const 1e-9))))
      (local.set $z (f64.sub (local.get $z) (local.get $y)))
      (local.set $w (f32.add (f32.mul (local.get $w) (f32.const 0.5)) (f32.convert_i32_s (local.get $b))))
      (if (i32.eqz (i32.and (local.get $n) (i32.const 1023)))
        (then (local.set $x (call $mix (local.get $a) (local.get $h) (local.get $x) (local.get $w)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f64.add
      (f64.add (f64.convert_i32_s (i32.xor (i32.xor (local.get $a) (local.get $b))
                 (i32.xor (i32.xor (local.get $c) (local.get $d)) (i32.xor (local.get $e) (local.get $f)))))
               (f64.convert_i64_s (i64.xor (local.get $g) (local.get $h))))
      (f64.add (f64.add (local.get $x) (local.get $y)) (f64.add (local.get $z) (f64.promote_f32 (local.get $w)))))))`;

// Recursion n deep, then a counted loop at the bottom (where polls happen), then back up.
const DEEP = `(module
  (func $deep (export "deep") (param $n i32) (param $spin i32) (result i32) (local $i i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $spin))))
        (local.get $i))
      (else (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $spin)) (i32.const 1))))))`;

type Run = (n: number, seed: number) => number;

async function mix(engine: Engine): Promise<Run> {
  return engine.instantiate(engine.compile(await watNamed(MIX))).exports.run as Run;
}

function polls(engine: Engine): number {
  return engineEpoch(engine)!.polls();
}

/** Collects garbage (the flag must be set before the first call), then lets finalizers run. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('interrupt: host-interrupt polls', function () {
  this.timeout(120_000);

  it('off by default on the main thread; the option turns them on (the check and the poll)', async () => {
    const plain = new Engine();
    expect(plain.hostInterrupts).to.equal(false);
    expect(engineEpoch(plain)).to.equal(null);
    const on = new Engine({ hostInterrupts: true });
    expect(on.hostInterrupts).to.equal(true);
    const run = await mix(on);
    run(1000, 1);
    // Watched by the native timer thread from the start (0 or more polls, not -1).
    expect(polls(on)).to.be.at.least(0);
    // Deadlines are a separate option.
    expect(() => on.incrementEpoch()).to.throw(TypeError, /epochInterruption/);
    expect(() => on.callWithTimeout(() => 0, 10)).to.throw(TypeError, /epochInterruption/);
  });

  it('a poll keeps every register of the running code: the same results with and without, over many polls', async () => {
    const plain = await mix(new Engine({ hostInterrupts: false }));
    const engine = new Engine({ hostInterrupts: true });
    const polled = await mix(engine);
    const before = polls(engine);
    let calls = 0;
    // Each call runs long enough for a few polls (one every 10 ms), at loop headers and at
    // $mix's entry alike; stop once plenty have happened.
    while (polls(engine) - before < 20 && calls < 400) {
      const seed = 1 + calls * 7919;
      expect(polled(3_000_000, seed), `seed ${seed}`).to.equal(plain(3_000_000, seed));
      calls++;
    }
    expect(polls(engine) - before, `polls in ${calls} calls`).to.be.at.least(20);
  });

  it('with epochs: polls neither advance the epoch nor trap, and deadlines still do', async () => {
    const engine = new Engine({ epochInterruption: true, hostInterrupts: true });
    const { instance, e } = await runaway(engine);
    instance.setEpochDeadline(1);
    const before = polls(engine);
    // steps_n runs a loop of calls; long enough for polls, all of them with a deadline set.
    while (polls(engine) - before < 5) e.steps_n(2_000_000);
    expect(engine.currentEpoch()).to.equal(0n);
    const err = thrown(() => engine.callWithTimeout(e.spin, 100)) as RuntimeError;
    expect(err).to.be.instanceOf(RuntimeError);
    expect(err.trap).to.equal('interrupt');
    engine.incrementEpoch();
    expect(thrown(() => e.spin()) as RuntimeError).to.have.property('trap', 'interrupt');
    instance.setEpochDeadline(Infinity);
    expect(e.fib(20)).to.equal(6765);
    expect(engine.currentEpoch()).to.equal(2n);
  });

  it('a poll deeper than V8\'s JS stack reaches does not fail the program', async () => {
    // 40,000 frames are a few MiB of wasm stack: far below V8's JS limit on this thread (about
    // 984 KB below where JS started), so the poll's JS call there throws V8's RangeError. The
    // program did not make that call: it must run on, and V8 gets its turn at a later poll.
    const engine = new Engine({ hostInterrupts: true, maxWasmStack: 6 * 1024 * 1024 });
    const deep = engine.instantiate(engine.compile(await watNamed(DEEP))).exports.deep as Run;
    const before = polls(engine);
    let calls = 0;
    while (polls(engine) - before < 3 && calls < 100) {
      expect(deep(40_000, 20_000_000)).to.equal(40_000 + 20_000_000);
      calls++;
    }
    expect(polls(engine) - before, `polls in ${calls} calls`).to.be.at.least(3);
    // And the thread's JS is fine.
    expect(deep(10, 10)).to.equal(20);
  });

  it('the timer thread stops watching an engine once it is collected', async () => {
    let address = 0;
    await (async () => {
      const engine = new Engine({ hostInterrupts: true });
      (await mix(engine))(1000, 3);
      address = engineEpoch(engine)!.address;
      expect(native.epochPolls(address)).to.be.at.least(0);
    })();
    await collectGarbage();
    expect(native.epochPolls(address), 'still watched').to.equal(-1);
  });

  it('the native side refuses cells it cannot keep alive or that may move', () => {
    expect(() => native.watchEpochCell(new BigUint64Array(2))).to.throw(TypeError, /SharedArrayBuffer/);
    expect(() => native.watchEpochCell(new BigUint64Array(new SharedArrayBuffer(0)))).to.throw(TypeError);
    expect(() => native.watchEpochCell(new BigInt64Array(new SharedArrayBuffer(8)) as never)).to.throw(TypeError);
    expect(() => native.watchEpochCell(42 as never)).to.throw(TypeError);
    expect(native.unwatchEpochCell(4096)).to.equal(false);
    expect(native.epochPolls(4096)).to.equal(-1);
    // Watching works for a proper cell, once; unwatching ends it.
    const cells = new BigUint64Array(new SharedArrayBuffer(64), 0, 1);
    const address = native.epochAddress(cells);
    native.watchEpochCell(cells);
    native.watchEpochCell(cells);
    expect(native.epochPolls(address)).to.equal(0);
    expect(native.unwatchEpochCell(address)).to.equal(true);
    expect(native.unwatchEpochCell(address)).to.equal(false);
    expect(native.epochPolls(address)).to.equal(-1);
  });
});
