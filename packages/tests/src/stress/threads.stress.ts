// The long version of ../threads/ (run by `pnpm stress`): many asynchronous compiles and many
// modules posted to workers that come and go, some terminated while holding the modules; at
// the end every code mapping and registry entry is gone and the process's memory is back near
// where it started.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { Engine, Instance, toPostedModule } from '@wasmjit/runtime';
import { collectGarbage, native, processMemory } from '../lifetime/support.js';
import { largeModule } from '../util/large-module.js';
import type { Reply, Request } from '../threads/worker-entry.js';

type Fn = (...args: number[]) => number;

function ask(w: Worker, r: Request): Promise<Reply> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage(r);
  });
}

describe('stress: threads', function () {
  this.timeout(1_800_000);

  it('300 asynchronous compiles, each posted to two workers (one terminated holding it); nothing left behind', async () => {
    collectGarbage();
    const base = native.codeStats();
    const before = processMemory();
    await rounds(300);
    // Collected in a later task: the rounds' frame may hold its last temporaries until then.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    const after = native.codeStats();
    expect(after.live, `code mappings alive (${JSON.stringify({ base, after })})`).to.equal(base.live);
    expect(after.shared, 'registry entries alive').to.equal(base.shared);
    const mem = processMemory();
    // 300 modules of 0.2-0.6 MB compiled and posted: only garbage-collector slack may stay.
    expect(mem.rss - before.rss, 'RSS growth').to.be.below(256 * 1024 * 1024);
  });
});

async function rounds(n: number): Promise<void> {
  const engine = new Engine();
  const sizes = [300, 500, 800];
  for (let round = 0; round < n; round++) {
    const bytes = largeModule({ functions: sizes[round % 3]!, groupsPerFunction: 6 + (round % 5) });
    const m = await engine.compileAsync(bytes);
    const expected = (new Instance(m).exports.run as Fn)(round);
    const posted = toPostedModule(m);
    const workers = [0, 1].map(() => new Worker(new URL('../threads/worker-entry.js', import.meta.url)));
    const replies = await Promise.all(workers.map((w) => ask(w, { cmd: 'adopt', posted: [posted, posted], calls: [{ module: 1, name: 'run', args: [round] }] })));
    for (const r of replies) {
      expect(r.stats, `round ${round}`).to.deep.equal({ adopted: 2, compiled: 0 });
      expect(r.results[0], `round ${round}`).to.deep.equal({ value: expected });
    }
    // One worker lets go first, the other is terminated while holding its instances.
    await ask(workers[0]!, { cmd: 'drop' });
    await Promise.all(workers.map((w) => w.terminate()));
    if (round % 50 === 49) collectGarbage();
  }
}
