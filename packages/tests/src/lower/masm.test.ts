// The macro assembler's own operations (codegen lower/masm): the scratch-register guard, the
// jump table (code checked with objdump, entries against the labels) and the one host-call
// sequence. Division, shifts and whole functions are covered byte for byte by the
// disassembly fixtures (tests/fixtures/disas: i32-div-rem, br-table-large, call-import, ...).
import { expect } from 'chai';
import { Assembler, RCX, R11, XMM15, nopBytes, type Label } from '../x64/asm.js';
import { MacroAssembler, outgoingMem } from '../../../codegen/dist/lower/masm/macro-assembler.js';
import { callHost, HOST_CALL_XMM_SLOTS } from '../../../codegen/dist/lower/masm/host-call.js';
import { rbpMem } from '../../../codegen/dist/lower/frame.js';
import { disassemble, skipWithoutObjdump } from '../x64/objdump.js';

describe('masm: scratch registers', () => {
  it('withScratch hands out r11 and returns what fn returns', () => {
    const m = new MacroAssembler(new Assembler());
    expect(m.withScratch((s) => s)).to.equal(R11);
    expect(m.withXmmScratch((x) => x)).to.equal(XMM15);
  });

  it('a nested use of the same scratch register is a BUG, found at compile time', () => {
    const m = new MacroAssembler(new Assembler());
    expect(() => m.withScratch(() => m.withScratch(() => 0))).to.throw(/BUG: scratch register taken while already in use/);
    const x = new MacroAssembler(new Assembler());
    expect(() => x.withXmmScratch(() => x.withXmmScratch(() => 0))).to.throw(/BUG: float scratch register taken/);
  });

  it('the Gpr and Xmm scratch registers are independent', () => {
    const m = new MacroAssembler(new Assembler());
    expect(m.withScratch(() => m.withXmmScratch((x) => x))).to.equal(XMM15);
  });

  it('helpers that use the scratch register refuse to run inside a scratch region', () => {
    // A fresh masm each time: a BUG thrown mid-region leaves the register taken (compilation
    // of the function stops there anyway).
    const fresh = () => new MacroAssembler(new Assembler());
    const m1 = fresh();
    expect(() => m1.withScratch(() => m1.copy64(rbpMem(-16), rbpMem(-24)))).to.throw(/already in use/);
    const m2 = fresh();
    expect(() => m2.withScratch(() => m2.loadFloatBits(64, XMM15, 0x3ff0000000000000n))).to.throw(/already in use/);
    const m3 = fresh();
    expect(() => m3.withScratch(() => m3.storeImm64(rbpMem(-16), 1n << 40n))).to.throw(/already in use/);
    // A +0.0 needs no scratch register (xorps), so it is allowed anywhere.
    const m4 = fresh();
    expect(() => m4.withScratch(() => m4.loadFloatBits(64, XMM15, 0n))).not.to.throw();
  });

  it('release without take, and a function that ends with the register taken, are BUGs', () => {
    const m = new MacroAssembler(new Assembler());
    expect(() => m.releaseScratch()).to.throw(/released but not taken/);
    m.takeScratch();
    expect(() => m.finish()).to.throw(/still taken at function end/);
    m.releaseScratch();
    expect(() => m.finish()).not.to.throw();
  });
});

describe('masm: jumpTable', () => {
  function build(n: number): { bytes: Uint8Array; tableAt: number; targets: number[]; fallback: number } {
    const a = new Assembler();
    const m = new MacroAssembler(a);
    const labels: Label[] = [];
    for (let i = 0; i < n; i++) labels.push(a.newLabel());
    const fallback = a.newLabel();
    m.jumpTable(RCX, labels, fallback);
    const tableAt = a.offset - 4 * n;
    const targets: number[] = [];
    // Bound in reverse order and apart, so that an entry pointing at the wrong label shows.
    for (let i = n - 1; i >= 0; i--) {
      a.bind(labels[i]!);
      targets[i] = a.offset;
      a.ret();
      nopBytes(a, 3);
    }
    a.bind(fallback);
    a.ret();
    m.finish();
    return { bytes: a.finish(), tableAt, targets, fallback: a.labelOffset(fallback)! };
  }

  it('bounds-checks, then jumps through 32-bit offsets from the table to each label', function () {
    const { bytes, tableAt, targets, fallback } = build(5);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    targets.forEach((t, i) => expect(view.getInt32(tableAt + 4 * i, true), `entry ${i}`).to.equal(t - tableAt));
    skipWithoutObjdump(this);
    const code = disassemble([bytes.subarray(0, tableAt)])[0]!;
    const texts = code.map((d) => d.text);
    expect(texts[0]).to.equal('cmp ecx,0x5');
    expect(texts[1]).to.equal(`jae 0x${fallback.toString(16)}`);
    // lea r11, [rip + rel]: rip is the end of the lea, the table is right after the jmp.
    const lea = code[2]!;
    const rel = /^lea r11,\[rip\+0x([0-9a-f]+)\]/.exec(lea.text);
    expect(rel, lea.text).to.not.equal(null);
    expect(lea.offset + lea.length + parseInt(rel![1]!, 16)).to.equal(tableAt);
    expect(texts.slice(3)).to.deep.equal(['movsxd rcx,DWORD PTR [r11+rcx*4]', 'add r11,rcx', 'jmp r11']);
  });

  it('a target never bound is a BUG at finish', () => {
    const a = new Assembler();
    const m = new MacroAssembler(a);
    const fb = a.newLabel();
    m.jumpTable(RCX, [a.newLabel()], fb);
    a.bind(fb);
    expect(() => m.finish()).to.throw(/jump table target not bound/);
  });
});

describe('masm: callHost', () => {
  /** The instructions of one host call, without the xmm saves/restores. */
  function sequence(area: ReturnType<typeof rbpMem>, id: number, nslots: number): { core: string[]; saves: number } {
    const a = new Assembler();
    const m = new MacroAssembler(a);
    const failed = a.newLabel();
    callHost(m, { id, area, nslots, xmmSlot: (i) => outgoingMem(nslots + i), failed });
    a.bind(failed);
    const d = disassemble([a.finish()])[0]!.map((x) => x.text);
    // The homes are kept whole (all 128 bits: they may hold v128 locals).
    return { core: d.filter((t) => !t.startsWith('movdqu')), saves: d.filter((t) => t.startsWith('movdqu')).length };
  }

  it('passes vmctx, id, area and slot count in the SysV argument registers and tests the status', function () {
    skipWithoutObjdump(this);
    const builtin = sequence(outgoingMem(0), 0x10000003, 2);
    expect(builtin.saves).to.equal(HOST_CALL_XMM_SLOTS); // 2 slots per home, one save and one restore each
    expect(builtin.core.slice(0, 6)).to.deep.equal([
      'mov rdi,r14', 'mov esi,0x10000003', 'mov rdx,rsp', 'mov ecx,0x2', 'call QWORD PTR [r14+0x10]', 'test eax,eax',
    ]);
    expect(builtin.core[6]).to.match(/^jne 0x/);
    // The thunk's area is the caller's, above its frame link: same sequence, lea for rdx.
    const thunk = sequence(rbpMem(16), 7, 3);
    expect(thunk.core.slice(0, 4)).to.deep.equal(['mov rdi,r14', 'mov esi,0x7', 'lea rdx,[rbp+0x10]', 'mov ecx,0x3']);
  });
});
