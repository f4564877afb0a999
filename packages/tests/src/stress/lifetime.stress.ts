// The long versions of ../lifetime/reclaim.test.ts (run by `pnpm stress`): the cycle counts
// issue 12 asks for, with VmSize and RSS compared before and after.
import { Engine } from '@wasmjit/runtime';
import { cyclesReclaim } from '../lifetime/cycles.js';
import { codeModule, memoryModule, tableModule } from '../lifetime/support.js';

type Fn = (...args: number[]) => number;

describe('stress: lifetimes', function () {
  this.timeout(1_800_000);

  it('50,000 synchronous instantiate/drop cycles, module with a memory', async () => {
    const engine = new Engine();
    const module = engine.compile(await memoryModule());
    cyclesReclaim('50,000 instances with a memory', 50_000, (i) => {
      const ex = engine.instantiate(module).exports as Record<string, Fn>;
      ex.poke!(16, i);
      return ex.peek!(16) === i;
    });
  });

  it('50,000 synchronous instantiate/drop cycles, module with a memory and a table', async () => {
    const engine = new Engine();
    const module = engine.compile(await tableModule());
    cyclesReclaim('50,000 instances with a table', 50_000, (i) => {
      const ex = engine.instantiate(module).exports as Record<string, Fn>;
      return ex.pick!(i & 1) === ((i & 1) === 0 ? 7 : 9);
    });
  });

  it('100,000 synchronous compile/drop cycles', async () => {
    const engine = new Engine();
    const bytes = await codeModule();
    cyclesReclaim('100,000 compiled modules', 100_000, (i) => {
      const ex = engine.instantiate(engine.compile(bytes)).exports as Record<string, Fn>;
      return ex.g!(i) === 3 * i + 1;
    });
  });
});
