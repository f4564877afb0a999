// Multi-byte NOPs (codegen x64/extra-nop.ts): exact bytes, and objdump sees one NOP
// instruction of each length 1..9 (longer runs are 9-byte NOPs plus the rest).
import { expect } from 'chai';
import { Assembler, nopBytes } from '@wasmjit/codegen';
import { toHex } from './golden.js';
import { disassemble, normalizeAsm, skipWithoutObjdump } from './objdump.js';

// Bytes and objdump -M intel text (GNU binutils 2.40), by length.
const NOP_GOLDENS: [number, string, string][] = [
  [1, '90', 'nop'],
  [2, '6690', 'xchg ax,ax'],
  [3, '0f1f00', 'nop DWORD PTR [rax]'],
  [4, '0f1f4000', 'nop DWORD PTR [rax+0x0]'],
  [5, '0f1f440000', 'nop DWORD PTR [rax+rax*1+0x0]'],
  [6, '660f1f440000', 'nop WORD PTR [rax+rax*1+0x0]'],
  [7, '0f1f8000000000', 'nop DWORD PTR [rax+0x0]'],
  [8, '0f1f840000000000', 'nop DWORD PTR [rax+rax*1+0x0]'],
  [9, '660f1f840000000000', 'nop WORD PTR [rax+rax*1+0x0]'],
];

function nops(n: number): Uint8Array {
  const a = new Assembler();
  nopBytes(a, n);
  return a.finish();
}

describe('x64 multi-byte nops', () => {
  it('emits the recommended byte sequences', () => {
    for (const [n, hex] of NOP_GOLDENS) expect(toHex(nops(n)), `nop of ${n}`).to.equal(hex);
    expect(nops(0).length).to.equal(0);
    expect(toHex(nops(12))).to.equal('660f1f840000000000' + '0f1f00');
  });

  it('objdump decodes each as one nop of that length', function () {
    skipWithoutObjdump(this);
    const decoded = disassemble(NOP_GOLDENS.map(([n]) => nops(n)));
    NOP_GOLDENS.forEach(([n, , text], i) => {
      const d = decoded[i]!;
      expect(d.map((x) => [x.offset, x.length, x.text]), `nop of ${n}`).to.deep.equal([[0, n, normalizeAsm(text)]]);
    });
  });
});
