// Fuel: runaway code stopped by out_of_fuel, deterministically; exact operator counts.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { RUNAWAY_EXPORTS, runaway, thrown, watNamed } from './programs.js';

describe('interrupt: fuel', function () {
  this.timeout(30_000);

  for (const name of RUNAWAY_EXPORTS) {
    it(`${name}: stopped by fuel at the same point every run, then called again`, async () => {
      const engine = new Engine({ consumeFuel: true });
      const points: bigint[] = [];
      for (let run = 0; run < 3; run++) {
        // A fresh instance each run: the same program with the same fuel.
        const { instance, e } = await runaway(engine);
        instance.setFuel(5_000_000);
        const err = thrown(() => e[name]());
        expect(err).to.be.instanceOf(RuntimeError);
        expect((err as RuntimeError).trap).to.equal('out_of_fuel');
        expect(instance.fuelRemaining()).to.equal(0);
        points.push(e.steps.value);
        // Out of fuel, every call traps at once...
        expect((thrown(() => e.fib(5)) as RuntimeError).trap).to.equal('out_of_fuel');
        // ...until there is fuel again.
        instance.setFuel(1_000_000);
        expect(e.fib(15)).to.equal(610);
      }
      expect(points[0]! > 0n).to.equal(true);
      expect(points[1]).to.equal(points[0]);
      expect(points[2]).to.equal(points[0]);
    });
  }

  it('twice the fuel goes about twice as far', async () => {
    const engine = new Engine({ consumeFuel: true });
    const far = async (fuel: number) => {
      const { instance, e } = await runaway(engine);
      instance.setFuel(fuel);
      thrown(() => e.spin());
      return Number(e.steps.value);
    };
    const a = await far(100_000);
    const b = await far(200_000);
    expect(b / a).to.be.within(1.99, 2.01);
  });

  it('charges exactly the operators executed, run by run', async () => {
    const engine = new Engine({ consumeFuel: true });
    const bytes = await watNamed(`(module
      (func (export "straight") (result i32) (i32.add (i32.const 1) (i32.const 2)))
      ;; 2 + 8 per round + 3 for the taken exit + 1 for the final end
      (func (export "count") (param $n i32)
        (block $exit (loop $l
          (br_if $exit (i32.eqz (local.get $n)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))))
      ;; The same with a value-carrying exit (an inline trampoline): 2 + 9n + 4 + 1
      (func (export "carry") (param $n i32) (result i32)
        (block $exit (result i32) (loop $l
          (br_if $exit (i32.const 7) (i32.eqz (local.get $n)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)) (i32.const 0)))
      ;; A br_if out of the function: 1 + 9n + 4
      (func (export "early") (param $n i32) (result i32)
        (loop $l
          (br_if 1 (i32.const 9) (i32.eqz (local.get $n)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l))
        (i32.const 0))
      ;; then: local.get, if, i32.const, else, end(func) = 5; else: 2 + 4 + 1 = 7
      (func (export "pick") (param i32) (result i32)
        (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.add (i32.const 2) (i32.const 3))))))`);
    const instance = engine.instantiate(engine.compile(bytes));
    const e = instance.exports as Record<string, (...a: number[]) => number>;
    const used = (f: () => unknown) => {
      instance.setFuel(1_000_000);
      f();
      return 1_000_000 - instance.fuelRemaining();
    };
    expect(used(() => e.straight!())).to.equal(4);
    for (const n of [0, 1, 2, 10, 1000]) {
      expect(used(() => e.count!(n))).to.equal(8 * n + 6);
      expect(used(() => e.carry!(n))).to.equal(9 * n + 7);
      expect(used(() => e.early!(n))).to.equal(9 * n + 5);
    }
    expect(used(() => e.pick!(1))).to.equal(5);
    expect(used(() => e.pick!(0))).to.equal(7);
  });

  it('checks at entries and loop headers: the run there must be paid in full', async () => {
    const engine = new Engine({ consumeFuel: true });
    const { instance, e } = await runaway(engine);
    instance.setFuel(0);
    expect((thrown(() => e.fib(1)) as RuntimeError).trap).to.equal('out_of_fuel');
    // fib(1) runs local.get, i32.const, i32.lt_s, if (the entry run: 4), then local.get, else
    // (the then-arm: 2) and the function's end (the join: 1): 7 in all.
    instance.setFuel(7);
    expect(e.fib(1)).to.equal(1);
    expect(instance.fuelRemaining()).to.equal(0);
    instance.setFuel(3);
    expect((thrown(() => e.fib(1)) as RuntimeError).trap).to.equal('out_of_fuel');
    // The entry run is paid; the rest overdraws (no check point before the return), and the
    // next call stops at its entry.
    instance.setFuel(4);
    expect(e.fib(1)).to.equal(1);
    expect(instance.fuelRemaining()).to.equal(0);
    expect((thrown(() => e.fib(1)) as RuntimeError).trap).to.equal('out_of_fuel');
  });

  it('fuel does not change results', async () => {
    const { e: plain } = await runaway(new Engine());
    const { instance, e: fueled } = await runaway(new Engine({ consumeFuel: true }));
    instance.setFuel(Infinity);
    for (const n of [0, 1, 2, 10, 20]) expect(fueled.fib(n)).to.equal(plain.fib(n));
  });

  it('initialFuel bounds the start function too', async () => {
    const bytes = await watNamed('(module (func $start (loop $l (br $l))) (start $start))');
    const engine = new Engine({ consumeFuel: true, initialFuel: 10_000 });
    expect((thrown(() => engine.instantiate(engine.compile(bytes))) as RuntimeError).trap).to.equal('out_of_fuel');
  });

  it('without consumeFuel the API says so; bad amounts are rejected', async () => {
    const { instance } = await runaway(new Engine());
    expect(() => instance.setFuel(10)).to.throw(TypeError, /consumeFuel/);
    expect(() => instance.fuelRemaining()).to.throw(TypeError, /consumeFuel/);
    const { instance: fueled } = await runaway(new Engine({ consumeFuel: true }));
    expect(() => fueled.setFuel(-1)).to.throw(RangeError);
    expect(() => fueled.setFuel(0.5)).to.throw(RangeError);
    fueled.setFuel(123n);
    expect(fueled.fuelRemaining()).to.equal(123);
  });

  it('epochs and fuel together: whichever comes first', async () => {
    const engine = new Engine({ epochInterruption: true, consumeFuel: true });
    const { instance, e } = await runaway(engine);
    instance.setFuel(1_000_000);
    expect((thrown(() => engine.callWithTimeout(e.spin, 60_000)) as RuntimeError).trap).to.equal('out_of_fuel');
    instance.setFuel(Infinity);
    expect((thrown(() => engine.callWithTimeout(e.spin, 50)) as RuntimeError).trap).to.equal('interrupt');
  });
});
