// Background compilation of lazily compiled modules (threads/lazy-background.ts): a worker
// compiles the functions no call has compiled yet, this thread installs its chunks in later
// tasks, first calls that come earlier win, and the machine code of every function is the
// eager compile's, byte for byte, but for the rel32 of direct calls (eager: the callee's code;
// lazy: the callee's code or its jump slot), which are checked to name the same callee.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { compileLazyChunk } from '@wasmjit/codegen';
import { CompileError, Engine, Instance, toPostedModule, type Module } from '@wasmjit/runtime';
import { compiledParts } from '../../../runtime/dist/module.js';
import type { LazyCode } from '../../../runtime/dist/lazy-code.js';
import { backgroundCompileDone, lazyBackgroundStats } from '../../../runtime/dist/threads/lazy-background.js';
import { largeModule } from '../util/large-module.js';
import type { Reply, Request } from '../threads/worker-entry.js';

const BYTES = largeModule({ functions: 400, groupsPerFunction: 12 });

function lazyOf(m: Module): LazyCode {
  const lazy = compiledParts(m)!.lazy;
  if (lazy === null) throw new Error('expected a lazily compiled module');
  return lazy;
}

type Fn = (...a: unknown[]) => unknown;

/** Compares every defined function's installed code with the eager compile's. */
function expectEagerBytes(lazyModule: Module, eagerModule: Module): number {
  const lazy = lazyOf(lazyModule);
  const eager = compiledParts(eagerModule)!.compiled;
  const { module, options, typeIds, region } = lazy;
  let calls = 0;
  for (let f = module.numImportedFuncs; f < module.funcs.length; f++) {
    const mine = lazy.functionCode(f);
    expect(mine, `function ${f} compiled`).to.not.equal(null);
    const theirs = eager.code.slice(eager.funcOffsets[f]!, eager.funcEnds[f]!);
    expect(mine!.length, `function ${f} length`).to.equal(theirs.length);
    const mineAt = lazy.slotTarget(f) - region.address;
    const a = new DataView(mine!.buffer);
    const b = new DataView(theirs.buffer);
    // Where the direct calls are: the compiler's relocations for this function alone.
    const { relocs } = compileLazyChunk(module, options, typeIds, f, f + 1);
    for (let j = 0; j < relocs.length; j += 2) {
      const site = relocs[j]!;
      const callee = relocs[j + 1]!;
      // The callee's slot, or its code (known when the caller was installed).
      const to = mineAt + site + 4 + a.getInt32(site, true);
      expect([lazy.slotOffset(callee), lazy.slotTarget(callee) - region.address], `call at ${site} in ${f}`).to.include(to);
      expect(eager.funcOffsets[f]! + site + 4 + b.getInt32(site, true)).to.equal(eager.funcOffsets[callee]);
      a.setInt32(site, 0, true);
      b.setInt32(site, 0, true);
      calls++;
    }
    const differs = mine!.findIndex((x, k) => x !== theirs[k]);
    expect(differs, `first differing byte of function ${f}`).to.equal(-1);
  }
  return calls;
}

