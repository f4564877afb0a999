// Absolute [disp32] addressing (codegen x64/extra-abs.ts): exact bytes, objdump's reading.
import { expect } from 'chai';
import { Assembler, cmpAbs32Imm8, fitsAbs32 } from '@wasmjit/codegen';
import { toHex } from './golden.js';
import { disassemble, normalizeAsm, skipWithoutObjdump } from './objdump.js';

// [address, imm, bytes, objdump -M intel text (GNU binutils 2.40)]
const GOLDENS: [number, number, string, string][] = [
  [0x12345678, 0, '48833c257856341200', 'cmp QWORD PTR ds:0x12345678,0x0'],
  [0, 5, '48833c250000000005', 'cmp QWORD PTR ds:0x0,0x5'],
  [0x7fffffff, -1, '48833c25ffffff7fff', 'cmp QWORD PTR ds:0x7fffffff,0xffffffffffffffff'],
];

function cmp(address: number, imm: number): Uint8Array {
  const a = new Assembler();
  cmpAbs32Imm8(a, address, imm);
  return a.finish();
}

describe('x64 absolute addressing', () => {
  it('cmp qword [disp32], imm8: bytes', () => {
    for (const [address, imm, hex] of GOLDENS) expect(toHex(cmp(address, imm))).to.equal(hex);
  });

  it('objdump decodes each as one cmp of the absolute address', function () {
    skipWithoutObjdump(this);
    const decoded = disassemble(GOLDENS.map(([address, imm]) => cmp(address, imm)));
    GOLDENS.forEach(([, , hex, text], i) => {
      expect(decoded[i]!.map((d) => [d.offset, d.length, d.text])).to.deep.equal([[0, hex.length / 2, normalizeAsm(text)]]);
    });
  });

  it('only addresses below 2 GiB fit (disp32 is sign-extended)', () => {
    expect(fitsAbs32(0x7fffffff)).to.equal(true);
    expect(fitsAbs32(0x80000000)).to.equal(false);
    expect(fitsAbs32(-8)).to.equal(false);
    expect(() => cmp(0x80000000, 0)).to.throw(/BUG/);
    expect(() => cmp(0x1000, 200)).to.throw(/BUG/);
  });
});
