// Typed function references (docs/typed-references.md): call_ref / return_call_ref, the null
// checks of ref.as_non_null, br_on_null and br_on_non_null, non-nullable locals (validation),
// tables with initializers, and the JS boundary and import checks of (ref $t) values. The
// modules are written in text and encoded by @wasmjit/text (wabt predates the standard's
// encoding of (ref $t)).
import { expect } from 'chai';
import { CompileError, Engine, LinkError, RuntimeError } from '@wasmjit/runtime';
import { parseWat } from '@wasmjit/text';
import { WebAssembly as WA } from '@wasmjit/runtime/webassembly';

type Fn = (...args: unknown[]) => unknown;
const COMPILATIONS = ['eager', 'lazy'] as const;

function instantiate(src: string, imports: Record<string, Record<string, unknown>> = {}, engine = new Engine()): Record<string, Fn> {
  return engine.instantiate(engine.compile(parseWat(src)), imports).exports as Record<string, Fn>;
}

function compileError(src: string, engine = new Engine()): CompileError {
  try {
    engine.compile(parseWat(src));
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('the module compiled');
}

const CALLS = `(module
  (type $ii (func (param i32) (result i32)))
  (func $sq (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func $neg (type $ii) (i32.sub (i32.const 0) (local.get 0)))
  (elem declare func $sq $neg)
  (func (export "apply") (param $which i32) (param $x i32) (result i32)
    (call_ref $ii (local.get $x)
      (select (result (ref $ii)) (ref.func $sq) (ref.func $neg) (local.get $which))))
  (func (export "null") (param $x i32) (result i32)
    (call_ref $ii (local.get $x) (ref.null $ii)))
  (func $count (export "count") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_ref $cnt (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 1))
        (ref.func $count)))))
  (type $cnt (func (param i64 i64) (result i64)))
  (elem declare func $count)
  (func (export "tail-null") (result i64)
    (return_call_ref $cnt (i64.const 1) (i64.const 2) (ref.null $cnt))))`;

describe('typed function references', () => {
  for (const compilation of COMPILATIONS) {
    it(`call_ref calls through a (ref $t); a null one traps "null function reference" (${compilation})`, () => {
      const e = instantiate(CALLS, {}, new Engine({ compilation }));
      expect(e.apply!(1, 7)).to.equal(49);
      expect(e.apply!(0, 7)).to.equal(-7);
      expect(() => e.null!(3)).to.throw(RuntimeError).with.property('trap', 'null_reference');
      expect(() => e['tail-null']!()).to.throw(RuntimeError).with.property('trap', 'null_reference');
    });

    it(`return_call_ref replaces the frame: a million tail calls in 1 MiB of stack (${compilation})`, () => {
      const e = instantiate(CALLS, {}, new Engine({ compilation, maxWasmStack: 1024 * 1024 }));
      expect(e.count!(1_000_000n, 0n)).to.equal(1_000_000n);
    });
  }

  it('ref.as_non_null, br_on_null and br_on_non_null test for null', () => {
    const e = instantiate(`(module
      (type $t (func (result i32)))
      (func $five (type $t) (i32.const 5))
      (elem declare func $five)
      (global $g (mut (ref null $t)) (ref.null $t))
      (func (export "set") (param i32)
        (global.set $g (if (result (ref null $t)) (local.get 0) (then (ref.func $five)) (else (ref.null $t)))))
      (func (export "as-non-null") (result i32) (call_ref $t (ref.as_non_null (global.get $g))))
      (func (export "on-null") (result i32)
        (block $null
          (return (call_ref $t (br_on_null $null (global.get $g)))))
        (i32.const -1))
      (func (export "on-non-null") (result i32)
        (block $l (result (ref $t))
          (br_on_non_null $l (global.get $g))
          (return (i32.const -2)))
        (call_ref $t)))`);
    expect(() => e['as-non-null']!()).to.throw(RuntimeError).with.property('trap', 'null_reference');
    expect(e['on-null']!()).to.equal(-1);
    expect(e['on-non-null']!()).to.equal(-2);
    e.set!(1);
    expect(e['as-non-null']!()).to.equal(5);
    expect(e['on-null']!()).to.equal(5);
    expect(e['on-non-null']!()).to.equal(5);
  });

  it('refuses to read a non-nullable local before it is set, naming the function and the offset', () => {
    const err = compileError(`(module
      (func)
      (func (param i32) (result funcref)
        (local $f (ref func))
        (local.get $f)))`);
    expect(err.message).to.match(/uninitialized local 1/);
    expect(err.funcIndex).to.equal(1);
    expect(err.offset).to.be.a('number').and.greaterThan(0);
  });

  it('forgets a local set inside a block at the block\'s end', () => {
    const set = `(func $f) (elem declare func $f)
      (func (result funcref) (local $x (ref func))
        (block (local.set $x (ref.func $f)))
        (local.get $x))`;
    expect(compileError(`(module ${set})`).message).to.match(/uninitialized local 0/);
    // Set in the function's own block it stays set.
    instantiate(`(module (func $f) (elem declare func $f)
      (func (export "g") (result funcref) (local $x (ref func)) (local.set $x (ref.func $f)) (block (drop (local.get $x))) (local.get $x)))`);
  });

  it('refuses a table of non-nullable references without an initializer, and fills one that has it', () => {
    expect(compileError('(module (type $t (func)) (table 1 (ref $t)))').message).to.match(/type mismatch/);
    const e = instantiate(`(module
      (type $t (func (result i32)))
      (func $seven (type $t) (i32.const 7))
      (table $tab 3 (ref $t) (ref.func $seven))
      (func (export "call") (param i32) (result i32) (call_indirect $tab (type $t) (local.get 0))))`);
    expect([e.call!(0), e.call!(2)]).to.deep.equal([7, 7]);
  });

  it('refuses type indices out of range and forward references between type definitions', () => {
    const bytes = Uint8Array.from([
      0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      1, 6, 1, 0x60, 1, 0x64, 0x05, 0, // type 0: (func (param (ref 5)))
    ]);
    expect(() => new Engine().compile(bytes)).to.throw(CompileError, /unknown type 5/);
    expect(compileError(`(module (type $a (func (param (ref $b)))) (type $b (func)))`).message).to.match(/unknown type 1/);
    expect(compileError('(module (func (drop (ref.null 7))))').message).to.match(/unknown type 7/);
  });

  it('with the feature off, names it in the CompileError', () => {
    const err = compileError(CALLS, new Engine({ features: { typedFunctionReferences: false } }));
    expect(err.message).to.match(/typed function references/);
  });

  describe('at the JS boundary', () => {
    const MOD = `(module
      (type $ii (func (param i32) (result i32)))
      (type $v (func))
      (func $sq (export "sq") (type $ii) (i32.mul (local.get 0) (local.get 0)))
      (func $nop (export "nop") (type $v))
      (func (export "apply") (param $f (ref $ii)) (param i32) (result i32) (call_ref $ii (local.get 1) (local.get $f)))
      (func (export "apply-null") (param $f (ref null $ii)) (result i32)
        (if (result i32) (ref.is_null (local.get $f)) (then (i32.const -1)) (else (call_ref $ii (i32.const 3) (local.get $f)))))
      (func (export "any") (param (ref func)) (result i32) (i32.const 1))
      (global (export "g") (mut (ref null $ii)) (ref.null $ii)))`;

    it('takes only an exported wasm function of the matching type for a (ref $t) parameter', () => {
      const e = instantiate(MOD);
      const other = instantiate(MOD);
      expect(e.apply!(e.sq, 5)).to.equal(25);
      // Another instance's function of an equivalent type is the same type.
      expect(e.apply!(other.sq, 6)).to.equal(36);
      expect(() => e.apply!(e.nop, 5)).to.throw(TypeError);
      expect(() => e.apply!((x: number) => x, 5)).to.throw(TypeError);
      expect(() => e.apply!(null, 5)).to.throw(TypeError);
      expect(e['apply-null']!(null)).to.equal(-1);
      expect(e['apply-null']!(e.sq)).to.equal(9);
      expect(() => e['apply-null']!(e.nop)).to.throw(TypeError);
      expect(e.any!(e.nop)).to.equal(1);
      expect(() => e.any!(null)).to.throw(TypeError);
    });

    it('checks values set into a typed global', () => {
      const e = instantiate(MOD) as unknown as Record<string, { value: unknown }> & Record<string, Fn>;
      const g = e.g as unknown as { value: unknown };
      g.value = e.sq;
      expect(g.value).to.equal(e.sq);
      expect(() => { g.value = e.nop; }).to.throw(TypeError);
      g.value = null;
      expect(g.value).to.equal(null);
    });

    it('links imports by their typed signatures (equivalent types under other indices match)', () => {
      const a = instantiate(MOD);
      const importer = (ty: string) => `(module
        (type $pad (func (param f64)))
        (type $ii (func (param i32) (result i32)))
        (import "m" "apply" (func (param (ref ${ty})) (param i32) (result i32))))`;
      instantiate(importer('$ii'), { m: { apply: a.apply } });
      expect(() => instantiate(importer('$pad'), { m: { apply: a.apply } })).to.throw(LinkError);
      // An immutable typed global import takes a value of its type only.
      const gsrc = '(module (type $ii (func (param i32) (result i32))) (import "m" "g" (global (ref $ii))))';
      instantiate(gsrc, { m: { g: a.sq } });
      expect(() => instantiate(gsrc, { m: { g: a.nop } })).to.throw(LinkError);
      expect(() => instantiate(gsrc, { m: { g: null } })).to.throw(LinkError);
    });

    it('through the WebAssembly namespace: typed global imports and calls are checked the same way', () => {
      const a = new WA.Instance(new WA.Module(parseWat(MOD))).exports as Record<string, Fn>;
      expect(a.apply!(a.sq, 4)).to.equal(16);
      expect(() => a.apply!(a.nop, 4)).to.throw(TypeError);
      const gsrc = parseWat(`(module (type $ii (func (param i32) (result i32))) (import "m" "g" (global (ref $ii)))
        (func (export "call") (result i32) (call_ref $ii (i32.const 9) (global.get 0))))`);
      const b = new WA.Instance(new WA.Module(gsrc), { m: { g: a.sq } }).exports as Record<string, Fn>;
      expect(b.call!()).to.equal(81);
      expect(() => new WA.Instance(new WA.Module(gsrc), { m: { g: a.nop } })).to.throw(WA.LinkError);
    });
  });
});
