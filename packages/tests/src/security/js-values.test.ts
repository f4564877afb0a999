// Issue 12 item 4: no JS value may make the runtime touch native memory it did not check.
// Each test is an attack written as an embedder could: Proxies whose traps grow the table
// being written, a Proxy import forging the runtime's idea of a wasm function, getters and
// valueOf that re-enter wasm and grow tables and memories while a conversion is in progress.
// Before the fix the first two crashed the process (SIGSEGV); now every attack is refused with
// the TypeError/RangeError V8 gives, or behaves exactly as in V8 — checked side by side here.
import { expect } from 'chai';
import * as wasmjit from '@wasmjit/runtime';
import { OURS, inBoth, instantiate, outcome, wat, type Api, type TableLike } from './support.js';
import { compiledParts } from '../../../runtime/dist/module.js';

const MODULE = `(module
  (type $ri (func (result i32)))
  (table (export "table") 1 funcref)
  (memory (export "memory") 1)
  (global (export "g") (mut i32) (i32.const 0))
  (func $seven (export "seven") (result i32) i32.const 7)
  (func (export "growTable") (param i32) (result i32) ref.null func local.get 0 table.grow 0)
  (func (export "callAt") (param i32) (result i32) local.get 0 call_indirect (type $ri))
  (func (export "id") (param funcref) (result funcref) local.get 0)
  (func (export "setG") (param i32) local.get 0 global.set 0)
  (func (export "getG") (result i32) global.get 0)
  ;; call_indirect at $i plus the byte at $addr: both may be past the sizes at entry.
  (func (export "useBoth") (param $i i32) (param $addr i32) (result i32)
    local.get $i call_indirect (type $ri) local.get $addr i32.load8_u i32.add))`;

// Calls an import and then uses its result(s) as a table index and a memory address.
const IMPORTER = `(module
  (type $ri (func (result i32)))
  (import "m" "table" (table 1 funcref))
  (import "m" "memory" (memory 1))
  (import "m" "one" (func $one (result i32)))
  (import "m" "two" (func $two (result i32 i32)))
  (import "m" "ref" (func $ref (result funcref)))
  (func (export "viaOne") (result i32) call $one call_indirect (type $ri))
  (func (export "viaTwo") (result i32) (local $addr i32)
    call $two local.set $addr call_indirect (type $ri) local.get $addr i32.load8_u i32.add)
  (func (export "viaRef") (result i32) call $ref ref.is_null))`;

const FUNC_IMPORT = `(module
  (import "m" "f" (func $f (result i32)))
  (func (export "callF") (result i32) call $f))`;

let bytes: Uint8Array;
let importer: Uint8Array;
let funcImport: Uint8Array;

/** A handler whose every trap grows `table` by 100,000 (unmapping its element array) first. */
function growingTraps(table: TableLike, counter: { traps: number }): ProxyHandler<(...a: unknown[]) => unknown> {
  const grow = () => {
    counter.traps++;
    table.grow(100_000);
  };
  return {
    get: (t, k, r) => (grow(), Reflect.get(t, k, r)),
    has: (t, k) => (grow(), Reflect.has(t, k)),
    getOwnPropertyDescriptor: (t, k) => (grow(), Reflect.getOwnPropertyDescriptor(t, k)),
    ownKeys: (t) => (grow(), Reflect.ownKeys(t)),
    getPrototypeOf: (t) => (grow(), Reflect.getPrototypeOf(t)),
    apply: (t, self, args) => (grow(), Reflect.apply(t, self, args)),
  };
}

/** Where a funcref is converted from JS, each given `v`. */
const FUNCREF_SITES: [string, (W: Api, v: unknown, table: TableLike, ex: Record<string, unknown>) => unknown][] = [
  ['Table.set', (_W, v, table) => table.set(0, v)],
  ['Table.grow', (_W, v, table) => table.grow(1, v)],
  ['new Table', (W, v) => new W.Table({ element: 'anyfunc', initial: 2 }, v)],
  ['new Global', (W, v) => new W.Global({ value: 'anyfunc', mutable: true }, v)],
  ['Global.value =', (W, v) => {
    new W.Global({ value: 'anyfunc', mutable: true }, null).value = v;
  }],
  ['an export argument', (_W, v, _t, ex) => (ex.id as (x: unknown) => unknown)(v)],
  ['an import result', (W, v, table, ex) => {
    const imp = instantiate(W, importer, {
      m: { table, memory: ex.memory, one: () => 0, two: () => [0, 0], ref: () => v },
    });
    return imp.viaRef!();
  }],
];

