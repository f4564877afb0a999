// (b) and issue item 2: JS imports called from the deepest wasm point, exceptions through
// wasm frames, traps of nested wasm calls caught by the import.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { deepJs, diveInstance, SLACK } from './scenarios.js';
import { MiB, jsRecurse, thrown } from './support.js';
import { expectNoSignals } from './signals.js';

describe('stack: JS imports and the wasm stack', () => {
  expectNoSignals();

  it('default maxWasmStack: a recursing JS import at the deepest wasm point runs normally', async () => {
    const r = await deepJs(new Engine(), 1000);
    expect(r.depth).to.be.greaterThan(1000);
    // depth << 32 | 1000: the import returned and every wasm frame above it added its 1.
    expect(r.result).to.deep.equal({ kind: 'value', value: String((BigInt(r.depth) << 32n) | 1000n) });
  });

  it('a JS exception from an import at the deepest point reaches the caller as the same object', async () => {
    const r = await deepJs(new Engine());
    expect(r.thrown).to.include({ kind: 'error', same: true });
    expect(r.after).to.deep.equal({ kind: 'value', value: String((BigInt(r.depth) << 32n) | 5n) });
  });

  it('an import catches the RuntimeError of a nested wasm call and the outer wasm continues', async () => {
    // At the deepest point the outer wasm left less than a nested entry needs (nested entries
    // share the wasm budget), so the nested call traps at once; the import catches that and
    // returns 7.
    const r = await deepJs(new Engine());
    expect(r.caught.innerTrap).to.equal('stack_overflow');
    expect(r.caught.outcome).to.deep.equal({ kind: 'value', value: String((BigInt(r.depth) << 32n) | 7n) });
  });

  it('from a shallow point, a nested runaway wasm call overflows the shared wasm budget, is caught, and wasm goes on', async () => {
    const h = await diveInstance(new Engine());
    let inner: RuntimeError | undefined;
    h.work.fn = () => {
      try {
        h.ex.runaway!(0);
      } catch (e) {
        inner = e as RuntimeError;
      }
      return 9;
    };
    // A huge slack stops dive() at once: the import runs right below the entry.
    expect(h.ex.dive!(1n << 40n, 2, 0)).to.equal(9n);
    expect(inner).to.be.instanceOf(RuntimeError);
    expect(inner!.trap).to.equal('stack_overflow');
    // The nested trap's backtrace holds only the nested entry's frames.
    expect(inner!.frames.length).to.be.greaterThan(1);
    for (const f of inner!.frames) expect(f.name).to.equal('runaway');
  });

  it('exceptions cross two levels of wasm ↔ JS nesting unchanged', async () => {
    const h = await diveInstance(new Engine());
    const tag = { tag: 'not even an Error' };
    let level = 0;
    h.work.fn = () => {
      if (++level < 3) return Number(h.ex.dive!(1n << 40n, 2, 0));
      throw tag;
    };
    expect(thrown(() => h.ex.dive!(1n << 40n, 2, 0))).to.equal(tag);
    expect(level).to.equal(3);
    h.work.fn = (n) => n;
    expect(h.ex.dive!(1n << 40n, 2, 3)).to.equal(3n);
  });

  it('a 6 MiB wasm budget, far beyond V8\'s JS stack: a JS import at the deepest point still has all of it', async () => {
    // The wasm frames are on the wasm stack, so V8's JS limit (~984 KB below where JS
    // started) is untouched by them: the import runs 5,000 levels of JS recursion there.
    const engine = new Engine({ maxWasmStack: 6 * MiB });
    const h = await diveInstance(engine);
    h.work.fn = (n) => jsRecurse(n);
    const r = h.ex.dive!(SLACK, 2, 5000) as bigint;
    expect(Number(r >> 32n)).to.be.greaterThan(50_000);
    expect(Number(r & 0xffffffffn)).to.equal(5000);
    expect(jsRecurse(5000)).to.equal(5000);
  });
});
