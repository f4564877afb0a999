// Reference domains (runtime ref-domain.ts): linked instances, tables and globals share one
// domain, which converts their raw references and holds their host-call closures. These
// tests move references between instances every way wasm and JS allow, and join domains in
// the middle of a call (the joining instance's host-call id changes while its code runs),
// checking each result against V8.
import { expect } from 'chai';
import { Module, RuntimeError } from '@wasmjit/runtime';
import { inBoth, instantiate, OURS, wat, type Api, type TableLike } from '../security/support.js';

// Calls its imports in a loop, growing its own table through the table.grow builtin.
const LOOPER = `(module
  (import "m" "hook" (func $hook (param i32)))
  (import "m" "count" (func $count (param i32) (result i32)))
  (table 0 funcref)
  (func $f (export "f") (result i32) i32.const 5)
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $sum i32)
    block loop
      local.get $i local.get $n i32.ge_u br_if 1
      local.get $i call $hook
      ref.null func i32.const 1 table.grow 0 drop
      local.get $sum local.get $i call $count i32.add local.set $sum
      local.get $i i32.const 1 i32.add local.set $i
      br 0 end end
    local.get $sum table.size 0 i32.add))`;

const STORE = `(module
  (table (export "table") 2 funcref)
  (global $g (export "g") (mut funcref) (ref.null func))
  (func (export "store") (param i32 funcref) local.get 0 local.get 1 table.set 0 local.get 1 global.set $g)
  (func (export "load") (param i32) (result funcref) local.get 0 table.get 0)
  (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))`;

const GIVER = `(module
  (import "a" "store" (func $store (param i32 funcref)))
  (func $own (export "own") (result i32) i32.const 42)
  (func $boom (export "boom") (result i32) unreachable)
  (elem declare func $own $boom)
  (func (export "give") (param i32) local.get 0 ref.func $own call $store)
  (func (export "giveBoom") (param i32) local.get 0 ref.func $boom call $store))`;

const EXTERN = `(module
  (table (export "table") 4 externref)
  (global (export "g") (mut externref) (ref.null extern))
  (func (export "keep") (param i32 externref) local.get 0 local.get 1 table.set 0 local.get 1 global.set 0)
  (func (export "back") (param i32) (result externref) local.get 0 table.get 0))`;

let looper: Uint8Array;
let store: Uint8Array;
let giver: Uint8Array;
let extern: Uint8Array;

describe('runtime: reference domains', () => {
  before(async () => {
    [looper, store, giver, extern] = await Promise.all([wat(LOOPER), wat(STORE), wat(GIVER), wat(EXTERN)]);
  });

  /** `run(6)` of a looper whose hook, at iteration 2, runs `join(looperExports)`. */
  function runJoining(W: Api, join: (ex: Record<string, unknown>) => void): unknown[] {
    const counts: number[] = [];
    let ex: Record<string, unknown> = {};
    ex = instantiate(W, looper, {
      m: {
        hook: (i: number) => i === 2 && join(ex),
        count: (i: number) => (counts.push(i), i * 10),
      },
    });
    return [(ex.run as (n: number) => number)(6), counts];
  }

  it("an import joins the running instance's domain into a larger one mid-call: its host calls and builtins go on", () => {
    const r = inBoth((W) => {
      // A table whose domain already has three instances.
      const big = new W.Table({ element: 'anyfunc', initial: 4 });
      for (let i = 0; i < 3; i++) big.set(i, instantiate(W, looper, { m: { hook: () => {}, count: () => 0 } }).f);
      const result = runJoining(W, (ex) => big.set(3, ex.f));
      return [...result, (big.get(3) as () => number)()];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [156, [0, 1, 2, 3, 4, 5], 5] });
  });

  it('an import joins a new instance into the (larger) running domain mid-call, then calls into it', () => {
    const r = inBoth((W) => {
      const shared = new W.Table({ element: 'anyfunc', initial: 4 });
      const newcomerCounts: number[] = [];
      const result = runJoining(W, (ex) => {
        // The running instance's domain takes in three more, then, mid-call, a new one.
        shared.set(0, ex.f);
        for (let i = 1; i < 4; i++) shared.set(i, instantiate(W, looper, { m: { hook: () => {}, count: () => 0 } }).f);
        const newcomer = instantiate(W, looper, { m: { hook: () => {}, count: (i: number) => (newcomerCounts.push(i), 1) } });
        shared.set(3, newcomer.f);
        newcomerCounts.push(newcomer.run!(3) as number);
      });
      return [...result, newcomerCounts];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [156, [0, 1, 2, 3, 4, 5], [0, 1, 2, 6]] });
  });

  it("a funcref passed to another instance's function lands in its table and global as the same JS function", () => {
    const r = inBoth((W) => {
      const a = instantiate(W, store);
      const b = instantiate(W, giver, { a: { store: a.store } });
      b.give!(1);
      const t = a.table as unknown as TableLike;
      const g = a.g as unknown as { value: unknown };
      return [t.get(1) === b.own, a.load!(1) === b.own, g.value === b.own, a.call!(1)];
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect(r[0]).to.deep.equal({ value: [true, true, true, 42] });
  });

  it("a trap in a function reached through another instance's table names both modules", () => {
    const modA = new Module(store);
    const modB = new Module(giver);
    const a = new OURS.Instance(modA).exports;
    const b = new OURS.Instance(modB, { a: { store: a.store } }).exports;
    (b.giveBoom as (i: number) => void)(0);
    let e: unknown;
    try {
      (a.call as (i: number) => void)(0);
    } catch (err) {
      e = err;
    }
    expect(e).to.be.instanceOf(RuntimeError);
    const frames = (e as RuntimeError).frames.map((f) => [f.funcIndex, f.module === modB, f.module === modA]);
    expect(frames).to.deep.equal([[2, true, false], [2, false, true]]);
  });

  it('externref values keep their identity through tables, globals and calls, in one domain and across two', () => {
    const r = inBoth((W) => {
      const one = instantiate(W, extern);
      const two = instantiate(W, extern);
      const obj = { tag: 'obj' };
      const values = [obj, undefined, -0, NaN, 'str', 7n];
      const out: unknown[] = [];
      values.forEach((v, i) => {
        one.keep!(i % 4, v);
        (two.table as unknown as TableLike).set(i % 4, one.back!(i % 4));
        const back = (two.table as unknown as TableLike).get(i % 4);
        out.push(Object.is(back, v), Object.is(two.back!(i % 4), v), Object.is((one.g as unknown as { value: unknown }).value, v));
      });
      return out;
    });
    expect(r[0]).to.deep.equal(r[1]);
    expect((r[0] as { value: boolean[] }).value.every((x) => x)).to.equal(true);
  });
});