/**
 * What a program could try on the runtime's objects, were their properties internal state:
 * assign, then shadow, each named property with forged types, addresses, limits, views and
 * methods (a method given the runtime's internals would leak them).
 */
function forge(o: object, names: string[]): void {
  for (const name of names) {
    const value = name === 'elements' ? new BigUint64Array(4).fill(0x4141_4141_0000n)
      : name === 'buffer' ? new ArrayBuffer(8)
      : name === 'importTargets' ? [{ code: 0x4141_4141_0000, vmctx: 0x4141_4141_0000 }]
      : ['growRaw', 'grow', 'growPages', 'attachVmctx', 'funcAddress'].includes(name) ? () => 0x4141_4141_0000
      : 0x4141_4141_0000;
    try {
      (o as Record<string, unknown>)[name] = value;
    } catch { /* a read-only property */ }
    Object.defineProperty(o, name, { value, configurable: true });
  }
}

describe('security: JS values never make the runtime touch unchecked native memory', () => {
  before(async () => {
    bytes = await wat(MODULE);
    importer = await wat(IMPORTER);
    funcImport = await wat(FUNC_IMPORT);
  });

  for (const [site, convert] of FUNCREF_SITES) {
    it(`${site}: a Proxy of a wasm function whose traps grow the table is a TypeError, and no trap runs`, () => {
      const r = inBoth((W) => {
        const ex = instantiate(W, bytes);
        const table = ex.table as unknown as TableLike;
        const counter = { traps: 0 };
        const proxy = new Proxy(ex.seven!, growingTraps(table, counter));
        const result = outcome(() => convert(W, proxy, table, ex));
        return { result, traps: counter.traps, length: table.length, first: table.get(0), still: ex.growTable!(0) };
      });
      expect(r[0]).to.deep.equal(r[1]);
      expect(r[0]).to.deep.equal({ value: { result: { error: 'TypeError' }, traps: 0, length: 1, first: null, still: 1 } });
    });
  }

  it('a Proxy import answering every symbol with a forged {code, vmctx} is just a JS function', () => {
    const forged = { code: 0x4141_4141_0000, vmctx: 0x4141_4141_0000, sig: { params: [], results: [0x7f] }, owner: {}, record: null };
    const r = inBoth((W) => {
      const ex = instantiate(W, bytes);
      const table = ex.table as unknown as TableLike;
      let applied = 0;
      // Whatever private symbol the runtime might look up, the attacker's object answers it.
      // (Its target is a plain function: a Proxy of the real one could not lie about a
      // non-configurable property.)
      const proxy = new Proxy(function lookalike() { return ex.seven!(); }, {
        get: (t, k, rcv) => (typeof k === 'symbol' ? forged : Reflect.get(t, k, rcv)),
        getOwnPropertyDescriptor: (t, k) => (typeof k === 'symbol' ? { value: forged, configurable: true } : Reflect.getOwnPropertyDescriptor(t, k)),
        apply: (t, self, args) => (applied++, Reflect.apply(t, self, args)),
      });
      const called = instantiate(W, funcImport, { m: { f: proxy } }).callF!();
      return {
        called, applied,
        tableSet: outcome(() => table.set(0, proxy)),
        global: outcome(() => new W.Global({ value: 'anyfunc' }, proxy)),
        argument: outcome(() => ex.id!(proxy)),
      };
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({
      value: { called: 7, applied: 1, tableSet: { error: 'TypeError' }, global: { error: 'TypeError' }, argument: { error: 'TypeError' } },
    });
  });

  it('exported functions carry no symbol-keyed property an attacker could copy', () => {
    const ex = instantiate(OURS, bytes);
    expect(Object.getOwnPropertySymbols(ex.seven!)).to.deep.equal([]);
  });

  it('Table.set/get/grow: index and delta conversions that grow the same table (from JS and from wasm)', () => {
    const r = inBoth((W) => {
      const ex = instantiate(W, bytes);
      const t = ex.table as unknown as TableLike;
      const log: unknown[] = [];
      t.set({ valueOf: () => (t.grow(1000), ex.growTable!(1000), 1500) }, ex.seven);
      log.push(t.length, t.get(1500) === ex.seven);
      log.push(t.grow({ valueOf: () => (t.grow(10, ex.seven), 5) }, ex.seven), t.length, t.get(t.length - 1) === ex.seven);
      log.push(t.get({ valueOf: () => (t.grow(100_000), 1500) }) === ex.seven, t.length);
      log.push(ex.callAt!(1500), ex.callAt!(2005));
      log.push(outcome(() => t.set({ valueOf: () => (t.grow(1), t.length) }, ex.seven)));
      return log;
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect((r[0] as { value: unknown[] }).value).to.deep.equal([2001, true, 2011, 2016, true, true, 102016, 7, 7, { error: 'RangeError' }]);
  });

  it('Table descriptor getters that grow other tables and re-enter wasm; each read once', () => {
    const r = inBoth((W) => {
      const ex = instantiate(W, bytes);
      const other = ex.table as unknown as TableLike;
      const reads: string[] = [];
      const t = new W.Table({
        get element() { reads.push('element'); other.grow(3); return 'anyfunc'; },
        get initial() { reads.push('initial'); other.grow(7); ex.growTable!(3); return 2; },
        get maximum() { reads.push('maximum'); return { valueOf: () => (other.grow(1), 4) }; },
      }, ex.seven);
      return [reads, t.length, other.length, t.get(1) === ex.seven, t.grow(2), t.length, outcome(() => t.grow(1))];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [['element', 'initial', 'maximum'], 2, 15, true, 2, 4, { error: 'RangeError' }] });
  });

  it('Global.value and new Global: valueOf that writes the same global from JS and from wasm', () => {
    const r = inBoth((W) => {
      const ex = instantiate(W, bytes);
      const g = ex.g as unknown as { value: unknown };
      g.value = { valueOf: () => (g.value = 5, ex.setG!(6), 9) };
      const i32 = [g.value, ex.getG!()];
      const g64 = new W.Global({ value: 'i64', mutable: true }, 1n);
      g64.value = { valueOf: () => (g64.value = 2n, 3n) };
      const gf = new W.Global({ value: 'f32', mutable: true }, { valueOf: () => (ex.setG!(11), 1.5) });
      const order: string[] = [];
      const gd = new W.Global({
        get value() { order.push('value'); return 'f64'; },
        get mutable() { order.push('mutable'); return true; },
      }, 2.5);
      return [i32, g64.value, gf.value, ex.getG!(), order, gd.value];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [[9, 9], 3n, 1.5, 11, ['mutable', 'value'], 2.5] });
  });

  it('export arguments whose valueOf grows the table and the memory the call then uses', () => {
    const r = inBoth((W) => {
      const ex = instantiate(W, bytes);
      const t = ex.table as unknown as TableLike;
      const mem = ex.memory as unknown as { buffer: ArrayBuffer; grow(d: number): number };
      // The last entry filled with $seven (growTable appends nulls after it).
      const index = { valueOf: () => (t.grow(10, ex.seven), ex.growTable!(5), t.length - 6) };
      const addr = { valueOf: () => (mem.grow(1), new Uint8Array(mem.buffer)[70_000] = 30, ex.seven!(), 70_000) };
      return [ex.useBoth!(index, addr), t.length, mem.buffer.byteLength];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [37, 16, 131072] });
  });

  it('import results (one value and an iterable of two) whose conversion grows the table and memory and re-enters wasm', () => {
    const r = inBoth((W) => {
      const ex = instantiate(W, bytes);
      const t = ex.table as unknown as TableLike;
      const mem = ex.memory as unknown as { buffer: ArrayBuffer; grow(d: number): number };
      const imp = instantiate(W, importer, {
        m: {
          table: t, memory: mem, ref: () => null,
          one: () => ({ valueOf: () => (t.grow(4, ex.seven), ex.growTable!(2), t.length - 3) }),
          two: () => ({
            *[Symbol.iterator]() {
              t.grow(1, ex.seven);
              yield t.length - 1;
              mem.grow(2);
              new Uint8Array(mem.buffer)[150_000] = 100;
              yield { valueOf: () => (ex.growTable!(1), ex.seven!(), 150_000) };
            },
          }),
        },
      });
      return [imp.viaOne!(), imp.viaTwo!(), t.length, mem.buffer.byteLength];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [7, 107, 9, 196608] });
  });

  it('Memory descriptor getters and a grow delta whose valueOf grows the same memory', () => {
    const r = inBoth((W) => {
      const other = new W.Memory({ initial: 1 });
      const reads: string[] = [];
      const m = new W.Memory({
        get initial() { reads.push('initial'); other.grow(1); return 1; },
        get maximum() { reads.push('maximum'); return { valueOf: () => (other.grow(1), 4) }; },
      });
      const old = m.grow({ valueOf: () => (m.grow(1), 1) });
      new Uint8Array(m.buffer)[3 * 65536 - 1] = 1;
      return [reads, old, m.buffer.byteLength, other.buffer.byteLength, outcome(() => m.grow({ valueOf: () => (m.grow(1), 1) }))];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [['initial', 'maximum'], 2, 3 * 65536, 3 * 65536, { error: 'RangeError' }] });
  });

  it('import getters that grow an already linked table before the element segment lands in it', async () => {
    const seg = await wat(`(module
      (import "m" "t" (table 1 funcref))
      (import "m" "at" (global i32))
      (elem (global.get 0) $f)
      (func $f (result i32) i32.const 11)
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))`);
    const r = inBoth((W) => {
      const t = new W.Table({ element: 'anyfunc', initial: 1 });
      const ex = instantiate(W, seg, { m: { t, get at() { t.grow(20); return 15; } } });
      return [t.length, ex.call!(15), (t.get(15) as () => number)()];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [21, 11, 11] });
  });

  it('assigning and shadowing properties of Tables, Globals, Modules and Instances changes nothing the runtime relies on', async () => {
    const user = await wat(`(module
      (import "m" "t" (table 1 funcref))
      (import "m" "g" (global i64))
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32))
      (func (export "g") (result i64) global.get 0))`);
    const wantsFuncref = await wat('(module (import "m" "g" (global (mut funcref))))');
    const r = inBoth((W) => {
      const ex = instantiate(W, bytes);
      const t = new W.Table({ element: 'anyfunc', initial: 2, maximum: 2 }, ex.seven);
      forge(t, ['elemType', 'maximum', 'length', 'descriptorAddress', 'elements', 'domain', 'growRaw']);
      const g = new W.Global({ value: 'i64' }, 0x4141_4141_0000n);
      forge(g, ['type', 'mutable', 'cellAddress', 'raw', 'domain']);
      const mod = new W.Module(user);
      forge(mod, ['funcAddress', 'code', 'compiled', 'wasm', 'engine']);
      const inst = new W.Instance(mod, { m: { t, g } });
      forge(inst, ['module', 'vmctx', 'importTargets', 'funcRecords', 'domain', 'funcs']);
      const call = inst.exports.call as (i: number) => number;
      return [
        call(0), call(1), (inst.exports.g as () => bigint)(), (t.get(1) as () => number)(),
        outcome(() => W.Table.prototype.grow.call(t, 1)), outcome(() => call(2)),
        outcome(() => new W.Instance(new W.Module(wantsFuncref), { m: { g } })),
      ];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [7, 7, 0x4141_4141_0000n, 7, { error: 'RangeError' }, { error: 'RuntimeError' }, { error: 'LinkError' }] });
  });

  it('a Memory whose accessors and methods are shadowed links and works as in V8', async () => {
    const user = await wat(`(module
      (import "m" "mem" (memory 1 3))
      (data (i32.const 8) "\\2a")
      (func (export "peek") (param i32) (result i32) local.get 0 i32.load8_u)
      (func (export "grow") (result i32) i32.const 1 memory.grow)
      (func (export "fill") i32.const 70000 i32.const 9 i32.const 2 memory.fill))`);
    const r = inBoth((W) => {
      const mem = new W.Memory({ initial: 1, maximum: 3 });
      forge(mem, ['attachVmctx', 'pages', 'maximum', 'buffer', 'growPages', 'grow']);
      const ex = instantiate(W, user, { m: { mem } });
      return [ex.peek!(8), ex.grow!(), outcome(() => ex.fill!()), ex.peek!(70001), ex.grow!(), ex.grow!()];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [42, 1, { value: undefined }, 9, 2, -1] });
  });

  it('new Instance refuses look-alike Modules and Engines (their code addresses and stack limits would reach native code)', () => {
    const real = new wasmjit.Module(bytes);
    const parts = compiledParts(real)!;
    const fakeModule = Object.create(wasmjit.Module.prototype, Object.getOwnPropertyDescriptors({
      wasm: parts.wasm, compiled: parts.compiled, code: { address: 0x4141_4141_0000 }, engine: real.engine,
      funcAddress: () => 0x4141_4141_0000,
    })) as object;
    const fakeEngine = { ...new wasmjit.Engine(), maxWasmStack: 2 ** 40, hostStackReserve: 1 };
    // Compiling with a look-alike Engine: its stackChecks, epoch and features would decide
    // what code is generated (no stack checks: unbounded recursion crashes the process).
    expect(outcome(() => new wasmjit.Module(bytes, { stackChecks: false, features: {}, epoch: null } as unknown as wasmjit.Engine))).to.deep.equal({ error: 'TypeError' });
    expect(outcome(() => new wasmjit.Instance(fakeModule as unknown as wasmjit.Module))).to.deep.equal({ error: 'TypeError' });
    expect(outcome(() => new wasmjit.Instance(new Proxy(real, {})))).to.deep.equal({ error: 'TypeError' });
    expect(outcome(() => new wasmjit.Instance(real, {}, fakeEngine as unknown as wasmjit.Engine))).to.deep.equal({ error: 'TypeError' });
    expect((new wasmjit.Instance(real, {}, new wasmjit.Engine()).exports.seven as () => number)()).to.equal(7);
  });

  it('an Engine\'s settings cannot be changed after it is made (no stack checks crashed the process)', async () => {
    const engine = new wasmjit.Engine();
    for (const [name, value] of [['stackChecks', false], ['boundsChecks', 'explicit'], ['epochInterruption', true], ['consumeFuel', true], ['epoch', { address: 0x4141_4141_0000 }]] as const) {
      try {
        (engine as unknown as Record<string, unknown>)[name] = value;
      } catch { /* a getter without a setter */ }
      Object.defineProperty(engine, name, { value, configurable: true });
    }
    const ex = engine.instantiate(engine.compile(await wat('(module (func $f (export "f") (call $f)))'))).exports;
    expect(outcome(() => (ex.f as () => void)())).to.deep.equal({ error: 'RuntimeError' });
  });

  it('no static factory takes a cell or a domain from a program (Global.fromCell let code read any address)', () => {
    for (const [C, name] of [[wasmjit.Global, 'fromCell'], [wasmjit.Table, 'create']] as const) {
      expect((C as unknown as Record<string, unknown>)[name], name).to.equal(undefined);
    }
  });

  it('methods called on objects that are not Tables/Globals are TypeErrors', () => {
    const r = inBoth((W) => [
      outcome(() => W.Table.prototype.set.call({}, 0, null)),
      outcome(() => Object.create(W.Table.prototype as object).get(0)),
      outcome(() => Reflect.get(W.Global.prototype as object, 'value', {})),
    ]);
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [{ error: 'TypeError' }, { error: 'TypeError' }, { error: 'TypeError' }] });
  });
});
