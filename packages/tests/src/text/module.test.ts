// The text parser's module fields and instructions, checked byte for byte against wabt for the
// constructs both handle, and against hand-assembled bytes where wabt cannot serve as oracle.

import { expect } from 'chai';
import { parseWat, TextError } from '@wasmjit/text';
import { wat } from '../util/wat.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function sameAsWabt(src: string): Promise<void> {
  expect(hex(parseWat(src)), src).to.equal(hex(await wat(src)));
}

/** Errors under the Wasm 2.0 text format (the one with u32 sizes and offsets). */
function errorOf(src: string): string {
  try {
    parseWat(src, { standard: '2.0' });
  } catch (e) {
    if (e instanceof TextError) return e.message;
    throw e;
  }
  throw new Error(`parsed: ${src}`);
}

/** Header + one section. */
function moduleWith(...sections: number[][]): string {
  return '0061736d01000000' + sections.map((s) => Buffer.from(s).toString('hex')).join('');
}

describe('text: module fields', () => {
  it('encodes inline imports and exports of every kind', async () => {
    await sameAsWabt(`(module
      (func $i (import "m" "f") (param i32) (result i64))
      (table (import "m" "t") 1 2 funcref)
      (memory (export "mem") (import "m" "mem") 1)
      (global $g (import "m" "g") (mut i32))
      (func (export "a") (export "b") (param $x i32) (result i32) local.get $x)
      (global (export "g2") i64 (i64.const -1))
      (table (export "t2") 0 externref)
      (memory (export "m2") 0 1))`);
  });

  it('reuses an explicit type for a matching type use and appends implicit ones in order', async () => {
    const src = `(module
      (type $v (func))
      (func (param i32) (result i32) (local.get 0))
      (func (type $v))
      (func)
      (func (param f64))
      (func (param i32) (result i32) (i32.const 1)))`;
    await sameAsWabt(src);
    // types: 0 = $v, 1 = [i32]->[i32], 2 = [f64]->[]; functions use 1, 0, 0, 2, 1
    expect(hex(parseWat(src))).to.contain('030605010000020' + '1');
  });

  it('expands table (elem ...) and memory (data ...) abbreviations', async () => {
    await sameAsWabt(`(module (func $f) (func $g) (table funcref (elem $f $g $f)) (memory (data "hello" "\\00world")))`);
  });

  it('encodes elem and data segments in all their forms', async () => {
    await sameAsWabt(`(module
      (table $t 10 funcref) (table $u 10 externref) (memory 1) (func $f)
      (elem (i32.const 0) $f)
      (elem (offset (i32.const 1)) func $f $f)
      (elem (table $t) (i32.const 2) funcref (ref.func $f) (ref.null func))
      (elem $p funcref (item ref.func $f) (item ref.null func))
      (elem declare func $f)
      (elem (table $u) (i32.const 0) externref (ref.null extern))
      (data (i32.const 0) "a") (data $d "passive") (data (memory 0) (offset (i32.const 8)) "b"))`);
  });

  it('names local, global, function, table and label indices', async () => {
    await sameAsWabt(`(module
      (global $g (mut i32) (i32.const 0))
      (table $t 1 funcref)
      (type $sig (func (param i32) (result i32)))
      (func $f (type $sig) (param $a i32) (result i32) (local $l i64) (local f32 f32)
        (block $out (result i32)
          (loop $top
            (br_if $out (local.get $a) (i32.eqz (local.get $a)))
            (br_table $top $out $top (local.get $a)))
          (call_indirect $t (type $sig) (local.get $a) (i32.const 0)))
        (global.set $g)
        (call $f (global.get $g))))`);
  });

  it('reads folded and flat instructions, if/then/else and multi-value block types', async () => {
    await sameAsWabt(`(module
      (func (param i32) (result i32 i32)
        (if (result i32 i32) (local.get 0)
          (then (i32.const 1) (i32.const 2))
          (else i32.const 3 i32.const 4)))
      (func (result i32)
        i32.const 1
        block (param i32) (result i32) i32.const 2 i32.add end
        if (result i32) i32.const 5 else i32.const 6 end)
      (func $l (result f64)
        block $b (result f64) f64.const 1 br $b end $b))`);
  });

  it('encodes memargs, typed select, ref instructions and bulk memory', async () => {
    await sameAsWabt(`(module (memory 1) (table 1 funcref) (elem $e func $h) (data $d "xyz")
      (func $h (param i32) (result i64)
        (i64.load32_u offset=0x10 align=2 (local.get 0))
        (i64.load (local.get 0))
        (select (result i64))
        (drop (ref.is_null (ref.func $h)))
        (drop (ref.null extern))
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
        (data.drop $d)
        (table.init $e (i32.const 0) (i32.const 0) (i32.const 1))
        (elem.drop $e)
        (memory.copy (i32.const 0) (i32.const 1) (i32.const 1))
        (memory.fill (i32.const 0) (i32.const 1) (i32.const 1))
        (drop (table.grow (ref.null func) (i32.const 1)))
        (drop (table.size))
        (drop (memory.grow (memory.size)))))`);
  });

  it('encodes memory indices of multi-memory and 64-bit offsets of memory64', () => {
    const bytes = parseWat(`(module (memory 1) (memory $m i64 1)
      (func (drop (i32.load $m offset=0x100000000 (i64.const 0)))
            (drop (memory.size $m))))`);
    const code = [
      0x0a, 0x12, 0x01, 0x10, 0x00,
      0x42, 0x00, // i64.const 0
      0x28, 0x42, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, // i32.load align=2|0x40, memory 1, offset 2^32
      0x1a, 0x3f, 0x01, 0x1a, 0x0b, // drop, memory.size 1, drop, end
    ];
    expect(hex(bytes)).to.equal(
      moduleWith([0x01, 0x04, 0x01, 0x60, 0x00, 0x00], [0x03, 0x02, 0x01, 0x00], [0x05, 0x05, 0x02, 0x00, 0x01, 0x04, 0x01], code),
    );
  });

  it('reads 32-bit sizes and offsets as u64 in Wasm 3.0, leaving the range check to validation', () => {
    const bytes = parseWat('(module (memory 0x1_0000_0000) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0)))))');
    expect(hex(bytes)).to.contain('05070100' + '8080808010'); // memory section: one memory, min 2^32
    expect(hex(bytes)).to.contain('2802' + '8080808010'); // i32.load align=4 offset=2^32
  });

  it('encodes SIMD constants, lanes and lane memargs', () => {
    const bytes = parseWat(`(module (memory 1) (func (param v128) (result v128)
      (v128.const i16x8 1 -1 0 0x7fff 0 0 0 0)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31)
      (v128.load16_lane offset=2 7 (i32.const 0) (local.get 0))
      (i32x4.replace_lane 3 (f32x4.splat (f32.const 1)) (i32.const 5))
      drop drop))`);
    const body = hex(bytes).slice(hex(bytes).indexOf('0a'));
    expect(body).to.contain('fd0c' + '0100ffff0000ff7f0000000000000000'); // v128.const i16x8
    expect(body).to.contain('fd0d' + '000102030405060708090a0b0c0d0e1f'); // shuffle lanes
    expect(body).to.contain('fd5501' + '02' + '07'); // load16_lane align=1 offset=2 lane 7
    expect(body).to.contain('fd1c03'); // i32x4.replace_lane 3
  });
});

