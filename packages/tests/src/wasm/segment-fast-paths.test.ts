// The decoder's flat loops for the common segment shapes (codegen wasm/sections.ts
// readPlainDataEntries, readFuncIndexItems), which a code cache hit runs while the decoder's
// JavaScript is still cold: every LEB128 length they take inline, the shapes they hand back
// to the checked readers (padded LEB128s, other flags, other offset expressions), mixed in
// one section, and the same errors for bytes cut short.
import { expect } from 'chai';
import { CompileError, decodeAcceptedModule, decodeModule } from '@wasmjit/codegen';
import { FUNCREF, I32, limits, moduleBytes, name, section, s32, u32, vec } from './binary-builder.js';

const I32_CONST = 0x41;
const GLOBAL_GET = 0x23;
const END = 0x0b;
const text = (s: string) => [...new TextEncoder().encode(s)];
const bytesOf = (s: string) => [...u32(text(s).length), ...text(s)];

// An imported global (for an offset that is not a lone i32.const) and a memory.
const IMPORTS = section(2, vec([[...name('m'), ...name('g'), 0x03, I32, 0x00]]));
const MEMORY = section(5, vec([limits(1)]));

describe('wasm: the flat segment loops of the decoder', () => {
  it('data: plain entries with 1- to 4-byte LEB128s, and the other shapes in between, in order', () => {
    const long = 'x'.repeat(200); // a 2-byte length
    const entries = [
      [0x00, I32_CONST, ...s32(5), END, ...bytesOf('a')],
      [0x00, I32_CONST, ...s32(-100_000), END, ...bytesOf(long)], // 3-byte negative offset
      [0x00, I32_CONST, ...s32(0x7ffffff), END, ...bytesOf('b')], // 4 bytes
      [0x00, I32_CONST, 0x87, 0x80, 0x80, 0x80, 0x00, END, ...bytesOf('padded')], // 5 bytes: checked reader
      [0x01, ...bytesOf('passive')],
      [0x02, 0x00, I32_CONST, ...s32(9), END, ...bytesOf('memidx')],
      [0x00, GLOBAL_GET, 0x00, END, ...bytesOf('global')],
      [0x00, I32_CONST, ...s32(64), END, ...bytesOf('')], // plain again after them
      [0x00, I32_CONST, ...s32(-1), END, ...bytesOf('last')],
    ];
    const bytes = moduleBytes(IMPORTS, MEMORY, section(11, vec(entries)));
    for (const m of [decodeModule(bytes), decodeAcceptedModule(bytes)]) {
      const t = m.dataSegments!;
      expect(t.count).to.equal(entries.length);
      const dec = new TextDecoder();
      expect(m.datas.map((d) => dec.decode(d.bytes))).to.deep.equal(['a', long, 'b', 'padded', 'passive', 'memidx', 'global', '', 'last']);
      expect(m.datas.map((d) => d.mode)).to.deep.equal(['active', 'active', 'active', 'active', 'passive', 'active', 'active', 'active', 'active']);
      expect(Array.from({ length: t.count }, (_, i) => t.constOffsetOf(i)))
        .to.deep.equal([5, 2 ** 32 - 100_000, 0x7ffffff, 7, undefined, 9, undefined, 64, 2 ** 32 - 1]);
      // Each offset expression is where the entry's i32.const (or global.get) is.
      const starts: number[] = [];
      let at = bytes.length - entries.flat().length;
      for (const e of entries) {
        starts.push(e[0] === 0x01 ? -1 : at + (e[0] === 0x02 ? 2 : 1));
        at += e.length;
      }
      expect(Array.from(t.offsetAt.subarray(0, t.count))).to.deep.equal(starts);
    }
  });

  it('data: an entry cut short is the checked reader\'s error', () => {
    for (const cut of [
      [0x00, I32_CONST, 0x85], // offset LEB128 cut short
      [0x00, I32_CONST, 0x05, END, 0x85], // length LEB128 cut short
      [0x00, I32_CONST, 0x05, END, 0x09, 0x61], // fewer bytes than the length
      [0x00, I32_CONST, 0x05], // no end
    ]) {
      const bytes = moduleBytes(MEMORY, section(11, [0x01, ...cut]));
      expect(() => decodeModule(bytes), cut.join(',')).to.throw(CompileError);
    }
  });

  it('elements: function indices of 1 to 4 bytes inline, padded ones through the checked reader', () => {
    const items = [u32(5), u32(300), u32(70_000), u32(0xfffffff), [0x87, 0x80, 0x80, 0x80, 0x00], u32(0)];
    const seg = [0x00, I32_CONST, 0x00, END, ...u32(items.length), ...items.flat()];
    const bytes = moduleBytes(section(4, vec([[FUNCREF, ...limits(8)]])), section(9, vec([seg])));
    for (const m of [decodeModule(bytes), decodeAcceptedModule(bytes)]) {
      const init = m.elems[0]!.init;
      expect(init.map((e) => e.instrs)).to.deep.equal([5, 300, 70_000, 0xfffffff, 7, 0].map((index) => [{ op: 'ref.func', index }]));
      // Each item's offset is where its index starts.
      let at = bytes.length - items.flat().length;
      expect(init.map((e) => e.offset)).to.deep.equal(items.map((i) => (at += i.length) - i.length));
    }
  });

  it('elements: an index cut short or too long is the checked reader\'s error', () => {
    for (const item of [[0x85], [0x80, 0x80, 0x80, 0x80], [0xff, 0xff, 0xff, 0xff, 0x7f]]) {
      const seg = [0x00, I32_CONST, 0x00, END, 0x01, ...item];
      const bytes = moduleBytes(section(4, vec([[FUNCREF, ...limits(8)]])), section(9, vec([seg])));
      expect(() => decodeModule(bytes), item.join(',')).to.throw(CompileError);
    }
  });
});
