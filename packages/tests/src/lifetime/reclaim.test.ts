// Dropped Modules, Instances and Memories give their address space, fault-handler slots and
// pages back, also inside a synchronous loop (where no FinalizationRegistry callback runs):
// the add-on's owners are finalized inside the collection, and a mapping that fails is
// retried after a forced one (code-memory.ts, collect.ts). The 50,000 / 100,000-cycle
// versions are in ../stress/lifetime.stress.ts.
import { expect } from 'chai';
import { Engine, Memory } from '@wasmjit/runtime';
import { trapOf, wat } from '../guard/support.js';
import { cyclesReclaim } from './cycles.js';
import { codeModule, memoryModule, processMemory } from './support.js';

type Fn = (...args: number[]) => number;

describe('lifetime: resources come back when dropped', function () {
  this.timeout(300_000);

  // Exhausting the address space itself (16,000 guard reservations) and the forced
  // collection that recovers from it are in ../native/code-memory.test.ts.
  it('2,000 synchronous instantiate-and-drop cycles of a module with a memory leave nothing behind', async () => {
    const engine = new Engine();
    const module = engine.compile(await memoryModule());
    cyclesReclaim('instances with a memory', 2_000, (i) => {
      const ex = engine.instantiate(module).exports as Record<string, Fn>;
      ex.poke!(8, i);
      return ex.peek!(8) === i;
    });
  });

  it('2,000 synchronous compile-and-drop cycles leave nothing behind', async () => {
    const engine = new Engine();
    const bytes = await codeModule();
    cyclesReclaim('compiled modules', 2_000, (i) => (engine.instantiate(engine.compile(bytes)).exports.g as Fn)(i) === 3 * i + 1);
  });

  it('Memory.dispose() gives the pages back at once; later use is a clean error', async () => {
    for (const boundsChecks of ['guard', 'explicit'] as const) {
      const engine = new Engine({ boundsChecks });
      const memory = new Memory({ initial: 256, maximum: 1024 }); // 16 MiB
      const ex = engine.instantiate(engine.compile(await importedMemoryModule()), { env: { mem: memory } }).exports as Record<string, Fn>;
      new Uint8Array(memory.buffer).fill(1); // commit every page
      const old = memory.buffer;
      ex.poke!(1024, 5);
      expect(ex.peek!(1024)).to.equal(5);
      const before = processMemory().rss;
      memory.dispose();
      expect(processMemory().rss, `${boundsChecks}: RSS drops by the 16 MiB`).to.be.below(before - 12 * 2 ** 20);
      expect(old.byteLength, 'the old buffer is detached').to.equal(0);
      expect(() => memory.buffer).to.throw(TypeError, /dispose/);
      expect(() => memory.grow(1)).to.throw(TypeError, /dispose/);
      memory.dispose(); // idempotent
      // Code still using it traps instead of touching anything.
      expect(trapOf(() => ex.peek!(1024)), boundsChecks).to.equal('out_of_bounds_memory');
      expect(trapOf(() => ex.poke!(0, 1)), boundsChecks).to.equal('out_of_bounds_memory');
      expect(ex.grow!(1), 'memory.grow from wasm fails').to.equal(-1);
    }
  });

  it('Instance.dispose() releases its memory and imports; calls are then a clean error', async () => {
    const engine = new Engine();
    let calls = 0;
    const instance = engine.instantiate(engine.compile(await hostCallModule()), { env: { host: () => ++calls } });
    const ex = instance.exports as Record<string, Fn>;
    const memory = instance.exports.mem as Memory;
    expect(ex.callHost!()).to.equal(1);
    const buffer = memory.buffer;
    {
      using disposable = instance;
      void disposable;
    }
    expect(buffer.byteLength).to.equal(0);
    expect(() => memory.buffer).to.throw(TypeError);
    expect(() => ex.callHost!()).to.throw(TypeError, /disposed instance/);
    expect(() => ex.peek!(0)).to.throw(TypeError, /disposed instance/);
    instance.dispose();
    expect(calls).to.equal(1);
  });

  it('a grow detaches the old buffer, from JS and from wasm; buffer is one object between grows', async () => {
    const engine = new Engine();
    const instance = engine.instantiate(engine.compile(await hostCallModule()), { env: { host: () => 0 } });
    const memory = instance.exports.mem as Memory;
    const ex = instance.exports as Record<string, Fn>;
    const b1 = memory.buffer;
    expect(memory.buffer).to.equal(b1);
    new Uint8Array(b1)[10] = 42;
    expect(memory.grow(1)).to.equal(1);
    expect(b1.byteLength).to.equal(0);
    const b2 = memory.buffer;
    expect(b2.byteLength).to.equal(2 * 65536);
    expect(new Uint8Array(b2)[10]).to.equal(42);
    expect(ex.grow!(2)).to.equal(2);
    expect(b2.byteLength, 'detached by a grow from wasm').to.equal(0);
    expect(memory.buffer.byteLength).to.equal(4 * 65536);
    const b3 = memory.buffer;
    expect(memory.grow(0)).to.equal(4);
    expect(b3.byteLength, 'grow(0) detaches too, as in V8').to.equal(0);
  });
});

async function importedMemoryModule(): Promise<Uint8Array> {
  return wat(`(module (import "env" "mem" (memory 1))
    (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
}

async function hostCallModule(): Promise<Uint8Array> {
  return wat(`(module (import "env" "host" (func $host (result i32))) (memory (export "mem") 1)
    (func (export "callHost") (result i32) (call $host))
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
}
