// The JS <-> wasm call paths (func-wrappers.ts, host-dispatch.ts, native invokeFast and
// host_call) when the shared call buffer is reused underneath a call: JS that runs in the
// middle of a call (argument conversions, imports, multi-value results) may call wasm again,
// and that nested call rewrites the area, the invokeFast descriptor and the host-call target.
// Every outcome is checked against V8's.
import { Worker } from 'node:worker_threads';

import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { wat, type Exports } from '../util/wat.js';
import { native } from '../native/helpers.js';

// Exports of different arities so that a nested call writes a different area size, code,
// vmctx and nslots than the call it interrupts.
const SRC = `(module
  (import "env" "one" (func $one (param i32) (result i32)))
  (import "env" "two" (func $two (param i32 f64) (result f64)))
  (import "env" "multi" (func $multi (param i32) (result i32 i64 f64)))
  (func (export "rot") (param i32 i64 f64 i32) (result i32 i64 f64 i32)
    local.get 3 local.get 1 local.get 2 local.get 0)
  (func (export "sum6") (param i32 i32 i32 i32 i32 i32) (result i32)
    local.get 0 local.get 1 i32.add local.get 2 i32.add local.get 3 i32.add
    local.get 4 i32.add local.get 5 i32.add)
  (func (export "trap") unreachable)
  (func (export "callOne") (param i32) (result i32) local.get 0 call $one)
  (func (export "callTwo") (param i32 f64) (result f64) local.get 0 local.get 1 call $two)
  (func (export "callMulti") (param i32) (result i32 i64 f64) local.get 0 call $multi)
  ;; Calls $one n times, adding up its results: many host calls in one entry.
  (func (export "loopOne") (param i32) (result i32) (local i32 i32)
    block loop
      local.get 1 local.get 0 i32.ge_u br_if 1
      local.get 2 local.get 1 call $one i32.add local.set 2
      local.get 1 i32.const 1 i32.add local.set 1
      br 0 end end
    local.get 2))`;

type Imp = Record<string, (...a: never[]) => unknown>;