describe('text: Wasm 3.0 types and instructions (hand-assembled bytes: wabt has no GC)', () => {
  const body = (src: string) => {
    const h = hex(parseWat(src));
    return h.slice(h.lastIndexOf('0a')); // the code section is last
  };

  it('encodes struct/array/sub/rec type definitions with packed and mutable fields', () => {
    const h = hex(parseWat(`(module
      (type $p (struct (field $x i32) (field (mut i8))))
      (type $a (array (mut f64)))
      (rec (type $r (sub (func))) (type $s (sub final $r (func))))
      (type $n (func (param (ref null $p)) (result (ref $a)))))`));
    expect(h).to.equal(
      '0061736d01000000' + '011e04' + '5f027f007801' + '5e7c01' + '4e02' + '5000600000' + '4f0102600000' + '60016300016401',
    );
  });

  it('encodes GC instructions with type, field and cast immediates', () => {
    const b = body(`(module (type $p (struct (field $x i32) (field $y (mut i64))))
      (func (param (ref null $p)) (result i32)
        (struct.set $p $y (local.get 0) (i64.const 1))
        (drop (ref.test (ref null $p) (local.get 0)))
        (drop (ref.cast (ref $p) (local.get 0)))
        (block $l (result anyref) (drop (br_on_cast $l anyref (ref $p) (local.get 0))) (ref.null any))
        drop
        (struct.get $p $x (local.get 0))))`);
    expect(b).to.contain('20004201' + 'fb050001'); // struct.set $p field 1
    expect(b).to.contain('2000' + 'fb1500'); // ref.test null $p: the nullable form, 21
    expect(b).to.contain('2000' + 'fb1600'); // ref.cast (ref $p): 22
    expect(b).to.contain('2000' + 'fb1801006e00'); // br_on_cast flags=1 (from nullable) label 0 any $p
    expect(b).to.contain('2000' + 'fb020000'); // struct.get $p field 0
  });

  it('keeps funcref segments of ref.func items funcref (expressions), as function indices would be (ref func)', () => {
    const src = `(module (table 2 funcref) (func $f) (elem (i32.const 0) funcref (ref.func $f)) (elem func $f))`;
    // 3.0: flags 4 (table 0, funcref, expressions: ref.func 0), then flags 1 (passive, elemkind 0, index 0).
    expect(hex(parseWat(src))).to.contain('090d02' + '04' + '41000b' + '01' + 'd2000b' + '01' + '00' + '01' + '00');
    // 2.0, where both encodings mean funcref: function indices (flags 0), as wabt writes them.
    expect(hex(parseWat(src, { standard: '2.0' }))).to.contain('090b02' + '00' + '41000b' + '01' + '00' + '01' + '00' + '01' + '00');
    // The golden check's option for wabt's choice in 3.0.
    expect(hex(parseWat(src, { funcrefElemIndices: true }))).to.contain('090b02' + '00' + '41000b' + '01' + '00');
  });

  it('encodes tail calls, typed function references and try_table', () => {
    const b = body(`(module (type $t (func (result i32))) (tag $e (param i32))
      (func $f (type $t) (i32.const 0))
      (func (result i32)
        (block $h (result i32)
          (try_table (result i32) (catch $e $h) (catch_all $h) (return_call $f)))
        (call_ref $t (ref.func $f))
        (return_call_ref $t (ref.as_non_null (ref.func $f)))))`);
    expect(b).to.contain('027f' + '1f7f' + '02' + '000000' + '0200' + '1200' + '0b0b'); // try_table with 2 catches
    expect(b).to.contain('d200' + '1400'); // call_ref $t
    expect(b).to.contain('d200d4' + '1500'); // ref.as_non_null, return_call_ref $t
  });
});

