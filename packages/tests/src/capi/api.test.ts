// The C API (native/include/wasmjit_api.h) through the sample add-on: native imports linked
// by instantiate() and called by wasm, memory access, traps with a message, multi-value,
// calls from C into exports with traps as error codes, and the validation of every JS value.
import { expect } from 'chai';
import { Engine, LinkError, RuntimeError, nativeApi, nativeApiIncludeDir, nativeFunction } from '@wasmjit/runtime';
import * as WA from '@wasmjit/runtime/webassembly';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sampleAddon } from './scenarios.js';
import { thrown, watNamed, type Exports } from '../stack/support.js';

const MOD = `(module
  (import "n" "add" (func $add (param i32 i32) (result i32)))
  (import "n" "mem_sum" (func $sum (param i32 i32) (result i32)))
  (import "n" "mem_fill" (func $fill (param i32 i32 i32)))
  (import "n" "twice" (func $twice (param f64 i64) (result f64 i64)))
  (import "n" "callback" (func $cb (param i32) (result i32)))
 (import "n" "scramble" (func $scramble (param f64) (result f64)))
  (import "js" "log" (func $log (param i32) (result i32)))
  (memory (export "mem") 1)
  (func (export "add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "sum") (param i32 i32) (result i32) (call $sum (local.get 0) (local.get 1)))
  (func (export "fill") (param i32 i32 i32) (call $fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "twice") (param f64 i64) (result f64 i64) (call $twice (local.get 0) (local.get 1)))
  (func $mid (export "via_cb") (param i32) (result i32) (i32.mul (call $cb (local.get 0)) (i32.const 10)))
  (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "calls_js") (param i32) (result i32) (call $log (local.get 0)))
  (func (export "keeps_floats") (param f64 i32) (result f64)
    (local $a f64) (local $b f64) (local $i i32)
    (loop $l
      (local.set $a (f64.add (local.get $a) (local.get 0)))
      (local.set $b (f64.add (local.get $b) (call $scramble (f64.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 1))))
    (f64.add (local.get $a) (local.get $b)))
  (func (export "ref") (result funcref) (ref.null func)))`;

