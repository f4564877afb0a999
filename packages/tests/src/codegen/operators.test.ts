// The operator table (wasm/operators.ts) against everything that reads it: for every row, a
// tiny module using that operator is decoded, validated (and rejected with a wrong operand
// type), compiled to machine code, and named back; the Op/OpFC enums agree with the rows;
// and encodings without a row are refused.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  CompileError, ImmKind, Lowering, OPERATORS, OP_NAMES, OP_ROWS, PREFIX_SPACES, compileModule, decodeModule,
  opName, validateModule, type Operator,
} from '@wasmjit/codegen';
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, ModuleBuilder, u32 } from '../wasm/binary-builder.js';

const NUMERIC = [I32, I64, F32, F64];

/** The row's encoding: the opcode, or the prefix and the LEB sub-opcode. */
function encoding(o: Operator): number[] {
  return o.prefix === 0 ? [o.code] : [o.prefix, ...u32(o.code)];
}

/** Valid immediates of each kind the typed rows use. */
const DEFAULT_IMM: Partial<Record<ImmKind, number[]>> = {
  [ImmKind.None]: [],
  [ImmKind.MemArg]: [0x00, 0x00], // align 1, offset 0: never over the natural alignment
  [ImmKind.I32]: [0x00],
  [ImmKind.I64]: [0x00],
  [ImmKind.F32]: [0, 0, 0, 0],
  [ImmKind.F64]: [0, 0, 0, 0, 0, 0, 0, 0],
};

/** One use of an operator: code before it, its immediates and code after, the function's type. */
interface Use {
  params: number[];
  results: number[];
  before: number[];
  /** The operator's immediates and the rest of the body, without the final `end`. */
  after: number[];
}

interface Fixture {
  use: Use;
  /** The same with an operand of the wrong type (absent for operators without operands). */
  wrong?: Use;
}

const use = (before: number[], after: number[], params: number[] = [], results: number[] = []): Use => ({ params, results, before, after });
const I32_CONST = [0x41, 0x00];
const I64_CONST = [0x42, 0x00];
const THREE_I32 = [...I32_CONST, ...I32_CONST, ...I32_CONST];
const I64_THEN_TWO_I32 = [...I64_CONST, ...I32_CONST, ...I32_CONST];
const DROP = [0x1a];
const NULL_FUNCREF = [0xd0, FUNCREF];
const LOCAL0 = [0x20, 0x00];

/** Function 1: the callee of call, call_indirect and ref.func, of type 0, [i32] -> []. */
const CALLEE = 1;
const CALLEE_TYPE = 0;
const REF_CALLEE = [0xd2, CALLEE];

/**
 * The operators whose typing the validator spells out (no signature in their row), each
 * with a use written by hand. Keyed by mnemonic; the two selects by encoding.
 */
