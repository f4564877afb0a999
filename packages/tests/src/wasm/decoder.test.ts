import { expect } from 'chai';
import { CompileError, ValType, abstractRef, blockSignature, decodeModule, funcType, globalType, validateModule, type WasmModule } from '@wasmjit/codegen';
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  HEADER,
  I32,
  I64,
  ModuleBuilder,
  codeEntry,
  funcModule,
  moduleBytes,
  name,
  section,
  u32,
  vec,
} from './binary-builder.js';
import { wat } from '../util/wat.js';

/**
 * The error of decoding and validating: function bodies are checked for encoding by the
 * validator (in the same pass as their types), which reports the decoder's error for them.
 */
function malformed(bytes: Uint8Array | number[]): CompileError {
  try {
    validateModule(decodeModule(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)));
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('expected the module to be malformed');
}

function expectMalformed(bytes: Uint8Array | number[], reason: string, offset?: number): CompileError {
  const e = malformed(bytes);
  expect(e.reason).to.equal(reason);
  if (offset !== undefined) expect(e.offset, e.message).to.equal(offset);
  return e;
}

const typeSection = (...types: number[][]) => section(1, vec(types));
const voidType = [0x60, 0x00, 0x00];
const funcSection = (...typeIndices: number[]) => section(3, vec(typeIndices.map((t) => u32(t))));
const codeSection = (...entries: number[][]) => section(10, vec(entries));
/** The smallest module with one function `() -> ()` whose body is `code`. */
const oneFunc = (code: number[], locals: [number, number][] = []) =>
  moduleBytes(typeSection(voidType), funcSection(0), codeSection(codeEntry(locals, code)));

