// Issue 13 item 4: wrong argument types, missing arguments, BigInt for Number and back,
// descriptors whose getters throw, receivers of the wrong class: each call is made on V8's
// WebAssembly and on wasmjit's namespace, which must throw the same error class, and (except
// for the differences listed below, all in the runtime layer or in features wasmjit lacks)
// V8's very message.
import { expect } from 'chai';
import { WebAssembly as WA } from '@wasmjit/runtime/webassembly';
import { wat } from '../util/wat.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Api = any;

/** Same class, another message: why. */
const MESSAGE_DIFFERS: Record<string, string> = {
  'Module()': 'class constructors word the missing `new` themselves',
  'Instance()': 'class constructors word the missing `new` themselves',
  'Memory()': 'class constructors word the missing `new` themselves',
  'new Module(bad bytes)': "the decoder's wording",
  'compile(bad)': "the decoder's wording",
  'new Instance(g wrong Global)': "the runtime's link checks word their LinkErrors",
  'new Instance(mem too small max)': "the runtime's link checks word their LinkErrors",
  'new Instance(mem too big)': "the runtime's link checks word their LinkErrors",
  'new Instance(f wasm wrong sig)': "the runtime's link checks word their LinkErrors",
  'new Table(anyfunc, 1, value {})': "the runtime's reference conversion",
  'new Table(anyfunc, 1, value fn)': "the runtime's reference conversion",
  'tab.set(0, 1)': "the runtime's reference conversion",
  'tab.grow(1, {})': "the runtime's reference conversion",
  'new Global({value:"anyfunc"}, {})': "the runtime's reference conversion",
  'ref export({})': "the runtime's reference conversion",
  'ref export(fn)': "the runtime's reference conversion",
  'i32 export(1n)': 'ToInt32 of a BigInt in the export wrapper (`x | 0`)',
  'compileStreaming(1)': "Node's own message names the argument",
  'instantiateStreaming(1)': "Node's own message names the argument",
};

/** Not even the same class: why. */
const CLASS_DIFFERS: Record<string, string> = {
  'RuntimeError()': 'the error classes are class constructors: calling one without `new` is a TypeError',
};

const getter = (o: object, k: string) => Object.getOwnPropertyDescriptor(o, k)!.get!;
const setter = (o: object, k: string) => Object.getOwnPropertyDescriptor(o, k)!.set!;
const bytes = await wat(`(module
  (import "m" "f" (func (param i32))) (import "m" "g" (global i64)) (import "m" "mem" (memory 1)) (import "m" "t" (table 1 funcref))
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "i32") (param i32) (result i32) local.get 0)
  (func (export "ref") (param funcref) (result externref) ref.null extern)
  (func (export "multi") (result i32 i64) i32.const 1 i64.const 2))`);
const SMALL_MAX = await wat('(module (import "m" "mem" (memory 1 1)))');
const BIG_MIN = await wat('(module (import "m" "mem" (memory 3)))');

