// Tables and references: call_indirect (in one instance and across instances, with the three
// traps by name), table.get/set/size/grow/fill/copy/init and elem.drop against V8, the Table
// JS API sharing one table between JS and several instances, element segments at
// instantiation, and funcref/externref identity across the JS boundary.
import { expect } from 'chai';
import { Engine, RuntimeError, Table, LinkError } from '@wasmjit/runtime';
import { wat, both, callBoth } from '../util/wat.js';

type Fn = (...args: unknown[]) => unknown;
type Exports = Record<string, unknown>;

const engine = new Engine();

async function instantiate(text: string, imports: Record<string, Record<string, unknown>> = {}): Promise<Exports> {
  return engine.instantiate(engine.compile(await wat(text)), imports).exports;
}

function fn(e: Exports, name: string): Fn {
  return e[name] as Fn;
}

/** The trap name of calling f, or 'none'. */
function trapOf(f: () => unknown): string {
  try {
    f();
    return 'none';
  } catch (e) {
    if (e instanceof RuntimeError) return e.trap;
    throw e;
  }
}

describe('tables and call_indirect', () => {
  it('call_indirect traps by name: out of range, null entry, signature mismatch', async () => {
    const e = await instantiate(`(module
      (type $ii (func (param i32) (result i32)))
      (type $v (func (result i32)))
      (table 4 funcref)
      (func $double (type $ii) local.get 0 i32.const 2 i32.mul)
      (func $seven (type $v) i32.const 7)
      (elem (i32.const 0) $double $seven)
      (func (export "ii") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (type $ii))
      (func (export "v") (param i32) (result i32) local.get 0 call_indirect (type $v)))`);
    expect(fn(e, 'ii')(0, 21)).to.equal(42);
    expect(fn(e, 'v')(1)).to.equal(7);
    expect(trapOf(() => fn(e, 'ii')(1, 0))).to.equal('bad_signature');
    expect(trapOf(() => fn(e, 'v')(0))).to.equal('bad_signature');
    expect(trapOf(() => fn(e, 'v')(2))).to.equal('uninitialized_element');
    expect(trapOf(() => fn(e, 'v')(4))).to.equal('out_of_bounds_table');
    expect(trapOf(() => fn(e, 'v')(-1))).to.equal('out_of_bounds_table');
  });

  it('constant table indexes (folded into the addressing when small) are bounds checked', async () => {
    const consts = [0, 1, 2, 3, 0x0fffffff, 0x10000000, 0x7fffffff, -1];
    const e = await instantiate(`(module
      (table $t 3 funcref)
      (func $f (result i32) i32.const 9)
      (elem (i32.const 1) $f)
      ${consts.map((c, i) => `
      (func (export "get${i}") (result i32) i32.const ${c} table.get $t ref.is_null)
      (func (export "set${i}") i32.const ${c} ref.func $f table.set $t)
      (func (export "setnull${i}") i32.const ${c} ref.null func table.set $t)
      (func (export "call${i}") (result i32) i32.const ${c} call_indirect $t (result i32))`).join('')})`);
    consts.forEach((c, i) => {
      const inRange = c >= 0 && c < 3;
      expect(trapOf(() => fn(e, `get${i}`)()), `get ${c}`).to.equal(inRange ? 'none' : 'out_of_bounds_table');
      expect(trapOf(() => fn(e, `call${i}`)()), `call ${c}`).to.equal(c === 1 ? 'none' : inRange ? 'uninitialized_element' : 'out_of_bounds_table');
      expect(trapOf(() => fn(e, `set${i}`)()), `set ${c}`).to.equal(inRange ? 'none' : 'out_of_bounds_table');
      if (inRange) expect(fn(e, `call${i}`)()).to.equal(9);
      expect(trapOf(() => fn(e, `setnull${i}`)()), `setnull ${c}`).to.equal(inRange ? 'none' : 'out_of_bounds_table');
      if (inRange) expect(fn(e, `get${i}`)()).to.equal(1);
    });
  });

  it('call_indirect with many arguments, multiple results and live values around the call', async () => {
    const b = both(await wat(`(module
      (type $t (func (param i64 i32 f64 i32 i64 f32 i32) (result i64 f64 i32)))
      (table 2 funcref)
      (func $f (type $t)
        local.get 0 local.get 4 i64.add local.get 1 i64.extend_i32_s i64.add
        local.get 2 local.get 5 f64.promote_f32 f64.mul
        local.get 3 local.get 6 i32.sub)
      (elem (i32.const 1) $f)
      (func (export "go") (param i32) (result i64 f64 i32 i32)
        (local i32) i32.const 1000 local.set 1
        i64.const 5 i32.const -3 f64.const 1.5 i32.const 10 i64.const 7 f32.const 2 i32.const 4
        local.get 0 call_indirect (type $t)
        local.get 1 i32.const 1 i32.add))`));
    const [ours, v8] = callBoth(b, 'go', [1]);
    expect(ours).to.deep.equal(v8);
    expect(callBoth(b, 'go', [0])[0]).to.deep.equal(callBoth(b, 'go', [0])[1]);
  });

  it('call_indirect across instances runs the callee in its own instance (its globals)', async () => {
    const a = await instantiate(`(module
      (global $g (mut i32) (i32.const 100))
      (table (export "tab") 2 funcref)
      (func $bump (export "bump") (result i32) global.get $g i32.const 1 i32.add global.set $g global.get $g)
      (elem (i32.const 0) $bump)
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))`);
    const b = await instantiate(`(module
      (import "a" "tab" (table 2 funcref))
      (global $g (mut i32) (i32.const 5))
      (func $mine (result i32) global.get $g i32.const 10 i32.add global.set $g global.get $g)
      (elem (i32.const 1) $mine)
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32))
      (func (export "g") (result i32) global.get $g))`, { a: { tab: a.tab } });
    expect(fn(b, 'call')(0)).to.equal(101); // a's function, a's global
    expect(fn(a, 'call')(1)).to.equal(15); // b's function through a's code, b's global
    expect(fn(b, 'call')(1)).to.equal(25);
    expect(fn(b, 'g')()).to.equal(25);
    expect(fn(a, 'call')(0)).to.equal(102);
    // The table holds the same function objects JS sees.
    expect((a.tab as Table).get(0)).to.equal(a.bump);
  });

  it('JS function imports in a table are callable through call_indirect', async () => {
    const calls: number[] = [];
    const e = await instantiate(`(module
      (import "js" "log" (func $log (param i32) (result i32)))
      (table $t (export "t") 2 funcref)
      (elem (i32.const 0) $log)
      (func (export "set1") i32.const 1 ref.func $log table.set $t)
      (func (export "call") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (param i32) (result i32)))`,
    { js: { log: (x: number) => (calls.push(x), x * 3) } });
    expect(fn(e, 'call')(0, 5)).to.equal(15);
    fn(e, 'set1')();
    expect(fn(e, 'call')(1, 7)).to.equal(21);
    expect(calls).to.deep.equal([5, 7]);
    const t = e.t as Table;
    expect(t.get(0)).to.equal(t.get(1));
    expect((t.get(0) as Fn)(2)).to.equal(6);
  });

  it('table.get/set/size/grow/fill/copy/init and elem.drop match V8', async () => {
    const b = both(await wat(`(module
      (table $t 3 10 funcref) (table $u 2 externref)
      (func $a (result i32) i32.const 1) (func $b (result i32) i32.const 2) (func $c (result i32) i32.const 3)
      (elem $p func $a $b $c $a)
      (elem declare func $c)
      (func (export "size") (result i32 i32) table.size $t table.size $u)
      (func (export "grow") (param i32) (result i32) ref.func $c local.get 0 table.grow $t)
      (func (export "grow_u") (param externref i32) (result i32) local.get 0 local.get 1 table.grow $u)
      (func (export "fill") (param i32 i32) local.get 0 ref.func $b local.get 1 table.fill $t)
      (func (export "fill_null") (param i32 i32) local.get 0 ref.null func local.get 1 table.fill $t)
      (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy $t $t)
      (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $t $p)
      (func (export "drop") elem.drop $p)
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect $t (result i32))
      (func (export "is_null") (param i32) (result i32) local.get 0 table.get $t ref.is_null)
      (func (export "set_u") (param i32 externref) local.get 0 local.get 1 table.set $u)
      (func (export "get_u") (param i32) (result externref) local.get 0 table.get $u))`));
    const same = (name: string, ...args: unknown[]) => {
      const [ours, v8] = callBoth(b, name, args);
      expect(ours, `${name}(${args.join(', ')})`).to.deep.equal(v8);
    };
    const sweep = () => {
      same('size');
      for (let i = 0; i < 11; i++) {
        same('call', i);
        same('is_null', i);
      }
    };
    sweep();
    same('init', 0, 1, 3);
    sweep();
    same('init', 2, 0, 2); // out of bounds: writes nothing
    same('init', 1, 3, 2);
    same('init', 3, 0, 0); // len 0 at the end: fine
    same('init', 4, 0, 0);
    sweep();
    same('grow', 2);
    same('grow', 0);
    same('grow', 6);
    same('grow', 5);
    sweep();
    same('fill', 1, 3);
    same('fill_null', 4, 2);
    same('fill', 4, 2);
    same('fill', 5, 0);
    same('fill', 6, 0);
    sweep();
    same('copy', 0, 2, 3);
    sweep();
    same('copy', 2, 0, 3);
    same('copy', 3, 4, 2);
    same('copy', 4, 3, 2);
    sweep();
    same('drop');
    same('init', 0, 0, 1);
    same('init', 0, 0, 0);
    const obj = { o: 1 };
    same('set_u', 1, obj);
    same('get_u', 1);
    same('get_u', 2);
    same('grow_u', obj, 3);
    same('get_u', 4);
    same('size');
    expect(b.ours.get_u!(4)).to.equal(obj);
  });

  it('the Table API shares one table between JS and instances; grow from either side is seen by all', async () => {
    const t = new Table({ element: 'anyfunc', initial: 2, maximum: 8 });
    expect(t.length).to.equal(2);
    expect(t.get(0)).to.equal(null);
    const a = await instantiate(`(module (import "m" "t" (table 1 funcref))
      (func $f (export "f") (result i32) i32.const 11)
      (elem (i32.const 1) $f)
      (func (export "size") (result i32) table.size 0)
      (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow 0)
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))`, { m: { t } });
    const b = await instantiate(`(module (import "m" "t" (table 2 8 funcref))
      (func (export "size") (result i32) table.size 0)
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))`, { m: { t } });
    expect(t.get(1)).to.equal(a.f);
    expect(fn(b, 'call')(1)).to.equal(11);
    expect(t.grow(2)).to.equal(2);
    expect([fn(a, 'size')(), fn(b, 'size')()]).to.deep.equal([4, 4]);
    t.set(3, a.f as Fn);
    expect(fn(b, 'call')(3)).to.equal(11);
    expect(fn(a, 'grow')(3)).to.equal(4);
    expect([t.length, fn(b, 'size')()]).to.deep.equal([7, 7]);
    expect(fn(a, 'grow')(2)).to.equal(-1); // past the maximum
    expect(fn(b, 'call')(3)).to.equal(11); // contents survived the reallocations
    expect(() => t.grow(2)).to.throw(RangeError);
    expect(() => t.get(7)).to.throw(RangeError);
    expect(() => t.set(0, () => 1)).to.throw(TypeError);
    t.set(3);
    expect(trapOf(() => fn(b, 'call')(3))).to.equal('uninitialized_element');
    // Link checks use the current length and the maximum.
    let err: unknown = null;
    try {
      await instantiate(`(module (import "m" "t" (table 8 funcref)))`, { m: { t } });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LinkError);
    err = null;
    try {
      await instantiate(`(module (import "m" "t" (table 0 4 funcref)))`, { m: { t } });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LinkError);
    err = null;
    try {
      await instantiate(`(module (import "m" "t" (table 0 externref)))`, { m: { t } });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LinkError);
  });

  it('grown one element at a time (as emscripten adds functions), a table keeps every entry, its bounds and its maximum', async () => {
    // Growth within the room the table keeps (table-store.ts) must look exactly like a
    // reallocation: new slots are null (or the init value), old ones keep their functions,
    // call_indirect sees the new length at once, and the maximum still stops it.
    const t = new Table({ element: 'anyfunc', initial: 1, maximum: 5000 });
    const a = await instantiate(`(module (import "m" "t" (table 1 funcref))
      (func $k (export "k") (param i32) (result i32) local.get 0 i32.const 3 i32.mul)
      (func (export "grow_with_k") (param i32) (result i32) ref.func $k local.get 0 table.grow 0)
      (func (export "call") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (param i32) (result i32))
      (func (export "size") (result i32) table.size 0))`, { m: { t } });
    const k = a.k as Fn;
    for (let i = 1; i < 4000; i++) {
      if (i % 3 === 0) expect(fn(a, 'grow_with_k')(1)).to.equal(i);
      else {
        expect(t.grow(1)).to.equal(i);
        if (i % 3 === 1) t.set(i, k);
      }
    }
    expect([t.length, fn(a, 'size')()]).to.deep.equal([4000, 4000]);
    for (let i = 1; i < 4000; i++) {
      if (i % 3 === 2) {
        expect(t.get(i), `slot ${i}`).to.equal(null);
        expect(trapOf(() => fn(a, 'call')(i, 1))).to.equal('uninitialized_element');
      } else {
        expect(t.get(i), `slot ${i}`).to.equal(k);
        expect(fn(a, 'call')(i, i)).to.equal(3 * i);
      }
    }
    expect(trapOf(() => fn(a, 'call')(4000, 1))).to.equal('out_of_bounds_table');
    expect(() => t.get(4000)).to.throw(RangeError);
    expect(t.grow(1000)).to.equal(4000);
    expect(fn(a, 'grow_with_k')(1)).to.equal(-1); // at the maximum
    expect(() => t.grow(1)).to.throw(RangeError);
    expect(t.get(4999)).to.equal(null);
  });

  it('an out-of-bounds active segment traps at instantiation, keeping earlier segments’ writes', async () => {
    const t = new Table({ element: 'anyfunc', initial: 3 });
    let err: unknown = null;
    try {
      await instantiate(`(module (import "m" "t" (table 3 funcref))
        (func $f (result i32) i32.const 1)
        (elem (i32.const 0) $f)
        (elem (i32.const 2) $f $f))`, { m: { t } });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RuntimeError);
    expect((err as RuntimeError).trap).to.equal('out_of_bounds_table');
    expect(t.get(0)).to.be.a('function');
    expect((t.get(0) as Fn)()).to.equal(1);
    expect(t.get(2)).to.equal(null);
  });

  it('externref round trips keep identity for objects, primitives, undefined and null', async () => {
    const e = await instantiate(`(module
      (table $t (export "t") 4 externref)
      (func (export "id") (param externref) (result externref) local.get 0)
      (func (export "is_null") (param externref) (result i32) local.get 0 ref.is_null)
      (func (export "put") (param i32 externref) local.get 0 local.get 1 table.set $t)
      (func (export "get") (param i32) (result externref) local.get 0 table.get $t)
      (func (export "swap") (param externref externref) (result externref externref) local.get 1 local.get 0))`);
    const o = { a: 1 };
    const f = () => 0;
    const sym = Symbol('s');
    for (const v of [o, f, sym, 'text', 42, -0, NaN, 12n, undefined, null, true]) {
      expect(Object.is(fn(e, 'id')(v), v), String(v)).to.equal(true);
      expect(fn(e, 'is_null')(v)).to.equal(v === null ? 1 : 0);
    }
    fn(e, 'put')(2, o);
    expect(fn(e, 'get')(2)).to.equal(o);
    expect((e.t as Table).get(2)).to.equal(o);
    (e.t as Table).set(3, f);
    expect(fn(e, 'get')(3)).to.equal(f);
    expect(fn(e, 'swap')(o, f)).to.deep.equal([f, o]);
    expect(trapOf(() => fn(e, 'get')(4))).to.equal('out_of_bounds_table');
  });

  it('funcrefs cross into JS as the same function objects, and back into wasm', async () => {
    const a = await instantiate(`(module
      (func $f (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add)
      (elem declare func $f)
      (func (export "ref") (result funcref) ref.func $f)
      (func (export "is_null") (param funcref) (result i32) local.get 0 ref.is_null)
      (func (export "pick") (param funcref funcref i32) (result funcref) local.get 0 local.get 1 local.get 2 select (result funcref)))`);
    expect(fn(a, 'ref')()).to.equal(a.f);
    expect(fn(a, 'ref')()).to.equal(fn(a, 'ref')());
    expect(fn(a, 'is_null')(null)).to.equal(1);
    expect(fn(a, 'is_null')(a.f)).to.equal(0);
    expect(() => fn(a, 'is_null')(() => 1)).to.throw(TypeError);
    // A function from an instance with no reference types at all still converts.
    const plain = await instantiate(`(module (func (export "g") (result i32) i32.const 9))`);
    expect(fn(a, 'pick')(a.f, plain.g, 0)).to.equal(plain.g);
    expect(fn(a, 'pick')(a.f, plain.g, 1)).to.equal(a.f);
    expect(fn(a, 'pick')(null, plain.g, 1)).to.equal(null);
    // An imported wasm function is the same object from either instance.
    const b = await instantiate(`(module (import "a" "f" (func $f (param i32) (result i32)))
      (elem declare func $f)
      (func (export "ref") (result funcref) ref.func $f)
      (table (export "t") 1 funcref) (elem (i32.const 0) $f))`, { a: { f: a.f } });
    expect(fn(b, 'ref')()).to.equal(a.f);
    expect((b.t as Table).get(0)).to.equal(a.f);
  });

  it('references through JS imports: args and results of both reference types', async () => {
    const seen: unknown[] = [];
    const target = await instantiate(`(module (func (export "k") (result i32) i32.const 77))`);
    const e = await instantiate(`(module
      (import "js" "echo" (func $echo (param externref) (result externref)))
      (import "js" "pick" (func $pick (param funcref) (result funcref)))
      (table 1 funcref)
      (func $self (export "self") (result i32) i32.const 5)
      (elem declare func $self)
      (func (export "echo") (param externref) (result externref) local.get 0 call $echo)
      (func (export "via_js") (result i32)
        i32.const 0 ref.func $self call $pick table.set 0
        i32.const 0 call_indirect (result i32)))`,
    { js: { echo: (x: unknown) => (seen.push(x), x), pick: (f: unknown) => (seen.push(f), target.k) } });
    const o = { z: 1 };
    expect(fn(e, 'echo')(o)).to.equal(o);
    expect(fn(e, 'echo')(null)).to.equal(null);
    expect(fn(e, 'via_js')()).to.equal(77);
    expect(seen).to.deep.equal([o, null, e.self]);
    expect(seen[2]).to.equal(e.self);
  });
});
