// Found by the malformed-input fuzzer (issue 8).
// Reproduce: pnpm fuzz:malformed --seed 1 --iterations 20000 --only 17005
// A section size that overruns the module by exactly the length of its own size LEB passed
// readCount (which, like the reference interpreter, counts the bytes left from the LEB
// itself) and a custom section's sub-reader then threw Error('BUG: reader range ...').
import { expect } from 'chai';
import { CompileError, Engine } from '@wasmjit/runtime';

describe('regression: section size overrunning the module', () => {
  it('is a CompileError "length out of bounds", not an internal error', () => {
    // Custom section (id 0) declaring 11 bytes where 10 follow: "\x01" "1" + "23456789".
    const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]);
    expect(WebAssembly.validate(bytes)).to.equal(false);
    let err: unknown;
    try {
      new Engine().compile(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CompileError);
    expect((err as CompileError).reason).to.equal('length out of bounds');
    expect((err as CompileError).offset).to.equal(9);
  });

  it('is caught the same way for a known section', () => {
    // Type section (id 1) declaring 5 bytes where 4 follow.
    const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x00]);
    expect(() => new Engine().compile(bytes)).to.throw(CompileError, /length out of bounds/);
  });
});
