// The x86-64 assembler used by the wasm lowering. Methods are named <mnemonic>_<operands>
// with r = gpr, x = xmm, m = memory, i = immediate, in Intel (destination-first) order.
// Each method chooses the opcode; operand encoding is encoding.ts's job.
//
// Opcodes are from the instruction pages of the Intel SDM Vol. 2; "/r" means ModRM.reg holds
// a register, "/n" that it holds the opcode extension n.

import { CodeBuffer } from './code-buffer.js';
import { type Cond } from './cond.js';
import {
  emitOpReg, emitRM, emitRR, fitsInt8, REX_W, rexForByteReg,
} from './encoding.js';
import { imm32, storeImm, toU64, uimm8 } from './immediates.js';
import { Label } from './label.js';
import {
  AluOp, type FloatBitOp, type FloatOp, type FloatSize, type IntSize, type Mem, type MemSize, ShiftOp,
} from './operands.js';
import type { Gpr, Xmm } from './regs.js';
import {
  floatBitOpcode, floatOpcode, OP_CVTS2S, OP_CVTSI2S, OP_CVTTS2SI, OP_MOVAPS, OP_MOVD_FROM_XMM,
  OP_MOVD_TO_XMM, OP_MOVS_LOAD, OP_MOVS_STORE, OP_ROUNDSD, OP_ROUNDSS, OP_UCOMIS, OP_XORPS,
  packedPrefix, scalarPrefix,
} from './sse.js';

// The lowering imports the operand vocabulary together with the class, from this module.
export * from './operands.js';
export { Label } from './label.js';

/** REX.W for 64-bit operations; 32-bit is the default operand size in 64-bit mode. */
function w(size: IntSize): number {
  if (size === 64) return REX_W;
  if (size === 32) return 0;
  throw new Error(`BUG: bad integer operand size ${size as number}`);
}

function checkCond(c: Cond): void {
  if (!(c >= 0 && c <= 15 && Number.isInteger(c))) throw new Error(`BUG: bad condition code ${c as number}`);
}

function checkAluOp(op: AluOp): void {
  if (!(op >= AluOp.Add && op <= AluOp.Cmp && Number.isInteger(op))) throw new Error(`BUG: bad AluOp ${op as number}`);
}

function checkShiftOp(op: ShiftOp): void {
  if (op !== ShiftOp.Rol && op !== ShiftOp.Ror && op !== ShiftOp.Shl && op !== ShiftOp.Shr && op !== ShiftOp.Sar) {
    throw new Error(`BUG: bad ShiftOp ${op as number}`);
  }
}

const OPSIZE = 0x66; // operand-size prefix: 16-bit operation

export class Assembler {
  readonly buf: CodeBuffer;
  readonly comments: { offset: number; text: string }[] = [];
  /** Labels targeted by a jump but not bound yet: finish() must find none. */
  private unbound = 0;
  /**
   * RIP-relative operands not resolved yet, three numbers each: the label's index in
   * ripLabels, the rel32 field's offset, the offset of the instruction's end (the field is
   * not always last: an imm8 may follow, so the end is recorded rather than assumed).
   */
  private readonly ripUses: number[] = [];
  private readonly ripLabels: Label[] = [];
  /**
   * Counts the points where straight-line register knowledge ends: every bound label (other
   * code may jump there) and every call (the callee may change any caller-saved register).
   * The lowering compares it to tell whether a register still holds what it loaded.
   */
  barriers = 0;

  /** `initialCapacity`: bytes of code expected, so that the buffer seldom grows. */
  constructor(initialCapacity?: number) {
    this.buf = new CodeBuffer(initialCapacity);
  }

  get offset(): number {
    return this.buf.offset;
  }

  // ── labels ──────────────────────────────────────────────────────────────────────────

  newLabel(): Label {
    const l = new Label();
    l.owner = this;
    return l;
  }

  private own(l: Label): void {
    if (l.owner !== this) {
      if (l.owner === undefined) l.owner = this;
      else throw new Error('BUG: label belongs to another assembler');
    }
  }

