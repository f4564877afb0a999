// Asynchronous compiles (WebAssembly.compile / instantiate, Engine.compileAsync) of modules
// of 64 KiB and more run on the background compile worker: the event loop runs while they
// are pending, and the module, its machine code and any CompileError are exactly those of a
// synchronous compile on this thread. (How long the event loop is held up is a benchmark:
// pnpm bench:eventloop.)
import { expect } from 'chai';
import { WebAssembly as WA } from '@wasmjit/runtime/webassembly';
import { Engine, Instance, Module, RuntimeError } from '@wasmjit/runtime';
import { backgroundCompileStats, BACKGROUND_COMPILE_MIN_BYTES } from '../../../runtime/dist/threads/background-compile.js';
import { collectGarbage } from '../../../runtime/dist/collect.js';
import { native } from '../../../runtime/dist/native.js';
import { compiledParts } from '../../../runtime/dist/module.js';
import { largeModule } from '../util/large-module.js';

const LARGE = largeModule({ functions: 900, groupsPerFunction: 12 });

type Fn = (...args: number[]) => number;

/** A copy of `bytes` with function `f`'s first `i32.const` (0x41) turned into `i64.const` (0x42). */
function withTypeErrorIn(bytes: Uint8Array, f: number): { bytes: Uint8Array; funcIndex: number } {
  const m = new Module(bytes);
  const body = compiledParts(m)!.wasm.codes[f]!;
  const copy = bytes.slice();
  const at = copy.indexOf(0x41, body.bodyStart);
  if (at < 0 || at >= body.bodyEnd) throw new Error('no i32.const in the body');
  copy[at] = 0x42;
  return { bytes: copy, funcIndex: compiledParts(m)!.wasm.numImportedFuncs + f };
}

/** Asynchronous compiles whose modules are used, then dropped (in a frame of their own). */
async function compileAndDrop(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    // Eager: the background compile worker's path (a lazy engine validates there instead).
    const m = await new Engine({ compilation: 'eager' }).compileAsync(LARGE);
    expect((new Instance(m).exports.run as Fn)(1)).to.be.a('number');
  }
}

/** Counts 1 ms timer callbacks until `p` settles. */
async function ticksWhile<T>(p: Promise<T>): Promise<{ ticks: number; result: PromiseSettledResult<T> }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const [result] = await Promise.allSettled([p]);
  clearInterval(timer);
  return { ticks, result: result! };
}