describe('runtime call paths', () => {
  let bytes: Uint8Array;
  before(async () => {
    bytes = await wat(SRC);
  });

  /** Instantiates SRC in wasmjit and in V8; `imports(e)` gets the exports of its own engine. */
  function make(imports: (e: () => Exports) => Imp): { ours: Exports; v8: Exports } {
    const engine = new Engine();
    const out = {} as { ours: Exports; v8: Exports };
    out.ours = engine.instantiate(engine.compile(bytes), { env: imports(() => out.ours) }).exports as Exports;
    out.v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {
      env: imports(() => out.v8),
    } as WebAssembly.Imports).exports as unknown as Exports;
    return out;
  }

  const plain: (e: () => Exports) => Imp = () => ({
    one: (x: number) => x + 1,
    two: (x: number, y: number) => x * y,
    multi: (x: number) => [x, BigInt(x) * 2n, x / 2],
  });

  it('an argument conversion that calls wasm does not clobber the arguments already converted', () => {
    for (const e of Object.values(make(plain))) {
      const reenter = {
        valueOf() {
          // Different nslots, code and vmctx, and every area slot the outer call uses.
          expect(e.sum6!(1, 2, 3, 4, 5, 6)).to.equal(21);
          expect(() => e.trap!()).to.throw();
          return 3.5;
        },
      };
      expect(e.rot!(1, 2n, reenter, 4)).to.deep.equal([4, 2n, 3.5, 1]);
      expect(e.rot!({ valueOf: () => e.sum6!(1, 1, 1, 1, 1, 1) }, 7n, 0.25, reenter)).to.deep.equal([3, 7n, 0.25, 6]);
    }
  });

  it('conversion errors and their order match V8', () => {
    const order: string[] = [];
    const arg = (name: string, v: unknown) => ({ valueOf: () => (order.push(name), v) });
    const m = make(plain);
    for (const e of [m.ours, m.v8]) {
      order.length = 0;
      expect(e.rot!(arg('a', 1), 2n, arg('c', 3), arg('d', 4))).to.deep.equal([4, 2n, 3, 1]);
      expect(order).to.deep.equal(['a', 'c', 'd']);
      expect(() => e.rot!(1, 2, 3, 4)).to.throw(TypeError); // a Number is no i64
      expect(() => e.rot!(1n, 2n, 3, 4)).to.throw(TypeError); // a BigInt is no i32
      expect(() => e.rot!(1, 2n, 3n, 4)).to.throw(TypeError); // nor an f64
      expect(e.rot!('7', '-1', '0.5', undefined)).to.deep.equal([0, -1n, 0.5, 7]);
    }
  });

  it('an import that calls wasm (which calls imports) gets its own results back', () => {
    const log: string[] = [];
    const m = make((e) => ({
      one: (x: number) => {
        log.push(`one ${x}`);
        // Nested: a host call with another target and area size, inside this host call.
        const y = e().callTwo!(x, 1.5) as number;
        return y * 2;
      },
      two: (x: number, y: number) => {
        log.push(`two ${x} ${y}`);
        if (x > 0) e().sum6!(9, 9, 9, 9, 9, 9);
        return x * y;
      },
      multi: (x: number) => [x, BigInt(x), e().callOne!(x)],
    }));
    expect(m.ours.callOne!(4)).to.equal(12);
    expect(log).to.deep.equal(['one 4', 'two 4 1.5']);
    log.length = 0;
    expect(m.ours.callMulti!(2)).to.deep.equal([2, 2n, 6]);
    expect(log).to.deep.equal(['one 2', 'two 2 1.5']);
    expect(m.v8.callMulti!(2)).to.deep.equal([2, 2n, 6]);
  });

  it('multi-value import results are all converted before any is stored', () => {
    const m = make((e) => ({
      ...plain(e),
      multi: (x: number) => [x, BigInt(x), { valueOf: () => e().sum6!(1, 2, 3, 4, 5, x) }],
    }));
    for (const e of [m.ours, m.v8]) expect(e.callMulti!(10)).to.deep.equal([10, 10n, 25]);
  });

  it('keeps working across many host calls in one entry, with nested entries among them', () => {
    let calls = 0;
    const m = make((e) => ({
      ...plain(e),
      one: (x: number) => {
        calls++;
        // Every 97th call re-enters wasm, which makes host calls of its own.
        if (x % 97 === 0 && x > 0) return (e().loopOne!(5) as number) + x - 10;
        return x;
      },
    }));
    const n = 5000;
    const expected = (n * (n - 1)) / 2;
    expect(m.ours.loopOne!(n)).to.equal(expected);
    expect(m.v8.loopOne!(n)).to.equal(expected);
    expect(calls).to.be.greaterThan(n);
  });

  it('runs imports on the thread\'s stack while their wasm waits, suspended, on the wasm stack', () => {
    const seen: { sp: number; low: number; high: number; limit: number }[] = [];
    const m = make((e) => ({
      ...plain(e),
      one: (x: number) => {
        const { sp, low: tLow, high: tHigh } = native.stackInfo();
        const ws = native.wasmStackInfo();
        expect(sp).to.be.within(tLow, tHigh);
        seen.push({ sp, low: ws.low, high: ws.high, limit: ws.limit });
        return x;
      },
    }));
    expect(m.ours.loopOne!(3)).to.equal(3);
    expect(seen).to.have.length(3);
    for (const s of seen) {
      // The suspended activation's limit lies in the wasm stack, and JS does not run there.
      expect(s.limit).to.be.within(s.low, s.high);
      expect(s.sp < s.low || s.sp >= s.high).to.equal(true);
    }
    expect(native.wasmStackInfo().limit).to.equal(0);
  });

  it('reports traps and import exceptions through invokeFast unchanged', () => {
    const err = new Error('from import');
    const m = make((e) => ({
      ...plain(e),
      one: () => {
        throw err;
      },
    }));
    expect(() => m.ours.trap!()).to.throw(/unreachable/);
    let caught: unknown;
    try {
      m.ours.loopOne!(3);
    } catch (x) {
      caught = x;
    }
    expect(caught).to.equal(err);
    // And the path is clean afterwards.
    expect(m.ours.sum6!(1, 2, 3, 4, 5, 6)).to.equal(21);
  });

  it('works in worker threads running alongside this one', async () => {
    const src = `
const { parentPort, workerData: d } = require('node:worker_threads');
import(d.runtimeUrl).then((rt) => {
  const e = new rt.Engine();
  const x = e.instantiate(e.compile(new Uint8Array(d.bytes)), {
    env: { one: (v) => v + d.k, two: (a, b) => a * b, multi: (v) => [v, 1n, 2] },
  }).exports;
  let s = 0;
  for (let i = 0; i < 2000; i++) s += x.loopOne(10) + x.sum6(i, 0, 0, 0, 0, 0);
  parentPort.postMessage(s);
});`;
    const runtimeUrl = new URL('../../../runtime/dist/index.js', import.meta.url).href;
    const workers = [1, 2, 3].map((k) => new Worker(src, { eval: true, workerData: { runtimeUrl, bytes, k } }));
    const results = workers.map((w) => new Promise<number>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    }));
    const m = make(plain);
    for (let i = 0; i < 2000; i++) expect(m.ours.loopOne!(10)).to.equal(55);
    expect(await Promise.all(results)).to.deep.equal([1, 2, 3].map((k) => 2000 * (45 + 10 * k) + 1999000));
    await Promise.all(workers.map((w) => w.terminate()));
  });

  it('instances of two engines share the dispatcher without mixing up targets', () => {
    const ea = new Engine();
    const eb = new Engine();
    const a = ea.instantiate(ea.compile(bytes), { env: { ...plain(() => ({})), one: (x: number) => x + 100 } });
    const callA = a.exports.callOne as (x: number) => number;
    const b = eb.instantiate(eb.compile(bytes), { env: { ...plain(() => ({})), one: (x: number) => callA(x) + 1000 } });
    expect((b.exports.callOne as (x: number) => number)(1)).to.equal(1101);
    expect((b.exports.loopOne as (x: number) => number)(10)).to.equal(45 + 1100 * 10);
  });
});