  bind(l: Label): void {
    this.own(l);
    if (l.pos >= 0) throw new Error(`BUG: label bound twice (first at ${l.pos})`);
    const pos = this.offset;
    l.pos = pos;
    this.barriers++;
    if (l.fixup >= 0) {
      this.buf.patch32(l.fixup, pos - (l.fixup + 4));
      const more = l.moreFixups;
      if (more !== null) {
        for (let i = 0; i < more.length; i++) this.buf.patch32(more[i]!, pos - (more[i]! + 4));
        l.moreFixups = null;
      }
      l.fixup = -1;
      this.unbound--;
    }
  }

  labelOffset(l: Label): number | undefined {
    return l.pos >= 0 ? l.pos : undefined;
  }

  /** Emits a rel32 field targeting l: final if l is bound, else recorded for bind(). */
  private rel32(l: Label): void {
    const at = this.offset;
    if (l.pos >= 0) {
      this.buf.put4(l.pos - (at + 4));
      return;
    }
    if (l.fixup < 0) {
      l.fixup = at;
      this.unbound++;
    } else if (l.moreFixups === null) {
      l.moreFixups = [at];
    } else {
      l.moreFixups.push(at);
    }
    this.buf.put4(0);
  }

  /**
   * A jump with a short (rel8) and a near (rel32) form. Backward targets are known, so we
   * take rel8 when it reaches. Forward targets always get rel32: choosing rel8 for them
   * would need relaxation (re-layout after binding), which costs more than the 3-4 bytes.
   */
  private jump(shortOp: number, nearOp: number, l: Label): void {
    this.own(l);
    if (l.pos >= 0) {
      const rel8 = l.pos - (this.offset + 2);
      if (fitsInt8(rel8)) {
        this.buf.put1(shortOp);
        this.buf.put1(rel8 & 0xff);
        return;
      }
    }
    if (nearOp > 0xff) this.buf.put1(nearOp >>> 8);
    this.buf.put1(nearOp & 0xff);
    this.rel32(l);
  }

  comment(text: string): void {
    this.comments.push({ offset: this.offset, text });
  }

  finish(): Uint8Array {
    this.checkAllBound();
    return this.buf.bytes();
  }

  /** Like finish(), without the copy: the view is valid until the next write. */
  finishView(): Uint8Array {
    this.checkAllBound();
    return this.buf.view();
  }

  /**
   * Record a [rip + rel32] operand to `l` whose field is at `field` in the instruction ending
   * at `end` (x64/simd.ts calls this after emitting it; resolveRip patches it).
   */
  ripFixup(l: Label, field: number, end: number): void {
    this.own(l);
    if (l.pos >= 0) {
      this.buf.patch32(field, l.pos - end);
      return;
    }
    let i = this.ripLabels.indexOf(l);
    if (i < 0) i = this.ripLabels.push(l) - 1;
    this.ripUses.push(i, field, end);
  }

  /** Patch every recorded RIP-relative operand; their labels must all be bound by now. */
  resolveRip(): void {
    const u = this.ripUses;
    for (let k = 0; k < u.length; k += 3) {
      const l = this.ripLabels[u[k]!]!;
      if (l.pos < 0) throw new Error('BUG: RIP-relative operand to an unbound label');
      this.buf.patch32(u[k + 1]!, l.pos - u[k + 2]!);
    }
    u.length = 0;
    this.ripLabels.length = 0;
  }

  private checkAllBound(): void {
    if (this.ripUses.length > 0) throw new Error('BUG: RIP-relative operands never resolved');
    if (this.unbound > 0) {
      throw new Error(`BUG: unbound label (${this.unbound} label(s) targeted but never bound)`);
    }
  }

  // ── integer moves ───────────────────────────────────────────────────────────────────

  /** 89 /r: mov r/m, r. */
  mov_rr(size: IntSize, dst: Gpr, src: Gpr): void {
    emitRR(this.buf, 0, w(size), 0x89, src, dst);
  }