const SPECIAL: Record<string, Fixture> = {
  unreachable: { use: use([], []) },
  nop: { use: use([], []) },
  block: { use: use([], [0x40, 0x0b]), wrong: use([], [I32, 0x42, 0x00, 0x0b, ...DROP]) },
  loop: { use: use([], [0x40, 0x0b]), wrong: use([], [I32, 0x42, 0x00, 0x0b, ...DROP]) },
  if: { use: use(LOCAL0, [0x40, 0x0b], [I32]), wrong: use(LOCAL0, [0x40, 0x0b], [I64]) },
  else: {
    use: use([...LOCAL0, 0x04, I32, ...I32_CONST], [...I32_CONST, 0x0b, ...DROP], [I32]),
    wrong: use([...LOCAL0, 0x04, I32, ...I32_CONST], [...I64_CONST, 0x0b, ...DROP], [I32]),
  },
  // The function's own end: the op is the body's last byte.
  end: { use: use(I32_CONST, [], [], [I32]), wrong: use(I64_CONST, [], [], [I32]) },
  br: { use: use([0x02, 0x40], [0x00, 0x0b]), wrong: use([0x02, I32, ...I64_CONST], [0x00, 0x0b, ...DROP]) },
  br_if: { use: use([0x02, 0x40, ...LOCAL0], [0x00, 0x0b], [I32]), wrong: use([0x02, 0x40, ...LOCAL0], [0x00, 0x0b], [I64]) },
  br_table: { use: use([0x02, 0x40, ...LOCAL0], [0x01, 0x00, 0x00, 0x0b], [I32]), wrong: use([0x02, 0x40, ...LOCAL0], [0x01, 0x00, 0x00, 0x0b], [F32]) },
  return: { use: use(I32_CONST, [], [], [I32]), wrong: use(I64_CONST, [], [], [I32]) },
  call: { use: use(I32_CONST, [CALLEE]), wrong: use(I64_CONST, [CALLEE]) },
  call_indirect: { use: use([...I32_CONST, ...I32_CONST], [CALLEE_TYPE, 0x00]), wrong: use([...I64_CONST, ...I32_CONST], [CALLEE_TYPE, 0x00]) },
  // Tail calls: the callee's results ([]) are the function's.
  return_call: { use: use(I32_CONST, [CALLEE]), wrong: use(I64_CONST, [CALLEE]) },
  return_call_indirect: { use: use([...I32_CONST, ...I32_CONST], [CALLEE_TYPE, 0x00]), wrong: use([...I64_CONST, ...I32_CONST], [CALLEE_TYPE, 0x00]) },
  // Typed function references: the callee as ref.func (a (ref 0)), a null funcref for the null tests.
  call_ref: { use: use([...I32_CONST, ...REF_CALLEE], [CALLEE_TYPE]), wrong: use([...I64_CONST, ...REF_CALLEE], [CALLEE_TYPE]) },
  return_call_ref: { use: use([...I32_CONST, ...REF_CALLEE], [CALLEE_TYPE]), wrong: use([...I64_CONST, ...REF_CALLEE], [CALLEE_TYPE]) },
  'ref.as_non_null': { use: use(NULL_FUNCREF, DROP), wrong: use(I32_CONST, DROP) },
  br_on_null: { use: use([0x02, 0x40, ...NULL_FUNCREF], [0x00, ...DROP, 0x0b]), wrong: use([0x02, 0x40, ...I32_CONST], [0x00, ...DROP, 0x0b]) },
  br_on_non_null: {
    use: use([0x02, FUNCREF, ...NULL_FUNCREF], [0x00, ...NULL_FUNCREF, 0x0b, ...DROP]),
    wrong: use([0x02, FUNCREF, ...I32_CONST], [0x00, ...NULL_FUNCREF, 0x0b, ...DROP]),
  },
  drop: { use: use(LOCAL0, [], [I32]), wrong: use([], []) }, // no operand at all
  'select/0x1b': { use: use([...LOCAL0, 0x20, 1, 0x20, 2], DROP, [I32, I32, I32]), wrong: use([...LOCAL0, 0x20, 1, 0x20, 2], DROP, [I32, I32, I64]) },
  'select/0x1c': {
    use: use([...LOCAL0, 0x20, 1, 0x20, 2], [0x01, I32, ...DROP], [I32, I32, I32]),
    wrong: use([...LOCAL0, 0x20, 1, 0x20, 2], [0x01, I32, ...DROP], [I32, I64, I32]),
  },
  'local.get': { use: use([], [0x00, ...DROP], [I32]) },
  'local.set': { use: use(I32_CONST, [0x00], [I32]), wrong: use(I64_CONST, [0x00], [I32]) },
  'local.tee': { use: use(I32_CONST, [0x00, ...DROP], [I32]), wrong: use(I64_CONST, [0x00, ...DROP], [I32]) },
  'global.get': { use: use([], [0x00, ...DROP]) },
  'global.set': { use: use(I32_CONST, [0x00]), wrong: use(I64_CONST, [0x00]) },
  'table.get': { use: use(I32_CONST, [0x00, ...DROP]), wrong: use(I64_CONST, [0x00, ...DROP]) },
  'table.set': { use: use([...I32_CONST, ...NULL_FUNCREF], [0x00]), wrong: use([...I32_CONST, 0xd0, EXTERNREF], [0x00]) },
  'memory.size': { use: use([], [0x00, ...DROP]) },
  'memory.grow': { use: use(I32_CONST, [0x00, ...DROP]), wrong: use(I64_CONST, [0x00, ...DROP]) },
  'ref.null': { use: use([], [FUNCREF, ...DROP]) },
  'ref.is_null': { use: use(NULL_FUNCREF, DROP), wrong: use(I32_CONST, DROP) },
  'ref.func': { use: use([], [CALLEE, ...DROP]) },
  'memory.init': { use: use(THREE_I32, [0x00, 0x00]), wrong: use(I64_THEN_TWO_I32, [0x00, 0x00]) },
  'data.drop': { use: use([], [0x00]) },
  'memory.copy': { use: use(THREE_I32, [0x00, 0x00]), wrong: use(I64_THEN_TWO_I32, [0x00, 0x00]) },
  'memory.fill': { use: use(THREE_I32, [0x00]), wrong: use(I64_THEN_TWO_I32, [0x00]) },
  'table.init': { use: use(THREE_I32, [0x00, 0x00]), wrong: use(I64_THEN_TWO_I32, [0x00, 0x00]) },
  'elem.drop': { use: use([], [0x00]) },
  'table.copy': { use: use(THREE_I32, [0x00, 0x00]), wrong: use(I64_THEN_TWO_I32, [0x00, 0x00]) },
  'table.grow': { use: use([...NULL_FUNCREF, ...I32_CONST], [0x00, ...DROP]), wrong: use([...NULL_FUNCREF, ...I64_CONST], [0x00, ...DROP]) },
  'table.size': { use: use([], [0x00, ...DROP]) },
  'table.fill': { use: use([...I32_CONST, ...NULL_FUNCREF, ...I32_CONST], [0x00]), wrong: use(THREE_I32, [0x00]) },
};

