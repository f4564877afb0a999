// Constants the compiler keeps as shared value-stack entries (lower/value.ts): i32 constants
// in -256..4095 and i64 constants with a one- or two-byte LEB128 encoding (-8192..8191, read
// by op-handlers.ts without readVarS64). Values at and around every boundary, also encoded
// with redundant (padded) LEB128 bytes, which take the long path, must give V8's results.
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

const I64 = [-8193n, -8192n, -8191n, -65n, -64n, -63n, -1n, 0n, 1n, 63n, 64n, 65n, 8191n, 8192n, 8193n, -(1n << 63n), (1n << 63n) - 1n];
const I32 = [-257, -256, -255, -1, 0, 1, 4095, 4096, -0x80000000, 0x7fffffff];

/** A module with one export per constant: () -> the constant plus the parameter. */
function constModule(): Uint8Array {
  const bodies: number[][] = [];
  const consts: { type: number; leb: number[] }[] = [];
  for (const c of I64) for (const min of [1, 3, 10]) consts.push({ type: 0x7e, leb: sleb(c, min) });
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
      const isI64 = i < I64.length * 3;
      if (i >= I64.length * 3 + I32.length * 2) break;
      for (const x of isI64 ? [0n, 5n, -1n] : [0, 5, -1]) {
        const [ours, v8] = callBoth(b, name, [x]);
        expect(ours, `${name}(${x})`).to.deep.equal(v8);
        // The constant itself, whatever its encoding: x + c (wrapping).
        const c = isI64 ? I64[Math.floor(i / 3)]! : BigInt(I32[Math.floor((i - I64.length * 3) / 2)]!);
        const want = isI64 ? BigInt.asIntN(64, (x as bigint) + c) : Number(BigInt.asIntN(32, BigInt(x as number) + c));
        expect(ours).to.deep.equal({ value: want });
        n++;
      }
    }
    expect(n).to.equal((I64.length * 3 + I32.length * 2) * 3);
  });
});