  /**
   * The shortest mov that leaves exactly imm in dst. A 32-bit write zero-extends into the
   * full register (SDM Vol. 1 §3.4.1.1), so mov r32, imm32 (B8+r) also serves 64-bit values
   * in 0..2^32-1; negative values that fit 32 bits use the sign-extending C7 /0 with REX.W;
   * anything else needs the 10-byte movabs (REX.W B8+r imm64). Never xor-zeroing, which
   * would clobber flags the caller may be keeping alive.
   */
  mov_ri(size: IntSize, dst: Gpr, imm: number | bigint): void {
    if (typeof imm === 'number') {
      // Numbers (the common case) avoid BigInt arithmetic; the choice is the same as below.
      if (!Number.isSafeInteger(imm)) throw new Error(`BUG: mov immediate ${imm} is not a safe integer; pass a bigint`);
      if (size === 32) {
        emitOpReg(this.buf, 0, 0xb8, dst);
        // The low 32 bits (exact for safe integers), signed: a small integer, where `>>> 0`
        // would make a heap number of every negative one.
        this.buf.put4(imm | 0);
        return;
      }
      w(size);
      if (imm >= 0 && imm <= 0xffffffff) {
        emitOpReg(this.buf, 0, 0xb8, dst);
        this.buf.put4(imm);
      } else if (imm < 0 && imm >= -0x80000000) {
        emitRR(this.buf, 0, REX_W, 0xc7, 0, dst);
        this.buf.put4(imm);
      } else {
        emitOpReg(this.buf, REX_W, 0xb8, dst);
        this.buf.put8(BigInt(imm));
      }
      return;
    }
    const u = toU64(imm);
    if (size === 32) {
      emitOpReg(this.buf, 0, 0xb8, dst);
      this.buf.put4(Number(u & 0xffffffffn));
      return;
    }
    w(size);
    if (u <= 0xffffffffn) {
      emitOpReg(this.buf, 0, 0xb8, dst);
      this.buf.put4(Number(u));
    } else if (u >= 0xffffffff80000000n) {
      emitRR(this.buf, 0, REX_W, 0xc7, 0, dst);
      this.buf.put4(Number(BigInt.asIntN(64, u)));
    } else {
      emitOpReg(this.buf, REX_W, 0xb8, dst);
      this.buf.put8(u);
    }
  }

  /** 8B /r: load; the 32-bit form zero-extends. */
  mov_rm(size: IntSize, dst: Gpr, m: Mem): void {
    emitRM(this.buf, 0, w(size), 0x8b, dst, m);
  }

  /** 88 /r (byte), 66 89 /r, 89 /r, REX.W 89 /r: store the low `size` bits of src. */
  mov_mr(size: MemSize, m: Mem, src: Gpr): void {
    switch (size) {
      case 8: emitRM(this.buf, 0, rexForByteReg(src), 0x88, src, m); return;
      case 16: emitRM(this.buf, OPSIZE, 0, 0x89, src, m); return;
      case 32: emitRM(this.buf, 0, 0, 0x89, src, m); return;
      case 64: emitRM(this.buf, 0, REX_W, 0x89, src, m); return;
    }
    throw new Error(`BUG: bad store size ${size as number}`);
  }

  /** C6 /0 ib, 66 C7 /0 iw, C7 /0 id, REX.W C7 /0 id (sign-extended). */
  mov_mi(size: MemSize, m: Mem, imm: number): void {
    const v = storeImm(size, imm);
    switch (size) {
      case 8: emitRM(this.buf, 0, 0, 0xc6, 0, m); this.buf.put1(v); return;
      case 16: emitRM(this.buf, OPSIZE, 0, 0xc7, 0, m); this.buf.put2(v); return;
      case 32: emitRM(this.buf, 0, 0, 0xc7, 0, m); this.buf.put4(v); return;
      case 64: emitRM(this.buf, 0, REX_W, 0xc7, 0, m); this.buf.put4(v); return;
    }
  }

  /** 0F B6 / 0F B7 /r into a 32-bit register (which zero-extends to 64). */
  movzx_rm(srcSize: 8 | 16, dst: Gpr, m: Mem): void {
    emitRM(this.buf, 0, 0, movzxOpcode(srcSize), dst, m);
  }