function specialKey(o: Operator): string {
  return o.name === 'select' ? `select/0x${o.code.toString(16)}` : o.name;
}

/** A type other than t, for the wrong-operand variant. */
function other(t: number): number {
  return t === I32 ? I64 : I32;
}

/** The fixture of a row: built from its signature, or the hand-written one. */
function fixtureOf(o: Operator): Fixture {
  if (o.params === null || o.results === null) {
    const f = SPECIAL[specialKey(o)];
    if (!f) throw new Error(`no fixture for ${specialKey(o)}: add one to SPECIAL`);
    return f;
  }
  // Atomic accesses state their natural alignment exactly; atomic.fence has a zero byte.
  const imm = o.prefix === 0xfe ? (o.imm === ImmKind.MemArg ? [Math.log2(o.accessBytes), 0x00] : [0x00]) : DEFAULT_IMM[o.imm];
  if (!imm) throw new Error(`no default immediate for ${o.name}`);
  const gets = o.params.flatMap((_, i) => [0x20, i]);
  const fixture: Fixture = { use: use(gets, imm, [...o.params], [...o.results]) };
  if (o.params.length > 0) fixture.wrong = use(gets, imm, [other(o.params[0]!), ...o.params.slice(1)], [...o.results]);
  return fixture;
}

/**
 * Function 0 is the use; around it everything an operator may name: a memory, a funcref
 * table, a mutable i32 global, a passive data segment (with the data count), a passive
 * element segment that also declares function 1 for ref.func, and function 1 itself.
 */
function moduleWith(o: Operator, u: Use): { bytes: Uint8Array; opAt: number } {
  const b = new ModuleBuilder();
  b.type([I32], []); // CALLEE_TYPE
  b.memory(1);
  b.table(FUNCREF, 1);
  b.global(I32, true, [...I32_CONST, 0x0b]);
  // `end` is the test's own final end; every other operator is followed by one.
  const finalEnd = o.prefix === 0 && o.code === 0x0b ? [] : [0x0b];
  b.func({ params: u.params, results: u.results, code: [...u.before, ...encoding(o), ...u.after, ...finalEnd] });
  b.func({ params: [I32], code: [0x0b] });
  b.elem([0x01, 0x00, ...u32(1), CALLEE]);
  b.dataCount = 1;
  b.data([0x01, ...u32(1), 0x2a]);
  const bytes = b.build();
  const m = decodeModule(bytes);
  return { bytes, opAt: m.codes[0]!.bodyStart + u.before.length };
}

function validates(bytes: Uint8Array): void {
  validateModule(decodeModule(bytes));
}

/** Exception handling's rows, which need a tag and the feature: lower/exceptions.test.ts and the spec suite cover them. */
const EXCEPTION_OPS = new Set(['try', 'catch', 'throw', 'rethrow', 'throw_ref', 'delegate', 'catch_all', 'try_table']);
const isExceptionRow = (o: Operator) => o.prefix === 0 && EXCEPTION_OPS.has(o.name);

/** The rows the compiler lowers: all but the 0xFD (SIMD) ones, which wasm/simd-operators.test.ts covers, and exception handling's. */
const LOWERED = OPERATORS.filter((o) => o.prefix !== 0xfd && !isExceptionRow(o));

