// The code cache's digest of wasm bytes (native/src/wasm_digest.c, docs/cache.md "The key"):
// a SHA-256 tree over 1 MiB chunks, hashed by several threads for large modules, and the copy
// made in the same pass. Checked against a reference written here with node's SHA-256.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { native } from '../../../runtime/dist/native.js';

const CHUNK = 1 << 20;

function reference(bytes: Uint8Array): string {
  const root = createHash('sha256').update('wasmjit wasm digest 1\0', 'latin1');
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(bytes.length), true);
  root.update(length);
  for (let at = 0; at < bytes.length; at += CHUNK) root.update(createHash('sha256').update(bytes.subarray(at, at + CHUNK)).digest('hex'), 'hex');
  return root.digest('hex');
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

  // Around the chunk size and the size from which several threads hash (4 MiB).
  const lengths = [0, 1, 63, 64, 65, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 4 * CHUNK - 1, 4 * CHUNK, 4 * CHUNK + 1, 9 * CHUNK + 12345];
  it('matches the reference tree of SHA-256s at every length around the chunk and thread boundaries', () => {
    for (const n of lengths) {
      const b = patterned(n, n + 7);
      expect(native.wasmDigest(b), `length ${n}`).to.equal(reference(b));
    }
  });

  it('snapshotWithDigest: an exact copy, and the same digest as wasmDigest', () => {
    for (const n of [0, 5, CHUNK + 3, 6 * CHUNK + 1]) {
      const b = patterned(n, n);
      const [buffer, id, digest] = native.snapshotWithDigest(b);
      expect(Buffer.compare(new Uint8Array(buffer), b) === 0, `length ${n}`).to.equal(true);
      expect(id).to.match(/^[0-9a-f]{32}$/);
      expect(digest).to.equal(native.wasmDigest(b));
    }
  });

  it('a flipped bit anywhere, or a byte more or less (zeros included), gives another digest', () => {
    const b = patterned(5 * CHUNK + 77);
    const base = native.wasmDigest(b);
    for (const at of [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 5, b.length - 1]) {
      b[at] ^= 0x10;
      expect(native.wasmDigest(b), `bit at ${at}`).to.not.equal(base);
      b[at] ^= 0x10;
    }
    expect(native.wasmDigest(b)).to.equal(base);
    const zeros = new Uint8Array(CHUNK);
    const longer = new Uint8Array(CHUNK + 1);
    expect(native.wasmDigest(zeros)).to.not.equal(native.wasmDigest(longer));
    expect(native.wasmDigest(b.subarray(0, b.length - 1))).to.not.equal(base);
    // Not a plain SHA-256 of the bytes: an entry keyed by that (format 3) is never found.
    expect(base).to.not.equal(createHash('sha256').update(b).digest('hex'));
  });

  it('refuses anything but a Uint8Array', () => {
    expect(() => native.wasmDigest(new Uint16Array(4) as unknown as Uint8Array)).to.throw(TypeError, /wasmDigest/);
    expect(() => native.snapshotWithDigest([1, 2] as unknown as Uint8Array)).to.throw(TypeError, /snapshotWithDigest/);
  });
});
