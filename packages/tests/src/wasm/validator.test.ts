import { expect } from 'chai';
import { CompileError, OP_NAMES, WASM2_FEATURES, decodeModule, validateFunction, validateModule } from '@wasmjit/codegen';
import {
  EMPTY,
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  I32,
  I64,
  V128,
  ModuleBuilder,
  funcModule,
  moduleBytes,
  section,
  u32,
  vec,
} from './binary-builder.js';
import { wabtValidate, wat } from '../util/wat.js';

// These tests cover the extended-const proposal's typing too, so it is enabled here; the
// core-2.0 default (rejecting it) is checked in 'module-level rules' below.
function validate(bytes: Uint8Array): void {
  validateModule(decodeModule(bytes, { extendedConst: true }));
}

/** Like invalid, validating with SIMD switched off (it is on by default). */
function invalidWithoutSimd(bytes: Uint8Array): void {
  expect(() => validateModule(decodeModule(bytes, { extendedConst: true }), { simd: false })).to.throw(CompileError, 'SIMD not supported');
  validate(bytes); // and valid with it
}

function invalid(bytes: Uint8Array, reason: string): CompileError {
  try {
    validate(bytes);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    expect(e.reason.startsWith(reason), `expected "${reason}", got "${e.message}"`).to.equal(true);
    return e;
  }
  throw new Error(`expected the module to be invalid (${reason})`);
}

async function validWat(text: string): Promise<void> {
  validate(await wat(text));
}

const i32c = (n: number) => [0x41, ...u32(n & 0x3f)];
const END = 0x0b;
const DROP = 0x1a;

