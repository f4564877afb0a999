// Which error a module with several problems reports. The decoder leaves function bodies to
// the validator, which checks their encoding and their types in one pass; the reference
// interpreter decodes the whole module first, so a malformed encoding anywhere must still
// win over a validation error, wherever the two are (validate/body-precedence.ts).
import { expect } from 'chai';
import { CompileError, compileModule, decodeModule, validateFunctions, validateModule } from '@wasmjit/codegen';
import { ModuleBuilder } from './binary-builder.js';

/** i32.const 42, i64.const 43, i32.add: invalid at the i32.add. */
const INVALID = [0x41, 42, 0x42, 43, 0x6a, 0x1a, 0x0b];
/** i32.const 51, then 0x27 (no opcode in any proposal): malformed at the 0x27. */
const MALFORMED = [0x41, 51, 0x27, 0x0b];
const VALID = [0x01, 0x0b];

function errorOf(run: () => unknown): CompileError {
  try {
    run();
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('expected a CompileError');
}

/** The one place `pattern` occurs in `bytes`. */
function offsetOf(bytes: Uint8Array, pattern: number[]): number {
  const found: number[] = [];
  for (let i = 0; i + pattern.length <= bytes.length; i++) {
    if (pattern.every((b, k) => bytes[i + k] === b)) found.push(i);
  }
  if (found.length !== 1) throw new Error(`pattern ${pattern} occurs ${found.length} times`);
  return found[0]!;
}

function module(bodies: number[][], setup?: (b: ModuleBuilder) => void): Uint8Array {
  const b = new ModuleBuilder();
  for (const code of bodies) b.func({ code });
  setup?.(b);
  return b.build();
}

/** decode + validate, checked to agree with compileModule (the runtime's pipeline). */
function reported(bytes: Uint8Array): CompileError {
  const e = errorOf(() => validateModule(decodeModule(bytes)));
  const c = errorOf(() => compileModule(bytes));
  expect(c.message, 'compileModule').to.equal(e.message);
  return e;
}

function expectIllegalOpcode(bytes: Uint8Array, e: CompileError): void {
  expect(e.reason).to.equal('illegal opcode');
  expect(e.offset).to.equal(offsetOf(bytes, [0x41, 51, 0x27]) + 2);
  // A decoding error: it names no function, as the decoder's never did.
  expect(e.funcIndex).to.equal(undefined);
}

describe('wasm/error precedence (one-pass decode + validate)', () => {
  it('reports an invalid body alone with its validation error, function and offset', () => {
    const bytes = module([VALID, INVALID]);
    const e = reported(bytes);
    expect(e.reason).to.equal('type mismatch: expected i32 but got i64');
    expect(e.offset).to.equal(offsetOf(bytes, INVALID) + 4);
    expect(e.funcIndex).to.equal(1);
  });

  it('reports a malformed body after an invalid one', () => {
    const bytes = module([INVALID, VALID, MALFORMED]);
    expectIllegalOpcode(bytes, reported(bytes));
  });

  it('reports a malformed instruction after an invalid one in the same body', () => {
    const bytes = module([[0x41, 42, 0x42, 43, 0x6a, 0x41, 51, 0x27, 0x0b]]);
    expectIllegalOpcode(bytes, reported(bytes));
  });

  it('reports a body that runs past its size after an invalid one', () => {
    // The second body's `end` comes one byte before its declared end.
    const bytes = module([INVALID, [0x0b, 0x01]]);
    const e = reported(bytes);
    expect(e.reason).to.equal('section size mismatch');
    expect(e.funcIndex).to.equal(undefined);
  });

  it('reports a malformed data section after an invalid body', () => {
    const bytes = module([INVALID], (b) => {
      b.memory(1);
      b.data([0x07, 0x00]); // no such segment kind
    });
    const e = reported(bytes);
    expect(e.reason).to.equal('malformed data segment kind');
    expect(e.offset).to.equal(bytes.length - 2);
  });

  it('reports a malformed body before a malformed data section', () => {
    const bytes = module([VALID, MALFORMED], (b) => {
      b.memory(1);
      b.data([0x07, 0x00]);
    });
    expectIllegalOpcode(bytes, reported(bytes));
  });

  it('reports a malformed body over an invalid module structure', () => {
    const bytes = module([VALID, MALFORMED], (b) => b.export('f', 0, 7)); // function 7 does not exist
    expectIllegalOpcode(bytes, reported(bytes));
    const structureOnly = module([VALID, VALID], (b) => b.export('f', 0, 7));
    expect(reported(structureOnly).reason).to.equal('unknown function 7');
  });

  it('leaves function bodies to the validator', () => {
    const bytes = module([MALFORMED]);
    expect(decodeModule(bytes).codes).to.have.length(1);
    expectIllegalOpcode(bytes, reported(bytes));
  });

  it('validateFunctions reports what its range holds, with the decoder error for a malformed body', () => {
    const bytes = module([INVALID, MALFORMED]);
    const m = decodeModule(bytes);
    expect(errorOf(() => validateFunctions(m, 0, 1)).reason).to.equal('type mismatch: expected i32 but got i64');
    expectIllegalOpcode(bytes, errorOf(() => validateFunctions(m, 1, 2)));
  });
});