  /** 0F BE / 0F BF /r, and REX.W 63 /r (movsxd) for 32 → 64. */
  movsx_rm(dstSize: IntSize, srcSize: 8 | 16 | 32, dst: Gpr, m: Mem): void {
    emitRM(this.buf, 0, w(dstSize), movsxOpcode(dstSize, srcSize), dst, m);
  }

  movzx_rr(srcSize: 8 | 16, dst: Gpr, src: Gpr): void {
    emitRR(this.buf, 0, srcSize === 8 ? rexForByteReg(src) : 0, movzxOpcode(srcSize), dst, src);
  }

  movsx_rr(dstSize: IntSize, srcSize: 8 | 16 | 32, dst: Gpr, src: Gpr): void {
    const rex = w(dstSize) | (srcSize === 8 ? rexForByteReg(src) : 0);
    emitRR(this.buf, 0, rex, movsxOpcode(dstSize, srcSize), dst, src);
  }

  /** 8D /r. The 32-bit form computes the address in 64 bits and keeps the low half. */
  lea(size: IntSize, dst: Gpr, m: Mem): void {
    emitRM(this.buf, 0, w(size), 0x8d, dst, m);
  }

  // ── integer ALU ─────────────────────────────────────────────────────────────────────

  /** op r/m, r: opcode = op*8 + 1 (00-3F block, "Ev,Gv" column). */
  alu_rr(op: AluOp, size: IntSize, dst: Gpr, src: Gpr): void {
    checkAluOp(op);
    emitRR(this.buf, 0, w(size), (op << 3) | 1, src, dst);
  }

  /** 83 /op ib (sign-extended imm8) when imm fits, else 81 /op id. */
  alu_ri(op: AluOp, size: IntSize, dst: Gpr, imm: number): void {
    checkAluOp(op);
    const v = imm32(size, imm, 'alu_ri');
    if (fitsInt8(v)) {
      emitRR(this.buf, 0, w(size), 0x83, op, dst);
      this.buf.put1(v & 0xff);
    } else {
      emitRR(this.buf, 0, w(size), 0x81, op, dst);
      this.buf.put4(v);
    }
  }

  /** op r, r/m: opcode = op*8 + 3 ("Gv,Ev"). */
  alu_rm(op: AluOp, size: IntSize, dst: Gpr, m: Mem): void {
    checkAluOp(op);
    emitRM(this.buf, 0, w(size), (op << 3) | 3, dst, m);
  }

  alu_mi(op: AluOp, size: IntSize, m: Mem, imm: number): void {
    checkAluOp(op);
    const v = imm32(size, imm, 'alu_mi');
    if (fitsInt8(v)) {
      emitRM(this.buf, 0, w(size), 0x83, op, m);
      this.buf.put1(v & 0xff);
    } else {
      emitRM(this.buf, 0, w(size), 0x81, op, m);
      this.buf.put4(v);
    }
  }

  /**
   * 81 /op id even when imm fits in 8 bits; returns where the imm32 is. For an immediate that
   * may be rewritten after compilation with any 32-bit value (a signature id, see
   * CompiledCode.typeIdSites): the instruction's length must not depend on it.
   */
  alu_mi_imm32(op: AluOp, size: IntSize, m: Mem, imm: number): number {
    checkAluOp(op);
    const v = imm32(size, imm, 'alu_mi_imm32');
    emitRM(this.buf, 0, w(size), 0x81, op, m);
    const at = this.offset;
    this.buf.put4(v);
    return at;
  }

  /** 81 /op id with imm 0; returns where the imm32 is, for buf.patch32 later. */
  alu_ri_patchable(op: AluOp, size: IntSize, dst: Gpr): number {
    checkAluOp(op);
    emitRR(this.buf, 0, w(size), 0x81, op, dst);
    const at = this.offset;
    this.buf.put4(0);
    return at;
  }

  /** 85 /r. */
  test_rr(size: IntSize, a: Gpr, b: Gpr): void {
    emitRR(this.buf, 0, w(size), 0x85, b, a);
  }

