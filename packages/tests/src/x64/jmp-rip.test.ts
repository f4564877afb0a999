// jmp qword [rip + disp32] (lazy compilation's jump slots): bytes and objdump's reading.
import { expect } from 'chai';
import { Assembler } from '@wasmjit/codegen';
import { toHex } from './golden.js';
import { disassemble, normalizeAsm, skipWithoutObjdump } from './objdump.js';

// [displacement, bytes, objdump text]
const GOLDENS: [number, string, string][] = [
  [0, 'ff2500000000', 'jmp QWORD PTR [rip+0x0]'],
  [0x1000, 'ff2500100000', 'jmp QWORD PTR [rip+0x1000]'],
  [-16, 'ff25f0ffffff', 'jmp QWORD PTR [rip+0xfffffffffffffff0]'],
  [0x7ffffff0, 'ff25f0ffff7f', 'jmp QWORD PTR [rip+0x7ffffff0]'],
];

function encode(disp: number): Uint8Array {
  const a = new Assembler();
  a.jmp_rip_m(disp);
  return a.finish();
}

describe('x64 jmp [rip + disp32]', () => {
  it('encodes the displacement little-endian after FF 25', () => {
    for (const [disp, hex] of GOLDENS) expect(toHex(encode(disp))).to.equal(hex);
  });
  it('objdump agrees', function () {
    skipWithoutObjdump(this);
    const decoded = disassemble(GOLDENS.map(([d]) => encode(d)));
    GOLDENS.forEach(([, , text], i) => {
      const d = decoded[i]!;
      expect(d.length).to.equal(1);
      expect(d[0]!.length).to.equal(6);
      expect(normalizeAsm(d[0]!.text).replace(/\s+#.*$/, '')).to.equal(normalizeAsm(text));
    });
  });
});
