// The add-on's own SHA-256 (native/src/sha256.c), which the code cache's wasm digest is made
// of: both compressions (portable, SHA-NI) against node's SHA-256 at every length across the
// padding boundaries (one or two final blocks), at block multiples, and on megabytes.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { native } from '../../../runtime/dist/native.js';

const nodeSha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cpuHasShaNi = /\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

describe('cache: the add-on\'s SHA-256', function () {
  this.timeout(60_000);

  it('knows the FIPS 180-4 examples ("abc", the 448-bit message, the empty string)', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    for (const impl of [0, 1, 2] as const) {
      if (impl === 2 && !cpuHasShaNi) continue;
      expect(native.sha256(text('abc'), impl)).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(native.sha256(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), impl))
        .to.equal('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
      expect(native.sha256(new Uint8Array(0), impl)).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    }
  });

  it('portable and SHA-NI both equal node\'s SHA-256 at every length to 1100 bytes and on 3 MB', () => {
    const data = new Uint8Array(randomBytes(3 << 20));
    const lengths = [...Array.from({ length: 1100 }, (_, n) => n), 4096, 65_536, 1 << 20, (3 << 20) - 1, 3 << 20];
    for (const n of lengths) {
      const b = data.subarray(7, 7 + n); // unaligned start too
      const want = nodeSha256(b);
      expect(native.sha256(b, 1), `portable, length ${n}`).to.equal(want);
      if (cpuHasShaNi) expect(native.sha256(b, 2), `SHA-NI, length ${n}`).to.equal(want);
      expect(native.sha256(b, 0), `default, length ${n}`).to.equal(want);
    }
  });

  it('reports SHA-NI missing as null rather than hashing with it, and refuses bad arguments', () => {
    if (!cpuHasShaNi) expect(native.sha256(new Uint8Array(1), 2)).to.equal(null);
    else expect(native.sha256(new Uint8Array(1), 2)).to.equal(nodeSha256(new Uint8Array(1)));
    expect(() => native.sha256(new Uint8Array(1), 3 as 0)).to.throw(TypeError, /sha256/);
    expect(() => native.sha256([1] as unknown as Uint8Array, 0)).to.throw(TypeError, /sha256/);
  });
});
