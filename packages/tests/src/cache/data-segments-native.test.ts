// native applyDataSegments (native/src/data_segments.c): the copy of active data segments at
// instantiation, in order, each bounds-checked; refused columns write nothing further.
import { expect } from 'chai';
import { native } from '../../../runtime/dist/native.js';
import { wat } from '../util/wat.js';

describe('native: applyDataSegments', () => {
  const source = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
  const cols = (rows: [start: number, length: number, offset: number, active: boolean][]) => ({
    start: Float64Array.from(rows, (r) => r[0]),
    length: Float64Array.from(rows, (r) => r[1]),
    offset: Float64Array.from(rows, (r) => r[2]),
    at: Float64Array.from(rows, (r) => (r[3] ? 0 : -1)),
    n: rows.length,
  });
  const apply = (mem: Uint8Array, c: ReturnType<typeof cols>) => native.applyDataSegments(mem, source, c.start, c.length, c.offset, c.at, c.n);

  it('copies active segments in order (later ones overwrite), skips passive ones', () => {
    const mem = new Uint8Array(32);
    expect(apply(mem, cols([[0, 4, 0, true], [10, 4, 2, true], [20, 8, 8, false], [30, 0, 32, true]]))).to.equal(-1);
    expect(Array.from(mem.subarray(0, 8))).to.deep.equal([1, 2, 11, 12, 13, 14, 0, 0]);
    expect(mem.subarray(8).every((x) => x === 0)).to.equal(true);
  });

  it('stops at the first segment that does not fit, the earlier ones written', () => {
    for (const [offset, length] of [[29, 4], [33, 0], [4294967295, 1], [2 ** 32, 0]]) {
      const mem = new Uint8Array(32);
      expect(apply(mem, cols([[0, 2, 0, true], [5, length!, offset!, true], [8, 2, 4, true]])), `${offset}+${length}`).to.equal(1);
      expect(Array.from(mem.subarray(0, 6))).to.deep.equal([1, 2, 0, 0, 0, 0]);
    }
    // Exactly at the end fits.
    expect(apply(new Uint8Array(32), cols([[0, 4, 28, true], [0, 0, 32, true]]))).to.equal(-1);
  });

  it('dense segments of megabytes (huge pages advised for them) land exactly, around them zeros', async () => {
    // A wasm memory (the add-on's reservation), 16 MiB; 2,600 segments of 3,001 bytes from
    // offset 1 MiB + 7 (not page-aligned): ~7.4 MiB, covering their span densely.
    const { Engine, Module, Instance } = await import('../../../runtime/dist/index.js');
    const engine = new Engine();
    const inst = new Instance(new Module(await wat('(module (memory (export "mem") 256))'), engine), {});
    const mem = new Uint8Array((inst.exports.mem as { buffer: ArrayBuffer }).buffer);
    const big = Uint8Array.from({ length: 3001 * 2600 }, (_, i) => (i * 7 + 3) & 0xff);
    const n = 2600;
    const c = {
      start: Float64Array.from({ length: n }, (_, i) => i * 3001),
      length: new Float64Array(n).fill(3001),
      offset: Float64Array.from({ length: n }, (_, i) => (1 << 20) + 7 + i * 3001),
      at: new Float64Array(n),
    };
    expect(native.applyDataSegments(mem, big, c.start, c.length, c.offset, c.at, n)).to.equal(-1);
    const from = (1 << 20) + 7;
    expect(Buffer.compare(mem.subarray(from, from + big.length), big)).to.equal(0);
    expect(mem.subarray(0, from).every((x) => x === 0)).to.equal(true);
    expect(mem.subarray(from + big.length).every((x) => x === 0)).to.equal(true);
  });

  it('refuses columns that do not describe segments of the source (-2) and wrong argument types', () => {
    const mem = new Uint8Array(32);
    expect(apply(mem, cols([[0, 1, 0, true], [60, 5, 4, true], [0, 1, 9, true]]))).to.equal(-2);
    expect(mem[0]).to.equal(1);
    expect(mem[4]).to.equal(0);
    expect(mem[9]).to.equal(0);
    expect(apply(mem, cols([[0.5, 1, 0, true]]))).to.equal(-2);
    expect(apply(mem, cols([[-1, 1, 0, true]]))).to.equal(-2);
    const c = cols([[0, 1, 0, true]]);
    expect(native.applyDataSegments(mem, source, c.start, c.length, c.offset, c.at, 2)).to.equal(-2);
    expect(() => native.applyDataSegments(mem, source, new Float32Array(1) as unknown as Float64Array, c.length, c.offset, c.at, 1)).to.throw(TypeError);
  });
});
