// SIMD operators with immediates against V8 — lane extract/replace, splats, shuffles,
// constants — and every v128 load/store form in both bounds-check modes, in range and at the
// end of memory (where V8 traps, wasmjit must trap too), on both instruction paths.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { Rng, randomV128 } from './simd-inputs.js';

type Fn = (...args: unknown[]) => unknown;
const v128Of = (lo: number, hi: number) => `(i64x2.replace_lane 1 (i64x2.splat (local.get ${lo})) (local.get ${hi}))`;
const halves = '(i64x2.extract_lane 0 (local.get $r)) (i64x2.extract_lane 1 (local.get $r))';

function outcome(f: () => unknown): string {
  try {
    return JSON.stringify(f(), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch (e) {
    return `throws ${(e as Error).constructor.name}`;
  }
}

const ENGINES = [
  { simd: 'avx', boundsChecks: 'guard' },
  { simd: 'sse4.1', boundsChecks: 'explicit' },
  { simd: 'avx', boundsChecks: 'explicit' },
  { simd: 'sse4.1', boundsChecks: 'guard' },
] as const;

/** Calls every export with each argument list in V8 and in wasmjit; returns the differences. */
function compare(bytes: Uint8Array, calls: [string, unknown[]][]): string[] {
  const problems: string[] = [];
  for (const opts of ENGINES) {
    // A fresh V8 instance per pass: stores change its memory as they change ours.
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Record<string, Fn>;
    const engine = new Engine(opts);
    const ours = engine.instantiate(engine.compile(bytes), {}).exports as unknown as Record<string, Fn>;
    for (const [name, args] of calls) {
      const want = outcome(() => v8[name]!(...args));
      const got = outcome(() => ours[name]!(...args));
      if (want !== got) problems.push(`${opts.simd}/${opts.boundsChecks} ${name}(${args.map(String).join(', ')}): V8 ${want}, wasmjit ${got}`);
    }
  }
  return problems;
}

describe('SIMD lane operators and constants match V8', function () {
  this.timeout(60000);

  it('extract_lane, replace_lane and splat of every shape and lane', async () => {
    const shapes = [['i8x16', 16, 'i32', ['_s', '_u']], ['i16x8', 8, 'i32', ['_s', '_u']], ['i32x4', 4, 'i32', ['']],
      ['i64x2', 2, 'i64', ['']], ['f32x4', 4, 'f32', ['']], ['f64x2', 2, 'f64', ['']]] as const;
    const funcs: string[] = [];
    const calls: [string, unknown[]][] = [];
    const rng = new Rng(77);
    for (const [shape, lanes, scalar, sufs] of shapes) {
      funcs.push(`(func (export "${shape}.splat") (param ${scalar}) (result i64 i64) (local $r v128) (local.set $r (${shape}.splat (local.get 0))) ${halves})`);
      const scalars = scalar === 'i64' ? [0n, -1n, 0x123456789abcdefn] : scalar === 'i32' ? [0, -1, 0x12345678, 255, 128] : [0, -0, 1.5, -3.25, Infinity];
      for (const x of scalars) calls.push([`${shape}.splat`, [x]]);
      for (let l = 0; l < lanes; l++) {
        for (const suf of sufs) {
          const n = `${shape}.extract_lane${suf} ${l}`;
          const ret = scalar === 'f32' || scalar === 'f64' ? `(result ${scalar})` : `(result ${scalar})`;
          funcs.push(`(func (export "${n}") (param i64 i64) ${ret} (${shape}.extract_lane${suf} ${l} ${v128Of(0, 1)}))`);
          for (let i = 0; i < 4; i++) calls.push([n, randomV128(rng, 'i8')]);
        }
        const r = `${shape}.replace_lane ${l}`;
        funcs.push(`(func (export "${r}") (param i64 i64 ${scalar}) (result i64 i64) (local $r v128) (local.set $r (${shape}.replace_lane ${l} ${v128Of(0, 1)} (local.get 2))) ${halves})`);
        for (const x of scalars) calls.push([r, [...randomV128(rng, 'i8'), x]]);
      }
    }
    const problems = compare(await wat(`(module ${funcs.join('\n')})`), calls);
    expect(problems.slice(0, 10)).to.deep.equal([]);
  });

  it('i8x16.shuffle with lanes from one, the other and both operands', async () => {
    const rng = new Rng(5);
    const patterns: number[][] = [
      [...Array(16).keys()], [...Array(16).keys()].map((i) => i + 16), [...Array(16).keys()].reverse(),
      [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23], new Array<number>(16).fill(31),
    ];
    for (let i = 0; i < 10; i++) patterns.push(Array.from({ length: 16 }, () => rng.u32() % 32));
    const funcs = patterns.map((p, i) =>
      `(func (export "s${i}") (param i64 i64 i64 i64) (result i64 i64) (local $r v128) (local.set $r (i8x16.shuffle ${p.join(' ')} ${v128Of(0, 1)} ${v128Of(2, 3)})) ${halves})`);
    const calls: [string, unknown[]][] = [];
    for (let i = 0; i < patterns.length; i++) for (let k = 0; k < 3; k++) calls.push([`s${i}`, [...randomV128(rng, 'i8'), ...randomV128(rng, 'i8')]]);
    expect(compare(await wat(`(module ${funcs.join('\n')})`), calls).slice(0, 10)).to.deep.equal([]);
  });

  it('v128.const: zero, all ones, one half zero, arbitrary (as a value, stored, and as an operand)', async () => {
    const consts = ['i64x2 0 0', 'i64x2 -1 -1', 'i64x2 0 0x123456789', 'i64x2 0x80000000 0', 'i32x4 1 2 3 4', 'f32x4 nan -0 inf 1.5',
      'i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15', 'i64x2 0x7fffffff -0x80000000'];
    const funcs = consts.map((c, i) => `(func (export "c${i}") (param i64 i64) (result i64 i64) (local $r v128)
      (local.set $r (v128.const ${c})) ${halves}
      (local.set $r (i8x16.add (v128.const ${c}) ${v128Of(0, 1)})) drop drop ${halves})`);
    const calls: [string, unknown[]][] = consts.map((_, i) => [`c${i}`, [3n, -5n]]);
    expect(compare(await wat(`(module ${funcs.join('\n')})`), calls)).to.deep.equal([]);
  });
});

describe('SIMD loads and stores match V8 (guard and explicit bounds checks)', function () {
  this.timeout(60000);
  const loads = ['v128.load', 'v128.load8x8_s', 'v128.load8x8_u', 'v128.load16x4_s', 'v128.load16x4_u', 'v128.load32x2_s',
    'v128.load32x2_u', 'v128.load8_splat', 'v128.load16_splat', 'v128.load32_splat', 'v128.load64_splat', 'v128.load32_zero', 'v128.load64_zero'];
  // The last bytes of the one page, and addresses that wrap past it with the offset.
  const addrs = [0, 1, 100, 65536 - 16, 65536 - 15, 65536 - 8, 65536 - 7, 65536 - 4, 65536 - 2, 65536 - 1, 65536, -1, -16];

  it('every load form, with offsets, in range and out of range', async () => {
    const funcs: string[] = [];
    const calls: [string, unknown[]][] = [];
    for (const op of loads) {
      for (const off of [0, 3, 65520]) {
        const n = `${op}/${off}`;
        funcs.push(`(func (export "${n}") (param i32) (result i64 i64) (local $r v128) (local.set $r (${op} offset=${off} (local.get 0))) ${halves})`);
        for (const a of addrs) calls.push([n, [a]]);
      }
      // A constant address takes another path.
      funcs.push(`(func (export "${op}/const") (result i64 i64) (local $r v128) (local.set $r (${op} (i32.const 65528))) ${halves})`);
      calls.push([`${op}/const`, []]);
    }
    const text = `(module (memory 1) (data (i32.const 0) "\\01\\82\\03\\84\\05\\86\\07\\88\\09\\8a\\0b\\8c\\0d\\8e\\0f\\90\\ff\\fe")
      (data (i32.const 65520) "\\f0\\f1\\f2\\f3\\f4\\f5\\f6\\f7\\f8\\f9\\fa\\fb\\fc\\fd\\fe\\ff") ${funcs.join('\n')})`;
    expect(compare(await wat(text), calls).slice(0, 10)).to.deep.equal([]);
  });

  it('v128.store and the lane loads/stores, with the memory read back', async () => {
    const funcs: string[] = [
      `(func (export "store") (param i32 i64 i64) (result i64 i64) (local $r v128)
         (v128.store offset=1 (local.get 0) ${v128Of(1, 2)}) (local.set $r (v128.load offset=1 (local.get 0))) ${halves})`,
    ];
    const calls: [string, unknown[]][] = [];
    for (const a of addrs) calls.push(['store', [a, 0x0102030405060708n, -2n]]);
    for (const bits of [8, 16, 32, 64]) {
      for (let lane = 0; lane < 128 / bits; lane += Math.max(1, 128 / bits / 4)) {
        funcs.push(`(func (export "load${bits}_${lane}") (param i32 i64 i64) (result i64 i64) (local $r v128)
          (local.set $r (v128.load${bits}_lane offset=2 ${lane} (local.get 0) ${v128Of(1, 2)})) ${halves})`);
        funcs.push(`(func (export "store${bits}_${lane}") (param i32 i64 i64) (result i64)
          (v128.store${bits}_lane offset=2 ${lane} (local.get 0) ${v128Of(1, 2)}) (i64.load (i32.const 0)))`);
        for (const a of [0, 65536 - 2 - bits / 8, 65536 - 1 - bits / 8, -1]) {
          calls.push([`load${bits}_${lane}`, [a, 0x1112131415161718n, 0x2122232425262728n]]);
          calls.push([`store${bits}_${lane}`, [a === 0 ? -2 : a, 0x1112131415161718n, 0x2122232425262728n]]);
        }
      }
    }
    const text = `(module (memory 1) (data (i32.const 0) "\\a1\\a2\\a3\\a4\\a5\\a6\\a7\\a8\\a9\\aa\\ab\\ac\\ad\\ae\\af") ${funcs.join('\n')})`;
    expect(compare(await wat(text), calls).slice(0, 10)).to.deep.equal([]);
  });
});
