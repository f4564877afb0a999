// Found by the malformed-input fuzzer (issue 8): every CompileError must name an offset.
// Reproduce: pnpm fuzz:malformed --seed 1 --iterations 2000 --only 48,1127,1260
// Module-level validation errors (unknown type in the function section, bad limits, v128 in
// a function type, bad start or export index) had no offset, since decoded entries keep
// none; they now point at their section's contents (WasmModule.sectionOffsets).
import { expect } from 'chai';
import { CompileError, Engine } from '@wasmjit/runtime';
import { CompileError as CodegenCompileError, decodeModule, validateModule } from '@wasmjit/codegen';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function compileError(bytes: number[]): CompileError {
  try {
    new Engine().compile(new Uint8Array(bytes));
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error('compiled');
}

describe('regression: module-level CompileErrors carry an offset', () => {
  it('unknown type index in the function section', () => {
    // type section: [] -> []; function section: one function of type 1 (there is none).
    const e = compileError([...HEADER, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b]);
    expect(e.reason).to.equal('unknown type 1');
    expect(e.offset).to.equal(16); // the function section's contents
  });

  it('table limits with min > max', () => {
    const e = compileError([...HEADER, 0x04, 0x05, 0x01, 0x70, 0x01, 0x02, 0x01]);
    expect(e.reason).to.match(/^size minimum must not be greater than maximum/);
    expect(e.offset).to.equal(10);
  });

  it('v128 in a function type (validated without SIMD)', () => {
    const bytes = new Uint8Array([...HEADER, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7b, 0x00]);
    let e: unknown;
    try {
      validateModule(decodeModule(bytes), { simd: false });
    } catch (err) {
      e = err;
    }
    expect(e).to.be.instanceOf(CodegenCompileError);
    expect((e as CodegenCompileError).reason).to.equal('SIMD not supported');
    expect((e as CodegenCompileError).offset).to.equal(10);
    // With SIMD (the default) the module is valid.
    new Engine().compile(bytes);
  });

  it('export of an unknown function', () => {
    const e = compileError([...HEADER, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x03]);
    expect(e.reason).to.equal('unknown function 3');
    expect(e.offset).to.equal(10);
  });
});