  /** 0F AF /r. */
  imul_rr(size: IntSize, dst: Gpr, src: Gpr): void {
    emitRR(this.buf, 0, w(size), 0x0faf, dst, src);
  }

  /** 6B /r ib or 69 /r id: dst = src * imm. */
  imul_rri(size: IntSize, dst: Gpr, src: Gpr, imm: number): void {
    const v = imm32(size, imm, 'imul_rri');
    if (fitsInt8(v)) {
      emitRR(this.buf, 0, w(size), 0x6b, dst, src);
      this.buf.put1(v & 0xff);
    } else {
      emitRR(this.buf, 0, w(size), 0x69, dst, src);
      this.buf.put4(v);
    }
  }

  /** F7 /6: unsigned divide rdx:rax (edx:eax) by src. */
  div_r(size: IntSize, src: Gpr): void {
    emitRR(this.buf, 0, w(size), 0xf7, 6, src);
  }

  /** F7 /7: signed divide. */
  idiv_r(size: IntSize, src: Gpr): void {
    emitRR(this.buf, 0, w(size), 0xf7, 7, src);
  }

  /** 99: sign-extend eax into edx. */
  cdq(): void {
    this.buf.put1(0x99);
  }

  /** REX.W 99: sign-extend rax into rdx. */
  cqo(): void {
    this.buf.put1(0x40 | REX_W);
    this.buf.put1(0x99);
  }

  /** D3 /op: shift by cl (the hardware masks the count to 5 or 6 bits). */
  shift_rcl(op: ShiftOp, size: IntSize, dst: Gpr): void {
    checkShiftOp(op);
    emitRR(this.buf, 0, w(size), 0xd3, op, dst);
  }

  /** D1 /op for a count of 1, else C1 /op ib. The count is masked as the hardware would,
   * which is also wasm's semantics for constant shift amounts. */
  shift_ri(op: ShiftOp, size: IntSize, dst: Gpr, imm: number): void {
    checkShiftOp(op);
    if (!Number.isInteger(imm)) throw new Error(`BUG: shift count ${imm} is not an integer`);
    const count = imm & (size === 64 ? 63 : 31);
    if (count === 1) {
      emitRR(this.buf, 0, w(size), 0xd1, op, dst);
    } else {
      emitRR(this.buf, 0, w(size), 0xc1, op, dst);
      this.buf.put1(count);
    }
  }

  /** F7 /3. */
  neg_r(size: IntSize, r: Gpr): void {
    emitRR(this.buf, 0, w(size), 0xf7, 3, r);
  }

  /** F3 0F BD /r (ABM/LZCNT). Without LZCNT support the same bytes decode as bsr. */
  lzcnt_rr(size: IntSize, dst: Gpr, src: Gpr): void {
    emitRR(this.buf, 0xf3, w(size), 0x0fbd, dst, src);
  }

  /** F3 0F BC /r (BMI1). Without BMI1 the same bytes decode as bsf. */
  tzcnt_rr(size: IntSize, dst: Gpr, src: Gpr): void {
    emitRR(this.buf, 0xf3, w(size), 0x0fbc, dst, src);
  }

  /** F3 0F B8 /r. */
  popcnt_rr(size: IntSize, dst: Gpr, src: Gpr): void {
    emitRR(this.buf, 0xf3, w(size), 0x0fb8, dst, src);
  }

  /** 0F 90+cc /0: the low byte of dst = c ? 1 : 0 (the upper bytes are untouched). */
  setcc(c: Cond, dst: Gpr): void {
    checkCond(c);
    emitRR(this.buf, 0, rexForByteReg(dst), 0x0f90 | c, 0, dst);
  }

  /** 0F 40+cc /r. The 32-bit form zero-extends dst even when the condition is false. */
  cmov_rr(c: Cond, size: IntSize, dst: Gpr, src: Gpr): void {
    checkCond(c);
    emitRR(this.buf, 0, w(size), 0x0f40 | c, dst, src);
  }

  // ── control ─────────────────────────────────────────────────────────────────────────

  /** 50+r (64-bit is the default and only operand size of push in long mode). */
  push_r(r: Gpr): void {
    emitOpReg(this.buf, 0, 0x50, r);
  }

