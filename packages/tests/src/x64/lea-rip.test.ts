// lea dst, [rip + label] (jump tables): bytes and objdump's reading, backward and forward.
import { expect } from 'chai';
import { Assembler, nopBytes, RAX, R11, R15, RDI, type Gpr } from '@wasmjit/codegen';
import { toHex } from './golden.js';
import { disassemble, normalizeAsm, skipWithoutObjdump } from './objdump.js';

// [register, bytes of `lea reg, [rip+0x10]` (label 16 bytes past the instruction's end), objdump text]
const GOLDENS: [Gpr, string, string][] = [
  [RAX, '488d0510000000', 'lea rax,[rip+0x10]'],
  [RDI, '488d3d10000000', 'lea rdi,[rip+0x10]'],
  [R11, '4c8d1d10000000', 'lea r11,[rip+0x10]'],
  [R15, '4c8d3d10000000', 'lea r15,[rip+0x10]'],
];

function forward(dst: Gpr): Uint8Array {
  const a = new Assembler();
  const l = a.newLabel();
  a.lea_rip(dst, l);
  nopBytes(a, 16);
  a.bind(l);
  return a.finish().subarray(0, 7);
}

describe('x64 lea rip-relative', () => {
  it('encodes forward labels (patched at bind)', () => {
    for (const [r, hex] of GOLDENS) expect(toHex(forward(r))).to.equal(hex);
  });
  it('encodes backward labels (negative displacement)', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.bind(l);
    nopBytes(a, 1);
    a.lea_rip(R11, l);
    // rel = 0 - (1 + 7) = -8
    expect(toHex(a.finish().subarray(1))).to.equal('4c8d1df8ffffff');
  });
  it('objdump agrees', function () {
    skipWithoutObjdump(this);
    const decoded = disassemble(GOLDENS.map(([r]) => forward(r)));
    GOLDENS.forEach(([, , text], i) => {
      const d = decoded[i]!;
      expect(d.length).to.equal(1);
      expect(d[0]!.length).to.equal(7);
      expect(normalizeAsm(d[0]!.text).replace(/\s+#.*$/, '')).to.equal(normalizeAsm(text));
    });
  });
});
