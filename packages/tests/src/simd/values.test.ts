// v128 values in the register cache and at the boundaries: locals and params, spills when
// more v128 values are live than there are xmm registers, calls (v128 params and results,
// multi-value, call_indirect, across instances), blocks with v128 params/results, br/br_if/
// br_table carrying v128, select, loops, globals; and the JS boundary, where a v128 is a
// TypeError as in V8. Results are compared with V8 where JS can observe them.
import { expect } from 'chai';
import { Engine, Global, callRaw, globalRawBits } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { withPinnedWasmStack } from '../stack/support.js';

type Fn = (...args: unknown[]) => unknown;
const v128Of = (lo: number, hi: number) => `(i64x2.replace_lane 1 (i64x2.splat (local.get ${lo})) (local.get ${hi}))`;

function run(bytes: Uint8Array, name: string, args: unknown[], simd: 'avx' | 'sse4.1', imports: WebAssembly.Imports = {}): [unknown, unknown] {
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports as unknown as Record<string, Fn>;
  const engine = new Engine({ simd });
  const ours = engine.instantiate(engine.compile(bytes), imports as Record<string, Record<string, unknown>>).exports as unknown as Record<string, Fn>;
  return [ours[name]!(...args), v8[name]!(...args)];
}

describe('v128 values in registers, frames and calls', function () {
  this.timeout(60000);
  for (const simd of ['avx', 'sse4.1'] as const) {
    it(`${simd}: 20 live v128 values (spilled and filled), reduced in reverse order`, async () => {
      // Each value is distinct; the sum with position weights detects any swapped or lost spill.
      const n = 20;
      const body = [...Array(n).keys()].map((i) => `(i32x4.add (i32x4.splat (local.get 0)) (v128.const i32x4 ${i} ${i * 3} ${i * 7} ${i * 11}))`).join(' ');
      const reduce = [...Array(n - 1).keys()].map((i) => `(i32x4.mul (v128.const i32x4 ${i + 2} 1 1 ${i + 2})) i32x4.add`).join(' ');
      const bytes = await wat(`(module (func (export "f") (param i32) (result i32 i32 i32 i32) (local $r v128)
        ${body} ${reduce} (local.set $r)
        (i32x4.extract_lane 0 (local.get $r)) (i32x4.extract_lane 1 (local.get $r)) (i32x4.extract_lane 2 (local.get $r)) (i32x4.extract_lane 3 (local.get $r))))`);
      const [ours, v8] = run(bytes, 'f', [1000], simd);
      expect(ours).to.deep.equal(v8);
    });

    it(`${simd}: v128 params and results of wasm calls, multi-value, mixed with scalars, call_indirect`, async () => {
      const bytes = await wat(`(module
        (type $t (func (param i32 v128 f64 v128) (result v128 i32 v128)))
        (table 1 funcref) (elem (i32.const 0) $g)
        (func $g (type $t)
          (i32x4.add (local.get 1) (i32x4.splat (local.get 0)))
          (i32.trunc_f64_s (local.get 2))
          (i32x4.sub (local.get 3) (local.get 1)))
        (func $id (param v128) (result v128) (local.get 0))
        (func (export "f") (param i64 i64 i64 i64) (result i64 i64 i32 i64 i64)
          (local $a v128) (local $b v128) (local $x i32)
          (call $g (i32.const 5) ${v128Of(0, 1)} (f64.const 7.9) ${v128Of(2, 3)})
          (local.set $b) (local.set $x) (local.set $a)
          (i64x2.extract_lane 0 (call $id (local.get $a))) (i64x2.extract_lane 1 (local.get $a))
          (local.get $x)
          (call_indirect (type $t) (i32.const 1) (local.get $b) (f64.const -2.5) (local.get $a) (i32.const 0))
          (local.set $b) (local.set $x) (local.set $a)
          (i64x2.extract_lane 0 (local.get $b)) (i64x2.extract_lane 1 (local.get $b))))`);
      const [ours, v8] = run(bytes, 'f', [1n, 2n, -7n, 0x123456789n], simd);
      expect(ours).to.deep.equal(v8);
    });

    it(`${simd}: blocks, loops, br_if/br_table and select carrying v128`, async () => {
      const bytes = await wat(`(module
        (func (export "f") (param i64 i64 i32) (result i64 i64) (local $r v128) (local $i i32)
          ${v128Of(0, 1)}
          (block (param v128) (result v128)
            (loop (param v128) (result v128)
              (i64x2.add (v128.const i64x2 3 5))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if 0 (i32.lt_u (local.get $i) (local.get 2)))
              (i64x2.add (v128.const i64x2 100 200))
              (br_table 0 1 (i32.gt_u (local.get $i) (i32.const 2)))
              ))
          (local.set $r)
          (select (local.get $r) (i64x2.neg (local.get $r)) (i32.and (local.get 2) (i32.const 2)))
          (local.set $r)
          (i64x2.extract_lane 0 (local.get $r)) (i64x2.extract_lane 1 (local.get $r))))`);
      for (const k of [1, 2, 3, 4, 7]) {
        const [ours, v8] = run(bytes, 'f', [10n, -20n, k], simd);
        expect(ours, `k=${k}`).to.deep.equal(v8);
      }
    });

    it(`${simd}: v128 locals in register homes (no calls) survive builtins (memory.grow, memory.fill) in the loop`, async () => {
      // The loop's v128 locals are homed in xmm8..13 (local-regs.ts); host_call keeps all 128 bits.
      const bytes = await wat(`(module (memory 1 100)
        (func (export "f") (param i64 i64 i32) (result i64 i64) (local $a v128) (local $b v128) (local $i i32)
          (local.set $a ${v128Of(0, 1)}) (local.set $b (v128.const i32x4 1 2 3 4))
          (loop $l
            (local.set $a (i32x4.add (local.get $a) (local.get $b)))
            (local.set $b (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $b) (local.get $b)))
            (drop (memory.grow (i32.const 0)))
            (memory.fill (i32.const 0) (i32.const 7) (i32.const 16))
            (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get 2))))
          (i64x2.extract_lane 0 (local.get $a)) (i64x2.extract_lane 1 (i32x4.add (local.get $a) (v128.load (i32.const 0))))))`);
      for (const n of [1, 5, 100]) {
        const [ours, v8] = run(bytes, 'f', [0x1111111122222222n, -0x3333333344444444n, n], simd);
        expect(ours, `n=${n}`).to.deep.equal(v8);
      }
    });

    it(`${simd}: v128 globals (mutable, exported, imported by another instance)`, async () => {
      const a = await wat(`(module (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
        (func (export "add") (param i32) (global.set $g (i32x4.add (global.get $g) (i32x4.splat (local.get 0)))))
        (func (export "lane") (param i32) (result i32) (i32x4.extract_lane 3 (global.get $g))))`);
      const b = await wat(`(module (import "a" "g" (global $g (mut v128)))
        (func (export "lane0") (result i32) (i32x4.extract_lane 0 (global.get $g)))
        (func (export "set") (global.set $g (v128.const i32x4 -1 -2 -3 -4))))`);
      const engine = new Engine({ simd });
      const ia = engine.instantiate(engine.compile(a), {}).exports as Record<string, unknown>;
      const ib = engine.instantiate(engine.compile(b), { a: { g: ia.g } }).exports as Record<string, unknown>;
      (ia.add as Fn)(10);
      expect((ia.lane as Fn)(3)).to.equal(14);
      expect((ib.lane0 as Fn)()).to.equal(11);
      (ib.set as Fn)();
      expect((ia.lane as Fn)(3)).to.equal(-4);
      expect(globalRawBits(ia.g)).to.equal(0xfffffffc_fffffffd_fffffffe_ffffffffn);
    });
  }
});

