// The SIMD emitters refuse what their row cannot encode (goldens-simd.ts checks the bytes of
// everything they accept): a row used with the wrong operand form, a VEX-only row in SSE form,
// a register where the encoding means another instruction with memory (and the reverse), a
// missing, superfluous or out-of-range immediate.
import { expect } from 'chai';
import {
  Assembler, SIMD, XMM0, XMM1, XMM2, RAX, sse, sseBlendv, sseShift, sseStore, vex, vexBlendv, vexUnary,
} from './asm.js';

const M = { base: RAX, disp: 0 };

function emit(f: (a: Assembler) => void): number[] {
  const a = new Assembler();
  f(a);
  return [...a.finish()];
}

describe('x64 SIMD emitters refuse what they cannot encode', () => {
  it('a row with another operand form', () => {
    expect(() => emit((a) => sse(a, SIMD.movdqu_store, XMM0, XMM1))).to.throw(/operand form/);
    expect(() => emit((a) => vexUnary(a, SIMD.paddb, XMM0, XMM1))).to.throw(/operand form/);
    expect(() => emit((a) => vex(a, SIMD.pabsb, XMM0, XMM1, XMM2))).to.throw(/operand form/);
    expect(() => emit((a) => sseShift(a, SIMD.paddb, XMM0, 1))).to.throw(/operand form/);
  });

  it('VEX-only rows in SSE form', () => {
    expect(() => emit((a) => sse(a, SIMD.vfmadd231ps, XMM0, XMM1))).to.throw(/no SSE encoding/);
    expect(() => emit((a) => sse(a, SIMD.vpbroadcastb, XMM0, XMM1))).to.throw(/no SSE encoding/);
  });

  it('register-only and memory-only encodings', () => {
    expect(() => emit((a) => sse(a, SIMD.movhlps, XMM0, M))).to.throw(/register here/);
    expect(() => emit((a) => sse(a, SIMD.movhps, XMM0, XMM1))).to.throw(/memory here/);
    expect(() => emit((a) => sseStore(a, SIMD.movdqu_store, M, XMM1))).not.to.throw();
  });

  it('immediates: required, refused, range-checked', () => {
    expect(() => emit((a) => sse(a, SIMD.pshufd, XMM0, XMM1))).to.throw(/needs an immediate/);
    expect(() => emit((a) => sse(a, SIMD.paddb, XMM0, XMM1, 3))).to.throw(/no immediate/);
    expect(() => emit((a) => sse(a, SIMD.pshufd, XMM0, XMM1, 256))).to.throw();
    expect(() => emit((a) => sseShift(a, SIMD.pslld_imm, XMM0, -1))).to.throw();
  });

  it('the implicit xmm0 blend and the 4-operand VEX blend', () => {
    expect(emit((a) => sseBlendv(a, SIMD.pblendvb, XMM1, XMM2))).to.deep.equal([0x66, 0x0f, 0x38, 0x10, 0xca]);
    expect(() => emit((a) => vexBlendv(a, SIMD.vpblendvb, XMM0, XMM1, XMM2, 16 as typeof XMM0))).to.throw(/mask/);
  });
});