describe('validate', () => {
  describe('valid modules', () => {
    const cases: [string, string][] = [
      ['an empty module', '(module)'],
      ['arithmetic of every type', `(module (func (param i32 i64 f32 f64) (result f64)
         (drop (i32.add (local.get 0) (i32.const 1))) (drop (i64.rotl (local.get 1) (i64.const 3)))
         (drop (f32.copysign (local.get 2) (f32.const 1))) (drop (i64.extend_i32_u (i32.wrap_i64 (local.get 1))))
         (drop (f32.demote_f64 (local.get 3))) (drop (i32.reinterpret_f32 (local.get 2)))
         (drop (i64.trunc_sat_f32_s (local.get 2))) (drop (i32.extend16_s (local.get 0)))
         (f64.sqrt (local.get 3))))`],
      ['multi-value blocks, loops and ifs with parameters', `(module
         (type $pair (func (param i32 i32) (result i32 i32)))
         (func (result i32 i32) (i32.const 1) (i32.const 2) (block (type $pair)) )
         (func (result i32) (i32.const 1) (loop (param i32) (result i32) (br_if 0 (i32.const 0)) ))
         (func (param i32) (result i32) (local.get 0) (local.get 0) (if (param i32) (result i32) (then (i32.const 1) (i32.add)) (else (drop) (i32.const 2))))
         (func (param i32) (result i32) (local.get 0) (local.get 0) (if (param i32) (result i32) (then))))`],
      ['branches carrying values', `(module (func (param i32) (result i32)
         (block (result i32) (block (result i32) (br_table 0 1 1 (i32.const 7) (local.get 0))) (br 0))
         (block (result i32) (br_if 0 (i32.const 1) (local.get 0)))
         i32.add (return)))`],
      ['a br_table to a loop, using its parameter types', `(module (func
         (loop (param) (br_table 0 0 (i32.const 0)))))`],
      ['the polymorphic stack after unreachable', `(module
         (func (result i32) unreachable)
         (func (result i32) unreachable i32.add)
         (func (result i64) (unreachable) (select))
         (func (result i32) unreachable (select (i32.const 1)) )
         (func (result i32) (block (result i32) (br 0 (unreachable))))
         (func unreachable (br_table 0 0))
         (func (block (loop (unreachable) (br_table 0 1)))))`],
      ['br_table in dead code to labels of different types of the same arity', `(module
         (func (block (result f32) (block (result i32) (unreachable) (br_table 0 1 0)) drop (f32.const 0)) drop))`],
      ['the polymorphic stack after br and return', `(module
         (func (result i32) (br 0 (i32.const 1)) (i64.const 0) (i32.wrap_i64))
         (func (result i32) (return (i32.const 1)) (i32.add))
         (func (block (br 0) (drop)))
         (func (result i32) (loop (br 0)) (i32.const 0)))`],
      ['calls and indirect calls', `(module (type $t (func (param i64) (result f32)))
         (import "m" "f" (func $imp (param i64) (result f32)))
         (table 1 funcref)
         (func (result f32) (call $imp (i64.const 1)))
         (func (result f32) (call_indirect (type $t) (i64.const 1) (i32.const 0))))`],
      ['globals, including imported mutable ones', `(module
         (import "m" "g" (global $g (mut i64))) (import "m" "c" (global $c f32))
         (global $h (mut f32) (global.get $c))
         (global $x i64 (i64.add (i64.const 1) (i64.const 2)))
         (func (result f32) (global.set $g (i64.const 1)) (global.set $h (global.get $c)) (global.get $h)))`],
      ['memory access with every natural alignment', `(module (memory 1 2)
         (func (param i32)
           (drop (i64.load align=8 (local.get 0))) (drop (i64.load32_u offset=0 align=4 (local.get 0)))
           (drop (i32.load16_s align=2 (local.get 0))) (drop (f64.load offset=4294967295 align=1 (local.get 0)))
           (i64.store8 align=1 (local.get 0) (i64.const 1)) (f32.store (local.get 0) (f32.const 1))
           (drop (memory.grow (memory.size)))
           (memory.fill (local.get 0) (i32.const 0) (i32.const 1))
           (memory.copy (local.get 0) (i32.const 0) (i32.const 1))))`],
      ['bulk memory with a data count section', `(module (memory 1) (data $d "abc") (data (i32.const 0) "x")
         (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 1)))`],
      ['reference types and table instructions', `(module
         (table $f 1 funcref) (table $e 1 externref)
         (elem $seg func $a) (elem $eseg externref (ref.null extern))
         (elem declare func $b)
         (func $a (param externref) (result i32)
           (table.set $e (i32.const 0) (local.get 0))
           (drop (table.get $f (i32.const 0)))
           (drop (table.grow $e (ref.null extern) (i32.const 1)))
           (drop (table.size $f))
           (table.fill $f (i32.const 0) (ref.func $b) (i32.const 1))
           (table.copy $f $f (i32.const 0) (i32.const 0) (i32.const 0))
           (table.init $e $eseg (i32.const 0) (i32.const 0) (i32.const 0))
           (elem.drop $seg)
           (drop (select (result externref) (local.get 0) (ref.null extern) (i32.const 1)))
           (ref.is_null (ref.func $a)))
         (func $b))`],
      ['ref.func of functions declared by exports and globals', `(module
         (func $e (export "e")) (func $g) (global funcref (ref.func $g))
         (func (drop (ref.func $e)) (drop (ref.func $g))))`],
      ['element segments of every shape', `(module (global $gi (import "m" "i") i32) (table $t 4 funcref) (table $x 2 externref)
         (func $f)
         (elem (i32.const 0) $f $f) (elem (table $t) (offset (global.get $gi)) func $f)
         (elem (table $x) (i32.const 0) externref (ref.null extern))
         (elem funcref (ref.func $f) (ref.null func)) (elem declare funcref (ref.func $f)))`],
      ['a start function and exports of every kind', `(module (func $s) (start $s)
         (memory (export "m") 0 65536) (table (export "t") 0 funcref) (global (export "g") i32 (i32.const 1))
         (export "s" (func $s)))`],
      ['imports of every kind', `(module (import "a" "b" (table 0 10 funcref)) (import "a" "c" (memory 0 65536))
         (import "a" "d" (global externref)) (import "a" "e" (func (param externref))))`],
      ['limits at their bounds', `(module (memory 65536 65536) (table 0xffffffff funcref))`],
    ];
    for (const [what, text] of cases) {
      it(`accepts ${what}`, async () => validWat(text));
    }

    it('validates functions one at a time through validateFunction', async () => {
      const m = decodeModule(await wat('(module (func) (func (param i32) (result i32) (local.get 0)))'));
      validateFunction(m, 0);
      validateFunction(m, 1);
      expect(() => validateFunction(m, 2)).to.throw(/^BUG:/);
    });
  });

  describe('operand typing', () => {
    it('reports a type mismatch at the offending instruction, naming the function', () => {
      const b = new ModuleBuilder();
      b.importFunc([], []);
      b.func({ code: [END] });
      b.func({ results: [I32], code: [0x01, 0x42, 0x00, 0x41, 0x00, 0x6a, END] }); // i64.const, i32.const, i32.add
      const bytes = b.build();
      const e = invalid(bytes, 'type mismatch');
      expect(e.funcIndex).to.equal(2);
      expect(bytes[e.offset!]).to.equal(0x6a);
      expect(e.message).to.match(/^type mismatch: expected i32 but got i64 @\+0x[0-9a-f]+ \(function 2\)$/);
    });
    it('rejects popping from an empty stack', () => {
      invalid(funcModule([0x6a, END], { results: [I32] }), 'type mismatch');
      invalid(funcModule([DROP, END]), 'type mismatch');
      invalid(funcModule([0x41, 0, 0x02, EMPTY, DROP, END, END]), 'type mismatch'); // block boundaries hide outer values
    });
    it('rejects wrong or missing results', () => {
      invalid(funcModule([END], { results: [I32] }), 'type mismatch');
      invalid(funcModule([0x42, 0, END], { results: [I32] }), 'type mismatch');
      invalid(funcModule([0x41, 0, END]), 'type mismatch');
      invalid(funcModule([0x41, 0, 0x41, 0, END], { results: [I32] }), 'type mismatch');
      invalid(funcModule([0x02, I32, END, END], { results: [I32] }), 'type mismatch');
      invalid(funcModule([0x02, EMPTY, 0x41, 0, END, END]), 'type mismatch');
    });
    it('rejects an if without else that changes the stack', () => {
      invalid(funcModule([0x41, 0, 0x04, I32, 0x41, 0, END, END], { results: [I32] }), 'type mismatch');
      const b = new ModuleBuilder();
      const t = b.type([I32], [I64]);
      b.func({ results: [I64], code: [0x41, 0, 0x41, 0, 0x04, t, 0xad, END, END] });
      invalid(b.build(), 'type mismatch');
    });
    it('checks both arms of an if', () => {
      invalid(funcModule([0x41, 0, 0x04, I32, 0x41, 0, 0x05, 0x42, 0, END, END], { results: [I32] }), 'type mismatch');
      invalid(funcModule([0x41, 0, 0x04, I32, 0x42, 0, 0x05, 0x41, 0, END, END], { results: [I32] }), 'type mismatch');
      invalid(funcModule([0x04, EMPTY, END, END]), 'type mismatch'); // no condition
    });
    it('passes block parameters in and checks them', () => {
      const b = new ModuleBuilder();
      const t = b.type([I32, I64], [I32]);
      b.func({ results: [I32], code: [0x41, 0, 0x41, 0, 0x02, t, DROP, END, END] }); // second param must be i64
      invalid(b.build(), 'type mismatch');
    });
    it('types select', () => {
      invalid(funcModule([0x41, 0, 0x42, 0, 0x41, 0, 0x1b, DROP, END]), 'type mismatch');
      invalid(funcModule([0x41, 0, 0x41, 0, 0x42, 0, 0x1b, DROP, END]), 'type mismatch');
      // Untyped select cannot choose between references...
      invalid(funcModule([0xd0, FUNCREF, 0xd0, FUNCREF, 0x41, 0, 0x1b, DROP, END]), 'type mismatch');
      // ...not even in dead code.
      invalid(funcModule([0x00, 0xd0, EXTERNREF, 0x41, 0, 0x1b, DROP, END]), 'type mismatch');
      // Typed select needs exactly one type, and operands of that type.
      invalid(funcModule([0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 2, I32, I32, DROP, END]), 'invalid result arity');
      invalid(funcModule([0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 0, DROP, END]), 'invalid result arity');
      invalid(funcModule([0x41, 0, 0x42, 0, 0x41, 0, 0x1c, 1, I32, DROP, END]), 'type mismatch');
    });
    it('types ref.is_null and ref.null', () => {
      invalid(funcModule([0x41, 0, 0xd1, DROP, END]), 'type mismatch');
      invalid(funcModule([0xd0, EXTERNREF, END], { results: [FUNCREF] }), 'type mismatch');
    });
    it('types locals and local.tee', () => {
      invalid(funcModule([0x42, 0, 0x21, 0, END], { params: [I32] }), 'type mismatch');
      invalid(funcModule([0x41, 0, 0x22, 1, END], { params: [I32], locals: [[1, F64]], results: [F64] }), 'type mismatch');
      invalid(funcModule([0x20, 2, END], { params: [I32], locals: [[1, F64]], results: [F64] }), 'unknown local 2');
      invalidWithoutSimd(funcModule([0x20, 0, END], { locals: [[1, V128]], results: [V128] }));
    });
  });

  describe('control flow', () => {
    it('rejects unknown labels', () => {
      invalid(funcModule([0x0c, 1, END]), 'unknown label');
      invalid(funcModule([0x02, EMPTY, 0x41, 0, 0x0d, 2, END, END]), 'unknown label');
      invalid(funcModule([0x41, 0, 0x0e, 1, 0, 5, END]), 'unknown label');
      invalid(funcModule([0x41, 0, 0x0e, 1, 5, 0, END]), 'unknown label');
    });
    it('checks the values a branch carries', () => {
      invalid(funcModule([0x02, I32, 0x0c, 0, END, DROP, END]), 'type mismatch');
      invalid(funcModule([0x02, I32, 0x42, 0, 0x0c, 0, END, DROP, END]), 'type mismatch');
      invalid(funcModule([0x02, I32, 0x42, 0, 0x41, 0, 0x0d, 0, END, DROP, END]), 'type mismatch');
      invalid(funcModule([0x42, 0, 0x0f, END], { results: [I32] }), 'type mismatch');
      // A branch to a loop carries the loop's parameters, not its results.
      validate(funcModule([0x03, I32, 0x41, 0, 0x0c, 0, END, DROP, END]));
      const b = new ModuleBuilder();
      const t = b.type([I32], []);
      b.func({ code: [0x41, 0, 0x03, t, DROP, 0x0c, 0, END, END] });
      invalid(b.build(), 'type mismatch');
    });
    it('requires br_table targets of one arity', () => {
      // Outer block yields i32, inner yields nothing.
      invalid(funcModule([0x02, I32, 0x02, EMPTY, 0x41, 0, 0x41, 0, 0x0e, 1, 0, 1, END, 0x41, 0, END, DROP, END]), 'type mismatch');
      // Same arity but different types, with live operands.
      invalid(
        funcModule([0x02, F32, 0x02, I32, 0x41, 0, 0x41, 0, 0x0e, 1, 0, 1, END, DROP, 0x43, 0, 0, 0, 0, END, DROP, END]),
        'type mismatch',
      );
      invalid(funcModule([0x42, 0, 0x0e, 0, 0, END]), 'type mismatch'); // the index must be i32
    });
    it('rejects values left over after dead code', () => {
      invalid(funcModule([0x00, 0x41, 0, END]), 'type mismatch');
      invalid(funcModule([0x00, 0x41, 0, 0x42, 0, 0x6a, DROP, END]), 'type mismatch'); // typed operands still checked
    });
    it('rejects block types naming unknown types, and SIMD types without SIMD', () => {
      invalid(funcModule([0x02, 0x05, END, END]), 'unknown type');
      expect(() => validateModule(decodeModule(funcModule([0x02, V128, 0xfd, 0x0c, ...new Array<number>(16).fill(0), END, DROP, END])), { simd: false }))
        .to.throw(CompileError, 'SIMD not supported');
    });
  });

  describe('index spaces', () => {
    it('rejects unknown functions, types, tables and globals in code', () => {
      invalid(funcModule([0x10, 1, END]), 'unknown function 1');
      invalid(funcModule([0x41, 0, 0x11, 0, 0, END]), 'unknown table 0');
      invalid(funcModule([0x41, 0, 0x11, 3, 0, END], { table: true }), 'unknown type 3');
      invalid(funcModule([0x23, 0, DROP, END]), 'unknown global 0');
      invalid(funcModule([0x41, 0, 0x24, 0, END]), 'unknown global 0');
      invalid(funcModule([0x41, 0, 0x25, 1, DROP, END], { table: true }), 'unknown table 1');
      invalid(funcModule([0xfc, 16, 0, DROP, END]), 'unknown table 0');
      invalid(funcModule([0xd2, 4, DROP, END]), 'unknown function 4');
    });
    it('rejects call_indirect through an externref table', () => {
      const b = new ModuleBuilder().table(EXTERNREF, 1);
      b.func({ code: [0x41, 0, 0x11, 0, 0, END] });
      invalid(b.build(), 'type mismatch');
    });
    it('rejects setting an immutable global', () => {
      const b = new ModuleBuilder();
      b.global(I32, false, [0x41, 0, END]);
      b.func({ code: [0x41, 0, 0x24, 0, END] });
      invalid(b.build(), 'global is immutable');
      const c = new ModuleBuilder();
      c.importGlobal(I32, false);
      c.func({ code: [0x41, 0, 0x24, 0, END] });
      invalid(c.build(), 'global is immutable');
    });
    it('rejects functions with unknown types', () => {
      const b = new ModuleBuilder();
      b.funcWithTypeIndex(0, [END]);
      invalid(b.build(), 'unknown type 0');
      invalid(moduleBytes(section(2, [1, 0, 0, 0, 3])), 'unknown type 3');
    });
  });

  describe('memory instructions', () => {
    it('require a memory', () => {
      invalid(funcModule([0x41, 0, 0x28, 2, 0, DROP, END]), 'unknown memory 0');
      invalid(funcModule([0x41, 0, 0x41, 0, 0x36, 2, 0, END]), 'unknown memory 0');
      invalid(funcModule([0x3f, 0, DROP, END]), 'unknown memory 0');
      invalid(funcModule([0x41, 0, 0x40, 0, DROP, END]), 'unknown memory 0');
      invalid(funcModule([...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 11, 0, END]), 'unknown memory 0');
      invalid(funcModule([...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 10, 0, 0, END]), 'unknown memory 0');
    });
    it('limit alignment to the natural alignment', () => {
      invalid(funcModule([0x41, 0, 0x28, 3, 0, DROP, END], { memory: true }), 'alignment must not be larger than natural');
      invalid(funcModule([0x41, 0, 0x31, 1, 0, DROP, END], { memory: true }), 'alignment must not be larger than natural');
      invalid(funcModule([0x41, 0, 0x41, 0, 0x3b, 2, 0, END], { memory: true }), 'alignment must not be larger than natural');
      invalid(funcModule([0x41, 0, 0x29, 0x20, 0, DROP, END], { memory: true }), 'alignment must not be larger than natural');
      invalid(funcModule([0x41, 0, 0x29, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, DROP, END], { memory: true }), 'alignment must not be larger than natural');
    });
    it('type their operands', () => {
      invalid(funcModule([0x42, 0, 0x28, 2, 0, DROP, END], { memory: true }), 'type mismatch');
      invalid(funcModule([0x41, 0, 0x41, 0, 0x37, 3, 0, END], { memory: true }), 'type mismatch');
      invalid(funcModule([0x41, 0, 0x2a, 2, 0, END], { memory: true, results: [I32] }), 'type mismatch');
    });
    it('check data segment indices against the data count section', () => {
      const withData = (code: number[], dataCount: number | undefined) => {
        const b = new ModuleBuilder().memory(1).data([0x01, 0]);
        b.dataCount = dataCount;
        b.func({ code });
        return b.build();
      };
      const init = (seg: number) => [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 8, seg, 0, END];
      validate(withData(init(0), 1));
      validate(withData([0xfc, 9, 0, END], 1));
      invalid(withData(init(1), 1), 'unknown data segment 1');
      invalid(withData([0xfc, 9, 1, END], 1), 'unknown data segment 1');
      invalid(withData(init(0), undefined), 'data count section required');
      invalid(withData([0xfc, 9, 0, END], undefined), 'data count section required');
      // Without any segment the index itself is the first problem.
      invalid(funcModule([0xfc, 9, 0, END]), 'unknown data segment 0');
      invalid(funcModule(init(0)), 'unknown memory 0');
    });
  });

  describe('table and element instructions', () => {
    const tables = () => new ModuleBuilder().table(FUNCREF, 1).table(EXTERNREF, 1);
    it('type table.get/set/grow/fill by the table', () => {
      const cases = [
        [0x41, 0, 0x25, 1, END], // table.get externref as funcref result
        [0x41, 0, 0xd0, FUNCREF, 0x26, 1, END],
        [0xd0, FUNCREF, 0x41, 1, 0xfc, 15, 1, DROP, END],
        [0x41, 0, 0xd0, EXTERNREF, 0x41, 1, 0xfc, 17, 0, END],
      ];
      for (const code of cases) {
        const b = tables();
        b.func({ results: code[code.length - 2] === 1 && code[2] === 0x25 ? [FUNCREF] : [], code });
        invalid(b.build(), 'type mismatch');
      }
    });
    it('check segment and table types for table.init and table.copy', () => {
      const b = tables().elem([0x05, EXTERNREF, 0]);
      b.func({ code: [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 12, 0, 0, END] });
      invalid(b.build(), 'type mismatch');
      const c = tables();
      c.func({ code: [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 14, 0, 1, END] });
      invalid(c.build(), 'type mismatch');
      const d = tables();
      d.func({ code: [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 12, 0, 0, END] });
      invalid(d.build(), 'unknown elem segment 0');
      const e = tables();
      e.func({ code: [0xfc, 13, 3, END] });
      invalid(e.build(), 'unknown elem segment 3');
      const f = tables();
      f.func({ code: [...i32c(0), ...i32c(0), ...i32c(0), 0xfc, 14, 2, 0, END] });
      invalid(f.build(), 'unknown table 2');
    });
    it('only allow ref.func of declared functions', () => {
      invalid(funcModule([0xd2, 0, DROP, END]), 'undeclared function reference');
      const declared = new ModuleBuilder().elem([0x03, 0x00, 1, 0]);
      declared.func({ code: [0xd2, 0, DROP, END] });
      validate(declared.build());
      const exported = new ModuleBuilder().export('f', 0, 0);
      exported.func({ code: [0xd2, 0, DROP, END] });
      validate(exported.build());
      const inGlobal = new ModuleBuilder();
      inGlobal.global(FUNCREF, false, [0xd2, 0, END]);
      inGlobal.func({ code: [0xd2, 0, DROP, END] });
      validate(inGlobal.build());
      // A start function or a call is not a declaration.
      const started = new ModuleBuilder();
      started.startFunc = 0;
      started.func({ code: [0x10, 0, 0xd2, 0, DROP, END] });
      invalid(started.build(), 'undeclared function reference');
    });
  });

  describe('module-level rules', () => {
    it('checks limits', () => {
      invalid(new ModuleBuilder().table(FUNCREF, 2, 1).build(), 'size minimum must not be greater than maximum');
      invalid(new ModuleBuilder().memory(2, 1).build(), 'size minimum must not be greater than maximum');
      invalid(new ModuleBuilder().memory(65537).build(), 'memory size must be at most 65536 pages (4GiB)');
      invalid(new ModuleBuilder().memory(0, 65537).build(), 'memory size must be at most 65536 pages (4GiB)');
      invalid(new ModuleBuilder().memory(0xffffffff).build(), 'memory size must be at most 65536 pages (4GiB)');
      const imp = new ModuleBuilder();
      imp.importMemory(70000);
      invalid(imp.build(), 'memory size must be at most 65536 pages (4GiB)');
      const impTable = new ModuleBuilder();
      impTable.importTable(FUNCREF, 10, 9);
      invalid(impTable.build(), 'size minimum must not be greater than maximum');
    });
    it('allows at most one memory', () => {
      invalid(new ModuleBuilder().memory(0).memory(0).build(), 'multiple memories');
      const b = new ModuleBuilder().memory(0);
      b.importMemory(0);
      invalid(b.build(), 'multiple memories');
    });
    it('rejects SIMD types anywhere when SIMD is off', () => {
      const b = new ModuleBuilder();
      b.type([V128], []);
      invalidWithoutSimd(b.build());
      const g = new ModuleBuilder();
      g.importGlobal(V128, false);
      invalidWithoutSimd(g.build());
    });
    it('rejects extended-const arithmetic in constant expressions unless enabled', () => {
      const b = new ModuleBuilder();
      b.global(I32, false, [0x41, 1, 0x41, 2, 0x6a, END]);
      const bytes = b.build();
      expect(() => decodeModule(bytes, WASM2_FEATURES)).to.throw(CompileError, /^constant expression required/);
      expect(() => decodeModule(bytes, { extendedConst: false })).to.throw(CompileError, /^constant expression required/);
      // On by default (Wasm 3.0).
      expect(() => validateModule(decodeModule(bytes))).not.to.throw();
      expect(() => validateModule(decodeModule(bytes, { extendedConst: true }))).not.to.throw();
    });
    it('checks global initialisers', () => {
      const global = (type: number, init: number[], imports: (b: ModuleBuilder) => void = () => {}) => {
        const b = new ModuleBuilder();
        imports(b);
        b.global(type, false, [...init, END]);
        return b.build();
      };
      invalid(global(I32, [0x42, 0]), 'type mismatch');
      invalid(global(I32, []), 'type mismatch');
      invalid(global(I32, [0x41, 0, 0x41, 0]), 'type mismatch');
      invalid(global(I64, [0x41, 0, 0x41, 0, 0x6a]), 'type mismatch');
      invalid(global(I32, [0x41, 0, 0x6a]), 'type mismatch');
      invalid(global(FUNCREF, [0xd0, EXTERNREF]), 'type mismatch');
      invalid(global(FUNCREF, [0xd2, 0]), 'unknown function 0');
      invalid(global(I32, [0x23, 0]), 'unknown global 0');
      invalid(global(I32, [0x23, 0], (b) => b.importGlobal(I32, true)), 'constant expression required');
      invalid(global(I32, [0x23, 0], (b) => b.importGlobal(I64, false)), 'type mismatch');
      validate(global(I32, [0x23, 0, 0x41, 1, 0x6a], (b) => b.importGlobal(I32, false)));
      // In Wasm 2.0 a global cannot read an earlier defined global, only imported ones.
      const twoGlobals = new ModuleBuilder();
      twoGlobals.global(I32, false, [0x41, 0, END]);
      twoGlobals.global(I32, false, [0x23, 0, END]);
      expect(() => validateModule(decodeModule(twoGlobals.build(), WASM2_FEATURES))).to.throw(CompileError, 'unknown global 0');
      // Wasm 3.0 (extended constants) allows an earlier immutable one, own or imported...
      validate(twoGlobals.build());
      const afterImport = new ModuleBuilder();
      afterImport.importGlobal(I64, false);
      afterImport.global(I64, false, [0x42, 5, END]);
      afterImport.global(I64, false, [0x23, 0, 0x23, 1, 0x7c, END]);
      validate(afterImport.build());
      // ...but not itself, a later one, or a mutable one.
      invalid(global(I32, [0x23, 0]), 'unknown global 0');
      const forward = new ModuleBuilder();
      forward.global(I32, false, [0x23, 1, END]);
      forward.global(I32, false, [0x41, 0, END]);
      invalid(forward.build(), 'unknown global 1');
      const mutable = new ModuleBuilder();
      mutable.global(I32, true, [0x41, 0, END]);
      mutable.global(I32, false, [0x23, 0, END]);
      invalid(mutable.build(), 'constant expression required');
      // Segment offsets may read any immutable defined global (they run after all globals).
      const segment = new ModuleBuilder().memory(1);
      segment.global(I32, false, [0x41, 8, END]);
      segment.data([0, 0x23, 0, 0x41, 1, 0x6a, END, 2, 1, 2]);
      validate(segment.build());
    });
    it('checks exports', () => {
      const b = new ModuleBuilder().export('a', 0, 0).export('a', 0, 0);
      b.func({ code: [END] });
      invalid(b.build(), 'duplicate export name');
      invalid(new ModuleBuilder().export('f', 0, 0).build(), 'unknown function 0');
      invalid(new ModuleBuilder().export('t', 1, 0).build(), 'unknown table 0');
      invalid(new ModuleBuilder().export('m', 2, 0).build(), 'unknown memory 0');
      invalid(new ModuleBuilder().export('g', 3, 0).build(), 'unknown global 0');
      // Same name, different kinds: still a duplicate.
      const c = new ModuleBuilder().memory(0).export('x', 2, 0);
      c.func({ code: [END] });
      c.export('x', 0, 0);
      invalid(c.build(), 'duplicate export name');
    });
    it('checks the start function', () => {
      const missing = new ModuleBuilder();
      missing.startFunc = 0;
      invalid(missing.build(), 'unknown function 0');
      const withParams = new ModuleBuilder();
      withParams.startFunc = 0;
      withParams.func({ params: [I32], code: [END] });
      invalid(withParams.build(), 'start function');
      const withResults = new ModuleBuilder();
      withResults.startFunc = 0;
      withResults.func({ results: [I32], code: [0x41, 0, END] });
      invalid(withResults.build(), 'start function');
      const imported = new ModuleBuilder();
      imported.importFunc([], []);
      imported.startFunc = 0;
      validate(imported.build());
    });
    it('checks element segments', () => {
      invalid(new ModuleBuilder().elem([0x00, 0x41, 0, END, 0]).build(), 'unknown table 0');
      invalid(new ModuleBuilder().table(FUNCREF, 1).elem([0x00, 0x42, 0, END, 0]).build(), 'type mismatch');
      invalid(new ModuleBuilder().table(FUNCREF, 1).elem([0x00, 0x41, 0, END, 1, 0]).build(), 'unknown function 0');
      invalid(new ModuleBuilder().table(FUNCREF, 1).elem([0x06, 1, 0x41, 0, END, FUNCREF, 0]).build(), 'unknown table 1');
      // An externref segment cannot initialise a funcref table.
      invalid(new ModuleBuilder().table(FUNCREF, 1).elem([0x06, 0, 0x41, 0, END, EXTERNREF, 0]).build(), 'type mismatch');
      invalid(new ModuleBuilder().elem([0x05, EXTERNREF, 1, 0xd0, FUNCREF, END]).build(), 'type mismatch');
      invalid(new ModuleBuilder().elem([0x05, FUNCREF, 1, 0x41, 0, END]).build(), 'type mismatch');
      validate(new ModuleBuilder().elem([0x05, EXTERNREF, 1, 0xd0, EXTERNREF, END]).build());
    });
    it('checks data segments', () => {
      invalid(new ModuleBuilder().data([0x00, 0x41, 0, END, 0]).build(), 'unknown memory 0');
      invalid(new ModuleBuilder().memory(1).data([0x02, 1, 0x41, 0, END, 0]).build(), 'unknown memory 1');
      invalid(new ModuleBuilder().memory(1).data([0x00, 0x42, 0, END, 0]).build(), 'type mismatch');
      validate(new ModuleBuilder().data([0x01, 2, 1, 2]).build()); // passive data needs no memory
    });
  });

  describe('agreement with wabt', function () {
    this.timeout(60000);
    const types = [I32, I64, F32, F64];
    const zero = (t: number) => (t === I32 ? [0x41, 0] : t === I64 ? [0x42, 0] : t === F32 ? [0x43, 0, 0, 0, 0] : [0x44, 0, 0, 0, 0, 0, 0, 0, 0]);

    async function compare(bytes: Uint8Array, what: string): Promise<void> {
      const theirs = await wabtValidate(bytes);
      let ours: string | undefined;
      try {
        validate(bytes);
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        ours = e.message;
      }
      expect(ours === undefined, `${what}: wabt says ${theirs ?? 'valid'}, we say ${ours ?? 'valid'}`).to.equal(theirs === undefined);
    }

    it('on the operand and result types of every numeric instruction', async () => {
      const numeric = [...Array(0xc5 - 0x45).keys()].map((i) => [0x45 + i]);
      const truncSat = [...Array(8).keys()].map((i) => [0xfc, i]);
      for (const op of [...numeric, ...truncSat]) {
        for (const result of types) {
          for (const operand of types) {
            for (const arity of [1, 2]) {
              const code = [...(arity === 2 ? zero(operand) : []), ...zero(operand), ...op, END];
              await compare(funcModule(code, { results: [result] }), `${OP_NAMES[op[0]!]} ${op[1] ?? ''} (${arity} x ${operand.toString(16)}) -> ${result.toString(16)}`);
            }
          }
        }
      }
    });

    it('on memory access types and alignments', async () => {
      for (let op = 0x28; op <= 0x3e; op++) {
        for (const t of types) {
          for (const align of [0, 1, 2, 3, 4]) {
            const isStore = op >= 0x36;
            const code = isStore ? [0x41, 0, ...zero(t), op, align, 0, END] : [0x41, 0, op, align, 0, END];
            await compare(funcModule(code, { memory: true, results: isStore ? [] : [t] }), `${OP_NAMES[op]} ${t.toString(16)} align=${align}`);
          }
        }
      }
    });
  });
});
