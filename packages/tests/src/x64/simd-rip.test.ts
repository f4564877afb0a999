// [rip + rel32] operands of SIMD instructions (the v128 constant pool, lower/masm/v128-pool.ts):
// the rel32 counts from the end of the instruction, which for rows with an imm8 is one byte
// past the field. Bytes and objdump's reading, forward (resolved by resolveRip) and backward.
import { expect } from 'chai';
import {
  Assembler, nopBytes, SIMD, sse, sseInsert, vex, vexUnary, type Label, type Mem, type Gpr, XMM0, XMM1, XMM2, XMM8, XMM9, XMM14,
} from '@wasmjit/codegen';
import { toHex } from './golden.js';
import { disassemble, normalizeAsm, skipWithoutObjdump } from './objdump.js';

const rip = (l: Label): Mem => ({ base: 0 as Gpr, disp: 0, rip: l });

// [emit with the operand, bytes with the label 16 bytes past the instruction's end, objdump text]
const GOLDENS: [(a: Assembler, m: Mem) => void, string, string][] = [
  [(a, m) => sse(a, SIMD.movdqu, XMM1, m), 'f30f6f0d10000000', 'movdqu xmm1,XMMWORD PTR [rip+0x10]'],
  [(a, m) => sse(a, SIMD.pshufd, XMM9, m, 0x1b), '66440f700d100000001b', 'pshufd xmm9,XMMWORD PTR [rip+0x10],0x1b'],
  [(a, m) => sse(a, SIMD.pshufb, XMM14, m), '66440f38003510000000', 'pshufb xmm14,XMMWORD PTR [rip+0x10]'],
  [(a, m) => vex(a, SIMD.paddd, XMM0, XMM1, m), 'c5f1fe0510000000', 'vpaddd xmm0,xmm1,XMMWORD PTR [rip+0x10]'],
  [(a, m) => vex(a, SIMD.palignr, XMM14, XMM2, m, 4), 'c463690f351000000004', 'vpalignr xmm14,xmm2,XMMWORD PTR [rip+0x10],0x4'],
  [(a, m) => vexUnary(a, SIMD.pmovzxbw, XMM8, m), 'c46279300510000000', 'vpmovzxbw xmm8,QWORD PTR [rip+0x10]'],
  [(a, m) => sseInsert(a, SIMD.pinsrd, XMM2, m, 3), '660f3a22151000000003', 'pinsrd xmm2,DWORD PTR [rip+0x10],0x3'],
];

function forward(emit: (a: Assembler, m: Mem) => void): Uint8Array {
  const a = new Assembler();
  const l = a.newLabel();
  emit(a, rip(l));
  const end = a.offset;
  nopBytes(a, 16);
  a.bind(l);
  a.resolveRip();
  return a.finish().subarray(0, end);
}

describe('x64 SIMD rip-relative operands', () => {
  it('encode forward labels, patched by resolveRip, counting from the instruction end (past any imm8)', () => {
    for (const [emit, hex] of GOLDENS) expect(toHex(forward(emit))).to.equal(hex);
  });

  it('encode backward labels at once (negative displacement)', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.bind(l);
    nopBytes(a, 2);
    sse(a, SIMD.pshufd, XMM0, rip(l), 0x4e);
    // rel = 0 - (2 + 9) = -11
    expect(toHex(a.finish().subarray(2))).to.equal('660f7005f5ffffff4e');
  });

  it('refuse to finish with an unresolved operand, and other emitters refuse the form', () => {
    const a = new Assembler();
    const l = a.newLabel();
    sse(a, SIMD.movdqu, XMM0, rip(l));
    expect(() => a.finish()).to.throw(/RIP-relative/);
    const b = new Assembler();
    expect(() => b.mov_rm(64, 0 as Gpr, rip(b.newLabel()))).to.throw(/RIP-relative/);
  });

  it('objdump agrees', function () {
    skipWithoutObjdump(this);
    const decoded = disassemble(GOLDENS.map(([emit]) => forward(emit)));
    GOLDENS.forEach(([, hex, text], i) => {
      const d = decoded[i]!;
      expect(d.length).to.equal(1);
      expect(d[0]!.length).to.equal(hex.length / 2);
      expect(normalizeAsm(d[0]!.text).replace(/\s+#.*$/, '')).to.equal(normalizeAsm(text));
    });
  });
});