describe('wasm/decoder', () => {
  describe('header', () => {
    it('accepts the empty module', () => {
      const m = decodeModule(new Uint8Array(HEADER));
      expect(m.types).to.deep.equal([]);
      expect(m.funcs).to.deep.equal([]);
      expect(m.codes).to.deep.equal([]);
      expect(m.start).to.equal(undefined);
      expect(m.dataCount).to.equal(undefined);
    });
    it('reports truncated headers', () => {
      for (const n of [0, 1, 3, 4, 5, 7]) expect(malformed(HEADER.slice(0, n)).reason).to.match(/^unexpected end/);
    });
    it('reports a wrong magic', () => {
      expectMalformed([0x00, 0x41, 0x53, 0x4d, 1, 0, 0, 0], 'magic header not detected', 0);
      expectMalformed([0xef, 0xbb, 0xbf, 0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], 'magic header not detected', 0);
    });
    it('reports an unknown version', () => {
      expectMalformed([0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0], 'unknown binary version', 4);
      expectMalformed([0x00, 0x61, 0x73, 0x6d, 0, 0, 0, 1], 'unknown binary version', 4);
      expectMalformed([0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0], 'unknown binary version', 4);
    });
  });

  describe('section framing', () => {
    it('rejects unknown section ids', () => {
      expectMalformed(moduleBytes([13, 0]), 'malformed section id', 8);
      expectMalformed(moduleBytes([0x7f, 0]), 'malformed section id', 8);
    });
    it('rejects a section size beyond the end', () => {
      expectMalformed(moduleBytes([1, 5, 0]), 'length out of bounds', 9);
    });
    it('rejects a section whose contents are shorter than its size', () => {
      // One empty type vector, but the section claims two bytes, the second being a custom section id.
      expectMalformed(moduleBytes([1, 2, 0, 0]), 'section size mismatch', 10);
    });
    it('rejects a section whose contents run past its size', () => {
      expectMalformed(moduleBytes([1, 1, 1, ...voidType]), 'section size mismatch');
    });
    it('rejects duplicate and out-of-order sections', () => {
      expectMalformed(moduleBytes(typeSection(), typeSection()), 'unexpected content after last section', 11);
      expectMalformed(moduleBytes(funcSection(), typeSection()), 'unexpected content after last section');
      expectMalformed(moduleBytes(section(11, [0]), section(10, [0])), 'unexpected content after last section');
      // The data count section goes between element and code.
      expectMalformed(moduleBytes(section(10, [0]), section(12, [0])), 'unexpected content after last section');
      expect(decodeModule(moduleBytes(section(9, [0]), section(12, [0]), section(10, [0]), section(11, [0]))).dataCount).to.equal(0);
    });
    it('accepts custom sections anywhere, including between and after known ones', () => {
      const custom = (n: string, payload: number[]) => section(0, [...name(n), ...payload]);
      const m = decodeModule(
        moduleBytes(custom('a', [1, 2]), typeSection(voidType), custom('b', []), funcSection(0), codeSection(codeEntry([], [0x0b])), custom('c', [9])),
      );
      expect(m.customSections.map((c) => c.name)).to.deep.equal(['a', 'b', 'c']);
      const a = m.customSections[0]!;
      expect([...m.bytes.subarray(a.offset, a.offset + a.size)]).to.deep.equal([1, 2]);
      expect(m.customSections[1]!.size).to.equal(0);
    });
    it('rejects custom sections with a bad name', () => {
      expect(malformed(moduleBytes([0])).reason).to.match(/^unexpected end/);
      expect(malformed(moduleBytes([0, 0])).reason).to.match(/^unexpected end/);
      // Name longer than the section.
      expect(malformed(moduleBytes([0, 2, 5, 0x61, 0, 0, 0, 0])).reason).to.match(/^(unexpected end|length out of bounds)/);
      expectMalformed(moduleBytes([0, 2, 1, 0xff]), 'malformed UTF-8 encoding', 11);
    });
    it('rejects trailing bytes that do not form a section', () => {
      expect(malformed(moduleBytes([1])).reason).to.match(/^unexpected end/);
    });
  });

  describe('type section', () => {
    it('decodes function types, including multiple results and reference types', async () => {
      const m = decodeModule(await wat('(module (type (func)) (type (func (param i32 i64 f32 f64) (result funcref externref))))'));
      expect(m.types).to.deep.equal([
        { params: [], results: [] },
        { params: [ValType.I32, ValType.I64, ValType.F32, ValType.F64], results: [ValType.FuncRef, ValType.ExternRef] },
      ]);
    });
    it('rejects a bad form byte', () => {
      expectMalformed(moduleBytes(typeSection([0x61, 0, 0])), 'malformed function type', 11);
      // -0x20 in two bytes is still an over-long s7.
      expectMalformed(moduleBytes(section(1, [1, 0xe0, 0x7f, 0, 0])), 'integer representation too long');
    });
    it('rejects bad value types', () => {
      expectMalformed(moduleBytes(typeSection([0x60, 1, 0x60, 0])), 'malformed value type');
      expectMalformed(moduleBytes(typeSection([0x60, 0, 1, 0x40])), 'malformed value type');
    });
    it('rejects more declared types than given', () => {
      expectMalformed(moduleBytes([1, 7, 2, ...voidType]), 'length out of bounds');
      expect(malformed(moduleBytes([1, 4, 2, ...voidType])).reason).to.match(/^unexpected end/);
    });
    it('rejects a huge type count without allocating for it', () => {
      expectMalformed(moduleBytes([1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'length out of bounds', 10);
    });
  });

  describe('import section', () => {
    it('decodes all four kinds and builds the index spaces', async () => {
      const m = decodeModule(
        await wat(`(module
          (import "a" "f" (func (param i32)))
          (import "a" "t" (table 1 2 funcref))
          (import "b" "m" (memory 1))
          (import "b" "g" (global (mut i64)))
          (import "b" "g2" (global externref))
          (import "c" "f2" (func (result f32)))
          (func) (table 3 externref) (global f64 (f64.const 1)))`),
      );
      expect(m.imports.map((i) => [i.module, i.name, i.desc.kind])).to.deep.equal([
        ['a', 'f', 'func'],
        ['a', 't', 'table'],
        ['b', 'm', 'memory'],
        ['b', 'g', 'global'],
        ['b', 'g2', 'global'],
        ['c', 'f2', 'func'],
      ]);
      expect(m.numImportedFuncs).to.equal(2);
      expect(m.numImportedTables).to.equal(1);
      expect(m.numImportedMemories).to.equal(1);
      expect(m.numImportedGlobals).to.equal(2);
      expect(m.funcs.length).to.equal(3);
      expect(m.tables).to.deep.equal([
        { elemType: ValType.FuncRef, limits: { min: 1, max: 2 } },
        { elemType: ValType.ExternRef, limits: { min: 3 } },
      ]);
      expect(m.memories).to.deep.equal([{ min: 1 }]);
      expect(m.importedGlobals).to.deep.equal([
        { type: ValType.I64, mutable: true },
        { type: ValType.ExternRef, mutable: false },
      ]);
      expect(m.globals.length).to.equal(1);
      expect(funcType(m, 0)).to.deep.equal({ params: [ValType.I32], results: [] });
      expect(funcType(m, 1)).to.deep.equal({ params: [], results: [ValType.F32] });
      expect(funcType(m, 2)).to.deep.equal({ params: [], results: [] });
      expect(globalType(m, 0)).to.deep.equal({ type: ValType.I64, mutable: true });
      expect(globalType(m, 2)).to.deep.equal({ type: ValType.F64, mutable: false });
    });
    it('rejects a bad import kind', () => {
      for (const kind of [0x04, 0x05, 0x80]) {
        expectMalformed(moduleBytes(section(2, [1, 0, 0, kind])), 'malformed import kind', 13);
      }
    });
    it('rejects bad mutability and reference types', () => {
      expectMalformed(moduleBytes(section(2, [1, 0, 0, 3, I32, 2])), 'malformed mutability', 15);
      expectMalformed(moduleBytes(section(2, [1, 0, 0, 3, I32, 0xff])), 'malformed mutability');
      expectMalformed(moduleBytes(section(2, [1, 0, 0, 1, I32, 0, 0])), 'malformed reference type', 14);
    });
    it('rejects non-UTF-8 names', () => {
      expectMalformed(moduleBytes(section(2, [1, 1, 0x80, 0, 0, 0])), 'malformed UTF-8 encoding');
      expectMalformed(moduleBytes(section(2, [1, 0, 2, 0xc0, 0x80, 0, 0])), 'malformed UTF-8 encoding');
    });
    it('reports a missing second import', () => {
      expect(malformed(moduleBytes(typeSection(voidType), [2, 5, 2, 0, 0, 0, 0])).reason).to.equal(
        'unexpected end of section or function',
      );
    });
  });

  describe('limits', () => {
    it('decodes table and memory limits', () => {
      const m = decodeModule(new ModuleBuilder().table(FUNCREF, 0).table(EXTERNREF, 5, 0xffffffff).memory(2, 3).build());
      expect(m.tables[1]).to.deep.equal({ elemType: ValType.ExternRef, limits: { min: 5, max: 0xffffffff } });
      expect(m.memories).to.deep.equal([{ min: 2, max: 3 }]);
    });
    it('treats the flag as a one-bit LEB128 number', () => {
      expectMalformed(moduleBytes(section(5, [1, 0x02, 0])), 'integer too large', 11);
      expectMalformed(moduleBytes(section(5, [1, 0x81, 0x00, 0, 0])), 'integer representation too long');
      expectMalformed(moduleBytes(section(4, [1, FUNCREF, 0x02, 0])), 'integer too large');
      // The threads proposal's shared flag is not supported.
      expectMalformed(moduleBytes(section(5, [1, 0x03, 0, 0])), 'integer too large');
    });
    it('rejects over-long and too-large LEB128 sizes', () => {
      expectMalformed(moduleBytes(section(5, [1, 0, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00])), 'integer representation too long');
      expectMalformed(moduleBytes(section(5, [1, 0, 0x82, 0x80, 0x80, 0x80, 0x10])), 'integer too large');
      const m = decodeModule(moduleBytes(section(5, [1, 0, 0x82, 0x80, 0x80, 0x80, 0x00])));
      expect(m.memories[0]).to.deep.equal({ min: 2 });
    });
    it('reports a missing entry', () => {
      expect(malformed(moduleBytes([4, 1, 1])).reason).to.equal('unexpected end of section or function');
      expect(malformed(moduleBytes([5, 1, 1])).reason).to.equal('unexpected end of section or function');
    });
  });

  describe('global section and constant expressions', () => {
    it('decodes every constant instruction', async () => {
      const m = decodeModule(
        await wat(`(module
          (import "m" "g" (global i32))
          (global i32 (i32.const -7))
          (global i64 (i64.const 0x7fffffffffffffff))
          (global f32 (f32.const -1))
          (global f64 (f64.const 1.5))
          (global funcref (ref.null func))
          (global externref (ref.null extern))
          (global funcref (ref.func 0))
          (global (mut i32) (global.get 0))
          (global i32 (i32.add (i32.mul (global.get 0) (i32.const 2)) (i32.sub (i32.const 1) (i32.const 2))))
          (global i64 (i64.add (i64.mul (i64.const 2) (i64.const 3)) (i64.sub (i64.const 1) (i64.const 2))))
          (func))`),
        { extendedConst: true },
      );
      expect(m.globals.map((g) => g.init.instrs)).to.deep.equal([
        [{ op: 'i32.const', value: -7 }],
        [{ op: 'i64.const', value: 0x7fffffffffffffffn }],
        [{ op: 'f32.const', bits: 0xbf800000 }],
        [{ op: 'f64.const', bits: 0x3ff8000000000000n }],
        [{ op: 'ref.null', type: ValType.FuncRef }],
        [{ op: 'ref.null', type: ValType.ExternRef }],
        [{ op: 'ref.func', index: 0 }],
        [{ op: 'global.get', index: 0 }],
        [{ op: 'global.get', index: 0 }, { op: 'i32.const', value: 2 }, { op: 'i32.mul' }, { op: 'i32.const', value: 1 }, { op: 'i32.const', value: 2 }, { op: 'i32.sub' }, { op: 'i32.add' }],
        [{ op: 'i64.const', value: 2n }, { op: 'i64.const', value: 3n }, { op: 'i64.mul' }, { op: 'i64.const', value: 1n }, { op: 'i64.const', value: 2n }, { op: 'i64.sub' }, { op: 'i64.add' }],
      ]);
      expect(m.globals[7]!.type).to.deep.equal({ type: ValType.I32, mutable: true });
      // The recorded offset is the first instruction's.
      const init = m.globals[0]!.init;
      expect(m.bytes[init.offset]).to.equal(0x41);
    });
    it('rejects non-constant and unknown instructions', () => {
      const global = (init: number[]) => moduleBytes(section(6, [1, I32, 0, ...init]));
      expectMalformed(global([0x01, 0x0b]), 'constant expression required', 13);
      expectMalformed(global([0x41, 0, 0x45, 0x0b]), 'constant expression required', 15);
      expectMalformed(global([0xfc, 0x00, 0x0b]), 'constant expression required');
      expectMalformed(global([0xfc, 0x40, 0x0b]), 'illegal opcode');
      expectMalformed(global([0xf3, 0x0b]), 'illegal opcode', 13);
      expectMalformed(global([0xd0, 0x7f, 0x0b]), 'malformed reference type');
      // v128.const is constant (a v128 global is refused by validation: SIMD is not lowered
      // yet); every other 0xFD operator is not, and an undefined sub-opcode is no instruction.
      expectMalformed(global([0xfd, 0x0f, 0x0b]), 'constant expression required');
      expectMalformed(global([0xfd, 0x80, 0x02, 0x0b]), 'constant expression required');
      expectMalformed(global([0xfd, 0x9a, 0x01, 0x0b]), 'illegal opcode');
      expect(malformed(global([0xfd, 0x0c])).reason).to.match(/^unexpected end/);
      expect(malformed(global([0x41, 0])).reason).to.match(/^unexpected end/);
    });
    it('rejects over-long constants', () => {
      const global = (t: number, init: number[]) => moduleBytes(section(6, [1, t, 0, ...init, 0x0b]));
      expectMalformed(global(I32, [0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 'integer representation too long');
      expectMalformed(global(I32, [0x41, 0xff, 0xff, 0xff, 0xff, 0x4f]), 'integer too large');
      expectMalformed(global(I64, [0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 'integer representation too long');
      expectMalformed(global(I64, [0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]), 'integer too large');
      expect(decodeModule(global(I32, [0x41, 0xff, 0xff, 0xff, 0xff, 0x7f])).globals[0]!.init.instrs).to.deep.equal([{ op: 'i32.const', value: -1 }]);
      expect(decodeModule(global(F32, [0x43, 0, 0, 0xc0, 0x7f])).globals[0]!.init.instrs).to.deep.equal([{ op: 'f32.const', bits: 0x7fc00000 }]);
      expect(decodeModule(global(F64, [0x44, 1, 0, 0, 0, 0, 0, 0xf8, 0x7f])).globals[0]!.init.instrs).to.deep.equal([{ op: 'f64.const', bits: 0x7ff8000000000001n }]);
    });
  });

  describe('export and start sections', () => {
    it('decodes exports of every kind and the start function', async () => {
      const m = decodeModule(
        await wat(`(module (func $f) (table 1 funcref) (memory 1) (global i32 (i32.const 0))
          (export "f" (func $f)) (export "t" (table 0)) (export "m" (memory 0)) (export "g" (global 0)) (export "" (func 0))
          (start $f))`),
      );
      expect(m.exports).to.deep.equal([
        { name: 'f', kind: 'func', index: 0 },
        { name: 't', kind: 'table', index: 0 },
        { name: 'm', kind: 'memory', index: 0 },
        { name: 'g', kind: 'global', index: 0 },
        { name: '', kind: 'func', index: 0 },
      ]);
      expect(m.start).to.equal(0);
    });
    it('rejects a bad export kind', () => {
      expectMalformed(moduleBytes(section(7, [1, 1, 0x61, 4, 0])), 'malformed export kind', 13);
    });
    it('rejects a second start section', () => {
      expectMalformed(moduleBytes(section(8, [0]), section(8, [0])), 'unexpected content after last section', 11);
    });
    it('reports a truncated export list the way the reference interpreter does', () => {
      // The missing export's name length is read from the next section's id byte.
      const bytes = moduleBytes(typeSection(voidType), funcSection(0, 0), section(7, [2, 2, 0x66, 0x31, 0, 0]), codeSection([2, 0, 0x0b], [2, 0, 0x0b]));
      expectMalformed(bytes, 'length out of bounds');
    });
  });

  describe('element section', () => {
    const tableAndFunc = [typeSection(voidType), funcSection(0, 0), section(4, [1, FUNCREF, 0, 2])];
    const code = codeSection(codeEntry([], [0x0b]), codeEntry([], [0x0b]));
    const elems = (...segs: number[][]) => decodeModule(moduleBytes(...tableAndFunc, section(9, vec(segs)), code)).elems;
    const refFunc = (i: number) => ({ instrs: [{ op: 'ref.func', index: i }] });

    it('decodes all eight segment encodings', () => {
      const segs = elems(
        [0x00, 0x41, 0x01, 0x0b, 2, 0, 1], // active, table 0, func indices
        [0x01, 0x00, 1, 1], // passive, elemkind, func indices
        [0x02, 0x00, 0x41, 0x00, 0x0b, 0x00, 1, 0], // active, explicit table, elemkind, func indices
        [0x03, 0x00, 1, 1], // declarative, func indices
        [0x04, 0x41, 0x00, 0x0b, 2, 0xd2, 0, 0x0b, 0xd0, FUNCREF, 0x0b], // active, exprs
        [0x05, EXTERNREF, 1, 0xd0, EXTERNREF, 0x0b], // passive, exprs
        [0x06, 0x00, 0x41, 0x00, 0x0b, FUNCREF, 0], // active, explicit table, exprs
        [0x07, FUNCREF, 1, 0xd2, 1, 0x0b], // declarative, exprs
      );
      const shape = segs.map((s) => ({
        mode: s.mode,
        table: s.table,
        elemType: s.elemType,
        offset: s.offset?.instrs,
        init: s.init.map((e) => ({ instrs: e.instrs })),
      }));
      // Function indices are never null: with typed function references (on in a bare decode)
      // those segments have type (ref func) (wasm/ref-types.ts), expressions say theirs.
      const refFunc_ = abstractRef(ValType.FuncRef, false);
      expect(shape).to.deep.equal([
        { mode: 'active', table: 0, elemType: refFunc_, offset: [{ op: 'i32.const', value: 1 }], init: [refFunc(0), refFunc(1)] },
        { mode: 'passive', table: 0, elemType: refFunc_, offset: undefined, init: [refFunc(1)] },
        { mode: 'active', table: 0, elemType: refFunc_, offset: [{ op: 'i32.const', value: 0 }], init: [refFunc(0)] },
        { mode: 'declarative', table: 0, elemType: refFunc_, offset: undefined, init: [refFunc(1)] },
        { mode: 'active', table: 0, elemType: ValType.FuncRef, offset: [{ op: 'i32.const', value: 0 }], init: [refFunc(0), { instrs: [{ op: 'ref.null', type: ValType.FuncRef }] }] },
        { mode: 'passive', table: 0, elemType: ValType.ExternRef, offset: undefined, init: [{ instrs: [{ op: 'ref.null', type: ValType.ExternRef }] }] },
        { mode: 'active', table: 0, elemType: ValType.FuncRef, offset: [{ op: 'i32.const', value: 0 }], init: [] },
        { mode: 'declarative', table: 0, elemType: ValType.FuncRef, offset: undefined, init: [refFunc(1)] },
      ]);
      expect(segs[1]!.offset).to.equal(undefined);
    });
    it('accepts over-long but valid LEB128 flags and indices', () => {
      const [seg] = elems([0x82, 0x00, 0x80, 0x00, 0x41, 0x00, 0x0b, 0x00, 0x00]);
      expect(seg!.mode).to.equal('active');
    });
    it('rejects bad flags, element kinds and reference types', () => {
      const bad = (seg: number[]) => malformed(moduleBytes(...tableAndFunc, section(9, vec([seg])), code));
      expect(bad([0x08, 0]).reason).to.equal('malformed elements segment kind');
      expect(bad([0x01, 0x70, 0]).reason).to.equal('malformed element kind');
      expect(bad([0x05, 0x7f, 1, 0xd2, 0, 0x0b]).reason).to.equal('malformed reference type');
      expect(bad([0x05, 0x70, 1, 0xf3, 0, 0x0b]).reason).to.equal('illegal opcode');
    });
    it('reports missing segments', () => {
      const truncated = moduleBytes(...tableAndFunc, [9, 7, 2, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00]);
      expect(malformed(truncated).reason).to.match(/^unexpected end/);
    });
  });

  describe('data and data count sections', () => {
    it('decodes the three segment encodings as views of the module bytes', () => {
      const bytes = moduleBytes(
        section(5, [1, 0, 1]),
        section(12, [3]),
        section(11, vec([
          [0x00, 0x41, 0x08, 0x0b, 2, 0xaa, 0xbb],
          [0x01, 1, 0xcc],
          [0x02, 0x00, 0x41, 0x00, 0x0b, 0],
        ])),
      );
      const m = decodeModule(bytes);
      expect(m.dataCount).to.equal(3);
      expect(m.datas.map((d) => [d.mode, d.memory, d.offset?.instrs, [...d.bytes]])).to.deep.equal([
        ['active', 0, [{ op: 'i32.const', value: 8 }], [0xaa, 0xbb]],
        ['passive', 0, undefined, [0xcc]],
        ['active', 0, [{ op: 'i32.const', value: 0 }], []],
      ]);
      expect(m.datas[0]!.bytes.buffer).to.equal(bytes.buffer);
    });
    it('keeps a lone i32.const offset as a u32 (constOffset), and only that shape', () => {
      const bytes = moduleBytes(
        section(2, vec([[1, 0x6d, 1, 0x67, 0x03, 0x7f, 0x00]])), // (import "m" "g" (global i32))
        section(5, [1, 0, 1]),
        section(11, vec([
          [0x00, 0x41, 0x7f, 0x0b, 0], // i32.const -1
          [0x00, 0x41, 0x80, 0x80, 0x04, 0x0b, 0], // i32.const 65536
          [0x00, 0x23, 0x00, 0x0b, 0], // global.get 0
          [0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b, 0], // i32.const 1; i32.const 2; i32.add (extended const)
          [0x01, 0],
        ])),
      );
      const m = decodeModule(bytes, { extendedConst: true });
      expect(m.datas.map((d) => d.constOffset)).to.deep.equal([0xffffffff, 65536, undefined, undefined, undefined]);
      expect(m.datas[2]!.offset!.instrs).to.deep.equal([{ op: 'global.get', index: 0 }]);
      expect(m.datas[3]!.offset!.instrs.length).to.equal(3);
    });
    it('rejects a bad segment kind', () => {
      expectMalformed(moduleBytes(section(11, [1, 3, 0])), 'malformed data segment kind', 11);
    });
    it('rejects a data count that disagrees with the data section', () => {
      expectMalformed(moduleBytes(section(12, [1])), 'data count and data section have inconsistent lengths');
      expectMalformed(moduleBytes(section(12, [2]), section(11, vec([[0x01, 0]]))), 'data count and data section have inconsistent lengths');
      expect(decodeModule(moduleBytes(section(11, vec([[0x01, 0]])))).dataCount).to.equal(undefined);
    });
    it('rejects a segment longer than the module', () => {
      expectMalformed(moduleBytes(section(11, [1, 1, 5, 0])), 'length out of bounds');
    });
  });

  describe('code section', () => {
    it('records local groups and the byte range of every body', () => {
      const m = decodeModule(
        moduleBytes(
          typeSection(voidType),
          funcSection(0, 0),
          codeSection(codeEntry([[2, I32], [1, F64], [0, I64]], [0x01, 0x0b]), codeEntry([], [0x0b])),
        ),
      );
      const [a, b] = m.codes;
      expect(a!.localGroups).to.deep.equal([
        { count: 2, type: ValType.I32 },
        { count: 1, type: ValType.F64 },
        { count: 0, type: ValType.I64 },
      ]);
      expect(a!.numLocals).to.equal(3);
      expect([...m.bytes.subarray(a!.bodyStart, a!.bodyEnd)]).to.deep.equal([0x01, 0x0b]);
      expect(m.bytes[a!.offset]).to.equal(9); // the entry's size field
      expect(b!.numLocals).to.equal(0);
      expect(b!.bodyEnd - b!.bodyStart).to.equal(1);
      expect(b!.bodyEnd).to.equal(m.bytes.length);
    });
    it('rejects function and code sections of different lengths', () => {
      expectMalformed(moduleBytes(typeSection(voidType), funcSection(0)), 'function and code section have inconsistent lengths');
      expectMalformed(moduleBytes(typeSection(voidType), codeSection(codeEntry([], [0x0b]))), 'function and code section have inconsistent lengths');
      expectMalformed(
        moduleBytes(typeSection(voidType), funcSection(0, 0), codeSection(codeEntry([], [0x0b]))),
        'function and code section have inconsistent lengths',
      );
      // Empty function and code sections may both be absent or present.
      expect(decodeModule(moduleBytes(funcSection(), codeSection())).codes).to.deep.equal([]);
      expect(decodeModule(moduleBytes(funcSection())).codes).to.deep.equal([]);
    });
    it('rejects too many locals', () => {
      expectMalformed(oneFunc([0x0b], [[0xffffffff, I32], [2, I64]]), 'too many locals');
      expectMalformed(oneFunc([0x0b], [[0x40000000, I32], [0x40000000, I64], [0x40000000, F32], [0x40000000, F64]]), 'too many locals');
      expectMalformed(oneFunc([0x0b], [[50001, I32]]), 'too many locals');
      expectMalformed(oneFunc([0x0b], [[25000, I32], [25001, I64]]), 'too many locals');
      expect(decodeModule(oneFunc([0x0b], [[25000, I32], [25000, I64]])).codes[0]!.numLocals).to.equal(50000);
    });
    it('rejects a bad local type', () => {
      expectMalformed(oneFunc([0x0b], [[1, 0x40]]), 'malformed value type');
    });
    it('rejects a body that ends before its size says', () => {
      const bytes = moduleBytes(typeSection(voidType), funcSection(0), codeSection([3, 0, 0x0b, 0x01]));
      expectMalformed(bytes, 'section size mismatch');
    });
    it('rejects a body without its final end', () => {
      // The reference decoder reads on into the next body and stops at its `else`-looking byte.
      const bytes = moduleBytes(
        typeSection(voidType),
        funcSection(0, 0),
        codeSection([4, 0, 0x41, 0x01, 0x1a], [5, 0, 0x41, 0x01, 0x1a, 0x0b]),
      );
      expectMalformed(bytes, 'END opcode expected');
      expect(malformed(oneFunc([0x01])).reason).to.match(/^unexpected end/);
    });
    it('rejects a body size beyond the module', () => {
      expectMalformed(moduleBytes(typeSection(voidType), funcSection(0), codeSection([9, 0, 0x0b])), 'length out of bounds');
    });
  });

  describe('function body scan', () => {
    it('accepts every instruction shape', async () => {
      const m = decodeModule(
        await wat(`(module (memory 1) (table 2 funcref) (data "x") (elem func 0) (type $t (func (param i32) (result i32)))
          (func (param i32) (result i32) (local i64 f32 f64 externref)
            (block (result i32) (loop (result i32) (i32.const 1)) (br_if 0) (br 0))
            (if (result i32) (then (i32.const 1)) (else (i32.const 2))) drop
            (block (br_table 0 0 0 (i32.const 0)))
            (call_indirect (type $t) (i32.const 0) (i32.const 0)) drop
            (select (i32.const 0) (i32.const 1) (i32.const 1)) drop
            (select (result f32) (f32.const 0) (f32.const 1) (i32.const 1)) drop
            (local.set 1 (i64.const -1)) (local.tee 2 (f32.const 1.5)) drop
            (f64.const 2.5) (local.set 3)
            (i64.load8_s offset=3 align=1 (i32.const 0)) drop
            (i32.store offset=0x7fffffff (i32.const 0) (i32.const 0))
            (memory.size) (memory.grow) drop
            (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop 0)
            (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)) (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
            (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop 0)
            (table.copy (i32.const 0) (i32.const 0) (i32.const 0))
            (table.grow (ref.null func) (i32.const 1)) drop (table.size) drop
            (table.fill (i32.const 0) (ref.func 0) (i32.const 1))
            (table.set (i32.const 0) (table.get (i32.const 1)))
            (ref.is_null (ref.null extern)) drop
            (i32.trunc_sat_f64_u (f64.const 1)) drop
            (i64.extend32_s (i64.const 1)) drop
            (return (local.get 0))))`),
      );
      expect(m.codes.length).to.equal(1);
    });
    it('rejects illegal opcodes with their offset', () => {
      for (const op of [0x06, 0x16, 0x1d, 0x27, 0xc5, 0xd3, 0xff]) {
        const bytes = oneFunc([0x01, op, 0x0b]);
        const e = expectMalformed(bytes, 'illegal opcode');
        expect(bytes[e.offset!]).to.equal(op);
      }
      expectMalformed(oneFunc([0xfc, 18, 0x0b]), 'illegal opcode');
      expectMalformed(oneFunc([0xfc, 0x80, 0x80, 0x80, 0x80, 0x01, 0x0b]), 'illegal opcode');
    });
    it('admits the SIMD instructions (validation refuses them only with simd: false) but not undefined 0xFD sub-opcodes', () => {
      const simd = oneFunc([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a, 0x0b]);
      const m = decodeModule(new Uint8Array(simd));
      expect(() => validateModule(m, { simd: false })).to.throw(CompileError, 'SIMD not supported');
      validateModule(m);
      expectMalformed(oneFunc([0xfd, 0x9a, 0x01, 0x0b]), 'illegal opcode');
      expectMalformed(oneFunc([0xfd, 0x0c, 0, 0, 0]), 'unexpected end of section or function');
    });
    it('requires reserved bytes to be a single zero byte', () => {
      expectMalformed(oneFunc([0x3f, 0x01, 0x1a, 0x0b]), 'zero byte expected');
      expectMalformed(oneFunc([0x41, 0, 0x40, 0x80, 0x00, 0x1a, 0x0b]), 'zero byte expected');
      expectMalformed(oneFunc([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0a, 0x00, 0x01, 0x0b]), 'zero byte expected');
      expectMalformed(oneFunc([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0b, 0x01, 0x0b]), 'zero byte expected');
      expectMalformed(oneFunc([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x08, 0x00, 0x01, 0x0b]), 'zero byte expected');
    });
    it('rejects a misplaced else', () => {
      expectMalformed(oneFunc([0x05, 0x0b]), 'END opcode expected', oneFunc([]).length + 0);
      expectMalformed(oneFunc([0x02, 0x40, 0x05, 0x0b, 0x0b]), 'END opcode expected');
      expectMalformed(oneFunc([0x41, 0, 0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b]), 'END opcode expected');
    });
    it('rejects malformed immediates', () => {
      expectMalformed(oneFunc([0xd0, 0x7f, 0x1a, 0x0b]), 'malformed reference type');
      expectMalformed(oneFunc([0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 1, 0x40, 0x1a, 0x0b]), 'malformed value type');
      expectMalformed(oneFunc([0x02, 0x60, 0x0b, 0x0b]), 'malformed block type');
      expectMalformed(oneFunc([0x20, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0b]), 'integer too large');
      expectMalformed(oneFunc([0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, 0x0b]), 'integer representation too long');
    });
    it('rejects a br_table with more targets than given', () => {
      const bytes = moduleBytes(
        typeSection(voidType),
        funcSection(0),
        codeSection([0x11, 0x00, 0x02, 0x40, 0x41, 0x01, 0x04, 0x40, 0x41, 0x01, 0x0e, 0x01, 0x00, 0x01, 0x02, 0x0b, 0x0b, 0x0b]),
      );
      expect(malformed(bytes).reason).to.match(/^unexpected end/);
      expectMalformed(oneFunc([0x41, 0, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b]), 'length out of bounds');
    });
    it('does not need a data count section to decode memory.init and data.drop', () => {
      // The validator reports it, after checking the segment index.
      expect(decodeModule(oneFunc([0xfc, 0x09, 0x00, 0x0b])).codes.length).to.equal(1);
    });
  });

  describe('name section', () => {
    const nameSection = (...subsections: [number, number[]][]) =>
      section(0, [...name('name'), ...subsections.flatMap(([id, content]) => [id, ...u32(content.length), ...content])]);
    const base = [typeSection(voidType), funcSection(0, 0), codeSection(codeEntry([[2, I32]], [0x0b]), codeEntry([], [0x0b]))];

    it('decodes module, function and local names', () => {
      const m = decodeModule(
        moduleBytes(
          ...base,
          nameSection(
            [0, name('mod')],
            [1, vec([[0, ...name('first')], [1, ...name('sécond')]])],
            [2, vec([[0, ...vec([[0, ...name('x')], [1, ...name('y')]])], [1, ...vec([])]])],
            [7, [1, 2, 3]], // an unknown subsection is skipped
          ),
        ),
      );
      expect(m.names.module).to.equal('mod');
      expect([...m.names.functions]).to.deep.equal([
        [0, 'first'],
        [1, 'sécond'],
      ]);
      expect([...m.names.locals.get(0)!]).to.deep.equal([
        [0, 'x'],
        [1, 'y'],
      ]);
      expect(m.names.locals.get(1)!.size).to.equal(0);
    });
    it('reads the names wabt writes', async () => {
      const m = decodeModule(await wat('(module $M (func $fn (param $p i32) (local $l f32)) (func $g))', { names: true }));
      expect(m.names.module).to.equal('M');
      expect([...m.names.functions]).to.deep.equal([
        [0, 'fn'],
        [1, 'g'],
      ]);
      expect([...m.names.locals.get(0)!]).to.deep.equal([
        [0, 'p'],
        [1, 'l'],
      ]);
    });
    it('ignores a malformed name section instead of failing the module', () => {
      const bad: number[][] = [
        nameSection([1, [5, 0]]), // count larger than the contents
        nameSection([1, vec([[0, 2, 0xff, 0xfe]])]), // invalid UTF-8
        nameSection([0, [...name('m'), 0]]), // subsection longer than its contents
        section(0, [...name('name'), 1, 10, 0]), // subsection size past the end
        section(0, [...name('name'), 1]), // truncated subsection header
      ];
      for (const s of bad) {
        const m = decodeModule(moduleBytes(...base, s));
        expect(m.names.functions.size).to.equal(0);
        expect(m.names.module).to.equal(undefined);
        expect(m.customSections.map((c) => c.name)).to.deep.equal(['name']);
      }
    });
    it('uses only the first name section', () => {
      const m = decodeModule(moduleBytes(...base, nameSection([0, name('a')]), nameSection([0, name('b')])));
      expect(m.names.module).to.equal('a');
      expect(m.customSections.length).to.equal(2);
    });
  });

  describe('accessors', () => {
    let m: WasmModule;
    before(async () => {
      m = decodeModule(
        await wat(`(module (type (func (param i32 i64) (result f32 f64)))
          (import "a" "g" (global i32)) (global (mut f32) (f32.const 0)) (func (type 0) unreachable))`),
      );
    });
    it('blockSignature covers the three kinds of block type', () => {
      expect(blockSignature(m, { kind: 'empty' })).to.deep.equal({ params: [], results: [] });
      expect(blockSignature(m, { kind: 'value', type: ValType.F64 })).to.deep.equal({ params: [], results: [ValType.F64] });
      expect(blockSignature(m, { kind: 'func', typeIndex: 0 })).to.equal(m.types[0]);
      expect(() => blockSignature(m, { kind: 'func', typeIndex: 9 })).to.throw(/^BUG:/);
    });
    it('funcType and globalType cover imports and definitions', () => {
      expect(funcType(m, 0)).to.equal(m.types[0]);
      expect(globalType(m, 0)).to.deep.equal({ type: ValType.I32, mutable: false });
      expect(globalType(m, 1)).to.deep.equal({ type: ValType.F32, mutable: true });
      expect(() => globalType(m, 2)).to.throw(/^BUG:/);
      expect(() => funcType(m, 1)).to.throw(/^BUG:/);
    });
  });

  it('error messages carry the location', () => {
    const e = malformed(oneFunc([0x01, 0xff, 0x0b]));
    expect(e).to.be.instanceOf(CompileError);
    expect(e.name).to.equal('CompileError');
    expect(e.message).to.equal(`illegal opcode @+0x${e.offset!.toString(16)}`);
  });

  it('builder sanity: funcModule encodes a one-function module', () => {
    const m = decodeModule(funcModule([0x0b], { params: [I32], results: [], memory: true, table: true }));
    expect(m.funcs.length).to.equal(1);
    expect(m.memories.length).to.equal(1);
    expect(m.tables.length).to.equal(1);
  });
});
