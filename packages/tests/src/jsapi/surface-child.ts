// Child process of surface.test.ts (a crash must fail the test, not kill mocha):
//   node surface-child.js <namespace|runtime> <junk kind>
// Walks every own property (symbols included) of every exported class, its prototype and
// statics, and of live objects of each kind; reports each one that is neither a standard
// WebAssembly member (the same object's keys in V8) nor a documented wasmjit extra
// (surface-extras.ts). Then assigns the junk value to every writable property of all of them,
// and uses everything again (through references taken before and through the junked
// objects): each use must give a value or a clean TypeError/RangeError/CompileError/
// LinkError/RuntimeError. Prints one JSON report.
import * as runtime from '@wasmjit/runtime';
import { WebAssembly as WA } from '@wasmjit/runtime/webassembly';
import { wat } from '../util/wat.js';
import { NAMESPACE_EXTRAS, RUNTIME_EXTRAS, RUNTIME_STANDARD } from './surface-extras.js';

const [api, junkKind] = process.argv.slice(2) as ['namespace' | 'runtime', string];

const JUNK: Record<string, unknown> = {
  zero: 0,
  false: false,
  address: 0x4141_4141_0000,
  string: 'junk',
  object: { address: 0x4141_4141_0000, view: new DataView(new ArrayBuffer(16)), offset: 0, length: 2 ** 31, code: 0x4141_4141_0000 },
  function: () => 0x4141_4141_0000,
  null: null,
};
const junk = JUNK[junkKind];
if (!(junkKind in JUNK)) throw new Error(`unknown junk kind ${junkKind}`);

const PROGRAM = await wat(`(module
  (import "m" "mem" (memory 1 4))
  (import "m" "tab" (table 2 funcref))
  (import "m" "g" (global (mut i32)))
  (import "m" "js" (func $js (param i32) (result i32)))
  (type $ri (func (result i32)))
  (func $seven (export "seven") (result i32) i32.const 7)
  (func $deep (export "deep") (param i32) (result i32) (call $deep (i32.add (local.get 0) (i32.const 1))))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "callAt") (param i32) (result i32) (call_indirect (type $ri) (local.get 0)))
  (func (export "getG") (result i32) global.get 0)
  (func (export "viaJs") (param i32) (result i32) (call $js (local.get 0)))
  (func (export "i64") (param i64) (result i64) local.get 0)
  (elem (i32.const 0) $seven))`);
const PLAIN = (await wat('(module (func (export "f") (result i32) i32.const 1) (memory (export "mem") 1) (table (export "tab") 1 funcref) (global (export "g") i32 (i32.const 5)))')) as Uint8Array<ArrayBuffer>;
const TRAPS = await wat('(module (func (export "f") unreachable))');

interface Walked {
  path: string;
  object: object;
  /** Allowed keys: the V8 counterpart's, and the documented extras. */
  allowed: Set<string>;
}

// Well-known symbols by their spec names (Node 20's Symbol.dispose is described "nodejs.dispose").
const WELL_KNOWN = new Map<symbol, string>([[Symbol.toStringTag, '[Symbol.toStringTag]'], [Symbol.dispose, '[Symbol.dispose]']]);
const keyName = (k: string | symbol): string => (typeof k === 'symbol' ? WELL_KNOWN.get(k) ?? `[${k.description}]` : k);
const keysOf = (o: object | undefined): string[] => (o === undefined ? [] : Reflect.ownKeys(o).map(keyName));

function walked(path: string, object: object, v8: object | undefined, extras: Record<string, readonly string[]>, standard: readonly string[] = []): Walked {
  return { path, object, allowed: new Set([...keysOf(v8), ...standard, ...(extras[path] ?? [])]) };
}

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

const CLASSES = ['Module', 'Instance', 'Memory', 'Table', 'Global', 'CompileError', 'LinkError', 'RuntimeError'] as const;
const V8 = globalThis.WebAssembly as unknown as Record<string, { prototype: object } & object>;