describe('v128 at the JS boundary (TypeError, as in V8)', function () {
  this.timeout(60000);
  it('calling an export with a v128 param or result throws TypeError in both engines; callRaw carries the bits', async () => {
    const bytes = await wat(`(module
      (func (export "p") (param v128))
      (func (export "r") (result v128) (v128.const i32x4 1 2 3 4))
      (func (export "swap") (param v128) (result v128) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get 0) (local.get 0))))`);
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Record<string, Fn>;
    const engine = new Engine();
    const ours = engine.instantiate(engine.compile(bytes), {}).exports as unknown as Record<string, Fn>;
    for (const name of ['p', 'r']) {
      expect(() => v8[name]!(0), `V8 ${name}`).to.throw(TypeError);
      expect(() => ours[name]!(0), `wasmjit ${name}`).to.throw(TypeError);
    }
    expect(callRaw(ours.swap as Fn, [0x00112233_44556677_8899aabb_ccddeeffn])).to.deep.equal([0x8899aabb_ccddeeff_00112233_44556677n]);
    expect(callRaw(ours.r as Fn, [])).to.deep.equal([0x00000004_00000003_00000002_00000001n]);
  });

  it('a JS import with v128 in its type links, and calling it throws TypeError', async () => {
    const bytes = await wat(`(module (import "m" "f" (func $f (param v128)))
      (func (export "call") (call $f (v128.const i64x2 0 0))) (func (export "ok") (result i32) (i32.const 7)))`);
    let called = false;
    const imports = { m: { f: () => { called = true; } } };
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports as unknown as Record<string, Fn>;
    const engine = new Engine();
    const ours = engine.instantiate(engine.compile(bytes), imports).exports as unknown as Record<string, Fn>;
    expect(() => v8.call!()).to.throw(TypeError);
    expect(() => ours.call!()).to.throw(TypeError);
    expect(called).to.equal(false);
    expect(ours.ok!()).to.equal(7); // the instance still works
    // The suspended activation was dropped: nothing is left running on this thread's wasm stack
    // (pinning it would throw 'wasm is running on this thread' otherwise).
    withPinnedWasmStack(1 << 20, () => undefined);
  });

  it('a v128 global: value get/set throw TypeError; JS cannot make one; a number import is a LinkError', async () => {
    const bytes = await wat(`(module (global (export "g") (mut v128) (v128.const i64x2 1 2)))`);
    const v8g = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports.g as WebAssembly.Global;
    const engine = new Engine();
    const g = engine.instantiate(engine.compile(bytes), {}).exports.g as Global;
    expect(() => v8g.value).to.throw(TypeError);
    expect(() => g.value).to.throw(TypeError);
    expect(() => { g.value = 1; }).to.throw(TypeError);
    expect(() => new Global({ value: 'v128' as 'i32' }, 0)).to.throw(TypeError);
    const imp = await wat(`(module (import "m" "g" (global v128)))`);
    expect(() => engine.instantiate(engine.compile(imp), { m: { g: 0 } })).to.throw(/v128 global import requires a Global/);
  });
});
