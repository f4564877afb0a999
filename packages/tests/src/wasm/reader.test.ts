import { expect } from 'chai';
import { BinaryReader, CompileError, ValType } from '@wasmjit/codegen';

const reader = (...bytes: number[]) => new BinaryReader(new Uint8Array(bytes));

/** Runs f and returns the CompileError it throws. */
function compileError(f: () => unknown): CompileError {
  try {
    f();
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('expected a CompileError');
}

describe('wasm/reader', () => {
  describe('readVarU32', () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x7f], 127],
      [[0x80, 0x01], 128],
      [[0xe5, 0x8e, 0x26], 624485],
      [[0x80, 0x00], 0], // redundant but within the length limit
      [[0x80, 0x80, 0x80, 0x80, 0x00], 0], // maximum length
      [[0xff, 0xff, 0xff, 0xff, 0x0f], 0xffffffff],
      [[0x80, 0x80, 0x80, 0x80, 0x08], 0x80000000],
    ];
    for (const [bytes, value] of cases) {
      it(`decodes ${bytes.map((b) => b.toString(16)).join(' ')} as ${value}`, () => {
        const r = reader(...bytes);
        expect(r.readVarU32()).to.equal(value);
        expect(r.eof()).to.equal(true);
      });
    }
    it('rejects a sixth byte', () => {
      const e = compileError(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).readVarU32());
      expect(e.reason).to.equal('integer representation too long');
      expect(e.offset).to.equal(5);
    });
    it('rejects unused bits set in the fifth byte', () => {
      for (const last of [0x10, 0x1f, 0x40, 0x70]) {
        const e = compileError(() => reader(0xff, 0xff, 0xff, 0xff, last).readVarU32());
        expect(e.reason).to.equal('integer too large');
        expect(e.offset).to.equal(4);
      }
    });
    it('reports unused bits before the continuation bit, like the reference decoder', () => {
      expect(compileError(() => reader(0x80, 0x80, 0x80, 0x80, 0xf0, 0x00).readVarU32()).reason).to.equal('integer too large');
      expect(compileError(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).readVarU32()).reason).to.equal('integer representation too long');
    });
    it('reports truncation', () => {
      const e = compileError(() => reader(0x80, 0x80).readVarU32());
      expect(e.reason).to.match(/^unexpected end/);
      expect(e.offset).to.equal(2);
      expect(e.message).to.contain('@+0x2');
    });
  });

  describe('readVarS32', () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x7f], -1],
      [[0x3f], 63],
      [[0x40], -64],
      [[0xc0, 0x00], 64],
      [[0xff, 0x7f], -1],
      [[0x80, 0x7f], -128],
      [[0xff, 0xff, 0xff, 0xff, 0x07], 0x7fffffff],
      [[0x80, 0x80, 0x80, 0x80, 0x78], -0x80000000],
      [[0xff, 0xff, 0xff, 0xff, 0x7f], -1],
      [[0x80, 0x80, 0x80, 0x80, 0x00], 0],
    ];
    for (const [bytes, value] of cases) {
      it(`decodes ${bytes.map((b) => b.toString(16)).join(' ')} as ${value}`, () => {
        const r = reader(...bytes);
        expect(r.readVarS32()).to.equal(value);
        expect(r.eof()).to.equal(true);
      });
    }
    it('rejects fifth bytes whose unused bits do not repeat the sign', () => {
      for (const last of [0x08, 0x10, 0x70, 0x77, 0x0f, 0x4f]) {
        const e = compileError(() => reader(0xff, 0xff, 0xff, 0xff, last).readVarS32());
        expect(e.reason, last.toString(16)).to.equal('integer too large');
      }
    });
    it('rejects a sixth byte', () => {
      expect(compileError(() => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).readVarS32()).reason).to.equal(
        'integer representation too long',
      );
    });
  });

  describe('readVarS33', () => {
    it('decodes the full 33-bit range', () => {
      expect(reader(0xff, 0xff, 0xff, 0xff, 0x0f).readVarS33()).to.equal(0xffffffff);
      expect(reader(0x80, 0x80, 0x80, 0x80, 0x70).readVarS33()).to.equal(-(2 ** 32));
      expect(reader(0xff, 0xff, 0xff, 0xff, 0x7f).readVarS33()).to.equal(-1);
      expect(reader(0x7f).readVarS33()).to.equal(-1);
      expect(reader(0x05).readVarS33()).to.equal(5);
    });
    it('rejects bad fifth bytes and over-long encodings', () => {
      for (const last of [0x10, 0x20, 0x60]) {
        expect(compileError(() => reader(0x80, 0x80, 0x80, 0x80, last).readVarS33()).reason).to.equal('integer too large');
      }
      expect(compileError(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).readVarS33()).reason).to.equal(
        'integer representation too long',
      );
    });
  });

  describe('readVarS64 / readVarU64', () => {
    const s64: [number[], bigint][] = [
      [[0x00], 0n],
      [[0x7f], -1n],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 0x7fffffffffffffffn],
      [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f], -0x8000000000000000n],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], -1n],
      [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 0n],
      [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40], -(2n ** 55n)],
      [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f], 2n ** 48n - 1n],
      [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40], -(2n ** 48n)],
    ];
    for (const [bytes, value] of s64) {
      it(`s64 ${bytes.map((b) => b.toString(16)).join(' ')} = ${value}`, () => {
        const r = reader(...bytes);
        expect(r.readVarS64()).to.equal(value);
        expect(r.eof()).to.equal(true);
      });
    }
    it('rejects bad tenth bytes for s64', () => {
      for (const last of [0x01, 0x02, 0x7e, 0x41]) {
        const bytes = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, last];
        expect(compileError(() => reader(...bytes).readVarS64()).reason).to.equal('integer too large');
      }
    });
    it('rejects an eleventh byte for s64', () => {
      const bytes = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
      const e = compileError(() => reader(...bytes).readVarS64());
      expect(e.reason).to.equal('integer representation too long');
      expect(e.offset).to.equal(10);
    });
    it('u64 accepts only bit 63 in the tenth byte', () => {
      const max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
      expect(reader(...max).readVarU64()).to.equal(0xffffffffffffffffn);
      expect(compileError(() => reader(...max.slice(0, 9), 0x02).readVarU64()).reason).to.equal('integer too large');
      expect(reader(0xe5, 0x8e, 0x26).readVarU64()).to.equal(624485n);
    });
  });

  describe('fixed-size reads', () => {
    it('reads little-endian u32 and float bits', () => {
      expect(reader(0x78, 0x56, 0x34, 0x12).readU32LE()).to.equal(0x12345678);
      expect(reader(0x00, 0x00, 0x80, 0xbf).readF32Bits()).to.equal(0xbf800000);
      expect(reader(0, 0, 0, 0, 0, 0, 0xf0, 0x7f).readF64Bits()).to.equal(0x7ff0000000000000n);
      expect(reader(1, 2, 3, 4, 5, 6, 7, 0xff).readF64Bits()).to.equal(0xff07060504030201n);
    });
    it('reports truncated fixed-size reads', () => {
      expect(compileError(() => reader(1, 2, 3).readF32Bits()).reason).to.match(/^unexpected end/);
      expect(compileError(() => reader(1, 2, 3, 4, 5, 6, 7).readF64Bits()).reason).to.match(/^unexpected end/);
    });
    it('readBytes returns a view and checks the bound', () => {
      const bytes = new Uint8Array([1, 2, 3, 4]);
      const r = new BinaryReader(bytes, 1, 3);
      const view = r.readBytes(2);
      expect([...view]).to.deep.equal([2, 3]);
      expect(view.buffer).to.equal(bytes.buffer);
      expect(compileError(() => r.readBytes(1)).reason).to.match(/^unexpected end/);
    });
    it('respects the end bound for every read', () => {
      const r = new BinaryReader(new Uint8Array([0x01, 0x02]), 0, 1);
      expect(r.readU8()).to.equal(1);
      expect(r.eof()).to.equal(true);
      expect(compileError(() => r.readU8()).offset).to.equal(1);
    });
  });

  describe('readName', () => {
    const utf8 = (s: string) => [...new TextEncoder().encode(s)];
    it('decodes ASCII and multi-byte UTF-8', () => {
      expect(reader(3, ...utf8('abc')).readName()).to.equal('abc');
      expect(reader(0).readName()).to.equal('');
      const s = 'ünïcødé ☃ 🎉';
      expect(reader(utf8(s).length, ...utf8(s)).readName()).to.equal(s);
    });
    it('keeps a leading byte-order mark', () => {
      expect(reader(3, 0xef, 0xbb, 0xbf).readName()).to.equal('\ufeff');
    });
    it('decodes long ASCII names', () => {
      const s = 'x'.repeat(1000);
      expect(reader(...[0xe8, 0x07], ...utf8(s)).readName()).to.equal(s);
    });
    const bad: [string, number[]][] = [
      ['a lone continuation byte', [0x80]],
      ['a truncated two-byte sequence', [0xc3]],
      ['an overlong encoding of "/"', [0xc0, 0xaf]],
      ['an overlong three-byte encoding', [0xe0, 0x80, 0xaf]],
      ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
      ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
      ['an invalid byte 0xff', [0xff]],
      ['a bad continuation', [0xe2, 0x28, 0xa1]],
    ];
    for (const [what, bytes] of bad) {
      it(`rejects ${what}`, () => {
        const e = compileError(() => reader(bytes.length, ...bytes).readName());
        expect(e.reason).to.equal('malformed UTF-8 encoding');
        expect(e.offset).to.equal(1);
      });
    }
    it('rejects a length beyond the input', () => {
      expect(compileError(() => reader(5, 0x61).readName()).reason).to.equal('length out of bounds');
    });
  });

  describe('types', () => {
    it('reads every value type', () => {
      for (const t of [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]) expect(reader(t).readValType()).to.equal(t);
      expect(compileError(() => reader(0x60).readValType()).reason).to.equal('malformed value type');
    });
    it('reads reference types only where one is required', () => {
      expect(reader(0x70).readRefType()).to.equal(ValType.FuncRef);
      expect(reader(0x6f).readRefType()).to.equal(ValType.ExternRef);
      expect(compileError(() => reader(0x7f).readRefType()).reason).to.equal('malformed reference type');
    });
    it('reads block types', () => {
      expect(reader(0x40).readBlockType()).to.deep.equal({ kind: 'empty' });
      expect(reader(0x7f).readBlockType()).to.deep.equal({ kind: 'value', type: ValType.I32 });
      expect(reader(0x6f).readBlockType()).to.deep.equal({ kind: 'value', type: ValType.ExternRef });
      expect(reader(0x00).readBlockType()).to.deep.equal({ kind: 'func', typeIndex: 0 });
      expect(reader(0x85, 0x01).readBlockType()).to.deep.equal({ kind: 'func', typeIndex: 133 });
      expect(reader(0xff, 0xff, 0xff, 0xff, 0x0f).readBlockType()).to.deep.equal({ kind: 'func', typeIndex: 0xffffffff });
      expect(compileError(() => reader(0x60).readBlockType()).reason).to.equal('malformed block type');
    });
  });

  it('stamps errors with the function index when one is set', () => {
    const r = reader(0x80);
    r.funcIndex = 7;
    const e = compileError(() => r.readVarU32());
    expect(e.funcIndex).to.equal(7);
    expect(e.message).to.equal('unexpected end of section or function @+0x1 (function 7)');
  });
});
