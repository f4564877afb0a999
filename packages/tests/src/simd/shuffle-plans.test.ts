// i8x16.shuffle: which instruction each structured lane pattern becomes (planShuffle), and
// that every one of them computes the shuffle — against V8 and a plain JS model, on both
// instruction paths, with the inputs in temporaries, in local homes and as constants.
import { expect } from 'chai';
import { planShuffle } from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { Rng } from './simd-inputs.js';

type Fn = (...args: bigint[]) => [bigint, bigint];

const seq = (from: number, n = 16): number[] => Array.from({ length: n }, (_, i) => from + i);
/** Whole `size`-byte units, unit indices 0..(32/size - 1), expanded to byte lanes. */
const unitsOf = (size: number, us: number[]): number[] => us.flatMap((u) => seq(u * size, size));

// [lanes, the plan's kind and instruction (mnemonic; '' for none)]
const CASES: [number[], string, string][] = [
  [seq(0), 'copy', ''],
  [seq(16), 'copy', ''],
  [unitsOf(4, [3, 2, 1, 0]), 'unary', 'pshufd'],
  [unitsOf(4, [5, 5, 6, 7]), 'unary', 'pshufd'],
  [unitsOf(8, [1, 0]), 'unary', 'pshufd'],
  [unitsOf(2, [3, 2, 1, 0, 4, 5, 6, 7]), 'unary', 'pshuflw'],
  [unitsOf(2, [0, 1, 2, 3, 7, 7, 4, 5]), 'unary', 'pshufhw'],
  [[15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], 'pshufb', 'pshufb'],
  [[31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16], 'pshufb', 'pshufb'],
  [unitsOf(8, [0, 2]), 'binary', 'punpcklqdq'],
  [unitsOf(8, [3, 1]), 'binary', 'punpckhqdq'],
  [unitsOf(4, [0, 4, 1, 5]), 'binary', 'punpckldq'],
  [unitsOf(4, [6, 2, 7, 3]), 'binary', 'punpckhdq'],
  [unitsOf(2, [0, 8, 1, 9, 2, 10, 3, 11]), 'binary', 'punpcklwd'],
  [unitsOf(2, [4, 12, 5, 13, 6, 14, 7, 15]), 'binary', 'punpckhwd'],
  [[0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23], 'binary', 'punpcklbw'],
  [[24, 8, 25, 9, 26, 10, 27, 11, 28, 12, 29, 13, 30, 14, 31, 15], 'binary', 'punpckhbw'],
  [unitsOf(4, [0, 5, 2, 7]), 'binary', 'blendps'],
  [unitsOf(2, [8, 1, 10, 3, 4, 13, 6, 15]), 'binary', 'pblendw'],
  [unitsOf(4, [1, 0, 7, 6]), 'binary', 'shufps'],
  [unitsOf(4, [4, 4, 3, 0]), 'binary', 'shufps'],
  [unitsOf(8, [1, 2]), 'binary', 'shufpd'],
  [unitsOf(8, [3, 0]), 'binary', 'shufpd'],
  [seq(4), 'binary', 'palignr'],
  [seq(15), 'binary', 'palignr'],
  [seq(20).map((x) => x & 31), 'binary', 'palignr'],
  [seq(31).map((x) => x & 31), 'binary', 'palignr'],
  [[0, 17, 2, 19, 4, 21, 6, 23, 9, 25, 10, 27, 12, 29, 14, 31], 'general', ''],
  [[31, 0, 30, 1, 29, 2, 28, 3, 27, 4, 26, 5, 25, 6, 24, 7], 'general', ''],
];

function shuffleRef(lanes: number[], a: Uint8Array, b: Uint8Array): Uint8Array {
  return Uint8Array.from(lanes, (l) => (l < 16 ? a[l]! : b[l - 16]!));
}

function bytesOf(lo: bigint, hi: bigint): Uint8Array {
  const v = new DataView(new ArrayBuffer(16));
  v.setBigUint64(0, BigInt.asUintN(64, lo), true);
  v.setBigUint64(8, BigInt.asUintN(64, hi), true);
  return new Uint8Array(v.buffer);
}

const v128Of = (lo: number, hi: number): string => `(i64x2.replace_lane 1 (i64x2.splat (local.get ${lo})) (local.get ${hi}))`;
const CONST_B = 'v128.const i8x16 -1 2 -3 4 -5 6 -7 8 -9 10 -11 12 -13 14 -15 16';
const CONST_B_BYTES = Uint8Array.from([-1, 2, -3, 4, -5, 6, -7, 8, -9, 10, -11, 12, -13, 14, -15, 16], (x) => x & 255);

/** Per case three functions: inputs computed, inputs from (homed) locals, b a constant. */
function moduleText(): string {
  const funcs = CASES.map(([lanes], i) => {
    const l = lanes.join(' ');
    const out = '(i64x2.extract_lane 0 (local.get $r)) (i64x2.extract_lane 1 (local.get $r))';
    return [
      `(func (export "t${i}") (param i64 i64 i64 i64) (result i64 i64) (local $r v128)
         (local.set $r (i8x16.shuffle ${l} ${v128Of(0, 1)} ${v128Of(2, 3)})) ${out})`,
      `(func (export "l${i}") (param i64 i64 i64 i64) (result i64 i64) (local $a v128) (local $b v128) (local $r v128)
         (local.set $a ${v128Of(0, 1)}) (local.set $b ${v128Of(2, 3)})
         (local.set $r (i8x16.shuffle ${l} (local.get $a) (local.get $b))) ${out})`,
      `(func (export "c${i}") (param i64 i64 i64 i64) (result i64 i64) (local $a v128) (local $r v128)
         (local.set $a ${v128Of(0, 1)})
         (local.set $r (i8x16.shuffle ${l} (local.get $a) (${CONST_B}))) ${out})`,
    ].join('\n');
  });
  return `(module ${funcs.join('\n')})`;
}

describe('i8x16.shuffle patterns', function () {
  this.timeout(60000);

  it('each structured pattern gets its one-instruction plan', () => {
    for (const [lanes, kind, mnemonic] of CASES) {
      const p = planShuffle(lanes);
      const got = p.kind === 'unary' || p.kind === 'binary' ? p.op.mnemonic : p.kind === 'pshufb' ? 'pshufb' : '';
      expect([p.kind, got], lanes.join(',')).to.deep.equal([kind, mnemonic]);
    }
  });

  for (const simd of ['avx', 'sse4.1'] as const) {
    it(`${simd}: every plan computes the shuffle (V8 and the JS model agree), inputs in registers, homes and constants`, async () => {
      const bytes = await wat(moduleText());
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Record<string, Fn>;
      const engine = new Engine({ simd });
      const ours = engine.instantiate(engine.compile(bytes), {}).exports as unknown as Record<string, Fn>;
      const rng = new Rng(99);
      const r64 = (): bigint => (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
      CASES.forEach(([lanes], i) => {
        for (let k = 0; k < 4; k++) {
          const args = [r64(), r64(), r64(), r64()];
          const a = bytesOf(args[0]!, args[1]!);
          const b = bytesOf(args[2]!, args[3]!);
          for (const [name, bb] of [[`t${i}`, b], [`l${i}`, b], [`c${i}`, CONST_B_BYTES]] as const) {
            const want = shuffleRef(lanes, a, bb);
            const [lo, hi] = ours[name]!(...args);
            expect(Array.from(bytesOf(lo, hi)), `${name} ${lanes.join(',')}`).to.deep.equal(Array.from(want));
            expect(ours[name]!(...args)).to.deep.equal(v8[name]!(...args));
          }
        }
      });
    });
  }
});