/** Objects of the namespace and their V8 counterparts. */
function namespaceObjects(): Walked[] {
  const W = WA as unknown as Record<string, { prototype: object } & object>;
  const out: Walked[] = [walked('WebAssembly', WA, V8 as object, NAMESPACE_EXTRAS)];
  for (const c of CLASSES) {
    out.push(walked(`WebAssembly.${c}`, W[c]!, V8[c], NAMESPACE_EXTRAS));
    out.push(walked(`WebAssembly.${c}.prototype`, W[c]!.prototype, V8[c]!.prototype, NAMESPACE_EXTRAS));
  }
  const live = (W8: typeof WA) => {
    const mem = new W8.Memory({ initial: 1, maximum: 4 });
    const tab = new W8.Table({ element: 'anyfunc', initial: 2 });
    const g = new W8.Global({ value: 'i32', mutable: true }, 1);
    const module = new W8.Module(PROGRAM);
    const instance = new W8.Instance(module, { m: { mem, tab, g, js: (x: number) => x } });
    const exports = instance.exports as Record<string, object>;
    return {
      module, instance, exports, 'exported function': exports.seven!, memory: mem, table: tab, global: g,
      'trap error': caught(() => ((new W8.Instance(new W8.Module(TRAPS)).exports as Record<string, () => void>).f!)()) as object,
      'compile error': caught(() => new W8.Module(new Uint8Array([0, 97, 115, 109, 9, 0, 0, 0]))) as object,
      'link error': caught(() => new W8.Instance(module, { m: { mem, tab, g, js: 1 } })) as object,
    };
  };
  const ours = live(WA);
  const theirs = live(globalThis.WebAssembly as unknown as typeof WA);
  for (const [name, o] of Object.entries(ours)) out.push(walked(name, o, (theirs as Record<string, object>)[name], NAMESPACE_EXTRAS));
  return out;
}

/** Objects of the runtime API; the counterparts are the namespace's standard ones. */
function runtimeObjects(): Walked[] {
  type Fn = ((...a: unknown[]) => unknown) & { prototype?: object };
  const R = runtime as unknown as Record<string, unknown>;
  const isFn = (v: unknown): v is Fn => typeof v === 'function';
  const out: Walked[] = [walked('@wasmjit/runtime', runtime, undefined, RUNTIME_EXTRAS)];
  const seen = new Set<unknown>();
  for (const name of Object.keys(runtime)) {
    const v = R[name];
    if (!isFn(v) || v.prototype === undefined || seen.has(v)) continue;
    seen.add(v); // `default` is Engine again
    const counterpart = (CLASSES as readonly string[]).includes(name) ? V8[name] : undefined;
    out.push(walked(name, v, counterpart, RUNTIME_EXTRAS, RUNTIME_STANDARD.function));
    out.push(walked(`${name}.prototype`, v.prototype, counterpart?.prototype, RUNTIME_EXTRAS, RUNTIME_STANDARD.prototype));
  }
  for (const name of Object.keys(runtime)) {
    const v = R[name];
    if (isFn(v) && v.prototype === undefined) out.push(walked(name, v, undefined, RUNTIME_EXTRAS, RUNTIME_STANDARD.function));
  }
  const engine = new runtime.Engine();
  const mem = new runtime.Memory({ initial: 1, maximum: 4 });
  const tab = new runtime.Table({ element: 'anyfunc', initial: 2 });
  const g = new runtime.Global({ value: 'i32', mutable: true }, 1);
  const module = engine.compile(PROGRAM);
  const instance = engine.instantiate(module, { m: { mem, tab, g, js: (x: number) => x } });
  const live: Record<string, [object, object | undefined]> = {
    engine: [engine, undefined],
    module: [module, new WebAssembly.Module(PLAIN)],
    instance: [instance, new WebAssembly.Instance(new WebAssembly.Module(PLAIN))],
    exports: [instance.exports, instance.exports],
    'exported function': [instance.exports.seven as object, undefined],
    memory: [mem, new WebAssembly.Memory({ initial: 1 })],
    table: [tab, new WebAssembly.Table({ element: 'anyfunc', initial: 1 })],
    global: [g, new WebAssembly.Global({ value: 'i32' })],
    'trap error': [caught(() => (engine.instantiate(engine.compile(TRAPS)).exports.f as () => void)()) as object, new WebAssembly.RuntimeError('x')],
    'compile error': [caught(() => engine.compile(new Uint8Array([0, 97, 115, 109, 9, 0, 0, 0]))) as object, new WebAssembly.CompileError('x')],
    'link error': [caught(() => engine.instantiate(module, { m: { mem, tab, g, js: 1 } })) as object, new WebAssembly.LinkError('x')],
    wasi: [new runtime.WASI(), undefined],
    'wasi exit': [new runtime.WasiExit(3), new Error('x')],
  };
  for (const [name, [o, v8]] of Object.entries(live)) {
    out.push(walked(name, o, v8, RUNTIME_EXTRAS, typeof o === 'function' ? RUNTIME_STANDARD.exportedFunction : []));
  }
  return out;
}