describe('threads: asynchronous compile on the background worker', function () {
  this.timeout(120_000);

  it('is used for a module of this size', () => {
    expect(LARGE.length).to.be.greaterThan(BACKGROUND_COMPILE_MIN_BYTES * 2);
  });

  it('WebAssembly.compile lets timers run while it is pending, and gives a module that runs as a sync compile\'s', async () => {
    const adopted = backgroundCompileStats.adopted;
    const { ticks, result } = await ticksWhile(WA.compile(LARGE));
    expect(result.status).to.equal('fulfilled');
    // Eager: compiled on the background compile worker; lazy (the default): validated on the
    // lazy background worker, nothing compiled there.
    const eagerDefault = !new Engine().compilesLazily(LARGE.length);
    expect(backgroundCompileStats.adopted).to.equal(adopted + (eagerDefault ? 1 : 0));
    // An eager compile of this module takes well over 10 ms, on the worker; a synchronous one
    // would hold the event loop for all of it (0 or 1 tick). A lazy one only validates there
    // (a few ms) and makes the module in a later task: it settles after a tick at least.
    expect(ticks).to.be.greaterThan(eagerDefault ? 5 : 0);
    const m = (result as PromiseFulfilledResult<object>).value;
    expect(m).to.be.an.instanceOf(WA.Module);
    const a = new WA.Instance(m as never).exports as Record<string, Fn>;
    const b = new WA.Instance(new WA.Module(LARGE)).exports as Record<string, Fn>;
    for (const n of [0, 1, 77, -5]) expect(a.run!(n)).to.equal(b.run!(n));
    for (const i of [0, 63, 64, 899]) expect(a.indirect!(i, 3)).to.equal(b.indirect!(i, 3));
    expect(() => a.indirect!(900, 3)).to.throw(WA.RuntimeError);
  });

  it('WebAssembly.instantiate(bytes) lets timers run too', async () => {
    const { ticks, result } = await ticksWhile(WA.instantiate(LARGE));
    expect(result.status).to.equal('fulfilled');
    // As above: an eager compile spans many ticks, a lazy one (validation only) at least one.
    expect(ticks).to.be.greaterThan(new Engine().compilesLazily(LARGE.length) ? 0 : 5);
    const { instance } = (result as PromiseFulfilledResult<{ instance: { exports: Record<string, Fn> } }>).value;
    expect(instance.exports.run!(9)).to.equal((new WA.Instance(new WA.Module(LARGE)).exports as Record<string, Fn>).run!(9));
  });

  it('Engine.compileAsync gives the same machine code, offsets and offset map as Engine.compile', async () => {
    // An eager engine: the background worker compiles eagerly whatever the engine says.
    const engine = new Engine({ compilation: 'eager' });
    const sync = engine.compile(LARGE);
    const async_ = await engine.compileAsync(LARGE);
    expect(Buffer.compare(compiledParts(async_)!.compiled.code, compiledParts(sync)!.compiled.code)).to.equal(0);
    expect(compiledParts(async_)!.compiled.funcOffsets).to.deep.equal(compiledParts(sync)!.compiled.funcOffsets);
    expect(compiledParts(async_)!.compiled.funcEnds).to.deep.equal(compiledParts(sync)!.compiled.funcEnds);
    expect(Array.from(compiledParts(async_)!.compiled.offsetMap.code)).to.deep.equal(Array.from(compiledParts(sync)!.compiled.offsetMap.code));
    expect(Array.from(compiledParts(async_)!.compiled.offsetMap.wasm)).to.deep.equal(Array.from(compiledParts(sync)!.compiled.offsetMap.wasm));
    expect(compiledParts(async_)!.wasm.exports).to.deep.equal(compiledParts(sync)!.wasm.exports);
  });

  it('a trap backtrace in a module compiled on the worker names the same functions and offsets', async () => {
    // Out of fuel deep in a chain of calls: a backtrace of several frames, each resolved
    // through the module's offset map (read out of the registry when first needed).
    const engine = new Engine({ consumeFuel: true, initialFuel: 1000 });
    const traps = [engine.compile(LARGE), await engine.compileAsync(LARGE)].map((m) => {
      try {
        (new Instance(m).exports.run as Fn)(1);
      } catch (e) {
        return `${(e as RuntimeError).trap} ${(e as Error).stack}`;
      }
      return 'no trap';
    });
    // The backtrace heads the error's stack (the message is V8's text).
    expect(traps[0]).to.match(/^out_of_fuel RuntimeError: all fuel consumed(\n\s+at func\[\d+\] \(offset 0x[0-9a-f]+\)){3,}/);
    expect(traps[1]).to.equal(traps[0]);
  });

  it('keeps the engine\'s settings: fuel and epoch checks work as in a sync compile', async () => {
    const fuel = new Engine({ consumeFuel: true, initialFuel: 500 });
    const m = await fuel.compileAsync(LARGE);
    expect(() => (new Instance(m).exports.run as Fn)(1)).to.throw(RuntimeError).with.property('trap', 'out_of_fuel');
    const epochs = new Engine({ epochInterruption: true });
    const e = await epochs.compileAsync(LARGE);
    const inst = new Instance(e);
    expect((inst.exports.run as Fn)(2)).to.equal((new Instance(epochs.compile(LARGE)).exports.run as Fn)(2));
    // The checks read this engine's epoch cell, whose address the worker compiled in.
    inst.setEpochDeadline(0);
    expect(() => (inst.exports.run as Fn)(2)).to.throw(/interrupt/);
  });

  it('a CompileError is the same, message and all, whichever path compiled', async () => {
    const { bytes, funcIndex } = withTypeErrorIn(LARGE, 700);
    let sync: Error | undefined;
    try {
      new WA.Module(bytes);
    } catch (e) {
      sync = e as Error;
    }
    expect(sync).to.be.an.instanceOf(WA.CompileError);
    expect(sync!.message).to.contain(`(function ${funcIndex})`);
    const [compiled, instantiated] = await Promise.allSettled([WA.compile(bytes), WA.instantiate(bytes)]);
    for (const r of [compiled!, instantiated!]) {
      expect(r.status).to.equal('rejected');
      const e = (r as PromiseRejectedResult).reason as Error;
      expect(e).to.be.an.instanceOf(WA.CompileError);
      expect(e.message).to.equal(sync!.message);
    }
    // The runtime API: the codegen CompileError, with the same fields.
    const engine = new Engine();
    let direct: { reason?: string; offset?: number; funcIndex?: number; message: string } | undefined;
    try {
      engine.compile(bytes);
    } catch (e) {
      direct = e as typeof direct;
    }
    const viaWorker = await engine.compileAsync(bytes).then(() => undefined, (e: unknown) => e as typeof direct);
    expect(viaWorker?.constructor).to.equal(direct?.constructor);
    expect({ ...viaWorker, message: viaWorker?.message }).to.deep.equal({ ...direct, message: direct?.message });
  });

  it('a malformed module fails with the sync path\'s CompileError too', async () => {
    const truncated = LARGE.slice(0, LARGE.length - 100);
    let sync = '';
    try {
      new WA.Module(truncated);
    } catch (e) {
      sync = (e as Error).message;
    }
    expect(sync).to.not.equal('');
    const r = await WA.compile(truncated).then(() => 'compiled', (e: Error) => e.message);
    expect(r).to.equal(sync);
  });

  it('leaves nothing behind: once its modules are collected here, their code and registry entries are gone', async () => {
    collectGarbage();
    const base = native.codeStats();
    await compileAndDrop(4);
    // The worker lets go of each registry entry when told its module was adopted; it handles
    // those messages in order, so once a later compile is back, it has handled them all.
    const last = await new Engine({ compilation: 'eager' }).compileAsync(LARGE);
    collectGarbage();
    const now = native.codeStats();
    expect(now.made).to.equal(base.made + 5);
    // Only `last` is left: its code, and its registry entry (which it holds).
    expect({ live: now.live, shared: now.shared }).to.deep.equal({ live: base.live + 1, shared: base.shared + 1 });
    expect(Module.exports(last)).to.have.length(3);
  });

  it('several compiles pending at once each get their own module', async () => {
    const other = largeModule({ functions: 700, groupsPerFunction: 9 });
    const [a, b, c] = await Promise.all([WA.compile(LARGE), WA.compile(other), WA.compile(LARGE)]);
    const run = (m: unknown) => (new WA.Instance(m as never).exports as Record<string, Fn>).run!(4);
    expect(run(a)).to.equal(run(c));
    expect(run(b)).to.equal((new WA.Instance(new WA.Module(other)).exports as Record<string, Fn>).run!(4));
    expect(WA.Module.exports(b as never)).to.deep.equal(WA.Module.exports(new WA.Module(other)));
  });
});