const simple = await wat('(module (func (export "f") (param i32 f64 i64)))');
const thrower = { get value(): never { throw new Error('getter'); } };
const bad = Symbol('s');
function cases(W: Api): Record<string, () => unknown> {
  const mem = new W.Memory({ initial: 1, maximum: 2 });
  const tab = new W.Table({ element: 'anyfunc', initial: 1 });
  const gl = new W.Global({ value: 'i64', mutable: true }, 1n);
  const goodImports = { m: { f: () => undefined, g: 1n, mem, t: tab } };
  const inst = new W.Instance(new W.Module(bytes), goodImports);
  const ex = inst.exports;
  return {
    'Module()': () => W.Module(simple),
    'new Module()': () => new W.Module(),
    'new Module(1)': () => new W.Module(1),
    'new Module("x")': () => new W.Module('abc'),
    'new Module({})': () => new W.Module({}),
    'new Module(bad bytes)': () => new W.Module(new Uint8Array([1,2,3])),
    'Module.exports()': () => W.Module.exports(),
    'Module.exports({})': () => W.Module.exports({}),
    'Module.imports(1)': () => W.Module.imports(1),
    'Module.customSections(m)': () => W.Module.customSections(new W.Module(simple)),
    'Module.customSections({},"a")': () => W.Module.customSections({}, 'a'),
    'Module.customSections(m,sym)': () => W.Module.customSections(new W.Module(simple), bad),
    'Instance()': () => W.Instance(new W.Module(simple)),
    'new Instance()': () => new W.Instance(),
    'new Instance({})': () => new W.Instance({}),
    'new Instance(m, 1)': () => new W.Instance(new W.Module(simple), 1),
    'new Instance(m, null)': () => new W.Instance(new W.Module(simple), null),
    'new Instance(imp m)': () => new W.Instance(new W.Module(bytes)),
    'new Instance(imp m, {})': () => new W.Instance(new W.Module(bytes), {}),
    'new Instance(imp m, {m:1})': () => new W.Instance(new W.Module(bytes), { m: 1 }),
    'new Instance(f not callable)': () => new W.Instance(new W.Module(bytes), { m: { ...goodImports.m, f: 1 } }),
    'new Instance(g number for i64)': () => new W.Instance(new W.Module(bytes), { m: { ...goodImports.m, g: 1 } }),
    'new Instance(g wrong Global)': () => new W.Instance(new W.Module(bytes), { m: { ...goodImports.m, g: new W.Global({value:'i32'}, 1) } }),
    'new Instance(mem not Memory)': () => new W.Instance(new W.Module(bytes), { m: { ...goodImports.m, mem: {} } }),
    'new Instance(mem too small max)': () => new W.Instance(new W.Module(SMALL_MAX), { m: { mem } }),
    'new Instance(mem too big)': () => new W.Instance(new W.Module(BIG_MIN), { m: { mem } }),
    'new Instance(t not Table)': () => new W.Instance(new W.Module(bytes), { m: { ...goodImports.m, t: mem } }),
    'new Instance(f wasm wrong sig)': () => new W.Instance(new W.Module(bytes), { m: { ...goodImports.m, f: ex.i64 } }),
    'new Instance(getter throws)': () => new W.Instance(new W.Module(bytes), { get m(): never { throw new TypeError('mine'); } }),
    'Memory()': () => W.Memory({ initial: 1 }),
    'new Memory()': () => new W.Memory(),
    'new Memory(1)': () => new W.Memory(1),
    'new Memory({})': () => new W.Memory({}),
    'new Memory({initial:-1})': () => new W.Memory({ initial: -1 }),
    'new Memory({initial:1n})': () => new W.Memory({ initial: 1n }),
    'new Memory({initial:sym})': () => new W.Memory({ initial: bad }),
    'new Memory({initial:NaN})': () => new W.Memory({ initial: NaN }),
    'new Memory({initial:2**32})': () => new W.Memory({ initial: 2 ** 32 }),
    'new Memory({initial:65537})': () => new W.Memory({ initial: 65537 }),
    'new Memory({initial:2,maximum:1})': () => new W.Memory({ initial: 2, maximum: 1 }),
    'new Memory({initial:1,maximum:65537})': () => new W.Memory({ initial: 1, maximum: 65537 }),
    'new Memory(getter throws)': () => new W.Memory({ get initial(): never { throw new RangeError('mine'); } }),
    'new Memory({initial:1,shared:true})': () => new W.Memory({ initial: 1, shared: true }),
    'new Memory({initial:1,maximum:2,shared:true})': () => new W.Memory({ initial: 1, maximum: 2, shared: true }),
    'mem.grow()': () => mem.grow(),
    'mem.grow(-1)': () => mem.grow(-1),
    'mem.grow(5)': () => mem.grow(5),
    'mem.grow(1n)': () => mem.grow(1n),
    'Memory.prototype.grow.call({})': () => W.Memory.prototype.grow.call({}, 1),
    'Memory.prototype.buffer get on {}': () => getter(W.Memory.prototype, 'buffer').call({}),
    'new Table()': () => new W.Table(),
    'new Table({initial:1})': () => new W.Table({ initial: 1 }),
    'new Table({element:"x",initial:1})': () => new W.Table({ element: 'x', initial: 1 }),
    'new Table({element:"anyfunc"})': () => new W.Table({ element: 'anyfunc' }),
    'new Table(init 2**32)': () => new W.Table({ element: 'anyfunc', initial: 2 ** 32 }),
    'new Table(init 10000001)': () => new W.Table({ element: 'anyfunc', initial: 10000001 }),
    'new Table(max<init)': () => new W.Table({ element: 'anyfunc', initial: 2, maximum: 1 }),
    'new Table(anyfunc, 1, value {})': () => new W.Table({ element: 'anyfunc', initial: 1 }, {}),
    'new Table(anyfunc, 1, value fn)': () => new W.Table({ element: 'anyfunc', initial: 1 }, () => 1),
    'tab.get()': () => tab.get(),
    'tab.get(5)': () => tab.get(5),
    'tab.get(-1)': () => tab.get(-1),
    'tab.set(5, null)': () => tab.set(5, null),
    'tab.set(0, 1)': () => tab.set(0, 1),
    'tab.set()': () => tab.set(),
    'tab.grow()': () => tab.grow(),
    'tab.grow(1, {})': () => tab.grow(1, {}),
    'tab.grow(2**32-1)': () => tab.grow(2 ** 32 - 1),
    'Table.prototype.get.call({})': () => W.Table.prototype.get.call({}, 0),
    'Table.prototype.length get on {}': () => getter(W.Table.prototype, 'length').call({}),
    'new Global()': () => new W.Global(),
    'new Global({})': () => new W.Global({}),
    'new Global({value:"x"})': () => new W.Global({ value: 'x' }),
    'new Global({value:"i64"}, 1)': () => new W.Global({ value: 'i64' }, 1),
    'new Global({value:"i32"}, 1n)': () => new W.Global({ value: 'i32' }, 1n),
    'new Global({value:"i32"}, sym)': () => new W.Global({ value: 'i32' }, bad),
    'new Global({value:"anyfunc"}, {})': () => new W.Global({ value: 'anyfunc' }, {}),
    'new Global(getter throws)': () => new W.Global(thrower),
    'new Global({value:"v128"})': () => new W.Global({ value: 'v128' }),
    'gl.value = 1': () => { gl.value = 1; },
    'gl.value = "x"': () => { gl.value = 'x'; },
    'immutable .value =': () => { new W.Global({ value: 'i32' }).value = 1; },
    'Global.prototype.valueOf.call({})': () => W.Global.prototype.valueOf.call({}),
    'Global.prototype.value get on {}': () => getter(W.Global.prototype, 'value').call({}),
    'Global.prototype.value set on {}': () => setter(W.Global.prototype, 'value').call({}, 1),
    'i64 export(1)': () => ex.i64(1),
    'i64 export()': () => ex.i64(),
    'i64 export("x")': () => ex.i64('x'),
    'i64 export(sym)': () => ex.i64(bad),
    'i64 export(2**64 n)': () => ex.i64(2n ** 64n),
    'i32 export(1n)': () => ex.i32(1n),
    'i32 export(sym)': () => ex.i32(bad),
    'ref export({})': () => ex.ref({}),
    'ref export(fn)': () => ex.ref(() => 1),
    'new export()': () => new ex.i32(1),
    'validate()': () => W.validate(),
    'validate(1)': () => W.validate(1),
    'validate({})': () => W.validate({}),
    'Instance.prototype.exports get on {}': () => getter(W.Instance.prototype, 'exports').call({}),
    'new CompileError(sym)': () => new W.CompileError(bad),
    'RuntimeError()': () => W.RuntimeError('x').message,
  };
}
function asyncCases(W: Api): Record<string, () => unknown> {
  return {
    'compile()': () => W.compile(),
    'compile(1)': () => W.compile(1),
    'compile(bad)': () => W.compile(new Uint8Array([1])),
    'instantiate()': () => W.instantiate(),
    'instantiate(1)': () => W.instantiate(1),
    'instantiate(bytes, 1)': () => W.instantiate(simple, 1),
    'instantiate(imp bytes)': () => W.instantiate(bytes),
    'instantiate(imp module, {})': () => W.instantiate(new W.Module(bytes), {}),
    'compileStreaming(1)': () => W.compileStreaming(1),
    'instantiateStreaming(1)': () => W.instantiateStreaming(1),
  };
}

