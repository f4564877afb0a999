// The runtime Memory class on its own: the WebAssembly.Memory-shaped API, its limits, and
// the aliasing buffer (which, unlike WebAssembly.Memory's, is not detached by grow).
import { expect } from 'chai';
import { Memory } from '@wasmjit/runtime';

const PAGE = 65536;

describe('runtime Memory', () => {
  it('validates its descriptor like WebAssembly.Memory', () => {
    expect(() => new Memory(undefined as never)).to.throw(TypeError);
    expect(() => new Memory({} as never)).to.throw(TypeError);
    expect(() => new Memory({ initial: -1 })).to.throw(TypeError);
    expect(() => new Memory({ initial: 2 ** 32 })).to.throw(TypeError);
    expect(() => new Memory({ initial: NaN })).to.throw(TypeError);
    expect(() => new Memory({ initial: 65537 })).to.throw(RangeError);
    expect(() => new Memory({ initial: 2, maximum: 1 })).to.throw(RangeError);
    expect(() => new Memory({ initial: 0, maximum: 65537 })).to.throw(RangeError);
    expect(new Memory({ initial: 0, maximum: 65536 }).buffer.byteLength).to.equal(0);
  });

  it('starts zeroed with `initial` pages', () => {
    const m = new Memory({ initial: 2 });
    const b = new Uint8Array(m.buffer);
    expect(b.length).to.equal(2 * PAGE);
    expect(b.every((x) => x === 0)).to.equal(true);
    expect(m.buffer).to.equal(m.buffer, 'buffer identity is stable between grows');
  });

  it('grow returns the old size, enforces the maximum with RangeError, and keeps contents', () => {
    const m = new Memory({ initial: 1, maximum: 3 });
    new Uint8Array(m.buffer)[PAGE - 1] = 42;
    expect(m.grow(0)).to.equal(1);
    expect(m.grow(1)).to.equal(1);
    expect(m.grow(1)).to.equal(2);
    expect(() => m.grow(1)).to.throw(RangeError);
    expect(() => m.grow(-1)).to.throw(TypeError);
    const b = new Uint8Array(m.buffer);
    expect(b.length).to.equal(3 * PAGE);
    expect(b[PAGE - 1]).to.equal(42);
    expect(b[3 * PAGE - 1]).to.equal(0);
  });

  it('without a maximum grows to 65536 pages at most', () => {
    const m = new Memory({ initial: 0 });
    expect(() => m.grow(65537)).to.throw(RangeError);
    expect(m.grow(1)).to.equal(0);
    expect(() => m.grow(65536)).to.throw(RangeError);
  });

  it('grow detaches the old buffer, as WebAssembly.Memory does; the new one keeps the bytes', () => {
    const m = new Memory({ initial: 1, maximum: 2 });
    const old = m.buffer;
    new Uint8Array(old)[10] = 5;
    m.grow(1);
    const now = m.buffer;
    expect(now).to.not.equal(old);
    expect(old.byteLength).to.equal(0);
    expect(() => new Uint8Array(old)).to.throw(TypeError);
    expect(now.byteLength).to.equal(2 * PAGE);
    expect(m.buffer).to.equal(now);
    expect(new Uint8Array(now)[10]).to.equal(5);
    // The same as V8's own.
    const v8 = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const v8Old = v8.buffer;
    v8.grow(1);
    expect(v8Old.byteLength).to.equal(old.byteLength);
  });

  it('many memories can exist at once (each reserves address space, not memory)', () => {
    const ms = Array.from({ length: 64 }, () => new Memory({ initial: 1 }));
    ms.forEach((m, i) => (new Uint8Array(m.buffer)[0] = i));
    ms.forEach((m, i) => expect(new Uint8Array(m.buffer)[0]).to.equal(i));
  });
});
