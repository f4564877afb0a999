// The code cache's digest of wasm bytes (runtime cache/wasm-digest.ts, docs/cache.md "The
// wasm digest"): a SHA-256 tree over 1 MiB chunks, of a private copy. Checked against a
// reference written here independently, byte by byte into one buffer.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { copyWithDigest, wasmDigest } from '../../../runtime/dist/cache/wasm-digest.js';

const CHUNK = 1 << 20;

function reference(bytes: Uint8Array): string {
  const domain = Array.from('wasmjit wasm digest 1', (c) => c.charCodeAt(0)).concat([0]);
  const chunks = Math.ceil(bytes.length / CHUNK);
  const root = new Uint8Array(domain.length + 8 + 32 * chunks);
  root.set(domain, 0);
  let len = bytes.length;
  for (let i = 0; i < 8; i++, len = Math.floor(len / 256)) root[domain.length + i] = len % 256;
  for (let c = 0; c < chunks; c++) {
    const leaf = createHash('sha256').update(bytes.slice(c * CHUNK, Math.min(bytes.length, (c + 1) * CHUNK))).digest('hex');
    for (let i = 0; i < 32; i++) root[domain.length + 8 + 32 * c + i] = parseInt(leaf.slice(2 * i, 2 * i + 2), 16);
  }
  return createHash('sha256').update(root).digest('hex');
}

function patterned(length: number, seed = 1): Uint8Array {
  const b = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('cache: the wasm bytes digest', function () {
  this.timeout(120_000);

  // Around the chunk size.
  const lengths = [0, 1, 63, 64, 65, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 4 * CHUNK - 1, 4 * CHUNK, 4 * CHUNK + 1, 9 * CHUNK + 12345];
  it('matches the reference tree of SHA-256s at every length around the chunk and thread boundaries', () => {
    for (const n of lengths) {
      const b = patterned(n, n + 7);
      expect(wasmDigest(b), `length ${n}`).to.equal(reference(b));
    }
  });

  it('copyWithDigest: an exact private copy, and the same digest as wasmDigest', () => {
    for (const n of [0, 5, 64 * 1024 - 1, 64 * 1024, CHUNK + 3, 6 * CHUNK + 1]) {
      const b = patterned(n, n);
      const { bytes, digest } = copyWithDigest(b);
      expect(Buffer.compare(bytes, b) === 0, `length ${n}`).to.equal(true);
      if (n > 0) {
        b[0] ^= 1;
        expect(bytes[0], 'a copy, not a view').to.not.equal(b[0]);
      }
      expect(digest).to.equal(wasmDigest(bytes));
    }
  });

  it('a flipped bit anywhere, or a byte more or less (zeros included), gives another digest', () => {
    const b = patterned(5 * CHUNK + 77);
    const base = wasmDigest(b);
    for (const at of [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 5, b.length - 1]) {
      b[at] ^= 0x10;
      expect(wasmDigest(b), `bit at ${at}`).to.not.equal(base);
      b[at] ^= 0x10;
    }
    expect(wasmDigest(b)).to.equal(base);
    const zeros = new Uint8Array(CHUNK);
    const longer = new Uint8Array(CHUNK + 1);
    expect(wasmDigest(zeros)).to.not.equal(wasmDigest(longer));
    expect(wasmDigest(b.subarray(0, b.length - 1))).to.not.equal(base);
    // Not a plain SHA-256 of the bytes: an entry keyed by that (format 3) is never found.
    expect(base).to.not.equal(createHash('sha256').update(b).digest('hex'));
  });

});