function outcome(f: () => unknown): string {
  try {
    const v = f();
    return `value ${typeof v}`;
  } catch (e) {
    return `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
}

async function asyncOutcome(f: () => unknown): Promise<string> {
  try {
    const v = await f();
    return `value ${typeof v}`;
  } catch (e) {
    return `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
}

function compare(name: string, v8: string, ours: string): void {
  const cls = (s: string) => s.slice(0, s.indexOf(':'));
  if (name in CLASS_DIFFERS) {
    expect(cls(ours), `${name}: listed as differing`).to.not.equal(cls(v8));
  } else if (name in MESSAGE_DIFFERS) {
    expect(cls(ours), name).to.equal(cls(v8));
    expect(ours, `${name}: listed as differing`).to.not.equal(v8);
  } else {
    expect(ours, name).to.equal(v8);
  }
}

describe('wrong arguments: the error class and message V8 gives', () => {
  const v8 = cases(globalThis.WebAssembly);
  const ours = cases(WA);
  for (const name of Object.keys(v8)) {
    it(name, () => compare(name, outcome(v8[name]!), outcome(ours[name]!)));
  }
  const v8Async = asyncCases(globalThis.WebAssembly);
  const oursAsync = asyncCases(WA);
  for (const name of Object.keys(v8Async)) {
    it(`${name} (a rejected promise)`, async () => compare(name, await asyncOutcome(v8Async[name]!), await asyncOutcome(oursAsync[name]!)));
  }
});