describe('codegen/operator table', () => {
  it('has one row per encoding: 275 lowered (Wasm 2.0 without SIMD, 2 tail calls, 5 typed function references, 67 atomics), 8 exception handling and 256 SIMD rows', () => {
    const keys = OPERATORS.map((o) => `${o.prefix}/${o.code}`);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(LOWERED.length).to.equal(183 + 2 + 5 + 18 + 67);
    expect(OPERATORS.filter(isExceptionRow).length).to.equal(8);
    expect(OPERATORS.filter((o) => o.prefix === 0xfe).length).to.equal(67);
    expect(OPERATORS.length - LOWERED.length).to.equal(236 + 20 + 8);
  });

  for (const o of LOWERED) {
    const label = `${o.prefix ? `0x${o.prefix.toString(16)} ` : ''}0x${o.code.toString(16).padStart(2, '0')} ${o.name}`;
    it(`${label}: decoded, validated, lowered and named`, () => {
      const f = fixtureOf(o);
      const { bytes, opAt } = moduleWith(o, f.use);
      validates(bytes);
      const { compiled } = compileModule(bytes, {}, { trace: true, parallelCompile: false });
      expect(compiled.funcEnds[0]! - compiled.funcOffsets[0]!).to.be.greaterThan(0);
      // The compiler's own trace names the operator at its offset.
      const trace = compiled.comments.map((c) => c.text);
      expect(trace).to.include(`@${opAt.toString(16)} ${o.name}`);
      expect(opName(bytes, opAt)).to.equal(o.name);
      if (f.wrong) {
        const bad = moduleWith(o, f.wrong).bytes;
        expect(() => validates(bad), `${o.name} with a wrong operand`).to.throw(CompileError, /type mismatch/);
      }
    });
  }

  it('the Op and OpFC enums spell every row, and nothing else', () => {
    const source = readFileSync(fileURLToPath(new URL('../../../codegen/src/wasm/opcodes.ts', import.meta.url)), 'utf8');
    const members = (enumName: string) => {
      const body = new RegExp(`export const enum ${enumName} \\{([^}]*)\\}`).exec(source)?.[1];
      if (body === undefined) throw new Error(`enum ${enumName} not found`);
      return [...body.matchAll(/(\w+) = (0x[0-9a-f]+|\d+),/g)].map(([, name, value]) => [name!, Number(value)] as const);
    };
    const pascal = (o: Operator) => (o.prefix === 0 && o.code === 0x1c ? 'SelectT' : o.name.split(/[._]/).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(''));
    const op = members('Op').filter(([name]) => !name.startsWith('Prefix'));
    const fc = members('OpFC');
    const expected = (prefix: number) => OPERATORS.filter((o) => o.prefix === prefix).map((o) => [pascal(o), o.code] as const);
    expect(op).to.deep.equal(expected(0));
    expect(fc).to.deep.equal(expected(0xfc));
  });

  it('derives the name and immediate tables, and lowers control operators even in dead code', () => {
    for (const o of OPERATORS) {
      const name = o.prefix === 0 ? OP_NAMES[o.code] : PREFIX_SPACES[o.prefix]!.names[o.code];
      expect(name).to.equal(o.name);
      expect(o.prefix === 0 ? OP_ROWS[o.code] : PREFIX_SPACES[o.prefix]!.rows[o.code]).to.equal(o);
    }
    const control = OPERATORS.filter((o) => o.lowering === Lowering.Control).map((o) => o.name);
    expect(control).to.deep.equal(['unreachable', 'block', 'loop', 'if', 'else', 'try', 'catch', 'throw', 'rethrow', 'throw_ref', 'end',
      'br', 'br_if', 'br_table', 'return', 'return_call', 'return_call_indirect', 'return_call_ref', 'delegate', 'catch_all', 'try_table',
      'br_on_null', 'br_on_non_null']);
  });

  it('refuses every one-byte opcode and 0xfc/0xfe sub-opcode without a row', () => {
    for (let byte = 0; byte < 256; byte++) {
      if (OP_ROWS[byte] !== undefined || byte === 0xfc || byte === 0xfd || byte === 0xfe) continue;
      const b = new ModuleBuilder();
      b.func({ code: [byte, 0x00, 0x00, 0x0b] });
      expect(() => validateModule(decodeModule(b.build())), `0x${byte.toString(16)}`).to.throw(CompileError, /illegal opcode/);
    }
    for (const sub of [18, 19, 127, 128, 1000]) {
      const b = new ModuleBuilder();
      b.func({ code: [0xfc, ...u32(sub), 0x0b] });
      expect(() => validateModule(decodeModule(b.build())), `0xfc ${sub}`).to.throw(CompileError, /illegal opcode/);
    }
    // The gaps of the 0xfe space and past its end.
    for (const sub of [0x04, 0x0f, 0x4f, 128, 1000]) {
      const b = new ModuleBuilder();
      b.func({ code: [0xfe, ...u32(sub), 0x02, 0x00, 0x0b] });
      expect(() => validateModule(decodeModule(b.build())), `0xfe ${sub}`).to.throw(CompileError, /illegal opcode/);
    }
  });

  it('gives every typed row operand and result types the validator can use', () => {
    for (const o of LOWERED) {
      if (o.params === null) continue;
      for (const t of [...o.params, ...o.results!]) expect(NUMERIC, o.name).to.include(t);
      if (o.accessBytes !== 0) expect([1, 2, 4, 8], o.name).to.include(o.accessBytes);
    }
  });
});