describe('capi: the C API through the sample add-on', () => {
  const addon = sampleAddon();
  let ex: Exports;
  const logged: number[] = [];
  before(async () => {
    const engine = new Engine();
    const imports = { n: addon.imports(), js: { log: (x: number) => (logged.push(x), x + 1) } };
    ex = engine.instantiate(engine.compile(await watNamed(MOD)), imports as never).exports as Exports;
  });

  it('nativeApi() is an External the add-on accepts; anything else is refused', () => {
    expect(typeof nativeApi()).to.equal('object');
    expect(() => addon.init({})).to.throw(TypeError, /nativeApi/);
    expect(existsSync(join(nativeApiIncludeDir(), 'wasmjit_api.h'))).to.equal(true);
  });

  it('wasm calls a native import with scalar arguments and results', () => {
    expect(ex.add!(2, 40)).to.equal(42);
    expect(ex.add!(0x7fffffff, 1)).to.equal(-0x80000000);
    expect(ex.twice!(1.25, 41n)).to.deep.equal([2.5, 42n]);
    expect(ex.twice!(-0.5, -1n)).to.deep.equal([-1, 0n]);
  });

  it('float locals of the caller survive the native call (xmm8..13 are restored)', () => {
    expect(ex.keeps_floats!(2, 5)).to.equal(15);
  });

  it('reads and writes the caller memory, bounds-checked, trapping with the import message', () => {
    const mem = new Uint8Array((ex.mem as unknown as WebAssembly.Memory).buffer);
    ex.fill!(100, 10, 7);
    expect([...mem.subarray(99, 111)]).to.deep.equal([0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0]);
    expect(ex.sum!(100, 10)).to.equal(70);
    expect(ex.sum!(65536 - 4, 4)).to.equal(0);
    expect(ex.sum!(65536, 0)).to.equal(0);
    for (const [p, n] of [[65536 - 4, 5], [65537, 0], [-1, 1], [0, -1]]) {
      const e = thrown(() => ex.sum!(p, n));
      expect(e).to.be.instanceOf(RuntimeError);
      expect(e).to.include({ trap: 'host_trap', message: "mem_sum: range outside the caller's memory" });
    }
    const e = thrown(() => ex.fill!(65000, 1000, 1)) as RuntimeError;
    expect(e.message).to.equal("mem_fill: range outside the caller's memory");
    expect(mem[65000]).to.equal(0);
  });

  it('a host trap unwinds only wasm frames, with a backtrace naming the caller, and the instance stays usable', () => {
    const e = thrown(() => ex.sum!(70000, 1)) as RuntimeError & { frames: { name?: string }[] };
    expect(e.trap).to.equal('host_trap');
    expect(e.frames.length).to.be.greaterThan(0);
    expect(ex.add!(1, 2)).to.equal(3);
  });

  it('instantiate links a handle only for the same signature; forged handles are not functions', async () => {
    const engine = new Engine();
    const wrong = await watNamed('(module (import "n" "add" (func (param i32) (result i32))))');
    expect(() => engine.instantiate(engine.compile(wrong), { n: addon.imports() } as never)).to.throw(LinkError, /does not match/);
    const m = engine.compile(await watNamed('(module (import "n" "add" (func (param i32 i32) (result i32))))'));
    for (const fake of [{}, Object.create(addon.imports().add), { ...addon.imports().add }, nativeApi()]) {
      expect(() => engine.instantiate(m, { n: { add: fake } } as never)).to.throw(LinkError, /callable/);
    }
  });

  it('a linked native import can be re-exported, put in a table and called from JS or C', async () => {
    const engine = new Engine();
    const bytes = await watNamed(`(module
      (import "n" "add" (func $add (param i32 i32) (result i32)))
      (import "n" "mem_sum" (func $sum (param i32 i32) (result i32)))
      (type $t (func (param i32 i32) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $add)
      (export "add" (func $add)) (export "sum" (func $sum))
      (func (export "ind") (param i32 i32) (result i32)
        (call_indirect (type $t) (local.get 0) (local.get 1) (i32.const 0))))`);
    const e = engine.instantiate(engine.compile(bytes), { n: addon.imports() } as never).exports as Exports;
    expect(e.ind!(3, 4)).to.equal(7);
    expect(e.add!(1, 2)).to.equal(3);
    expect(addon.callI32(nativeFunction(e.add), 5, 6)).to.equal(11);
    // Called from JS there is no calling instance, so no memory: mem_ptr refuses every range.
    expect(thrown(() => e.sum!(0, 1))).to.include({ trap: 'host_trap', message: "mem_sum: range outside the caller's memory" });
  });

  it('the WebAssembly namespace accepts native import handles too', async () => {
    const bytes = await watNamed('(module (import "n" "add" (func $a (param i32 i32) (result i32))) (func (export "f") (result i32) (call $a (i32.const 20) (i32.const 22))))');
    const { instance } = (await WA.WebAssembly.instantiate(bytes, { n: { add: addon.imports().add } })) as { instance: { exports: Record<string, unknown> } };
    expect((instance.exports.f as () => number)()).to.equal(42);
  });

  it('C calls an export with typed arguments; a trap comes back as a code and message', () => {
    expect(addon.callI32(nativeFunction(ex.sq), 9)).to.equal(81);
    expect(addon.callI32(nativeFunction(ex.div), 7, 2)).to.equal(3);
    const e = thrown(() => addon.callI32(nativeFunction(ex.div), 1, 0)) as Error & { code: number };
    expect(e.message).to.equal('divide by zero');
    expect(e.code).to.equal(3);
    expect(addon.callI32(nativeFunction(ex.sq), 3)).to.equal(9);
  });

  it('wasm called from C (an N-API callback) calls JS imports: results come back through C', () => {
    const before = logged.length;
    expect(addon.callI32(nativeFunction(ex.calls_js), 41)).to.equal(42);
    expect(logged.slice(before)).to.deep.equal([41]);
    expect(ex.calls_js!(5)).to.equal(6);
  });

  it('a JS import of C-called wasm that throws: the same exception reaches JS, the activation is gone', async () => {
    const thrownValue = { mine: true };
    const imports = {
      n: addon.imports(),
      js: { log: (x: number) => { if (x < 0) throw thrownValue; return x * 2; } },
    };
    const engine = new Engine();
    const own = engine.instantiate(engine.compile(await watNamed(MOD)), imports as never).exports as Exports;
    expect(thrown(() => addon.callI32(nativeFunction(own.calls_js), -1))).to.equal(thrownValue);
    // Nothing is left suspended: C and JS calls keep working, with nesting.
    expect(addon.callI32(nativeFunction(own.calls_js), 21)).to.equal(42);
    expect(own.calls_js!(4)).to.equal(8);
  });

  it('C-called wasm whose JS import calls C-called wasm again nests, and traps come back as codes', async () => {
    let depth = 0;
    let inner: object | undefined;
    const imports = {
      n: addon.imports(),
      js: {
        log: (x: number) => {
          depth++;
          // Re-enter from JS through C: a nested activation below the suspended one.
          if (x > 0) return addon.callI32(inner!, x - 1) + 1;
          return 100;
        },
      },
    };
    const engine = new Engine();
    const own = engine.instantiate(engine.compile(await watNamed(MOD)), imports as never).exports as Exports;
    inner = nativeFunction(own.calls_js);
    expect(addon.callI32(inner, 50)).to.equal(150);
    expect(depth).to.equal(51);
    const e = thrown(() => addon.callI32(nativeFunction(own.div), 1, 0)) as Error & { code: number };
    expect(e.code).to.equal(3);
  });

  it('wasm that a native import calls may not call a JS import (JS cannot run on the wasm stack)', () => {
    const before = logged.length;
    addon.setCallback(nativeFunction(ex.calls_js));
    const e = thrown(() => ex.via_cb!(1)) as RuntimeError;
    expect(e).to.be.instanceOf(RuntimeError);
    expect(addon.lastError()).to.match(/JS import/);
    expect(logged.length).to.equal(before);
    expect(ex.calls_js!(5)).to.equal(6);
  });

  it('C cannot call into a disposed instance: WJ_ERR_DISPOSED, no wasm runs', async () => {
    const engine = new Engine();
    const inst = engine.instantiate(engine.compile(await watNamed(MOD)), { n: addon.imports(), js: { log: (x: number) => x } } as never);
    const own = inst.exports as Exports;
    const h = nativeFunction(own.sq);
    expect(addon.callI32(h, 5)).to.equal(25);
    inst.dispose();
    const e = thrown(() => addon.callI32(h, 5)) as Error & { code: number };
    expect(e.code).to.equal(-4);
    expect(e.message).to.match(/disposed/);
    expect(() => own.sq!(5)).to.throw(TypeError, /disposed/);
  });

  it('a native import calls back into wasm: results, and a trap passed on with its code', () => {
    addon.setCallback(nativeFunction(ex.sq));
    expect(ex.via_cb!(4)).to.equal(160);
    addon.setCallback(nativeFunction(ex.via_cb));
    // via_cb → callback → via_cb → ... until the wasm stack runs out: stack_overflow.
    const e = thrown(() => ex.via_cb!(1)) as RuntimeError;
    expect(e).to.include({ trap: 'stack_overflow' });
  });

  it('nativeFunction and func_from_value refuse what is not a scalar wasm function', () => {
    expect(() => nativeFunction(() => 1)).to.throw(TypeError, /exported wasm function/);
    expect(() => nativeFunction(ex.ref)).to.throw(TypeError, /i32, i64, f32 and f64/);
    expect(() => addon.callI32({}, 1)).to.throw(TypeError, /nativeFunction/);
    expect(() => addon.callI32(addon.imports().add, 1)).to.throw(TypeError, /nativeFunction/);
    expect(() => addon.setCallback(nativeFunction(ex.add))).to.throw(TypeError, /\(i32\) -> i32/);
    expect(() => addon.callI32(nativeFunction(ex.sq), 1, 2)).to.throw(TypeError, /count/);
  });
});