const objects = api === 'namespace' ? namespaceObjects() : runtimeObjects();
const unexpected: string[] = [];
for (const w of objects) {
  for (const k of keysOf(w.object)) if (!w.allowed.has(k)) unexpected.push(`${w.path}: ${k}`);
}

// Taken before the junk lands: the "fresh" uses go through these.
const fresh = {
  ns: { ...Object.fromEntries(CLASSES.map((c) => [c, (WA as unknown as Record<string, unknown>)[c]])), validate: WA.validate } as unknown as typeof WA,
  rt: { ...runtime },
};
const find = (path: string) => objects.find((w) => w.path === path)!.object as Record<string, unknown>;
const junked = {
  module: find('module'), instance: find('instance'), memory: find('memory'), table: find('table'), global: find('global'),
  exports: find('exports'), engine: api === 'runtime' ? find('engine') : undefined,
};

const CLEAN: [string, abstract new (...a: never[]) => unknown][] = [
  ['TypeError', TypeError], ['RangeError', RangeError],
  ['CompileError', WA.CompileError], ['LinkError', WA.LinkError], ['RuntimeError', WA.RuntimeError],
  ['CompileError', runtime.CompileError], ['LinkError', runtime.LinkError], ['RuntimeError', runtime.RuntimeError],
];

let assigned = 0;
for (const w of objects) {
  for (const k of Reflect.ownKeys(w.object)) {
    const d = Object.getOwnPropertyDescriptor(w.object, k)!;
    if (!(d.writable || d.set)) continue;
    try {
      (w.object as Record<string | symbol, unknown>)[k] = junk;
      assigned++;
    } catch { /* a setter that refuses the junk: fine */ }
  }
}

const outcomes: Record<string, string> = {};
function use(name: string, f: () => unknown): void {
  try {
    const v = f();
    outcomes[name] = `value ${typeof v}`;
  } catch (e) {
    // By the classes as they were before the junk (`constructor` and `name` may be junk now).
    const clean = CLEAN.find(([, C]) => e instanceof C);
    outcomes[name] = clean ? `error ${clean[0]}` : `UNCLEAN ${String(e)}`;
  }
}

type Fn = (...a: unknown[]) => unknown;
type Obj = Record<string, unknown>;
function useExports(prefix: string, ex: Obj): void {
  use(`${prefix} seven`, () => (ex.seven as Fn)());
  use(`${prefix} deep recursion`, () => (ex.deep as Fn)(0));
  use(`${prefix} peek`, () => (ex.peek as Fn)(8));
  use(`${prefix} peek out of bounds`, () => (ex.peek as Fn)(4 * 65536));
  use(`${prefix} grow`, () => (ex.grow as Fn)());
  use(`${prefix} callAt 0`, () => (ex.callAt as Fn)(0));
  use(`${prefix} callAt 1`, () => (ex.callAt as Fn)(1));
  use(`${prefix} getG`, () => (ex.getG as Fn)());
  use(`${prefix} viaJs`, () => (ex.viaJs as Fn)(3));
  use(`${prefix} i64`, () => (ex.i64 as Fn)(5n));
}