describe('text: malformed modules', () => {
  const cases: [string, string][] = [
    ['(module (func (i32.const 0x1_0000_0000)))', '1:26: malformed i32 constant "0x1_0000_0000"'],
    ['(module (memory 1) (func (drop (i32.load offset=0x1_0000_0000 (i32.const 0)))))', '1:42: malformed memory offset "offset=0x1_0000_0000"'],
    ['(module (memory 0x1_0000_0000))', '1:17: malformed size "0x1_0000_0000"'],
    ['(module\n  (func (i32.add (local.get $x))))', '2:29: unknown local $x'],
    ['(module (func (unknown.op)))', '1:16: unknown operator "unknown.op"'],
    ['(module (func block $a end $b))', '1:28: mismatching label $b'],
    ['(module (func $f) (func $f))', '1:25: duplicate func $f'],
    ['(module (func) (import "m" "f" (func)))', '1:16: import after func'],
    ['(module (memory 1) (func (drop (i32.load align=3 (i32.const 0)))))', '1:42: alignment must be a power of two, found "align=3"'],
    ['(module (type (func)) (func (type 0) (param i32)))', '1:29: inline function type does not match the type definition'],
    ['(module (func (block (param $x i32))))', '1:29: unexpected parameter name in a block type'],
    ['(module (func (i8x16.extract_lane_s 16x (v128.const i32x4 0 0 0 0))))', '1:37: expected a lane index (0..255), found "16x"'],
    ['(module (start 0) (start 0))', '1:19: multiple start sections'],
    ['(module (export "\\ff" (func 0)))', '1:17: malformed UTF-8 encoding in a name'],
    ['(module (func (result i32) (i32.const)))', '1:38: expected an i32 literal, found ")"'],
    // Words that are properties of every JS object are no field kinds (they used to crash with a TypeError).
    ['(module (export "x" (toString 0)))', '1:21: expected an export description, found "(toString..."'],
    ['(module (import "m" "n" (constructor)))', '1:25: expected an import description (func, table, memory, global, tag), found "(constructor..."'],
  ];
  for (const [src, message] of cases) {
    it(message.replace(/^\d+:\d+: /, ''), () => {
      expect(errorOf(src)).to.equal(message);
    });
  }
});
