// Registers, condition codes, the code buffer, comments, and the BUG errors for operands
// that cannot be encoded.
import { expect } from 'chai';
import {
  ALL_GPRS, ALL_XMMS, AluOp, Assembler, CodeBuffer, Cond, condName, FloatOp, gprName, invertCond, type Gpr,
  R8, R12, R13, R15, RAX, RBP, RCX, RDI, RSI, RSP, ShiftOp, XMM0, XMM15, xmmName,
} from './asm.js';
import { toHex } from './golden.js';

describe('x64 registers', () => {
  it('names every gpr at every size as binutils does', () => {
    expect(ALL_GPRS.map((r) => gprName(r, 64)).join(' ')).to.equal(
      'rax rcx rdx rbx rsp rbp rsi rdi r8 r9 r10 r11 r12 r13 r14 r15');
    expect(ALL_GPRS.map((r) => gprName(r, 32)).join(' ')).to.equal(
      'eax ecx edx ebx esp ebp esi edi r8d r9d r10d r11d r12d r13d r14d r15d');
    expect(ALL_GPRS.map((r) => gprName(r, 16)).join(' ')).to.equal(
      'ax cx dx bx sp bp si di r8w r9w r10w r11w r12w r13w r14w r15w');
    expect(ALL_GPRS.map((r) => gprName(r, 8)).join(' ')).to.equal(
      'al cl dl bl spl bpl sil dil r8b r9b r10b r11b r12b r13b r14b r15b');
  });

  it('names xmm registers', () => {
    expect(xmmName(XMM0)).to.equal('xmm0');
    expect(xmmName(XMM15)).to.equal('xmm15');
    expect(ALL_XMMS).to.have.length(16);
  });

  it('rejects out-of-range register numbers', () => {
    expect(() => gprName(16 as Gpr, 64)).to.throw('BUG');
  });
});

describe('x64 condition codes', () => {
  it('inverts each condition to its complement', () => {
    const pairs: [Cond, Cond][] = [
      [Cond.O, Cond.NO], [Cond.B, Cond.AE], [Cond.E, Cond.NE], [Cond.BE, Cond.A],
      [Cond.S, Cond.NS], [Cond.P, Cond.NP], [Cond.L, Cond.GE], [Cond.LE, Cond.G],
    ];
    for (const [c, d] of pairs) {
      expect(invertCond(c)).to.equal(d);
      expect(invertCond(d)).to.equal(c);
    }
  });

  it('names conditions with the suffixes binutils prints', () => {
    expect(condName(Cond.AE)).to.equal('ae');
    expect(condName(Cond.G)).to.equal('g');
  });
});

describe('x64 code buffer', () => {
  it('writes little-endian values of every width, signed or unsigned', () => {
    const b = new CodeBuffer();
    b.put1(0xab);
    b.put1(-1);
    b.put2(0x1234);
    b.put2(-2);
    b.put4(0x12345678);
    b.put4(-1);
    b.put4(0x80000000);
    b.put8(0x0102030405060708n);
    b.put8(-2n);
    expect(b.offset).to.equal(2 + 4 + 12 + 16);
    expect(toHex(b.bytes())).to.equal(
      'abff' + '3412feff' + '78563412ffffffff00000080' + '0807060504030201feffffffffffffff');
  });

  it('grows past its initial capacity and keeps the contents', () => {
    const b = new CodeBuffer(16);
    for (let i = 0; i < 10_000; i++) b.put1(i & 0xff);
    const bytes = b.bytes();
    expect(bytes.length).to.equal(10_000);
    for (let i = 0; i < 10_000; i += 997) expect(bytes[i]).to.equal(i & 0xff);
  });

  it('bytes() is a copy, and patch32 rewrites in place', () => {
    const b = new CodeBuffer();
    b.put4(0);
    b.put1(0x90);
    const before = b.bytes();
    b.patch32(0, 0x11223344);
    expect(toHex(before)).to.equal('0000000090');
    expect(toHex(b.bytes())).to.equal('4433221190');
  });

  it('refuses out-of-range values and patches', () => {
    const b = new CodeBuffer();
    expect(() => b.put1(256)).to.throw('BUG');
    expect(() => b.put2(0x10000)).to.throw('BUG');
    expect(() => b.put4(2 ** 32)).to.throw('BUG');
    expect(() => b.put4(1.5)).to.throw('BUG');
    expect(() => b.put8(1n << 64n)).to.throw('BUG');
    b.put2(0);
    expect(() => b.patch32(0, 1)).to.throw('BUG');
  });
});