function useObjects(prefix: string, o: { memory: Obj; table: Obj; global: Obj }): void {
  use(`${prefix} memory.grow`, () => (o.memory.grow as Fn).call(o.memory, 1));
  use(`${prefix} memory.buffer`, () => new Uint8Array(o.memory.buffer as ArrayBuffer)[8]);
  use(`${prefix} table.get`, () => (o.table.get as Fn).call(o.table, 0));
  use(`${prefix} table.set`, () => (o.table.set as Fn).call(o.table, 1, null));
  use(`${prefix} table.grow`, () => (o.table.grow as Fn).call(o.table, 1));
  use(`${prefix} table.length`, () => o.table.length);
  use(`${prefix} global.value`, () => o.global.value);
  use(`${prefix} global.value =`, () => {
    o.global.value = 9;
  });
}

if (api === 'namespace') {
  const W = fresh.ns;
  const mem = new W.Memory({ initial: 1, maximum: 4 });
  const tab = new W.Table({ element: 'anyfunc', initial: 2 });
  const g = new W.Global({ value: 'i32', mutable: true }, 1);
  const module = new W.Module(PROGRAM);
  use('fresh validate', () => W.validate(PROGRAM));
  use('fresh Module.exports', () => W.Module.exports(module));
  use('fresh Module.exports(junked)', () => W.Module.exports(junked.module as never));
  useExports('fresh', new W.Instance(module, { m: { mem, tab, g, js: (x: number) => x } }).exports as Obj);
  useExports('junked module', new W.Instance(junked.module as never, { m: { mem, tab, g, js: (x: number) => x } }).exports as Obj);
  use('junked imports', () => {
    useExports('junked imports', new W.Instance(module, { m: { mem: junked.memory, tab: junked.table, g: junked.global, js: (x: number) => x } }).exports as Obj);
  });
  useExports('junked instance', junked.exports);
  use('junked instance.exports', () => Object.keys(junked.instance.exports as object));
  useObjects('fresh', { memory: mem as never, table: tab as never, global: g as never });
  useObjects('junked', junked as never);
  use('junked namespace instantiate', () => (WA.instantiate as Fn)(PROGRAM));
} else {
  const R = fresh.rt;
  const engine = new R.Engine();
  const mem = new R.Memory({ initial: 1, maximum: 4 });
  const tab = new R.Table({ element: 'anyfunc', initial: 2 });
  const g = new R.Global({ value: 'i32', mutable: true }, 1);
  // Through the constructors: Engine.prototype.compile and instantiate may be junk now.
  const module = new R.Module(PROGRAM, engine);
  const imports = { m: { mem, tab, g, js: (x: number) => x } };
  use('fresh validate', () => R.validate(PROGRAM));
  use('fresh Module.exports', () => R.Module.exports(module));
  use('fresh Module.exports(junked)', () => R.Module.exports(junked.module as never));
  useExports('fresh', new R.Instance(module, imports, engine).exports);
  use('junked engine', () => {
    const e = junked.engine as unknown as runtime.Engine;
    useExports('junked engine', new R.Instance(new R.Module(PROGRAM, e), imports, e).exports);
  });
  use('junked module', () => useExports('junked module', new R.Instance(junked.module as never, imports).exports));
  use('junked imports', () => {
    useExports('junked imports', new R.Instance(module, { m: { mem: junked.memory, tab: junked.table, g: junked.global, js: (x: number) => x } }).exports);
  });
  useExports('junked instance', junked.exports);
  use('junked instance.exports', () => Object.keys(junked.instance.exports as object));
  useObjects('fresh', { memory: mem as never, table: tab as never, global: g as never });
  useObjects('junked', junked as never);
  use('junked instance.dispose', () => (junked.instance.dispose as Fn).call(junked.instance));
}

process.stdout.write(JSON.stringify({ unexpected, assigned, outcomes }));
