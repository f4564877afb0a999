// Constants the compiler keeps as shared value-stack entries (lower/value.ts): i32 constants
// in -256..4095, i64 constants with a one- or two-byte LEB128 encoding (-8192..8191, read
// by op-handlers.ts without readVarS64) and, through a direct-mapped cache, those of up to
// seven bytes (49 bits). Values at and around every boundary, also encoded with redundant
// (padded) LEB128 bytes, which take the longer paths, must give V8's results; so must many
// distinct constants that evict each other from the cache.
import { expect } from 'chai';
import { both, callBoth } from '../util/wat.js';

/** Signed LEB128 of `v`, padded to at least `min` bytes. */
function sleb(v: bigint, min = 1): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    if (done && out.length + 1 >= min) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const I64 = [
  -8193n, -8192n, -8191n, -65n, -64n, -63n, -1n, 0n, 1n, 63n, 64n, 65n, 8191n, 8192n, 8193n, -(1n << 63n), (1n << 63n) - 1n,
  // around the 7-byte (49-bit) limit of the cached path, and int32/uint32 edges
  (1n << 48n) - 1n, 1n << 48n, -(1n << 48n), -(1n << 48n) - 1n, 0x7fffffffn, 0x80000000n, -0x80000000n, 0xffffffffn,
];
/** LEB128 lengths each i64 constant is encoded at (at least). */
const PADS = [1, 3, 7, 8, 10];
const I32 = [-257, -256, -255, -1, 0, 1, 4095, 4096, -0x80000000, 0x7fffffff];

/** A module with one export per constant: () -> the constant plus the parameter. */
function constModule(): Uint8Array {
  const bodies: number[][] = [];
  const consts: { type: number; leb: number[] }[] = [];
  for (const c of I64) for (const min of PADS) consts.push({ type: 0x7e, leb: sleb(c, min) });
  for (const c of I32) for (const min of [1, 5]) consts.push({ type: 0x7f, leb: sleb(BigInt(c), min) });
  for (const { type, leb } of consts) {
    // local.get 0, TYPE.const c, TYPE.add, end
    const add = type === 0x7e ? 0x7c : 0x6a;
    const op = type === 0x7e ? 0x42 : 0x41;
    bodies.push([0x00, 0x20, 0x00, op, ...leb, add, 0x0b]);
  }
  const u = (n: number) => sleb(BigInt(n)).map((b) => b); // small unsigned values encode alike here
  const section = (id: number, payload: number[]) => [id, ...u(payload.length), ...payload];
  const types = [0x02, 0x60, 0x01, 0x7e, 0x01, 0x7e, 0x60, 0x01, 0x7f, 0x01, 0x7f];
  const funcs = [...u(consts.length), ...consts.map((c) => (c.type === 0x7e ? 0 : 1))];
  const exports: number[] = [...u(consts.length)];
  consts.forEach((_, i) => {
    const name = [...Buffer.from(`c${i}`)];
    exports.push(name.length, ...name, 0x00, ...u(i));
  });
  const code: number[] = [...u(bodies.length)];
  for (const b of bodies) code.push(...u(b.length), ...b);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types), ...section(3, funcs), ...section(7, exports), ...section(10, code),
  ]);
}

describe('shared constant entries (lower/value.ts, op-handlers.ts readI64Const)', () => {
  it('i64 and i32 constants around the shared ranges, plain and padded, give V8 results', () => {
    const b = both(constModule());
    let n = 0;
    for (let i = 0; ; i++) {
      const name = `c${i}`;
      const isI64 = i < I64.length * PADS.length;
      if (i >= I64.length * PADS.length + I32.length * 2) break;
      for (const x of isI64 ? [0n, 5n, -1n] : [0, 5, -1]) {
        const [ours, v8] = callBoth(b, name, [x]);
        expect(ours, `${name}(${x})`).to.deep.equal(v8);
        // The constant itself, whatever its encoding: x + c (wrapping).
        const c = isI64 ? I64[Math.floor(i / PADS.length)]! : BigInt(I32[Math.floor((i - I64.length * PADS.length) / 2)]!);
        const want = isI64 ? BigInt.asIntN(64, (x as bigint) + c) : Number(BigInt.asIntN(32, BigInt(x as number) + c));
        expect(ours).to.deep.equal({ value: want });
        n++;
      }
    }
    expect(n).to.equal((I64.length * PADS.length + I32.length * 2) * 3);
  });
});

/**
 * One function storing 2 x 6000 i64 constants of three to seven LEB128 bytes (6000 distinct
 * values, more than the cache has slots, so entries evict each other; the second half in the
 * reverse order) to consecutive memory slots: each slot must hold its own constant.
 */
describe('cached i64 constant entries (value.ts constI64Cached)', () => {
  it('evicted and reused entries keep their own values', () => {
    const N = 6000;
    const consts: bigint[] = [];
    let x = 0x2545f491n;
    for (let i = 0; i < N; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      const bits = 14n + (x >> 58n) % 35n; // 14..48 bits: 3..7 LEB128 bytes
      const v = (x >> 8n) & ((1n << bits) - 1n);
      consts.push(i % 2 ? -v - 8193n : v + 8192n);
    }
    const order = [...consts, ...[...consts].reverse()];
    const u = (n: number): number[] => {
      const out: number[] = [];
      do {
        const b = n & 0x7f;
        n >>>= 7;
        out.push(n ? b | 0x80 : b);
      } while (n);
      return out;
    };
    const section = (id: number, payload: number[]) => [id, ...u(payload.length), ...payload];
    // i32.const 8*i; i64.const c; i64.store align=3 offset=0
    const body: number[] = [0x00];
    order.forEach((c, i) => body.push(0x41, ...sleb(BigInt(8 * i)), 0x42, ...sleb(c), 0x37, 0x03, 0x00));
    body.push(0x0b);
    const name = [...Buffer.from('run')];
    const mem = [...Buffer.from('mem')];
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, [0x01, 0x60, 0x00, 0x00]),
      ...section(3, [0x01, 0x00]),
      ...section(5, [0x01, 0x00, 0x02]),
      ...section(7, [0x02, name.length, ...name, 0x00, 0x00, mem.length, ...mem, 0x02, 0x00]),
      ...section(10, [0x01, ...u(body.length), ...body]),
    ]);
    const b = both(bytes);
    b.ours.run!();
    const slots = new BigInt64Array((b.ours.mem as unknown as WebAssembly.Memory).buffer, 0, order.length);
    order.forEach((c, i) => expect(slots[i], `slot ${i}`).to.equal(c));
  });
});