  /** 58+r. */
  pop_r(r: Gpr): void {
    emitOpReg(this.buf, 0, 0x58, r);
  }

  ret(): void {
    this.buf.put1(0xc3);
  }

  /** E8 rel32, always: calls are rarely backward-short and a fixed size keeps it simple. */
  call_label(l: Label): void {
    this.barriers++;
    this.own(l);
    this.buf.put1(0xe8);
    this.rel32(l);
  }

  /**
   * E8 rel32 with a zero displacement, for a target outside this code buffer: returns the
   * offset of the rel32 field, which the caller patches (rel = target - (field + 4)).
   */
  call_rel32(): number {
    this.barriers++;
    this.buf.put1(0xe8);
    const at = this.offset;
    this.buf.put4(0);
    return at;
  }

  /**
   * E9 rel32 with a zero displacement, for a target outside this code buffer (a tail call):
   * returns the offset of the rel32 field, patched like call_rel32's.
   */
  jmp_rel32(): number {
    this.buf.put1(0xe9);
    const at = this.offset;
    this.buf.put4(0);
    return at;
  }

  /**
   * REX.W 8D /r with mod=00 rm=101: lea dst, [rip + rel32] to a label (jump tables). The
   * disp32 ends the instruction, so it is resolved like a jump's rel32.
   */
  lea_rip(dst: Gpr, l: Label): void {
    this.own(l);
    this.buf.put1(0x48 | (dst >= 8 ? 0x04 : 0));
    this.buf.put1(0x8d);
    this.buf.put1(((dst & 7) << 3) | 0x05);
    this.rel32(l);
  }

  /**
   * FF /4 with mod=00 rm=101: jmp qword [rip + disp32], `disp` counted from the end of the
   * instruction (6 bytes). Lazy compilation's jump slots go through a slot word this way.
   */
  jmp_rip_m(disp: number): void {
    this.buf.put1(0xff);
    this.buf.put1(0x25);
    this.buf.put4(disp | 0);
  }

  /** FF /2 (64-bit operand size by default, so no REX.W). */
  call_r(r: Gpr): void {
    this.barriers++;
    emitRR(this.buf, 0, 0, 0xff, 2, r);
  }

  call_m(m: Mem): void {
    this.barriers++;
    emitRM(this.buf, 0, 0, 0xff, 2, m);
  }

  /** EB rel8 backward when it reaches, else E9 rel32. */
  jmp_label(l: Label): void {
    this.jump(0xeb, 0xe9, l);
  }

  /** FF /4. */
  jmp_r(r: Gpr): void {
    emitRR(this.buf, 0, 0, 0xff, 4, r);
  }

  jmp_m(m: Mem): void {
    emitRM(this.buf, 0, 0, 0xff, 4, m);
  }

  /** 70+cc rel8 backward when it reaches, else 0F 80+cc rel32. */
  jcc_label(c: Cond, l: Label): void {
    checkCond(c);
    this.jump(0x70 | c, 0x0f80 | c, l);
  }

  // ── SSE scalar ──────────────────────────────────────────────────────────────────────

  /** F3/F2 0F 10 /r: the load form zeroes the rest of the register. */
  movs_rm(fs: FloatSize, dst: Xmm, m: Mem): void {
    emitRM(this.buf, scalarPrefix(fs), 0, OP_MOVS_LOAD, dst, m);
  }

  /** F3/F2 0F 11 /r. */
  movs_mr(fs: FloatSize, m: Mem, src: Xmm): void {
    emitRM(this.buf, scalarPrefix(fs), 0, OP_MOVS_STORE, src, m);
  }

  /** 0F 28 /r: a whole-register copy, which (unlike movss/movsd reg,reg) has no dependency
   * on dst's old value. */
  movaps_rr(dst: Xmm, src: Xmm): void {
    emitRR(this.buf, 0, 0, OP_MOVAPS, dst, src);
  }

  /** 66 0F 6E /r (movd) / 66 REX.W 0F 6E /r (movq). */
  movd_xr(size: IntSize, dst: Xmm, src: Gpr): void {
    emitRR(this.buf, 0x66, w(size), OP_MOVD_TO_XMM, dst, src);
  }

