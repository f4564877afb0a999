// Shared memories made from JS (webassembly/shared-memory.ts), next to V8's: the same checks,
// sizes and grow results, a buffer Atomics can wait and notify on (what pyodide uses one for),
// and no way into a module: wasmjit compiles no shared memories, so importing one is a
// LinkError, never a crash or an access to native memory.
import { expect } from 'chai';
import { WebAssembly as ours } from '@wasmjit/runtime/webassembly';
import { wat } from '../util/wat.js';

const v8 = globalThis.WebAssembly;
type NS = typeof v8;
const both: [string, NS][] = [['V8', v8], ['wasmjit', ours as unknown as NS]];

/** What `fn` returns, or the class and message of what it throws. */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: (e as Error).constructor.name, message: (e as Error).message };
  }
}

describe('jsapi: shared memories made from JS', () => {
  it('checks the descriptor as V8 does (maximum required, within 65536 pages)', () => {
    for (const d of [{ shared: true, initial: 1 }, { shared: true, initial: 2, maximum: 1 }, { shared: true, initial: 1, maximum: 65537 }]) {
      const [a, b] = both.map(([, ns]) => outcome(() => new ns.Memory(d as WebAssembly.MemoryDescriptor)));
      expect((b as { threw: string }).threw, JSON.stringify(d)).to.equal((a as { threw: string }).threw);
      if (d.maximum === undefined) expect(b).to.deep.equal(a);
    }
  });

  it('gives a SharedArrayBuffer of its pages, grown like V8\'s up to its maximum', () => {
    for (const [name, ns] of both) {
      const m = new ns.Memory({ shared: true, initial: 1, maximum: 3 });
      const before = m.buffer;
      expect(before, name).to.be.instanceOf(SharedArrayBuffer);
      expect(before.byteLength, name).to.equal(65536);
      new Int32Array(before)[5] = 42;
      expect(m.grow(1), name).to.equal(1);
      expect(m.buffer.byteLength, name).to.equal(2 * 65536);
      expect(new Int32Array(m.buffer)[5], name).to.equal(42); // the same memory
      expect(m.grow(1), name).to.equal(2);
      expect(() => m.grow(1), name).to.throw(RangeError);
      expect(m.buffer.byteLength, name).to.equal(3 * 65536);
      expect(m).to.be.instanceOf(ns.Memory);
    }
  });

  it('has a buffer Atomics can wait on and notify (pyodide sleeps this way)', () => {
    for (const [name, ns] of both) {
      const cell = new Int32Array(new ns.Memory({ shared: true, initial: 1, maximum: 1 }).buffer);
      expect(Atomics.wait(cell, 0, 0, 5), name).to.equal('timed-out');
      expect(Atomics.wait(cell, 0, 1, 5), name).to.equal('not-equal');
      expect(Atomics.notify(cell, 0, 1), name).to.equal(0);
    }
  });

  it('cannot be imported by a module (LinkError), in V8 too when the import is unshared', async () => {
    const bytes = await wat('(module (import "m" "mem" (memory 1 2)) (func (export "load") (result i32) (i32.load (i32.const 0))))');
    for (const [name, ns] of both) {
      const mem = new ns.Memory({ shared: true, initial: 1, maximum: 2 });
      const mod = new ns.Module(bytes as Uint8Array<ArrayBuffer>);
      expect(() => new ns.Instance(mod, { m: { mem } }), name).to.throw(ns.LinkError);
    }
  });

  it('is refused where a runtime memory is needed, without touching it', () => {
    const m = new ours.Memory({ shared: true, initial: 1, maximum: 1 });
    // The unshared methods' brand check does not see a runtime memory behind it.
    const grow = Object.getOwnPropertyDescriptor(ours.Memory.prototype, 'grow')!.value as (d: number) => number;
    expect(grow.call(m, 0)).to.equal(1);
    expect(() => grow.call({}, 0)).to.throw(TypeError);
    expect(() => Object.getOwnPropertyDescriptor(ours.Memory.prototype, 'buffer')!.get!.call({})).to.throw(TypeError);
  });
});
