// Issue 12 item 5, long form of runtime/ref-lifetime.test.ts: synchronous instantiate/drop
// and compile/drop loops must complete. Nothing in a synchronous loop gives a WeakRef target
// or a FinalizationRegistry callback its turn, so whatever is not freed by the GC itself
// accumulates until the loop ends; each test prints how much address space and memory the
// loop grew by. Run: npx mocha --timeout 0 'dist/stress/*.stress.js' (in packages/tests).
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Instance, Module } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';

/** [VmSize, VmRSS] of this process in MiB. */
function vm(): [number, number] {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) => Number(/\s(\d+) kB/.exec(status.slice(status.indexOf(field)))![1]);
  return [Math.round(kib('VmSize:') / 1024), Math.round(kib('VmRSS:') / 1024)];
}

/** Runs `cycle` n times; prints how far it got, how long it took and what it grew by. */
function measured(what: string, n: number, cycle: (i: number) => void): number {
  const [size0, rss0] = vm();
  const t0 = Date.now();
  let i = 0;
  try {
    for (; i < n; i++) cycle(i);
  } finally {
    const [size1, rss1] = vm();
    console.log(`      ${what}: ${i} cycles in ${Date.now() - t0} ms; VmSize +${size1 - size0} MiB, RSS +${rss1 - rss0} MiB`);
  }
  return i;
}

// What clang puts in every WASI program as far as references go: a funcref table filled by
// an element segment, call_indirect, a mutable global.
const WITH_TABLE = `(module
  (type $ri (func (result i32)))
  (table 3 3 funcref)
  (global $sp (mut i32) (i32.const 1024))
  (elem (i32.const 1) $a $b)
  (func $a (result i32) global.get $sp)
  (func $b (result i32) i32.const 2)
  (func (export "run") (result i32) i32.const 1 call_indirect (type $ri) i32.const 2 call_indirect (type $ri) i32.add))`;
// The same with its own memory, as every clang WASI program has: each instance reserves
// 8 GiB of address space, so ~16,000 live ones exhaust it.
const WITH_TABLE_AND_MEMORY = `(module
  (type $ri (func (result i32)))
  (table 3 3 funcref)
  (memory 1)
  (global $sp (mut i32) (i32.const 1024))
  (elem (i32.const 1) $a $b)
  (func $a (result i32) global.get $sp i32.load)
  (func $b (result i32) i32.const 2)
  (func (export "run") (result i32)
    global.get $sp i32.const 1024 i32.store
    i32.const 1 call_indirect (type $ri) i32.const 2 call_indirect (type $ri) i32.add))`;
const WITHOUT_TABLE = `(module
  (global $sp (mut i32) (i32.const 1024))
  (func $a (result i32) global.get $sp)
  (func (export "run") (result i32) call $a i32.const 2 i32.add))`;

describe('stress: reference lifetimes', function () {
  this.timeout(0);

  const shapes = [
    ['with a table (no memory)', WITH_TABLE],
    ['without a table (no memory)', WITHOUT_TABLE],
    ['with a table and its own memory', WITH_TABLE_AND_MEMORY],
  ] as const;
  for (const [name, src] of shapes) {
    it(`50,000 synchronous instantiate/run/drop cycles of a module ${name}`, async () => {
      const module = new Module(await wat(src));
      const cycles = measured(name, 50_000, (i) => {
        if ((new Instance(module).exports.run as () => number)() !== 1026) throw new Error(`wrong result at ${i}`);
      });
      expect(cycles).to.equal(50_000);
    });
  }

  it('100,000 synchronous compile/drop cycles', async () => {
    const bytes = await wat(WITH_TABLE);
    const cycles = measured('compile', 100_000, () => new Module(bytes));
    expect(cycles).to.equal(100_000);
  });
});