describe('lazy compilation: background compilation', function () {
  this.timeout(120_000);

  it('compiles every function on a worker after compile() returns; the code is the eager code', async () => {
    const chunksBefore = lazyBackgroundStats.chunks;
    const m = new Engine({ compilation: 'lazy', backgroundCompile: true }).compile(BYTES);
    const lazy = lazyOf(m);
    // compile() returned without compiling any body here; chunks come in later tasks.
    expect(lazy.remaining).to.equal(lazy.module.codes.length);
    expect(lazyBackgroundStats.chunks).to.equal(chunksBefore);
    await backgroundCompileDone(lazy);
    expect(lazy.remaining).to.equal(0);
    expect(lazy.firstCalls).to.equal(0);
    expect(lazyBackgroundStats.chunks).to.be.greaterThan(chunksBefore + 1);
    const eager = new Engine({ compilation: 'eager' }).compile(BYTES);
    expect(expectEagerBytes(m, eager)).to.be.greaterThan(100);
    // And it runs like the eager module.
    const [x, y] = [new Instance(m), new Instance(eager)];
    expect((x.exports.run as Fn)(77)).to.equal((y.exports.run as Fn)(77));
    expect((x.exports.indirect as Fn)(5, 3)).to.equal((y.exports.indirect as Fn)(5, 3));
  });

  it('first calls that come before the worker win; the worker\'s copies of those functions are dropped', async () => {
    const m = new Engine({ compilation: 'lazy', backgroundCompile: true }).compile(BYTES);
    const lazy = lazyOf(m);
    const i = new Instance(m);
    const eager = new Instance(new Engine({ compilation: 'eager' }).compile(BYTES));
    // run calls a chain of functions: all compiled here, now, on first calls.
    expect((i.exports.run as Fn)(3)).to.equal((eager.exports.run as Fn)(3));
    expect(lazy.firstCalls).to.be.greaterThan(0);
    const imported = lazy.module.numImportedFuncs;
    const mine = new Map<number, number>();
    for (let f = imported; f < lazy.module.funcs.length; f++) if (lazy.isCompiled(f)) mine.set(f, lazy.slotTarget(f));
    await backgroundCompileDone(lazy);
    expect(lazy.remaining).to.equal(0);
    for (const [f, target] of mine) expect(lazy.slotTarget(f), `function ${f} keeps its first code`).to.equal(target);
    expect(expectEagerBytes(m, new Engine({ compilation: 'eager' }).compile(BYTES))).to.be.greaterThan(100);
    expect((i.exports.run as Fn)(9)).to.equal((eager.exports.run as Fn)(9));
  });

  it('a first call installs the chunks the worker finished while this thread never yielded', async () => {
    const m = new Engine({ compilation: 'lazy', backgroundCompile: true }).compile(BYTES);
    const lazy = lazyOf(m);
    const indirect = new Instance(m).exports.indirect as Fn;
    // The job is posted once the compiling task ends.
    await new Promise((resolve) => setImmediate(resolve));
    const chunksBefore = lazyBackgroundStats.chunks;
    const nap = new Int32Array(new SharedArrayBuffer(4));
    // From here on, synchronous: the worker's chunk messages cannot be delivered by the event
    // loop, only drained by first calls. Each round sleeps, then first-calls a function.
    let drained = false;
    for (let round = 0; round < 60 && !drained; round++) {
      Atomics.wait(nap, 0, 0, 250);
      const f = 399 - round; // from the end: the worker compiles in index order
      indirect(f, 1);
      drained = lazyBackgroundStats.chunks > chunksBefore;
    }
    expect(drained, 'chunks installed within the synchronous stretch').to.equal(true);
    // Installed by the drain, not compiled by the first calls: more functions than calls.
    expect(lazy.module.codes.length - lazy.remaining).to.be.greaterThan(lazy.firstCalls * 2);
    await backgroundCompileDone(lazy);
    expect(lazy.remaining).to.equal(0);
  });

  it('compileAsync validates on the worker and gives a lazy module; an invalid one rejects as compile() throws', async () => {
    const big = largeModule({ functions: 600, groupsPerFunction: 12 });
    expect(big.length).to.be.greaterThan(64 * 1024);
    const engine = new Engine({ compilation: 'lazy', backgroundCompile: false });
    const m = await engine.compileAsync(big);
    const lazy = lazyOf(m);
    expect(lazy.remaining).to.equal(lazy.module.codes.length);
    const eager = new Instance(new Engine({ compilation: 'eager' }).compile(big));
    expect((new Instance(m).exports.run as Fn)(21)).to.equal((eager.exports.run as Fn)(21));
    // An invalid opcode in the middle of the code: the same CompileError both ways.
    let checked = 0;
    for (let at = Math.floor(big.length / 2); checked === 0 && at < big.length; at += 7) {
      const bad = big.slice();
      bad[at] = 0xff;
      let syncError: Error | undefined;
      try {
        engine.compile(bad);
      } catch (e) {
        syncError = e as Error;
      }
      if (syncError === undefined) continue;
      const asyncError = await engine.compileAsync(bad).then(() => undefined, (e: Error) => e);
      expect(asyncError).to.be.instanceOf(CompileError);
      expect(asyncError!.message).to.equal(syncError.message);
      checked++;
    }
    expect(checked).to.equal(1);
  });

  it('a worker calling a posted lazy module compiles the function there, for every thread', async () => {
    const m = new Engine({ compilation: 'lazy', backgroundCompile: false }).compile(BYTES);
    const lazy = lazyOf(m);
    const here = new Instance(m);
    const indirectIndex = lazy.module.funcs.length - 1;
    expect(lazy.isCompiled(indirectIndex)).to.equal(false);
    const worker = new Worker(new URL('../threads/worker-entry.js', import.meta.url));
    try {
      const request: Request = { cmd: 'adopt', posted: [toPostedModule(m)], calls: [{ module: 0, name: 'indirect', args: [7, 5] }, { module: 0, name: 'indirect', args: [100000, 1] }] };
      const reply = await new Promise<Reply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(request);
      });
      expect(reply.error).to.equal(undefined);
      const eager = new Instance(new Engine({ compilation: 'eager' }).compile(BYTES));
      expect(reply.results[0]).to.deep.equal({ value: (eager.exports.indirect as Fn)(7, 5) });
      expect(reply.results[1]).to.deep.equal({ error: 'out_of_bounds_table' });
      // No module was compiled there: the worker ran the same region and installed into it.
      expect(reply.after.made).to.equal(reply.before.made);
      // The worker's first call compiled `indirect` and function 7: this thread sees them compiled.
      expect(lazy.isCompiled(indirectIndex)).to.equal(true);
      expect(lazy.isCompiled(7)).to.equal(true);
      expect((here.exports.indirect as Fn)(7, 5)).to.equal((eager.exports.indirect as Fn)(7, 5));
      expect(lazy.firstCalls).to.equal(0);
    } finally {
      await worker.terminate();
    }
  });
});
