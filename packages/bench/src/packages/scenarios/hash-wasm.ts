// hash-wasm (hand-tuned C compiled to wasm, one module per algorithm): digests of 1 MiB of
// seeded random bytes with several algorithms, in one call and in uneven chunks, HMAC, and
// the password hashes argon2i/argon2id/argon2d, bcrypt, scrypt and PBKDF2.
import type * as HashWasm from 'hash-wasm';
import { randomBytes } from '../inputs.js';
import { scenario } from '../scenario.js';

export const DATA_BYTES = 1 << 20;

type Hw = typeof HashWasm;

/** The one-shot digests: name -> function of the data. */
const DIGESTS: [string, (hw: Hw, d: Uint8Array) => Promise<string>][] = [
  ['md5', (hw, d) => hw.md5(d)],
  ['sha1', (hw, d) => hw.sha1(d)],
  ['sha256', (hw, d) => hw.sha256(d)],
  ['sha512', (hw, d) => hw.sha512(d)],
  ['sha3-256', (hw, d) => hw.sha3(d, 256)],
  ['keccak-512', (hw, d) => hw.keccak(d, 512)],
  ['blake2b-512', (hw, d) => hw.blake2b(d, 512)],
  ['blake2s-256', (hw, d) => hw.blake2s(d, 256)],
  ['blake3', (hw, d) => hw.blake3(d)],
  ['ripemd160', (hw, d) => hw.ripemd160(d)],
  ['whirlpool', (hw, d) => hw.whirlpool(d)],
  ['sm3', (hw, d) => hw.sm3(d)],
  ['crc32', (hw, d) => hw.crc32(d)],
  ['crc64', (hw, d) => hw.crc64(d)],
  ['adler32', (hw, d) => hw.adler32(d)],
  ['xxhash32', (hw, d) => hw.xxhash32(d, 7)],
  ['xxhash64', (hw, d) => hw.xxhash64(d, 7, 9)],
  ['xxhash3', (hw, d) => hw.xxhash3(d)],
  ['xxhash128', (hw, d) => hw.xxhash128(d)],
];

const SALT = randomBytes(11, 16);

/** The password hashes, with parameters small enough for a test and big enough to work. */
async function passwordHashes(hw: Hw, password: Uint8Array, scale: number): Promise<[string, string][]> {
  const argon = { password, salt: SALT, parallelism: 2, iterations: 2, memorySize: 1024 * scale, hashLength: 32, outputType: 'encoded' as const };
  return [
    ['argon2i', await hw.argon2i(argon)],
    ['argon2id', await hw.argon2id(argon)],
    ['argon2d', await hw.argon2d({ ...argon, outputType: 'hex' })],
    ['bcrypt', await hw.bcrypt({ password, salt: SALT, costFactor: 4 + scale, outputType: 'encoded' })],
    ['scrypt', await hw.scrypt({ password, salt: SALT, costFactor: 1024 * scale, blockSize: 8, parallelism: 1, hashLength: 32, outputType: 'hex' })],
    ['pbkdf2-sha256', await hw.pbkdf2({ password, salt: SALT, iterations: 1000 * scale, hashLength: 32, hashFunction: hw.createSHA256(), outputType: 'hex' })],
  ];
}

export default scenario({
  name: 'hash-wasm',
  pkg: 'hash-wasm',
  what: `${DIGESTS.length} digests of 1 MiB (whole and in chunks), HMAC, argon2i/id/d, bcrypt, scrypt, PBKDF2`,
  timed: true,
  async load() {
    const hw = await import('hash-wasm');
    // hash-wasm compiles each algorithm's module on first use: use each once, on tiny input.
    const tiny = new Uint8Array(1);
    for (const [, digest] of DIGESTS) await digest(hw, tiny);
    await passwordHashes(hw, tiny, 1);
    return hw;
  },
  async run(hw) {
    const data = randomBytes(10, DATA_BYTES);
    const lines: string[] = [];
    for (const [name, digest] of DIGESTS) lines.push(`${name} ${await digest(hw, data)}`);
    // Incremental hashing in uneven chunks must give the one-shot digest's bytes.
    for (const [name, create] of [['sha256', hw.createSHA256()], ['blake3', hw.createBLAKE3()], ['xxhash128', hw.createXXHash128()]] as const) {
      const h = (await create).init();
      for (let at = 0, step = 1; at < data.length; at += step, step = (step * 3 + 1) % 65_536) h.update(data.subarray(at, at + step));
      lines.push(`${name}-chunked ${h.digest('hex')}`);
    }
    const hmac = await hw.createHMAC(hw.createSHA512(), SALT);
    lines.push(`hmac-sha512 ${hmac.init().update(data).digest('hex')}`);
    for (const [name, value] of await passwordHashes(hw, data.subarray(0, 64), 4)) lines.push(`${name} ${value}`);
    return { 'digests.txt': `${lines.join('\n')}\n` };
  },
});
