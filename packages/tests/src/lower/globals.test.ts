// Globals: global.get/set of every value type, the Global JS API, imports and exports shared
// across instances (one native cell), constant-expression initialisers (global.get of
// imports, extended-const arithmetic, ref.func), and link-time type checks.
import { expect } from 'chai';
import { Engine, Global, LinkError } from '@wasmjit/runtime';
import { wat, both, callBoth } from '../util/wat.js';

type Fn = (...args: unknown[]) => unknown;
type Exports = Record<string, unknown>;

async function instantiate(text: string, imports: Record<string, Record<string, unknown>> = {}, engine = new Engine()): Promise<Exports> {
  return engine.instantiate(engine.compile(await wat(text)), imports).exports;
}

function fn(e: Exports, name: string): Fn {
  return e[name] as Fn;
}

describe('globals', () => {
  it('get and set every numeric type, matching V8 (constants, registers, locals)', async () => {
    const b = both(await wat(`(module
      (global $a (mut i32) (i32.const -7)) (global $b (mut i64) (i64.const 0x123456789))
      (global $c (mut f32) (f32.const 1.5)) (global $d (mut f64) (f64.const -2.25))
      (func (export "get") (result i32 i64 f32 f64) global.get $a global.get $b global.get $c global.get $d)
      (func (export "set") (param i32 i64 f32 f64)
        local.get 0 global.set $a local.get 1 global.set $b local.get 2 global.set $c local.get 3 global.set $d)
      (func (export "set_consts")
        i32.const -1 global.set $a i64.const 0x7fffffffffffffff global.set $b
        f32.const -0.5 global.set $c f64.const 1e300 global.set $d)
      (func (export "set_small_consts") i64.const -3 global.set $b f32.const 0 global.set $c f64.const 0 global.set $d)
      (func (export "inc") (result i32) global.get $a i32.const 1 i32.add global.set $a global.get $a))`));
    const same = (name: string, ...args: unknown[]) => {
      const [ours, v8] = callBoth(b, name, args);
      expect(ours, name).to.deep.equal(v8);
    };
    same('get');
    same('set', 123, -5n, 3.25, 1e-300);
    same('get');
    same('inc');
    same('set_consts');
    same('get');
    same('set_small_consts');
    same('get');
    same('set', -1, -1n, NaN, -0);
    same('get');
  });

  it('an exported mutable global is one cell: wasm, JS and importing instances see each other’s writes', async () => {
    const a = await instantiate(`(module (global (export "g") (mut i32) (i32.const 1))
      (func (export "get") (result i32) global.get 0) (func (export "set") (param i32) local.get 0 global.set 0))`);
    const g = a.g as Global;
    expect(g).to.be.instanceOf(Global);
    const b = await instantiate(`(module (import "a" "g" (global (mut i32)))
      (func (export "get") (result i32) global.get 0) (func (export "set") (param i32) local.get 0 global.set 0)
      (export "g" (global 0)))`, { a: { g } });
    expect(b.g).to.equal(g); // re-exporting an import keeps the object
    fn(a, 'set')(10);
    expect(fn(b, 'get')()).to.equal(10);
    fn(b, 'set')(20);
    expect(fn(a, 'get')()).to.equal(20);
    expect(g.value).to.equal(20);
    g.value = 30;
    expect(fn(a, 'get')()).to.equal(30);
    expect(fn(b, 'get')()).to.equal(30);
  });

  it('imports a JS-created Global of each type, and a plain number/BigInt for immutable ones', async () => {
    const gi = new Global({ value: 'i32', mutable: true }, 5);
    const gl = new Global({ value: 'i64', mutable: true }, 2n ** 40n);
    const gf = new Global({ value: 'f32', mutable: true }, 0.1);
    const gd = new Global({ value: 'f64' }, Math.PI);
    const e = await instantiate(`(module
      (import "m" "i" (global $i (mut i32))) (import "m" "l" (global $l (mut i64)))
      (import "m" "f" (global $f (mut f32))) (import "m" "d" (global $d f64))
      (import "m" "n" (global $n i32)) (import "m" "b" (global $b i64))
      (func (export "get") (result i32 i64 f32 f64 i32 i64)
        global.get $i global.get $l global.get $f global.get $d global.get $n global.get $b)
      (func (export "bump") global.get $i i32.const 1 i32.add global.set $i
        global.get $l i64.const 1 i64.add global.set $l
        global.get $f f32.const 2 f32.mul global.set $f))`,
    { m: { i: gi, l: gl, f: gf, d: gd, n: 77, b: -8n } });
    expect(fn(e, 'get')()).to.deep.equal([5, 2n ** 40n, Math.fround(0.1), Math.PI, 77, -8n]);
    fn(e, 'bump')();
    expect([gi.value, gl.value, gf.value]).to.deep.equal([6, 2n ** 40n + 1n, Math.fround(Math.fround(0.1) * 2)]);
  });

  it('the Global API: defaults, conversions, immutability, valueOf', () => {
    expect(new Global({ value: 'i32' }).value).to.equal(0);
    expect(new Global({ value: 'i64' }).value).to.equal(0n);
    expect(new Global({ value: 'anyfunc' }).value).to.equal(null);
    expect(new Global({ value: 'externref' }).value).to.equal(undefined);
    expect(new Global({ value: 'i32' }, 2 ** 32 + 3).value).to.equal(3);
    expect(new Global({ value: 'i32' }, '12').value).to.equal(12);
    expect(new Global({ value: 'f32' }, 0.1).value).to.equal(Math.fround(0.1));
    expect(new Global({ value: 'i64' }, -1n).value).to.equal(-1n);
    expect(() => new Global({ value: 'i64' }, 1)).to.throw(TypeError);
    expect(() => new Global({ value: 'i32' }, 1n)).to.throw(TypeError);
    expect(() => new Global({ value: 'v128' as 'i32' })).to.throw(TypeError);
    const g = new Global({ value: 'f64' }, 1.5);
    expect(() => {
      g.value = 2;
    }).to.throw(TypeError);
    expect(g.valueOf()).to.equal(1.5);
    const obj = { x: 1 };
    const ext = new Global({ value: 'externref', mutable: true }, obj);
    expect(ext.value).to.equal(obj);
    ext.value = null;
    expect(ext.value).to.equal(null);
  });

  it('link errors: wrong type, wrong mutability, non-Global for a mutable import, Number for i64', async () => {
    const bytes = async (t: string) => wat(`(module (import "m" "g" (global ${t})))`);
    const engine = new Engine();
    const link = async (t: string, g: unknown) => engine.instantiate(engine.compile(await bytes(t)), { m: { g } });
    const errorOf = async (t: string, g: unknown) => {
      try {
        await link(t, g);
        return null;
      } catch (e) {
        return e;
      }
    };
    expect(await errorOf('i32', new Global({ value: 'i64' }, 0n))).to.be.instanceOf(LinkError);
    expect(await errorOf('(mut i32)', new Global({ value: 'i32' }, 0))).to.be.instanceOf(LinkError);
    expect(await errorOf('i32', new Global({ value: 'i32', mutable: true }, 0))).to.be.instanceOf(LinkError);
    expect(await errorOf('(mut i32)', 5)).to.be.instanceOf(LinkError);
    expect(await errorOf('i64', 5)).to.be.instanceOf(LinkError);
    expect(await errorOf('i32', 5n)).to.be.instanceOf(LinkError);
    expect(await errorOf('funcref', () => 1)).to.be.instanceOf(LinkError);
    expect(await errorOf('i32', 5)).to.equal(null);
  });

  it('initialisers: global.get of imports, extended-const arithmetic, ref.func', async () => {
    const engine = new Engine({ features: { extendedConst: true } });
    const e = await instantiate(`(module
      (import "m" "base" (global $base i32)) (import "m" "big" (global $big i64))
      (global $a i32 (i32.add (global.get $base) (i32.mul (i32.const 3) (i32.const 4))))
      (global $b i64 (i64.sub (global.get $big) (i64.const 1)))
      (global $c i32 (i32.sub (i32.const 0) (i32.const 1)))
      (global $d i64 (i64.mul (i64.const 0x100000000) (i64.const 0x100000000)))
      (global $f (export "f") funcref (ref.func $answer))
      (global $n (export "n") funcref (ref.null func))
      (func $answer (export "answer") (result i32) i32.const 42)
      (func (export "get") (result i32 i64 i32 i64) global.get $a global.get $b global.get $c global.get $d)
      (type $t (func (result i32)))
      (table 1 funcref)
      (func (export "call_f") (result i32) i32.const 0 global.get $f table.set 0 i32.const 0 call_indirect (type $t)))`,
    { m: { base: 100, big: 2n ** 63n - 1n } }, engine);
    expect(fn(e, 'get')()).to.deep.equal([112, 2n ** 63n - 2n, -1, 0n]);
    expect((e.f as Global).value).to.equal(e.answer);
    expect((e.n as Global).value).to.equal(null);
    expect(fn(e, 'call_f')()).to.equal(42);
  });

  it('funcref and externref globals: set from wasm and JS, identity preserved', async () => {
    const e = await instantiate(`(module
      (global $f (export "f") (mut funcref) (ref.null func))
      (global $x (export "x") (mut externref) (ref.null extern))
      (func $one (export "one") (result i32) i32.const 1)
      (elem declare func $one)
      (func (export "set_f") ref.func $one global.set $f)
      (func (export "get_x") (result externref) global.get $x)
      (func (export "set_x") (param externref) local.get 0 global.set $x))`);
    const f = e.f as Global;
    expect(f.value).to.equal(null);
    fn(e, 'set_f')();
    expect(f.value).to.equal(e.one);
    const obj = { hello: 'world' };
    fn(e, 'set_x')(obj);
    expect((e.x as Global).value).to.equal(obj);
    (e.x as Global).value = 'str';
    expect(fn(e, 'get_x')()).to.equal('str');
    expect(() => {
      f.value = () => 0;
    }).to.throw(TypeError);
  });
});
