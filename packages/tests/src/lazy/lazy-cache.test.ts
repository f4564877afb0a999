// Lazy compilation and the code cache (docs/cache.md "Lazy compilation hook"): a lazily
// compiled module is serialized, and stored by an engine with a cache, in the eager layout,
// byte for byte what an eager compile writes; a cache hit is a fully compiled module (no
// lazy stubs); a module too small for background compilation compiles eagerly when cached.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Engine, Instance, Module } from '@wasmjit/runtime';
import { cacheStoreDone, compiledParts } from '../../../runtime/dist/module.js';
import { backgroundCompileDone } from '../../../runtime/dist/threads/lazy-background.js';
import { largeModule } from '../util/large-module.js';
import { programs } from '../cache/programs.js';
import { tempDir } from '../cache/support.js';

const LARGE = largeModule({ functions: 300, groupsPerFunction: 12 });
type Exports = Record<string, (...a: number[]) => number>;
const run = (m: Module): Exports => new Instance(m, {}).exports as Exports;

function entries(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.wjcode'));
}

describe('lazy compilation: serialize and the code cache', function () {
  this.timeout(120_000);
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.remove());

  it('serialize() of a lazy module writes the eager bytes, whatever was compiled before', async () => {
    const { table, trap } = await programs();
    for (const bytes of [table, trap, LARGE]) {
      const eager = new Module(bytes, new Engine({ compilation: 'eager' })).serialize();
      const lazyEngine = new Engine({ compilation: 'lazy', backgroundCompile: false });
      // Nothing compiled yet.
      const untouched = new Module(bytes, lazyEngine);
      expect(compiledParts(untouched)!.lazy!.remaining).to.be.greaterThan(0);
      expect(Buffer.from(untouched.serialize()).equals(eager)).to.equal(true);
      // Part of it compiled by first calls (installed code, jump slots in its calls).
      if (bytes === LARGE) {
        const some = new Module(bytes, lazyEngine);
        expect(run(some).run!(70)).to.equal(run(untouched).run!(70));
        const lazy = compiledParts(some)!.lazy!;
        expect(lazy.remaining).to.be.greaterThan(0).and.lessThan(300);
        expect(Buffer.from(some.serialize()).equals(eager)).to.equal(true);
        // And all of it.
        lazy.compileAll();
        expect(Buffer.from(some.serialize()).equals(eager)).to.equal(true);
        // The bytes load as a fully compiled module that computes the same.
        const back = Module.deserialize(some.serialize(), lazyEngine);
        expect(compiledParts(back)!.lazy).to.equal(null);
        expect(run(back).run!(70)).to.equal(run(some).run!(70));
      }
    }
  });

  it('a lazy miss is stored once background compilation ends: the eager entry; a hit has no stubs', async () => {
    const lazyDir = join(t.dir, 'lazy');
    const eagerDir = join(t.dir, 'eager');
    const a = new Engine({ cache: lazyDir, compilation: 'lazy' });
    const m = a.compile(LARGE);
    const lazy = compiledParts(m)!.lazy;
    expect(lazy, 'a miss compiles lazily').to.not.equal(null);
    // A first call before the worker gets there: its chunk is part of the entry too.
    const first = run(m).run!(5);
    await backgroundCompileDone(lazy!);
    await cacheStoreDone(m);
    expect(a.cacheStats).to.include({ misses: 1, writes: 1, errors: 0 });
    new Engine({ cache: eagerDir, compilation: 'eager' }).compile(LARGE);
    const [lazyEntry] = entries(lazyDir);
    const [eagerEntry] = entries(eagerDir);
    expect(lazyEntry).to.equal(eagerEntry); // the key does not depend on the mode
    expect(Buffer.compare(readFileSync(join(lazyDir, lazyEntry!)) as Uint8Array, readFileSync(join(eagerDir, eagerEntry!)) as Uint8Array)).to.equal(0);
    const b = new Engine({ cache: lazyDir, compilation: 'lazy' });
    const hit = b.compile(LARGE);
    expect(b.cacheStats).to.include({ hits: 1, misses: 0 });
    expect(compiledParts(hit)!.lazy, 'a hit is fully compiled').to.equal(null);
    expect(run(hit).run!(5)).to.equal(first);
    expect(run(hit).indirect!(7, 3)).to.equal(run(m).indirect!(7, 3));
  });

  it('compileAsync of a lazy miss stores the entry too; a small module is compiled eagerly and stored at once', async () => {
    const { table } = await programs();
    const a = new Engine({ cache: t.dir, compilation: 'lazy' });
    const large = await a.compileAsync(LARGE);
    expect(compiledParts(large)!.lazy).to.not.equal(null);
    const small = a.compile(table);
    expect(compiledParts(small)!.lazy, 'below the background compile size: eager').to.equal(null);
    expect(a.cacheStats).to.include({ writes: 1 });
    await cacheStoreDone(large);
    expect(a.cacheStats).to.include({ misses: 2, writes: 2 });
    const b = new Engine({ cache: t.dir, compilation: 'lazy' });
    expect(compiledParts(await b.compileAsync(LARGE))!.lazy).to.equal(null);
    expect(b.cacheStats).to.include({ hits: 1 });
  });
});
