// SIMD instructions read their operands in place (lower/ops/simd-operands.ts): a v128 local's
// register home, a v128.const from the function's constant pool ([rip + c]), a local's frame
// slot or a spilled value's slot (AVX only: legacy SSE needs 16-byte aligned memory operands).
// Each source, as first and as second operand of non-commutative operators, and results
// written straight into a homed local (local.set/tee right after), against V8 on both
// instruction paths.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { Rng } from './simd-inputs.js';

type Fn = (...args: bigint[]) => [bigint, bigint];

const v128Of = (lo: number, hi: number): string => `(i64x2.replace_lane 1 (i64x2.splat (local.get ${lo})) (local.get ${hi}))`;
const OUT = '(i64x2.extract_lane 0 (local.get $r)) (i64x2.extract_lane 1 (local.get $r))';
const K = 'v128.const i32x4 0x80007fff 0x00010203 0xfffe0001 0x7f80ff00';

const BINARY = ['i8x16.sub', 'i16x8.sub_sat_u', 'i32x4.sub', 'f32x4.div', 'f64x2.sub', 'i8x16.narrow_i16x8_s', 'v128.andnot', 'i32x4.min_s'];
const UNARY = ['i16x8.extend_high_i8x16_s', 'i32x4.extend_low_i16x8_u', 'i64x2.extend_high_i32x4_u', 'f32x4.sqrt', 'i32x4.extadd_pairwise_i16x8_u'];

/**
 * The operand forms, each a function body computing $r from params 0..3 (a = 0,1; b = 2,3).
 * `$call` makes the function call another one, so its v128 locals stay in frame slots.
 */
function bodies(op: string, unary: boolean): [string, string][] {
  const a = v128Of(0, 1);
  const b = v128Of(2, 3);
  const locals = '(local $a v128) (local $b v128) (local $r v128)';
  const set = `(local.set $a ${a}) (local.set $b ${b})`;
  if (unary) {
    return [
      ['home', `${locals} ${set} (local.set $r (${op} (local.get $a)))`],
      ['slot', `${locals} (call $nop) ${set} (local.set $r (${op} (local.get $a)))`],
      ['const', `${locals} (local.set $r (${op} (${K})))`],
      ['into home', `${locals} ${set} (local.set $a (${op} (local.get $a))) (local.set $r (local.get $a))`],
      ['into home, old value read', `${locals} ${set} (local.set $r (v128.xor (local.get $a) (local.tee $a (${op} (local.get $a)))))`],
    ];
  }
  // Twelve live values, more than the xmm temporaries: the deepest are spilled to their slots.
  const deep = Array.from({ length: 10 }, (_, i) => `(i32x4.splat (i32.const ${i}))`).join(' ');
  const drops = Array.from({ length: 10 }, () => '(local.set $b)').join(' ');
  return [
    ['home,home', `${locals} ${set} (local.set $r (${op} (local.get $a) (local.get $b)))`],
    ['home,const', `${locals} ${set} (local.set $r (${op} (local.get $a) (${K})))`],
    ['const,home', `${locals} ${set} (local.set $r (${op} (${K}) (local.get $b)))`],
    ['slot,slot', `${locals} (call $nop) ${set} (local.set $r (${op} (local.get $a) (local.get $b)))`],
    ['slot,const', `${locals} (call $nop) ${set} (local.set $r (${op} (local.get $a) (${K})))`],
    ['temp,home', `${locals} ${set} (local.set $r (${op} (v128.xor ${a} (local.get $b)) (local.get $b)))`],
    ['into home a = a op b', `${locals} ${set} (local.set $a (${op} (local.get $a) (local.get $b))) (local.set $r (local.get $a))`],
    ['into home b = a op b', `${locals} ${set} (local.set $b (${op} (local.get $a) (local.get $b))) (local.set $r (local.get $b))`],
    ['into home, old value read', `${locals} ${set} (local.set $r (v128.xor (local.get $a) (local.tee $a (${op} (local.get $b) (local.get $a)))))`],
    ['spilled,spilled', `${locals} (local.set $r ${a} ${b} ${deep} ${drops} (${op}))`],
    ['spilled,home', `${locals} (local.set $b ${b}) (local.set $r ${a} ${deep} ${drops} (local.get $b) (${op}))`],
  ];
}

function moduleText(): { text: string; names: string[] } {
  const funcs = ['(func $nop)'];
  const names: string[] = [];
  for (const [ops, unary] of [[BINARY, false], [UNARY, true]] as const) {
    for (const op of ops) {
      for (const [form, body] of bodies(op, unary)) {
        const name = `${op} ${form}`;
        names.push(name);
        funcs.push(`(func (export "${name}") (param i64 i64 i64 i64) (result i64 i64) ${body} ${OUT})`);
      }
    }
  }
  return { text: `(module ${funcs.join('\n')})`, names };
}

describe('SIMD operands read in place (homes, pool constants, frame slots)', function () {
  this.timeout(60000);
  for (const simd of ['avx', 'sse4.1'] as const) {
    it(`${simd}: every operand form gives V8's result`, async () => {
      const { text, names } = moduleText();
      const bytes = await wat(text);
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Record<string, Fn>;
      const engine = new Engine({ simd });
      const ours = engine.instantiate(engine.compile(bytes), {}).exports as unknown as Record<string, Fn>;
      const rng = new Rng(7);
      const r64 = (): bigint => BigInt.asIntN(64, (BigInt(rng.u32()) << 32n) | BigInt(rng.u32()));
      const problems: string[] = [];
      for (const name of names) {
        for (let k = 0; k < 6; k++) {
          const args = [r64(), r64(), r64(), r64()];
          const want = v8[name]!(...args);
          const got = ours[name]!(...args);
          // f32x4.div / sqrt may produce NaNs whose payload bits V8 and x86 agree on; compare exactly.
          if (String(got) !== String(want)) problems.push(`${name}(${args.join(', ')}): V8 ${String(want)}, wasmjit ${String(got)}`);
        }
      }
      expect(problems).to.deep.equal([]);
    });
  }
});
