// v128.load folded into the binary SIMD instruction after it (lower/ops/simd-load-fold.ts),
// loads and float splats written straight into homed v128 locals, and integer ALU results written straight into another homed local (int-numeric.ts
// aluIntoHome): results against V8 on both instruction paths and both bounds-check modes,
// out-of-bounds folded loads trapping at the load's offset like V8, and the folded form
// actually emitted with AVX.
import { expect } from 'chai';
import { compileModuleCode, decodeModule, validateModule } from '@wasmjit/codegen';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { disassemble, skipWithoutObjdump } from '../x64/objdump.js';
import { Rng } from './simd-inputs.js';

type Fn = (...args: unknown[]) => unknown;

const MODULE = `(module
  (memory 1)
  (func $nop)
  ;; p, q: byte addresses; the loads are the second operands of sub (not commutative)
  (func (export "sub") (param $p i32) (param $q i32) (result i64)
    (i64x2.extract_lane 0 (i32x4.sub (v128.load (local.get $p)) (v128.load offset=16 (local.get $q)))))
  (func (export "chain") (param $p i32) (param $q i32) (result i64) (local $a v128)
    (local.set $a (v128.load (local.get $q)))
    (local.set $a (f64x2.mul (local.get $a) (v128.load offset=32 (local.get $p))))
    (local.set $a (i16x8.sub_sat_s (local.get $a) (v128.load (i32.add (local.get $p) (i32.const 48)))))
    (i64.xor (i64x2.extract_lane 0 (local.get $a)) (i64x2.extract_lane 1 (local.get $a))))
  ;; the load is not folded across a call (the call settles it), nor when no binary op follows
  (func (export "settled") (param $p i32) (result i64) (local $a v128)
    (local.set $a (v128.load (local.get $p)))
    (call $nop)
    (i64x2.extract_lane 1 (i8x16.add (local.get $a) (v128.load (local.get $p)))))
  ;; ALU results into another homed local: add (lea), sub, and y = x - y
  (func (export "alu") (param $x i32) (param $y i32) (result i32) (local $z i32) (local $w i32)
    (local.set $z (i32.add (local.get $x) (local.get $y)))
    (local.set $w (i32.sub (local.get $x) (i32.const 7)))
    (local.set $y (i32.sub (local.get $x) (local.get $y)))
    (local.set $z (i32.xor (local.get $w) (local.tee $w (i32.add (local.get $z) (i32.const 100)))))
    (i32.add (i32.mul (local.get $z) (i32.const 31)) (i32.add (local.get $y) (local.get $w))))
  (func (export "alu64") (param $x i64) (param $y i64) (result i64) (local $z i64)
    (local.set $z (i64.add (local.get $x) (i64.const -5)))
    (local.set $y (i64.and (local.get $z) (local.get $y)))
    (i64.add (local.get $y) (local.get $z)))
  ;; loads and float splats written straight into homed v128 locals
  (func (export "intohome") (param $p i32) (param $q i32) (result i64) (local $a v128) (local $b v128) (local $x f64) (local $y f32)
    (local.set $x (f64.convert_i32_s (local.get $q)))
    (local.set $y (f32.convert_i32_u (local.get $p)))
    (local.set $a (v128.load8x8_s (local.get $p)))
    (local.set $b (v128.load64_splat offset=8 (local.get $q)))
    (local.set $a (i16x8.add (local.get $a) (local.get $b)))
    (local.set $b (f64x2.splat (local.get $x)))
    (local.set $a (i64x2.add (local.get $a) (local.get $b)))
    (local.set $b (f32x4.splat (local.get $y)))
    (local.set $a (v128.xor (local.get $a) (f32x4.splat (f32.add (local.get $y) (f32.const 1)))))
    (i64.xor (i64x2.extract_lane 1 (local.get $a)) (i64x2.extract_lane 0 (local.get $b))))
  (func (export "fill") (param $seed i32) (local $i i32)
    (loop $l
      (i32.store (local.get $i) (i32.mul (i32.add (local.get $i) (local.get $seed)) (i32.const 0x9e3779b1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 65536))))))`;

describe('folded v128 loads and ALU results into homes', function () {
  this.timeout(60000);
  let bytes: Uint8Array;
  before(async () => {
    bytes = await wat(MODULE);
  });

  for (const simd of ['avx', 'sse4.1'] as const) {
    for (const boundsChecks of ['guard', 'explicit'] as const) {
      it(`${simd}, ${boundsChecks}: V8's results and V8's trap offsets`, () => {
        const engine = new Engine({ simd, boundsChecks });
        const ours = engine.instantiate(engine.compile(bytes), {}).exports as Record<string, Fn>;
        const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as Record<string, Fn>;
        ours.fill!(12345);
        v8.fill!(12345);
        const rng = new Rng(5);
        for (let k = 0; k < 40; k++) {
          const p = rng.u32() % 65400;
          const q = rng.u32() % 65400;
          for (const name of ['sub', 'chain', 'settled', 'intohome']) {
            const args = name === 'settled' ? [p] : [p, q];
            expect(ours[name]!(...args), `${name}(${args})`).to.deep.equal(v8[name]!(...args));
          }
          const x = rng.u32() | 0;
          const y = rng.u32() | 0;
          expect(ours.alu!(x, y)).to.equal(v8.alu!(x, y));
          const bx = BigInt(x) << 20n;
          const by = BigInt(y) * 3n;
          expect(ours.alu64!(bx, by)).to.equal(v8.alu64!(bx, by));
        }
        for (const [name, args] of [['sub', [65530, 0]], ['sub', [0, 65520]], ['chain', [65500, 0]], ['chain', [0, 65530]]] as const) {
          const offsets = (f: Fn): number[] => {
            try {
              f(...args);
            } catch (e) {
              if (e instanceof RuntimeError) return e.frames.map((fr) => fr.offset);
              return [...String((e as Error).stack).matchAll(/wasm-function\[\d+\]:0x([0-9a-f]+)/g)].map((m) => parseInt(m[1]!, 16));
            }
            throw new Error(`${name}(${args}) did not trap`);
          };
          expect(offsets(ours[name]!), `${name}(${args})`).to.deep.equal(offsets(v8[name]!));
        }
      });
    }
  }

  it('with AVX the load is the instruction\'s memory operand (no load of its own)', function () {
    skipWithoutObjdump(this);
    const m = decodeModule(bytes);
    validateModule(m);
    const code = compileModuleCode(m, { simdAvx: true });
    const f = 1; // "sub"
    const [insns] = disassemble([code.code.subarray(code.funcOffsets[f]!, code.funcEnds[f]!)]);
    const texts = insns!.map((d) => d.text);
    expect(texts.filter((t) => /^vpsubd xmm\d+,xmm\d+,XMMWORD PTR \[r11\+/.test(t)), texts.join('\n')).to.have.length(1);
  });
});
