// Labels: forward and backward jumps, the rel8/rel32 choice, several fixups per label,
// patchable immediates, and the errors for misuse.
import { expect } from 'chai';
import { Assembler, AluOp, Cond, nopBytes, RAX, RBP, RSP } from './asm.js';
import { toHex } from './golden.js';
import { disassemble, skipWithoutObjdump } from './objdump.js';

function nops(a: Assembler, n: number): void {
  for (let i = 0; i < n; i++) nopBytes(a, 1);
}

const hex = (a: Assembler) => toHex(a.finish());

describe('x64 labels', () => {
  it('forward jmp/jcc/call use rel32, patched when the label is bound', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.jmp_label(l); // 0..5
    a.jcc_label(Cond.E, l); // 5..11
    a.call_label(l); // 11..16
    nops(a, 3); // 16..19
    a.bind(l); // 19
    expect(hex(a)).to.equal('e90e000000' + '0f8408000000' + 'e803000000' + '909090');
  });

  it('a forward jump to the very next instruction has rel32 = 0', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.jmp_label(l);
    a.bind(l);
    expect(hex(a)).to.equal('e900000000');
  });

  it('backward jmp within reach uses rel8 (EB), jcc uses 7x', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.bind(l);
    nops(a, 10);
    a.jmp_label(l); // rel8 = 0 - 12
    a.jcc_label(Cond.NE, l); // rel8 = 0 - 14
    expect(hex(a)).to.equal('90'.repeat(10) + 'ebf4' + '75f2');
  });

  it('chooses rel8 exactly down to -128 and rel32 beyond (jmp)', () => {
    const near = new Assembler();
    const l1 = near.newLabel();
    near.bind(l1);
    nops(near, 126); // the jmp ends at 128, rel8 = -128
    near.jmp_label(l1);
    expect(hex(near).slice(-4)).to.equal('eb80');

    const far = new Assembler();
    const l2 = far.newLabel();
    far.bind(l2);
    nops(far, 127); // rel8 would be -129: E9 rel32 = 0 - (127 + 5) = -132
    far.jmp_label(l2);
    expect(hex(far).slice(-10)).to.equal('e97cffffff');
  });

  it('chooses rel8 exactly down to -128 and rel32 beyond (jcc)', () => {
    const near = new Assembler();
    const l1 = near.newLabel();
    near.bind(l1);
    nops(near, 126);
    near.jcc_label(Cond.L, l1);
    expect(hex(near).slice(-4)).to.equal('7c80');

    const far = new Assembler();
    const l2 = far.newLabel();
    far.bind(l2);
    nops(far, 127); // 0F 8C rel32 = 0 - (127 + 6) = -133
    far.jcc_label(Cond.L, l2);
    expect(hex(far).slice(-12)).to.equal('0f8c7bffffff');
  });

  it('a backward call always uses rel32', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.bind(l);
    nops(a, 1);
    a.call_label(l);
    expect(hex(a)).to.equal('90' + 'e8faffffff');
  });

  it('patches many fixups of one label, across more than 127 bytes', () => {
    const a = new Assembler();
    const l = a.newLabel();
    const sites: number[] = [];
    for (let i = 0; i < 5; i++) {
      a.jcc_label(Cond.B, l);
      sites.push(a.offset); // the rel32 ends the instruction
      nops(a, 50);
    }
    a.bind(l);
    const target = a.offset;
    const bytes = a.finish();
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const end of sites) {
      expect(bytes[end - 6]).to.equal(0x0f);
      expect(bytes[end - 5]).to.equal(0x82);
      expect(dv.getInt32(end - 4, true)).to.equal(target - end);
    }
  });

  it('mixes forward and backward uses of one label', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.jmp_label(l); // forward: rel32
    a.bind(l); // 5
    nops(a, 1); // 5..6
    a.jmp_label(l); // backward: EB (5 - 8) = fd
    expect(hex(a)).to.equal('e900000000' + '90' + 'ebfd');
  });

  it('labelOffset is undefined until bound', () => {
    const a = new Assembler();
    const l = a.newLabel();
    expect(a.labelOffset(l)).to.equal(undefined);
    a.jmp_label(l);
    expect(a.labelOffset(l)).to.equal(undefined);
    nops(a, 2);
    a.bind(l);
    expect(a.labelOffset(l)).to.equal(7);
  });

  it('finish() throws for a used but unbound label', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.jcc_label(Cond.E, l);
    expect(() => a.finish()).to.throw('BUG: unbound label');
    a.bind(l);
    expect(toHex(a.finish())).to.equal('0f8400000000');
  });

  it('finish() ignores labels that were created but never used', () => {
    const a = new Assembler();
    a.newLabel();
    a.ret();
    expect(toHex(a.finish())).to.equal('c3');
  });

  it('binding a label twice is a bug', () => {
    const a = new Assembler();
    const l = a.newLabel();
    a.bind(l);
    expect(() => a.bind(l)).to.throw('BUG');
  });

  it('using a label of another assembler is a bug', () => {
    const a = new Assembler();
    const b = new Assembler();
    const l = a.newLabel();
    expect(() => b.jmp_label(l)).to.throw('BUG');
    expect(() => b.bind(l)).to.throw('BUG');
  });

  it('patchable sub rsp returns the offset of its 32-bit field', () => {
    const a = new Assembler();
    a.push_r(RBP);
    const at = a.alu_ri_patchable(AluOp.Sub, 64, RSP);
    a.buf.patch32(at, 0x40);
    expect(at).to.equal(4);
    expect(hex(a)).to.equal('55' + '4881ec40000000');
  });

  it('objdump reads a sequence of jumps with the intended targets', function () {
    skipWithoutObjdump(this);
    const a = new Assembler();
    const top = a.newLabel();
    const out = a.newLabel();
    a.bind(top); // 0
    a.alu_rr(AluOp.Cmp, 32, RAX, RBP); // 0..2
    a.jcc_label(Cond.AE, out); // 2..8
    a.alu_ri(AluOp.Add, 32, RAX, 1); // 8..11
    a.jmp_label(top); // 11..13
    nops(a, 200); // 13..213
    a.jcc_label(Cond.NE, top); // far backward: 213..219
    a.bind(out); // 219
    a.ret();
    const d = disassemble([a.finish()])[0]!;
    const jumps = d.filter((i) => /^j/.test(i.text)).map((i) => `${i.offset.toString(16)}: ${i.text}`);
    expect(jumps).to.deep.equal(['2: jae 0xdb', 'b: jmp 0x0', 'd5: jne 0x0']);
  });
});