describe('x64 assembler bookkeeping', () => {
  it('records comments at the current offset', () => {
    const a = new Assembler();
    a.comment('prologue');
    a.push_r(RBP);
    a.mov_rr(64, RBP, RSP);
    a.comment('body');
    expect(a.comments).to.deep.equal([{ offset: 0, text: 'prologue' }, { offset: 4, text: 'body' }]);
    expect(a.offset).to.equal(4);
  });
});

describe('x64 unencodable operands are bugs', () => {
  const bug = (f: (a: Assembler) => void) => expect(() => f(new Assembler())).to.throw(/^BUG: /);

  it('rsp as an index register', () => {
    bug((a) => a.mov_rm(64, RAX, { base: RAX, index: RSP, disp: 0 }));
    bug((a) => a.lea(64, RAX, { base: R12, index: RSP, scale: 8, disp: 4 }));
  });

  it('r12 is a valid index even though its low bits equal rsp', () => {
    const a = new Assembler();
    a.mov_rm(64, RAX, { base: RAX, index: R12, scale: 1, disp: 0 });
    expect(toHex(a.finish())).to.equal('4a8b0420');
  });

  it('displacements outside signed 32 bits, or not integers', () => {
    bug((a) => a.mov_rm(64, RAX, { base: RCX, disp: 0x80000000 }));
    bug((a) => a.mov_rm(64, RAX, { base: RCX, disp: -0x80000001 }));
    bug((a) => a.mov_rm(64, RAX, { base: RCX, disp: 0.5 }));
  });

  it('bad scales and a scale without an index', () => {
    bug((a) => a.mov_rm(64, RAX, { base: RCX, index: RDI, scale: 3 as 1, disp: 0 }));
    bug((a) => a.mov_rm(64, RAX, { base: RCX, scale: 4, disp: 0 }));
  });

  it('immediates that would change meaning', () => {
    bug((a) => a.alu_ri(AluOp.Add, 64, RAX, 0x80000000)); // sign-extends to a different value
    bug((a) => a.alu_ri(AluOp.Add, 32, RAX, 0x100000000));
    bug((a) => a.alu_mi(AluOp.Cmp, 64, { base: RAX, disp: 0 }, -0x80000001));
    bug((a) => a.imul_rri(32, RAX, RCX, 1.5));
    bug((a) => a.mov_mi(8, { base: RAX, disp: 0 }, 256));
    bug((a) => a.mov_mi(16, { base: RAX, disp: 0 }, -0x8001));
    bug((a) => a.mov_mi(64, { base: RAX, disp: 0 }, 0xffffffff));
    bug((a) => a.mov_ri(64, RAX, 2 ** 60)); // beyond 2^53 numbers lose bits: pass a bigint
    bug((a) => a.mov_ri(64, RAX, 1n << 64n));
    bug((a) => a.rounds(64, XMM0, XMM0, 256));
    bug((a) => a.shift_ri(ShiftOp.Shl, 32, RAX, 0.5));
  });

  it('movsx from 32 bits into a 32-bit register', () => {
    bug((a) => a.movsx_rr(32, 32, RAX, RCX));
    bug((a) => a.movsx_rm(32, 32, RAX, { base: RCX, disp: 0 }));
  });

  it('register numbers outside 0..15 and bad enum values', () => {
    bug((a) => a.mov_rr(64, 16 as Gpr, RAX));
    bug((a) => a.push_r(-1 as Gpr));
    bug((a) => a.mov_rm(64, RAX, { base: 99 as Gpr, disp: 0 }));
    bug((a) => a.alu_rr(8 as AluOp, 64, RAX, RCX));
    bug((a) => a.shift_rcl(2 as ShiftOp, 64, RAX));
    bug((a) => a.setcc(16 as Cond, RAX));
    bug((a) => a.fop_rr(7 as FloatOp, 64, XMM0, XMM0));
    bug((a) => a.mov_rr(16 as 32, RAX, RCX));
  });

  it('8-bit operations on registers 4..7 carry a REX prefix, others do not', () => {
    const a = new Assembler();
    for (const r of [RAX, RSP, RBP, RSI, RDI, R8, R13, R15]) a.setcc(Cond.E, r);
    expect(toHex(a.finish())).to.equal(
      '0f94c0' + '400f94c4' + '400f94c5' + '400f94c6' + '400f94c7' + '410f94c0' + '410f94c5' + '410f94c7');
  });

  it('rbp/r13 bases take an explicit zero disp8; rsp/r12 bases take a SIB', () => {
    const a = new Assembler();
    a.mov_mr(32, { base: RBP, disp: 0 }, RAX);
    a.mov_mr(32, { base: R13, disp: 0 }, RAX);
    a.mov_mr(32, { base: RSP, disp: 0 }, RAX);
    a.mov_mr(32, { base: R12, disp: 0 }, RAX);
    expect(toHex(a.finish())).to.equal('894500' + '41894500' + '890424' + '41890424');
  });
});

