// Fuel counts operators, whatever the lowering fuses (issue 16 item 4): a compare that the
// br_if, if or select after it consumes (pending-op.ts), and an ALU op written back in place
// by local.set/tee, are two operators each, for integer and float compares alike. Each
// group below holds programs with the same operators in the same places, differing only in
// the compare's type: they must be charged the same, and exactly the operators executed.
import { expect } from 'chai';
import { Engine, type Instance } from '@wasmjit/runtime';
import { watNamed } from './programs.js';

type Ty = 'i32' | 'i64' | 'f32' | 'f64';
const TYPES: Ty[] = ['i32', 'i64', 'f32', 'f64'];
/** `a > b` and `a < b` in each type (the float lt is ucomis with swapped operands). */
const gt = (t: Ty) => (t[0] === 'i' ? `${t}.gt_s` : `${t}.gt`);
const lt = (t: Ty) => (t[0] === 'i' ? `${t}.lt_s` : `${t}.lt`);
const one = (t: Ty) => `(${t}.const 1)`;

/** Every function takes its operands as `t` values (JS numbers, or bigints for i64). */
function module(t: Ty): string {
  return `(module
    ;; per iteration: local.get, const, add, local.set, local.get, local.get, gt, br_if = 8;
    ;; before: loop (1); after the last (not taken) br_if: end, end (2)
    (func (export "brif") (param $n ${t}) (local $i ${t})
      (loop $l
        (local.set $i (${t}.add (local.get $i) ${one(t)}))
        (br_if $l (${gt(t)} (local.get $n) (local.get $i)))))
    ;; taken: 4 + const, else (2) + end of the function (1); not taken: 4 + const, end (2) + 1
    (func (export "if") (param $a ${t}) (param $b ${t}) (result i32)
      (if (result i32) (${lt(t)} (local.get $a) (local.get $b))
        (then (i32.const 1)) (else (i32.const 2))))
    ;; const, const, local.get, local.get, gt, select, end = 7
    (func (export "select") (param $a ${t}) (param $b ${t}) (result i32)
      (select (i32.const 10) (i32.const 20) (${gt(t)} (local.get $a) (local.get $b))))
    ;; the same choosing between two values of type t: 7
    (func (export "select_t") (param $a ${t}) (param $b ${t}) (result ${t})
      (select (local.get $a) (local.get $b) (${lt(t)} (local.get $a) (local.get $b))))
    ;; a compare whose 0/1 is used as a number: local.get, local.get, gt, i32.const, add, end = 6
    (func (export "value") (param $a ${t}) (param $b ${t}) (result i32)
      (i32.add (${gt(t)} (local.get $a) (local.get $b)) (i32.const 40)))
    ;; per iteration: local.get, const, add, local.tee, local.get, lt, br_if = 7, plus
    ;; local.get, const, sub, local.set = 4 (in place when $x has a register): 11; 1 + 11k + 3
    (func (export "inplace") (param $n ${t}) (result ${t}) (local $i ${t}) (local $x ${t})
      (loop $l
        (local.set $x (${t}.sub (local.get $x) ${one(t)}))
        (br_if $l (${lt(t)} (local.tee $i (${t}.add (local.get $i) ${one(t)})) (local.get $n))))
      (local.get $x)))`;
}

const arg = (t: Ty, v: number) => (t === 'i64' ? BigInt(v) : v);

describe('interrupt: fuel across fused operator pairs', () => {
  const instances = new Map<Ty, Instance>();
  before(async () => {
    const engine = new Engine({ consumeFuel: true });
    for (const t of TYPES) instances.set(t, engine.instantiate(engine.compile(await watNamed(module(t)))));
  });

  function used(t: Ty, name: string, ...args: number[]): number {
    const instance = instances.get(t)!;
    instance.setFuel(1_000_000);
    (instance.exports[name] as (...a: unknown[]) => unknown)(...args.map((v) => arg(t, v)));
    return 1_000_000 - instance.fuelRemaining();
  }

  for (const t of TYPES) {
    it(`${t}: compare + br_if costs 2 per iteration, like every other pair`, () => {
      for (const n of [1, 2, 10, 300]) expect(used(t, 'brif', n), `n = ${n}`).to.equal(8 * n + 3);
    });

    it(`${t}: compare + if, compare + select, and a compare used as a value`, () => {
      expect(used(t, 'if', 1, 2), 'then').to.equal(7);
      expect(used(t, 'if', 2, 1), 'else').to.equal(7);
      expect(used(t, 'select', 2, 1)).to.equal(7);
      expect(used(t, 'select', 1, 2)).to.equal(7);
      expect(used(t, 'select_t', 1, 2)).to.equal(7);
      expect(used(t, 'value', 2, 1)).to.equal(6);
    });

    it(`${t}: an update in place is two operators`, () => {
      for (const n of [1, 5, 100]) expect(used(t, 'inplace', n), `n = ${n}`).to.equal(11 * n + 4);
    });
  }

  it('equivalent programs are charged the same whatever the compare type', () => {
    const cost = (t: Ty) => [used(t, 'brif', 50), used(t, 'if', 1, 2), used(t, 'select', 3, 4), used(t, 'inplace', 20)];
    const i32 = cost('i32');
    for (const t of TYPES) expect(cost(t), t).to.deep.equal(i32);
  });
});
