// compileModule (codegen lower/module-compiler.ts) checks function bodies inside the chunks
// that compile them, possibly on worker threads and out of order. It must still report the
// error decodeModule + validateModule would report first, and produce what they and
// compileModuleCode produce.
import { expect } from 'chai';
import {
  CompileError, compileModule, compileModuleCode, decodeModule, validateModule,
} from '@wasmjit/codegen';
import { ModuleBuilder, I32, EMPTY } from '../wasm/binary-builder.js';

const NOP = 0x01;
const END = 0x0b;
const DROP = 0x1a;
const I32_CONST = 0x41;
const ILLEGAL = 0xff;

/** What the sequential pipeline throws for `bytes` (or null). */
function sequentialError(bytes: Uint8Array): string | null {
  try {
    validateModule(decodeModule(bytes));
    return null;
  } catch (e) {
    expect(e).to.be.instanceOf(CompileError);
    return (e as Error).message;
  }
}

function fusedError(bytes: Uint8Array, parallelCompile: boolean | number): string | null {
  try {
    compileModule(bytes, {}, { parallelCompile });
    return null;
  } catch (e) {
    expect(e).to.be.instanceOf(CompileError);
    return (e as Error).message;
  }
}

/** A module of n small functions; `bad` maps a function to the body that replaces its own. */
function functions(n: number, bad: Map<number, number[]>, extra?: (b: ModuleBuilder) => void): Uint8Array {
  const b = new ModuleBuilder();
  for (let i = 0; i < n; i++) {
    // Enough bytes per function that a few thousand make several chunks.
    const filler = Array.from({ length: 40 }, () => [I32_CONST, 0x2a, DROP]).flat();
    b.func({ params: [I32], code: bad.get(i) ?? [...filler, NOP, END] });
  }
  extra?.(b);
  return b.build();
}

describe('compileModule', function () {
  this.timeout(120_000);

  it('produces what decodeModule + validateModule + compileModuleCode produce', () => {
    const bytes = functions(50, new Map());
    const m = decodeModule(bytes);
    validateModule(m);
    const seq = compileModuleCode(m, { parallelCompile: false });
    const { module, compiled } = compileModule(bytes, {}, { parallelCompile: false });
    expect(module.codes).to.deep.equal(m.codes);
    expect(module.funcs).to.deep.equal(m.funcs);
    expect(compiled.code).to.deep.equal(seq.code);
    expect(compiled.funcOffsets).to.deep.equal(seq.funcOffsets);
  });

  const cases: [string, (n: number) => Uint8Array][] = [
    ['an invalid body before a malformed one: the malformed one', (n) =>
      functions(n, new Map([[3, [I32_CONST, 0x2a, END]], [n - 2, [NOP, ILLEGAL, END]]]))],
    ['a malformed body before an invalid one', (n) =>
      functions(n, new Map([[2, [NOP, ILLEGAL, END]], [n - 1, [DROP, DROP, END]]]))],
    ['invalid bodies only: the first', (n) =>
      functions(n, new Map([[n - 5, [DROP, END]], [n - 3, [I32_CONST, 1, END]]]))],
    ['an invalid body and a malformed data section after the code', (n) =>
      functions(n, new Map([[1, [DROP, DROP, END]]]), (b) => {
        b.memory(1);
        b.data([0x07]); // no such segment kind
      })],
    ['an invalid export and an invalid body', (n) =>
      functions(n, new Map([[n - 1, [DROP, DROP, END]]]), (b) => b.export('x', 0, n + 5))],
    ['an invalid export and a malformed body', (n) =>
      functions(n, new Map([[n - 1, [0x02, EMPTY, ILLEGAL, END, END]]]), (b) => b.export('x', 0, n + 5))],
    ['a body that ends before its declared size', (n) =>
      functions(n, new Map([[n - 1, [NOP, END, NOP, END]]]))],
  ];
  // Bodies the decoder's scan rejects; the validator must reject each too (with any error),
  // since compileModule skips the scan. An invalid body earlier makes the order matter.
  const malformed: [string, number[]][] = [
    ['memory.size with a non-zero byte', [0x3f, 0x01, DROP, END]],
    ['memory.grow with a non-zero byte', [I32_CONST, 0, 0x40, 0x01, DROP, END]],
    ['memory.fill with a non-zero byte', [I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, 0xfc, 11, 0x01, END]],
    ['memory.copy with a non-zero byte', [I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, 0xfc, 10, 0x00, 0x01, END]],
    ['memory.init with a non-zero byte', [I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, 0xfc, 8, 0x00, 0x01, END]],
    ['an f64.const cut off by the body end', [0x44, 0, 0, 0, 0, 0, END]],
    ['an f32.const cut off by the body end', [0x43, 0, 0, END]],
    ['an illegal opcode', [0x06, END]],
    ['a SIMD opcode', [0xfd, 0x0c, END]],
    ['an unknown 0xfc opcode', [0xfc, 0x40, END]],
    ['else outside if', [0x02, EMPTY, 0x05, END, END]],
    ['a missing end', [0x02, EMPTY, END]],
    ['code after the last end', [END, NOP]],
    ['an over-long LEB', [0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, DROP, END]],
    ['a br_table count past the body', [I32_CONST, 0, 0x0e, 0xff, 0xff, 0x03, 0, END]],
    ['a bad block type', [0x02, 0x60, END, END]],
    ['a select with two types', [I32_CONST, 0, I32_CONST, 0, I32_CONST, 0, 0x1c, 2, I32, I32, DROP, END]],
  ];
  it('rejects malformed bodies the decoder did not scan, in the right order', () => {
    for (const [what, body] of malformed) {
      for (const n of [8, 3000]) {
        const bytes = functions(n, new Map([[1, [DROP, DROP, END]], [n - 2, body]]), (b) => {
          b.memory(1);
          b.data([0x01, 0x00]);
          b.dataCount = 1;
        });
        const expected = sequentialError(bytes);
        expect(expected, what).to.be.a('string');
        expect(fusedError(bytes, false), `${what}, ${n} functions, 1 thread`).to.equal(expected);
        expect(fusedError(bytes, 2), `${what}, ${n} functions, 2 threads`).to.equal(expected);
        // Alone, it is found by compileModule's own checks (then reported as decode would).
        const alone = functions(n, new Map([[n - 2, body]]), (b) => {
          b.memory(1);
          b.data([0x01, 0x00]);
          b.dataCount = 1;
        });
        expect(fusedError(alone, 2), `${what} alone`).to.equal(sequentialError(alone));
      }
    }
  });

  for (const [what, make] of cases) {
    it(`reports what the sequential pipeline reports for ${what}`, () => {
      for (const n of [8, 3000]) {
        const bytes = make(n);
        const expected = sequentialError(bytes);
        expect(expected, 'the case is an error').to.be.a('string');
        expect(fusedError(bytes, false), `${n} functions, 1 thread`).to.equal(expected);
        expect(fusedError(bytes, 2), `${n} functions, 2 threads`).to.equal(expected);
      }
    });
  }
});
