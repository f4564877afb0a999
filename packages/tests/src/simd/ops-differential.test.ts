// Every SIMD operator against V8 on the same inputs, on both of wasmjit's instruction paths
// (AVX and the SSE4.1 baseline, EngineOptions.simd): v128 operands are built from i64 halves
// and results returned as i64 halves or i32, since v128 itself cannot cross the JS boundary.
// Inputs cover each lane shape's edge values (simd-inputs.ts). Relaxed SIMD is not here.
import { expect } from 'chai';
import { ImmKind, OPERATORS, ValType } from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { Rng, laneShapeOf, randomV128 } from './simd-inputs.js';

type Fn = (...args: unknown[]) => unknown;

const V = ValType.V128;
const SIMD_ROWS = OPERATORS.filter((o) => o.prefix === 0xfd && o.code < 0x100 && o.params !== null);

function sig(o: (typeof SIMD_ROWS)[number]): string {
  return `${o.params!.join(',')}->${o.results!.join(',')}`;
}

const BIN = `${V},${V}->${V}`;
const UN = `${V}->${V}`;
const TEST = `${V}->${ValType.I32}`;
const SHIFT = `${V},${ValType.I32}->${V}`;
const TERN = `${V},${V},${V}->${V}`;

const v128Of = (lo: number, hi: number) => `(i64x2.replace_lane 1 (i64x2.splat (local.get ${lo})) (local.get ${hi}))`;
const halves = '(i64x2.extract_lane 0 (local.get $r)) (i64x2.extract_lane 1 (local.get $r))';

/** One exported function per operator of a plain signature: name → wat. */
function moduleText(): { text: string; ops: { name: string; kind: string; shape: ReturnType<typeof laneShapeOf> }[] } {
  const funcs: string[] = [];
  const ops: { name: string; kind: string; shape: ReturnType<typeof laneShapeOf> }[] = [];
  for (const o of SIMD_ROWS) {
    if (o.imm !== ImmKind.None) continue;
    const s = sig(o);
    let f: string | null = null;
    if (s === BIN) f = `(param i64 i64 i64 i64) (result i64 i64) (local $r v128) (local.set $r (${o.name} ${v128Of(0, 1)} ${v128Of(2, 3)})) ${halves}`;
    else if (s === UN) f = `(param i64 i64) (result i64 i64) (local $r v128) (local.set $r (${o.name} ${v128Of(0, 1)})) ${halves}`;
    else if (s === TEST) f = `(param i64 i64) (result i32) (${o.name} ${v128Of(0, 1)})`;
    else if (s === SHIFT) f = `(param i64 i64 i32) (result i64 i64) (local $r v128) (local.set $r (${o.name} ${v128Of(0, 1)} (local.get 2))) ${halves}`;
    else if (s === TERN) f = `(param i64 i64 i64 i64 i64 i64) (result i64 i64) (local $r v128) (local.set $r (${o.name} ${v128Of(0, 1)} ${v128Of(2, 3)} ${v128Of(4, 5)})) ${halves}`;
    if (f === null) continue;
    const kind = s === BIN ? 'bin' : s === UN ? 'un' : s === TEST ? 'test' : s === SHIFT ? 'shift' : 'tern';
    funcs.push(`(func (export "${o.name}") ${f})`);
    // Constant shift counts take another path (immediate forms): one function per count class.
    if (kind === 'shift') {
      for (const c of [0, 1, 7, 8, 15, 31, 33, 63, 64, 100]) {
        funcs.push(`(func (export "${o.name}/${c}") (param i64 i64 i32) (result i64 i64) (local $r v128) (local.set $r (${o.name} ${v128Of(0, 1)} (i32.const ${c}))) ${halves})`);
      }
    }
    ops.push({ name: o.name, kind, shape: laneShapeOf(o.name) });
  }
  return { text: `(module ${funcs.join('\n')})`, ops };
}

/** Operators whose NaN results V8 and wasmjit may legitimately differ in bits: compare NaN-ness only. */
function sameResult(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(b, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
}

describe('SIMD operators match V8 (both instruction paths)', function () {
  this.timeout(120000);
  let bytes: Uint8Array;
  let ops: ReturnType<typeof moduleText>['ops'];
  let v8: Record<string, Fn>;

  before(async () => {
    const m = moduleText();
    ops = m.ops;
    bytes = await wat(m.text);
    v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Record<string, Fn>;
  });

  it('covers every non-relaxed SIMD operator without an immediate', () => {
    // 236 SIMD operators, of which loads/stores, const, shuffle and the lane operators take immediates.
    expect(ops.length).to.be.greaterThan(170);
  });

  for (const simd of ['avx', 'sse4.1'] as const) {
    it(`${simd}: each operator gives V8's results on 40 inputs`, () => {
      const engine = new Engine({ simd });
      const ours = engine.instantiate(engine.compile(bytes), {}).exports as unknown as Record<string, Fn>;
      const problems: string[] = [];
      for (const op of ops) {
        const rng = new Rng(0x1234567 + op.name.length * 7919);
        // Conversions read the lane shape of their source, named after the last underscore-separated shape.
        const src = /_(i8x16|i16x8|i32x4|f32x4|f64x2)(?:_[su])?(?:_zero)?$/.exec(op.name);
        const shape = src ? laneShapeOf(src[1]!) : op.shape;
        for (let i = 0; i < 40; i++) {
          const a = randomV128(rng, shape);
          const b = randomV128(rng, shape);
          const c = randomV128(rng, shape);
          const count = rng.u32() % 4 === 0 ? rng.u32() | 0 : rng.u32() % 70;
          let args: unknown[];
          let names = [op.name];
          switch (op.kind) {
            case 'bin': args = [...a, ...b]; break;
            case 'un': case 'test': args = [...a]; break;
            case 'tern': args = [...a, ...b, ...c]; break;
            default:
              args = [...a, count];
              names = [op.name, `${op.name}/${[0, 1, 7, 8, 15, 31, 33, 63, 64, 100][i % 10]}`];
          }
          for (const n of names) {
            const want = v8[n]!(...args);
            const got = ours[n]!(...args);
            if (!sameResult(want, got)) {
              problems.push(`${n}(${args.map(String).join(', ')}): V8 ${String(want)}, wasmjit ${String(got)}`);
            }
          }
        }
      }
      expect(problems.slice(0, 20)).to.deep.equal([]);
    });
  }
});
