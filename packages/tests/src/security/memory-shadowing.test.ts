// A Memory's address, guard state and methods are what the runtime writes into an instance's
// vmctx; shadowing them with own properties must change nothing it uses (it reads them
// through the class's own accessors, memory-access.ts). Before, an own `address` became the
// instance's memory base: a load then read wherever the program pointed it.
import { expect } from 'chai';
import { Engine, Memory } from '@wasmjit/runtime';
import { wat } from '../guard/support.js';

describe('security: shadowing a Memory\'s internals', () => {
  for (const boundsChecks of ['guard', 'explicit'] as const) {
    it(`${boundsChecks}: own address/guarded/attachVmctx/buffer properties are ignored`, async () => {
      const engine = new Engine({ boundsChecks });
      const memory = new Memory({ initial: 1 });
      new DataView(memory.buffer).setInt32(64, 0x1234567, true);
      for (const [name, value] of [
        ['address', 0x414141410000],
        ['guarded', true],
        ['unguardedReason', undefined],
        ['attachVmctx', () => 0],
        ['buffer', new ArrayBuffer(65536)],
        ['pages', 65536],
        ['growPages', () => 0],
      ] as const) {
        Object.defineProperty(memory, name, { value, configurable: true });
      }
      const bytes = await wat(`(module (import "env" "mem" (memory 1))
        (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "grow") (result i32) (memory.grow (i32.const 1))))`);
      const ex = engine.instantiate(engine.compile(bytes), { env: { mem: memory } }).exports as Record<string, (...a: number[]) => number>;
      expect(ex.peek!(64)).to.equal(0x1234567);
      expect(ex.grow!()).to.equal(1);
      expect(ex.peek!(65536 + 64)).to.equal(0);
    });
  }
});
