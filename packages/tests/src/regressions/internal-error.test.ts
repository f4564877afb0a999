// A broken invariant inside the compiler is an internal error — a plain Error whose message
// starts with 'BUG:' and names the operator — never a CompileError, which means bad input
// (errors.ts, STYLE.md). compile-function.ts used to turn every 'BUG:' into a CompileError.
//
// The lowering trusts validated input, so compiling a body that was never validated is how a
// test reaches a broken invariant: `i32.add` with an empty value stack underflows it.
import { expect } from 'chai';
import { CompileError, compileModuleCode, decodeModule } from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';

// (module (func (result i32) i32.add)): well formed, invalid (nothing to add).
const UNDERFLOW = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type 0: [] -> [i32]
  0x03, 0x02, 0x01, 0x00, // func 0: type 0
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x6a, 0x0b, // body: no locals, i32.add, end
]);
const ADD_OFFSET = UNDERFLOW.length - 2;

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('regression: an internal compiler error is not a CompileError', () => {
  it('a BUG in the lowering surfaces as a plain Error naming the operator', () => {
    const m = decodeModule(UNDERFLOW); // decoded, not validated
    for (const parallelCompile of [false, 2]) {
      const e = thrown(() => compileModuleCode(m, { parallelCompile }));
      expect(e, `parallelCompile ${parallelCompile}`).to.be.instanceOf(Error);
      expect(e, `parallelCompile ${parallelCompile}`).not.to.be.instanceOf(CompileError);
      expect((e as Error).name).to.equal('Error');
      expect((e as Error).message).to.match(/^BUG: value stack underflow in function 0 /);
      expect((e as Error).message).to.contain(`internal compiler error at i32.add @+0x${ADD_OFFSET.toString(16)} (function 0)`);
    }
  });

  it('the same bytes through the engine are bad input: a CompileError from validation', () => {
    const e = thrown(() => new Engine().compile(UNDERFLOW));
    expect(e).to.be.instanceOf(CompileError);
    expect((e as CompileError).reason).to.match(/^type mismatch/);
  });
});
