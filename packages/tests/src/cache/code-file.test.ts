// The add-on's loading of cached code (native/src/code_file.c): CRC32C, and loadCheckedCode,
// which copies code from a file or buffer into code pages, checks it there, writes the
// signature ids and makes it executable, or refuses with nothing made executable.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { native } from '../../../runtime/dist/native.js';
import { tempDir } from './support.js';

const CHECKSUM = -2;
const SHORT = -3;
const SITE = -4;

/** A bitwise CRC32C, written from the definition, to check the add-on's against. */
function crc32cReference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function pattern(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const loaded = (r: unknown): [object, number] => {
  expect(r, 'loadCheckedCode refused').to.be.an('array');
  return r as [object, number];
};

describe('cache: native loadCheckedCode and crc32c', () => {
  it('crc32c is the Castagnoli CRC (check value, empty input, every length up to 40, 3 MB)', () => {
    expect(native.crc32c(new TextEncoder().encode('123456789'))).to.equal(0xe3069283);
    expect(native.crc32c(new Uint8Array(0))).to.equal(0);
    const b = pattern(3 << 20);
    for (let n = 0; n <= 40; n++) expect(native.crc32c(b.subarray(7, 7 + n))).to.equal(crc32cReference(b.subarray(7, 7 + n)));
    expect(native.crc32c(b)).to.equal(crc32cReference(b));
  });

  it('loads code from a buffer with the ids written at the sites, and copies it (later changes to the buffer do not matter)', () => {
    const code = pattern(5000);
    code.fill(0, 100, 104);
    code.fill(0, 4000, 4004);
    const source = new Uint8Array(6000);
    source.set(code, 1000);
    const [owner] = loaded(native.loadCheckedCode(source, 1000, 5000, native.crc32c(code), new Int32Array([100, 1, 4000, 0]), new Int32Array([0x11223344, 0x55667788])));
    source.fill(0);
    const back = new Uint8Array(native.copyCode(owner));
    const expected = code.slice();
    new DataView(expected.buffer).setInt32(100, 0x55667788, true);
    new DataView(expected.buffer).setInt32(4000, 0x11223344, true);
    expect(Buffer.compare(back, expected)).to.equal(0);
    native.releaseMapping(owner);
  });

  it('loads code from part of a file, large enough for huge pages', () => {
    const t = tempDir();
    try {
      const code = pattern(5 << 20, 9);
      const file = join(t.dir, 'entry');
      const bytes = new Uint8Array(code.length + 123);
      bytes.set(code, 123);
      writeFileSync(file, bytes);
      const fd = openSync(file, 'r');
      try {
        const [owner] = loaded(native.loadCheckedCode(fd, 123, code.length, native.crc32c(code), new Int32Array(0), new Int32Array(0)));
        expect(Buffer.compare(new Uint8Array(native.copyCode(owner)), code)).to.equal(0);
        native.releaseMapping(owner);
        // The file is shorter than the code said: refused, whatever the CRC.
        expect(native.loadCheckedCode(fd, 124, code.length, native.crc32c(code), new Int32Array(0), new Int32Array(0))).to.equal(SHORT);
      } finally {
        closeSync(fd);
      }
    } finally {
      t.remove();
    }
  });

  it('loadCheckedCodeAsync loads on a worker thread what loadCheckedCode loads, and refuses the same', async () => {
    const t = tempDir();
    try {
      const code = pattern(3 << 20, 5);
      code.fill(0, 64, 68);
      const file = join(t.dir, 'entry');
      writeFileSync(file, code);
      const fd = openSync(file, 'r');
      try {
        const crc = native.crc32c(code);
        const made = native.codeStats().made;
        const [owner] = loaded(await native.loadCheckedCodeAsync(fd, 0, code.length, crc, new Int32Array([64, 0]), new Int32Array([-2])));
        const expected = code.slice();
        new DataView(expected.buffer).setInt32(64, -2, true);
        expect(Buffer.compare(new Uint8Array(native.copyCode(owner)), expected)).to.equal(0);
        native.releaseMapping(owner);
        expect(await native.loadCheckedCodeAsync(fd, 0, code.length, (crc ^ 1) >>> 0, new Int32Array(0), new Int32Array(0))).to.equal(CHECKSUM);
        expect(await native.loadCheckedCodeAsync(fd, 1, code.length, crc, new Int32Array(0), new Int32Array(0))).to.equal(SHORT);
        expect(await native.loadCheckedCodeAsync(fd, 0, code.length, crc, new Int32Array([code.length, 0]), new Int32Array([1]))).to.equal(SITE);
        expect(native.codeStats().made).to.equal(made + 1);
      } finally {
        closeSync(fd);
      }
    } finally {
      t.remove();
    }
  });

  it('refuses a flipped bit anywhere, a short source and a site outside the code, without mapping anything', () => {
    const code = pattern(9000, 3);
    const crc = native.crc32c(code);
    const none = new Int32Array(0);
    const made = native.codeStats().made;
    for (let at = 0; at < code.length; at += 97) {
      const bad = code.slice();
      bad[at]! ^= 1 << (at % 8);
      expect(native.loadCheckedCode(bad, 0, bad.length, crc, none, none)).to.equal(CHECKSUM);
    }
    expect(native.loadCheckedCode(code, 1, code.length, crc, none, none)).to.equal(SHORT);
    expect(native.loadCheckedCode(code, 0, code.length, crc, new Int32Array([code.length - 3, 0]), new Int32Array([1]))).to.equal(SITE);
    expect(native.loadCheckedCode(code, 0, code.length, crc, new Int32Array([-1, 0]), new Int32Array([1]))).to.equal(SITE);
    expect(native.loadCheckedCode(code, 0, code.length, crc, new Int32Array([8, 1]), new Int32Array([1]))).to.equal(SITE);
    expect(native.codeStats().made).to.equal(made);
    expect(() => native.loadCheckedCode('x' as unknown as number, 0, 1, 0, none, none)).to.throw(TypeError);
    expect(() => native.loadCheckedCode(code, 0, code.length, crc, new Int32Array([1]), none)).to.throw(TypeError);
  });
});
