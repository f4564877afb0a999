// Integer ops against V8 on edge values and a seeded random sweep, in three operand shapes:
// both operands in registers/slots, a constant right operand (immediate forms), and a
// constant left operand (commutative swaps).
import { expect } from 'chai';
import { wat, both, callBoth, type Both } from '../util/wat.js';
import { rng } from '../util/rng.js';

const I32_BIN = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr',
  'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const I32_UN = ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s'];
const I64_UN = ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s', 'extend32_s'];

const I32_EDGES = [0, 1, -1, 2, -2, 7, 31, 32, 33, 0x7fffffff, -0x80000000, 0x12345678, -0x12345678, 255, 256, 65535, 65536];
const I64_EDGES = [0n, 1n, -1n, 2n, -2n, 63n, 64n, 65n, 0x7fffffffn, -0x80000000n, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -0x123456789abcdefn];

function i32s(seed: number, n: number): number[] {
  const r = rng(seed);
  const out = [...I32_EDGES];
  for (let i = 0; i < n; i++) out.push((r() * 2 ** 32) | 0);
  return out;
}
function i64s(seed: number, n: number): bigint[] {
  const r = rng(seed);
  const out = [...I64_EDGES];
  for (let i = 0; i < n; i++) out.push(BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32))));
  return out;
}

function lit(t: 'i32' | 'i64', v: number | bigint): string {
  return `${t}.const ${v}`;
}

async function binModule(t: 'i32' | 'i64', op: string, consts: (number | bigint)[]): Promise<Uint8Array> {
  const res = /^(eq|ne|lt|gt|le|ge)/.test(op) ? 'i32' : t;
  let funcs = `(func (export "rr") (param ${t} ${t}) (result ${res}) local.get 0 local.get 1 ${t}.${op})\n`;
  consts.forEach((c, i) => {
    funcs += `(func (export "rc${i}") (param ${t}) (result ${res}) local.get 0 ${lit(t, c)} ${t}.${op})\n`;
    funcs += `(func (export "cr${i}") (param ${t}) (result ${res}) ${lit(t, c)} local.get 0 ${t}.${op})\n`;
  });
  return wat(`(module ${funcs})`);
}

function expectSame(b: Both, name: string, args: unknown[], what: string): void {
  const [ours, v8] = callBoth(b, name, args);
  expect(ours, `${what} ${name}(${args.join(', ')})`).to.deep.equal(v8);
}

describe('i32 ops match V8', () => {
  const vals = i32s(1, 24);
  const consts = [0, 1, -1, 5, 31, 0x7fffffff, -0x80000000];
  for (const op of I32_BIN) {
    it(`i32.${op}`, async () => {
      const b = both(await binModule('i32', op, consts));
      for (const x of vals) for (const y of vals) expectSame(b, 'rr', [x, y], `i32.${op}`);
      consts.forEach((_, i) => {
        for (const x of vals) {
          expectSame(b, `rc${i}`, [x], `i32.${op}`);
          expectSame(b, `cr${i}`, [x], `i32.${op}`);
        }
      });
    });
  }
  for (const op of I32_UN) {
    it(`i32.${op}`, async () => {
      const res = 'i32';
      const b = both(await wat(`(module (func (export "f") (param i32) (result ${res}) local.get 0 i32.${op}))`));
      for (const x of vals) expectSame(b, 'f', [x], `i32.${op}`);
    });
  }
});

describe('i64 ops match V8', () => {
  const vals = i64s(2, 20);
  const consts = [0n, 1n, -1n, 5n, 63n, 0x7fffffffn, -0x80000000n, 0x123456789n, -0x8000000000000000n];
  for (const op of I32_BIN) {
    it(`i64.${op}`, async () => {
      const b = both(await binModule('i64', op, consts));
      for (const x of vals) for (const y of vals) expectSame(b, 'rr', [x, y], `i64.${op}`);
      consts.forEach((_, i) => {
        for (const x of vals) {
          expectSame(b, `rc${i}`, [x], `i64.${op}`);
          expectSame(b, `cr${i}`, [x], `i64.${op}`);
        }
      });
    });
  }
  for (const op of I64_UN) {
    it(`i64.${op}`, async () => {
      const res = op === 'eqz' ? 'i32' : 'i64';
      const b = both(await wat(`(module (func (export "f") (param i64) (result ${res}) local.get 0 i64.${op}))`));
      for (const x of vals) expectSame(b, 'f', [x], `i64.${op}`);
    });
  }
  it('wrap and extend', async () => {
    const b = both(await wat(`(module
      (func (export "wrap") (param i64) (result i32) local.get 0 i32.wrap_i64)
      (func (export "ext_s") (param i32) (result i64) local.get 0 i64.extend_i32_s)
      (func (export "ext_u") (param i32) (result i64) local.get 0 i64.extend_i32_u)
      (func (export "wrapc") (result i32) i64.const 0x123456789 i32.wrap_i64)
      (func (export "extc") (result i64) i32.const -5 i64.extend_i32_u))`));
    for (const x of vals) expectSame(b, 'wrap', [x], 'wrap');
    for (const x of i32s(3, 20)) {
      expectSame(b, 'ext_s', [x], 'ext_s');
      expectSame(b, 'ext_u', [x], 'ext_u');
    }
    expectSame(b, 'wrapc', [], 'wrap const');
    expectSame(b, 'extc', [], 'extend const');
  });
});

describe('register pressure', () => {
  it('an expression deeper than the register file spills and reloads correctly', async () => {
    // 40 live values on the stack, then folded with alternating ops.
    const n = 40;
    let body = '';
    for (let i = 0; i < n; i++) body += `local.get 0 i32.const ${i * 7919} i32.mul\n`;
    for (let i = 0; i < n - 1; i++) body += i % 2 ? 'i32.xor\n' : 'i32.add\n';
    const b = both(await wat(`(module (func (export "f") (param i32) (result i32) ${body}))`));
    for (const x of i32s(4, 30)) expectSame(b, 'f', [x], 'deep expression');
  });
  it('division with operands held in rax/rdx/rcx', async () => {
    const b = both(await wat(`(module (func (export "f") (param i32 i32 i32) (result i32)
      local.get 0 local.get 1 i32.add   ;; rax
      local.get 1 local.get 2 i32.sub   ;; rcx
      local.get 2 local.get 0 i32.xor   ;; rdx
      i32.div_u i32.rem_s
      local.get 0 local.get 2 i32.shl i32.add))`));
    const vals = i32s(5, 8);
    for (const x of vals) for (const y of vals) expectSame(b, 'f', [x, y, (x ^ y) | 1], 'mixed');
  });
});
