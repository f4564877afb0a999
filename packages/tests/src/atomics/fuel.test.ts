// Fuel with atomics: each 0xFE operator costs one unit like any straight-line operator, and a
// loop of atomic read-modify-writes is stopped by out_of_fuel at the same point every run.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { parseWat } from '@wasmjit/text';

const MODULE = parseWat(`(module (memory 1)
  ;; The same number of operators: atomics, and plain ones in their place.
  (func (export "atomic") (result i32)
    (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
    (drop (i64.atomic.rmw.cmpxchg (i32.const 8) (i64.const 0) (i64.const 1)))
    (i32.atomic.store16 (i32.const 2) (i32.const 7))
    (atomic.fence)
    (i32.atomic.load (i32.const 0)))
  (func (export "plain") (result i32)
    (drop (i32.add (i32.const 0) (i32.const 1)))
    (drop (select (i64.const 8) (i64.const 0) (i32.const 1)))
    (i32.store16 (i32.const 2) (i32.const 7))
    (nop)
    (i32.load (i32.const 0)))
  (func (export "spin")
    (loop (drop (i32.atomic.rmw.add (i32.const 16) (i32.const 1))) (br 0)))
  (func (export "count") (result i32) (i32.atomic.load (i32.const 16))))`);

describe('atomics: fuel', () => {
  it('an atomic operator costs what a plain one does', () => {
    const engine = new Engine({ consumeFuel: true });
    const used = (name: string) => {
      const instance = engine.instantiate(engine.compile(MODULE), {});
      instance.setFuel(1000);
      (instance.exports[name] as () => number)();
      return 1000 - Number(instance.fuelRemaining());
    };
    const atomic = used('atomic');
    expect(atomic).to.be.greaterThan(12);
    expect(atomic).to.equal(used('plain'));
  });

  it('a loop of atomics runs out of fuel at the same point every run', () => {
    const engine = new Engine({ consumeFuel: true });
    const counts: number[] = [];
    for (let run = 0; run < 3; run++) {
      const instance = engine.instantiate(engine.compile(MODULE), {});
      instance.setFuel(100_000);
      let err: unknown;
      try {
        (instance.exports.spin as () => void)();
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(RuntimeError);
      expect((err as RuntimeError).trap).to.equal('out_of_fuel');
      instance.setFuel(100);
      counts.push((instance.exports.count as () => number)());
    }
    expect(counts[0]).to.be.greaterThan(10_000);
    expect(counts).to.deep.equal([counts[0], counts[0], counts[0]]);
  });
});
