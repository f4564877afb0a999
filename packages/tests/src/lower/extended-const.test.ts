// Extended constant expressions (Wasm 3.0, on by default): i32/i64 add, sub and mul, and
// global.get of the module's own earlier immutable globals, in global initialisers and in
// data, element and table offsets; with the feature off, the Wasm 2.0 errors.
import { expect } from 'chai';
import { CompileError, Engine } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';
import { I32, I64, ModuleBuilder } from '../wasm/binary-builder.js';

const END = 0x0b;

type Fn = (...args: unknown[]) => unknown;

describe('extended constant expressions', () => {
  const text = `(module
    (memory (export "mem") 1)
    (table (export "tab") 8 funcref)
    (global $base i32 (i32.const 16))
    (global $scaled i32 (i32.mul (global.get $base) (i32.const 3)))
    (global $wide i64 (i64.add (i64.const 0x7fffffffffffffff) (i64.const 2)))
    (global $back (export "back") i32 (i32.sub (global.get $scaled) (i32.const 50)))
    (data (i32.add (global.get $scaled) (i32.const 2)) "\\2a")
    (elem (i32.sub (global.get $base) (i32.const 11)) $seven)
    (func $seven (result i32) i32.const 7)
    (type $t (func (result i32)))
    (func (export "get") (result i32 i64) global.get $scaled global.get $wide)
    (func (export "call5") (result i32) i32.const 5 call_indirect (type $t)))`;

  it('are on by default: own globals and arithmetic in globals, data and element offsets', async () => {
    const engine = new Engine();
    const e = engine.instantiate(engine.compile(await wat(text)), {}).exports;
    expect((e.get as Fn)()).to.deep.equal([48, -0x7fffffffffffffffn]);
    expect((e.back as { value: number }).value).to.equal(-2);
    expect(new Uint8Array((e.mem as { buffer: ArrayBuffer }).buffer)[50]).to.equal(0x2a);
    expect((e.call5 as Fn)()).to.equal(7);
  });

  it('work the same compiled lazily', async () => {
    const engine = new Engine({ compilation: 'lazy' });
    const e = engine.instantiate(engine.compile(await wat(text)), {}).exports;
    expect((e.get as Fn)()).to.deep.equal([48, -0x7fffffffffffffffn]);
    expect((e.call5 as Fn)()).to.equal(7);
  });

  it('are refused with the Wasm 2.0 errors when turned off', async () => {
    const engine = new Engine({ features: { extendedConst: false } });
    const arith = await wat('(module (global i32 (i32.add (i32.const 1) (i32.const 2))))');
    expect(() => engine.compile(arith)).to.throw(CompileError, /constant expression required/);
    const own = await wat('(module (global i32 (i32.const 1)) (global i32 (global.get 0)))');
    expect(() => engine.compile(own)).to.throw(CompileError, /unknown global 0/);
    expect(() => new Engine().compile(own)).not.to.throw();
  });

  it('still refuse a global reading itself, a later one or a mutable one', () => {
    const engine = new Engine();
    const module = (globals: [number, boolean, number[]][]): Uint8Array => {
      const b = new ModuleBuilder();
      for (const [type, mutable, init] of globals) b.global(type, mutable, [...init, END]);
      return b.build();
    };
    const bad: [Uint8Array, RegExp][] = [
      [module([[I32, false, [0x23, 0]]]), /unknown global 0/],
      [module([[I32, false, [0x23, 1]], [I32, false, [0x41, 0]]]), /unknown global 1/],
      [module([[I32, true, [0x41, 0]], [I32, false, [0x23, 0]]]), /constant expression required/],
      [module([[I64, false, [0x42, 0]], [I32, false, [0x23, 0]]]), /type mismatch/],
      [module([[I32, false, [0x41, 0, 0x6a]]]), /type mismatch/],
    ];
    for (const [bytes, message] of bad) expect(() => engine.compile(bytes), String(message)).to.throw(CompileError, message);
  });
});