  /** 66 0F 7E /r / 66 REX.W 0F 7E /r: the xmm is in ModRM.reg, the gpr in ModRM.rm. */
  movd_rx(size: IntSize, dst: Gpr, src: Xmm): void {
    emitRR(this.buf, 0x66, w(size), OP_MOVD_FROM_XMM, src, dst);
  }

  fop_rr(op: FloatOp, fs: FloatSize, dst: Xmm, src: Xmm): void {
    emitRR(this.buf, scalarPrefix(fs), 0, floatOpcode(op), dst, src);
  }

  fop_rm(op: FloatOp, fs: FloatSize, dst: Xmm, m: Mem): void {
    emitRM(this.buf, scalarPrefix(fs), 0, floatOpcode(op), dst, m);
  }

  fbit_rr(op: FloatBitOp, fs: FloatSize, dst: Xmm, src: Xmm): void {
    emitRR(this.buf, packedPrefix(fs), 0, floatBitOpcode(op), dst, src);
  }

  /** [66] 0F 2E /r: unordered compare, sets ZF/PF/CF. */
  ucomis_rr(fs: FloatSize, a: Xmm, b: Xmm): void {
    emitRR(this.buf, packedPrefix(fs), 0, OP_UCOMIS, a, b);
  }

  /** F3/F2 [REX.W] 0F 2A /r. */
  cvtsi2s(fs: FloatSize, intSize: IntSize, dst: Xmm, src: Gpr): void {
    emitRR(this.buf, scalarPrefix(fs), w(intSize), OP_CVTSI2S, dst, src);
  }

  /** F3/F2 [REX.W] 0F 2C /r: truncating; out-of-range gives the "integer indefinite" value. */
  cvtts2si(fs: FloatSize, intSize: IntSize, dst: Gpr, src: Xmm): void {
    emitRR(this.buf, scalarPrefix(fs), w(intSize), OP_CVTTS2SI, dst, src);
  }

  /** cvtss2sd is F3 0F 5A (prefix of the *source* type), cvtsd2ss is F2 0F 5A. */
  cvts2s(dstFs: FloatSize, dst: Xmm, src: Xmm): void {
    if (dstFs !== 32 && dstFs !== 64) throw new Error(`BUG: bad float size ${dstFs as number}`);
    emitRR(this.buf, scalarPrefix(dstFs === 64 ? 32 : 64), 0, OP_CVTS2S, dst, src);
  }

  /** 66 0F 3A 0A/0B /r ib (SSE4.1). mode bits 1:0 = rounding, bit 2 = use MXCSR instead,
   * bit 3 = suppress the precision exception. */
  rounds(fs: FloatSize, dst: Xmm, src: Xmm, mode: number): void {
    const ib = uimm8(mode, 'rounds');
    emitRR(this.buf, 0x66, 0, fs === 32 ? OP_ROUNDSS : fs === 64 ? OP_ROUNDSD : badFloatSize(fs), dst, src);
    this.buf.put1(ib);
  }

  xorps_rr(dst: Xmm, src: Xmm): void {
    emitRR(this.buf, 0, 0, OP_XORPS, dst, src);
  }
}

function badFloatSize(fs: never): never {
  throw new Error(`BUG: bad float size ${fs as number}`);
}

function movzxOpcode(srcSize: 8 | 16): number {
  if (srcSize === 8) return 0x0fb6;
  if (srcSize === 16) return 0x0fb7;
  throw new Error(`BUG: bad movzx source size ${srcSize as number}`);
}

function movsxOpcode(dstSize: IntSize, srcSize: 8 | 16 | 32): number {
  switch (srcSize) {
    case 8: return 0x0fbe;
    case 16: return 0x0fbf;
    case 32:
      if (dstSize !== 64) throw new Error('BUG: movsx from 32 bits needs a 64-bit destination (movsxd)');
      return 0x63;
  }
  throw new Error(`BUG: bad movsx source size ${srcSize as number}`);
}

