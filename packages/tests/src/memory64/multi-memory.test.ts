// Multi-memory and table64 behaviour the spec files do not pin down on their own: a memory
// shared between two instances at different indexes sees the other's grow (its vmctx entry
// is kept current), accesses to memory 1 are bounded by memory 1's size and not memory 0's,
// in both bounds modes; and a table64 index is compared in 64 bits (2^32 + i must not reach
// element i).
import { expect } from 'chai';
import { parseWat } from '@wasmjit/text';
import { Memory, type Engine } from '@wasmjit/runtime';
import { explicitEngine, guardEngine, instantiate, PAGE, trapOf, type Exports } from '../guard/support.js';

const TWO_MEMORIES = `(module
  (memory $small (import "env" "small") 1)
  (memory $big 3)
  (func (export "load_small") (param i32) (result i32) (i32.load $small (local.get 0)))
  (func (export "load_big") (param i32) (result i32) (i32.load $big (local.get 0)))
  (func (export "store_big") (param i32 i32) (i32.store $big (local.get 0) (local.get 1)))
  (func (export "size_small") (result i32) (memory.size $small))
  (func (export "size_big") (result i32) (memory.size $big))
  (func (export "copy") (param i32 i32 i32) (memory.copy $small $big (local.get 0) (local.get 1) (local.get 2)))
  (export "big" (memory $big)))`;

/** The shared memory as memory 0 of a second module, which grows it. */
const GROWER = `(module (memory (import "env" "small") 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

const TABLE64 = `(module
  (type $t (func (result i32)))
  (table $t64 i64 2 funcref)
  (func $one (result i32) (i32.const 1))
  (elem (table $t64) (i64.const 0) func $one)
  (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $t) (local.get 0)))
  (func (export "get_is_null") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
  (func (export "size") (result i64) (table.size $t64))
  (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0))))`;

for (const [mode, make] of [['guard', guardEngine], ['explicit', explicitEngine]] as [string, () => Engine][]) {
  describe(`multi-memory (${mode} mode)`, () => {
    it('bounds each memory by its own size, and sees a grow made through another instance', () => {
      const engine = make();
      const small = new Memory({ initial: 1, maximum: 4 });
      const x = instantiate(engine, parseWat(TWO_MEMORIES), { env: { small } }).exports as unknown as Exports;
      const g = instantiate(engine, parseWat(GROWER), { env: { small } }).exports as unknown as Exports;
      expect(x.size_small!()).to.equal(1);
      expect(x.size_big!()).to.equal(3);
      // Memory 1 (3 pages) is not bounded by memory 0 (1 page), nor the other way round.
      x.store_big!(3 * PAGE - 4, 0x1234);
      expect(x.load_big!(3 * PAGE - 4)).to.equal(0x1234);
      expect(trapOf(() => x.load_big!(3 * PAGE - 3))).to.equal('out_of_bounds_memory');
      expect(trapOf(() => x.load_small!(PAGE - 3))).to.equal('out_of_bounds_memory');
      expect(trapOf(() => x.load_small!(2 * PAGE))).to.equal('out_of_bounds_memory');
      // Grown through the other instance (its memory 0): this one's memory 1 entry follows.
      expect(g.grow!(1)).to.equal(1);
      expect(x.size_small!()).to.equal(2);
      new Uint8Array(small.buffer)[2 * PAGE - 1] = 7;
      expect((x.load_small!(2 * PAGE - 4) as number) >>> 24).to.equal(7);
      // memory.copy between the two memories, bounds-checked against each.
      x.copy!(0, 3 * PAGE - 4, 4);
      expect(x.load_small!(0)).to.equal(0x1234);
      expect(trapOf(() => x.copy!(2 * PAGE - 2, 0, 4))).to.equal('out_of_bounds_memory');
      expect(trapOf(() => x.copy!(0, 3 * PAGE - 2, 4))).to.equal('out_of_bounds_memory');
    });
  });

  describe(`table64 (${mode} mode)`, () => {
    it('compares 64-bit table indexes whole: 2^32 + i never reaches element i', () => {
      const x = instantiate(make(), parseWat(TABLE64)).exports as unknown as Exports;
      expect(x.call!(0n)).to.equal(1);
      expect(x.get_is_null!(0n)).to.equal(0);
      expect(x.get_is_null!(1n)).to.equal(1);
      for (const i of [2n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 48n, 2n ** 63n, 2n ** 64n - 1n]) {
        expect(trapOf(() => x.call!(i)), `call_indirect ${i}`).to.equal('out_of_bounds_table');
        expect(trapOf(() => x.get_is_null!(i)), `table.get ${i}`).to.equal('out_of_bounds_table');
      }
      expect(trapOf(() => x.call!(1n))).to.equal('uninitialized_element');
      expect(x.size!()).to.equal(2n);
      expect(x.grow!(2n ** 40n)).to.equal(-1n);
      expect(x.grow!(3n)).to.equal(2n);
      expect(x.size!()).to.equal(5n);
    });
  });
}
