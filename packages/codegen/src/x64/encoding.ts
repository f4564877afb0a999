// The encoding core: legacy prefix, REX, opcode, ModRM, SIB, displacement.
// Everything that knows how an operand turns into bits lives here; the Assembler only picks
// opcodes. References are to the Intel 64 and IA-32 Architectures SDM, Volume 2A.
//
//   [mandatory prefix] [REX] opcode(1-3 bytes) ModRM [SIB] [disp8|disp32] [imm]
//
// §2.2.1: a REX prefix must immediately precede the opcode (or its 0F escape), so a
// mandatory prefix (66/F2/F3) goes *before* REX. Anything between REX and the opcode makes
// the processor ignore the REX.

import type { CodeBuffer } from './code-buffer.js';
import type { Mem } from './operands.js';

// REX = 0100WRXB (§2.2.1.2, Table 2-4). The bits are kept in the low nibble while an
// instruction's REX is being assembled; 0 means "no REX needed".
export const REX_W = 0x08; // 64-bit operand size
export const REX_R = 0x04; // extends ModRM.reg
export const REX_X = 0x02; // extends SIB.index
export const REX_B = 0x01; // extends ModRM.rm, SIB.base or the opcode's +r register
/** A REX prefix with no bits set (0x40): needed only so that byte-register numbers 4..7
 * mean spl/bpl/sil/dil instead of ah/ch/dh/bh (§3.1.1.1, Table 3-1). */
export const REX_BARE = 0x40;

export function fitsInt8(v: number): boolean {
  return v >= -0x80 && v <= 0x7f;
}

export function checkReg(r: number, what: string): void {
  // Register numbers come from branded types, but a stray `undefined` or 16 from an
  // allocator bug would otherwise be silently truncated to 3 bits here. (r & 15) === r holds
  // exactly for the integers 0..15.
  if ((r & 15) !== r) throw new Error(`BUG: bad ${what} register ${r}`);
}

/** REX for an 8-bit operand held in register r: registers 4..7 need a bare REX (see REX_BARE). */
export function rexForByteReg(r: number): number {
  return r >= 4 && r <= 7 ? REX_BARE : 0;
}

/**
 * Prefix, REX and opcode into d at p (see CodeBuffer.startInstruction); returns the position
 * after them. Opcodes are packed into one number, most significant byte first: 0x8B, 0x0FAF,
 * 0x0F3A0A. Unambiguous because no opcode byte sequence starts with 00.
 */
function putPrefixRexOpcode(d: Uint8Array, p: number, prefix: number, rex: number, op: number): number {
  // Two legacy prefixes are packed like opcodes, first byte most significant (lock + 66).
  if (prefix > 0xff) d[p++] = prefix >>> 8;
  if (prefix !== 0) d[p++] = prefix & 0xff;
  if (rex !== 0) d[p++] = 0x40 | rex;
  if (op > 0xff) {
    if (op > 0xffff) d[p++] = op >>> 16;
    d[p++] = (op >>> 8) & 0xff;
  }
  d[p++] = op & 0xff;
  return p;
}

/**
 * An instruction whose ModRM names two registers (mod = 11, §2.1.5 Table 2-2 last row).
 * `reg` is the ModRM.reg operand (a register or an opcode extension /digit), `rm` the
 * ModRM.rm register. `rex` carries W / bare-REX requirements; R and B are added here.
 */
export function emitRR(buf: CodeBuffer, prefix: number, rex: number, op: number, reg: number, rm: number): void {
  checkReg(reg, 'ModRM.reg');
  checkReg(rm, 'ModRM.rm');
  rex |= ((reg & 8) >> 1) | ((rm & 8) >> 3);
  const d = buf.startInstruction();
  let p = putPrefixRexOpcode(d, buf.offset, prefix, rex, op);
  d[p++] = 0xc0 | ((reg & 7) << 3) | (rm & 7);
  buf.endInstruction(p);
}

/**
 * An instruction with a register (or /digit) in ModRM.reg and a memory operand in ModRM.rm.
 * Returns the buffer offset of the displacement field.
 *
 * The special cases, all from §2.1.5 Tables 2-2/2-3 and §2.2.1.2 Table 2-5:
 *  - rm = 100 does not name rsp but "a SIB byte follows"; so a base of rsp or r12 (REX.B
 *    does not change that decoding) needs a SIB with index = 100 ("none").
 *  - mod = 00 with rm = 101 is RIP-relative, and mod = 00 with SIB.base = 101 is "no base,
 *    disp32"; so a base of rbp or r13 cannot use the no-displacement form and takes an
 *    explicit disp8 of 0 instead.
 *  - SIB.index = 100 means "no index" (only without REX.X; r12 is a valid index), so rsp
 *    can never be an index register: we refuse it rather than silently drop the index.
 *  - disp8 is sign-extended (§2.1.4), hence the -128..127 window for the short form.
 */
export function emitRM(
  buf: CodeBuffer, prefix: number, rex: number, op: number, reg: number, m: Mem, ripOk = false,
): number {
  rex |= memRexBits(reg, m, ripOk);
  const d = buf.startInstruction();
  const p = putMem(d, putPrefixRexOpcode(d, buf.offset, prefix, rex, op), reg, m);
  buf.endInstruction(p);
  return p - dispLength(m);
}

/**
 * The REX.R, REX.X and REX.B bits for `reg` in ModRM.reg and the memory operand m in
 * ModRM.rm (VEX carries the same three bits inverted); checks the operand is encodable.
 */
export function memRexBits(reg: number, m: Mem, ripOk = false): number {
  const { base, index, disp, scale } = m;
  checkReg(reg, 'ModRM.reg');
  if (m.rip !== undefined) {
    // [rip + rel32]: only REX.R matters (Table 2-7: mod = 00, rm = 101 has no base or index).
    if (!ripOk) throw new Error('BUG: a RIP-relative operand reached an emitter that does not record its fixup');
    if (index !== undefined) throw new Error('BUG: a RIP-relative operand has no index');
    return (reg & 8) >> 1;
  }
  checkReg(base, 'base');
  if ((disp | 0) !== disp) throw new Error(`BUG: displacement ${disp} does not fit a signed 32-bit field`);
  let rex = ((reg & 8) >> 1) | ((base & 8) >> 3);
  if (index !== undefined) {
    checkReg(index, 'index');
    if (index === 4) throw new Error('BUG: rsp cannot be an index register');
    if (scale !== undefined && scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8) {
      throw new Error(`BUG: bad scale ${scale as number}`);
    }
    rex |= (index & 8) >> 2;
  } else if (scale !== undefined && scale !== 1) {
    throw new Error(`BUG: scale ${scale} without an index register`);
  }
  return rex;
}

/** 0, 1 or 4: the displacement field putMem writes for m (see emitRM for the cases). */
function dispLength(m: Mem): number {
  if (m.rip !== undefined) return 4;
  if (m.disp === 0 && (m.base & 7) !== 5) return 0;
  return m.disp >= -0x80 && m.disp <= 0x7f ? 1 : 4;
}

const SCALE_BITS: readonly number[] = [0, 0, 1, 0, 2, 0, 0, 0, 3];

/**
 * ModRM, SIB and displacement for `reg` and the memory operand m (checked by memRexBits),
 * written at d[p]; returns the position after them.
 */
export function putMem(d: Uint8Array, p: number, reg: number, m: Mem): number {
  const { base, index, disp } = m;
  const len = dispLength(m);
  const mod = len === 0 ? 0 : len === 1 ? 1 : 2;
  const r = (reg & 7) << 3;
  if (m.rip !== undefined) {
    // mod = 00, rm = 101: [rip + disp32], the field left 0 for the fixup (SDM §2.2.1.6).
    d[p++] = r | 5;
    d[p++] = 0;
    d[p++] = 0;
    d[p++] = 0;
    d[p++] = 0;
    return p;
  }
  if (index === undefined && (base & 7) !== 4) {
    d[p++] = (mod << 6) | r | (base & 7);
  } else {
    const idx = index === undefined ? 4 : index & 7;
    d[p++] = (mod << 6) | r | 4;
    d[p++] = (SCALE_BITS[m.scale ?? 1]! << 6) | (idx << 3) | (base & 7);
  }
  if (len === 1) {
    d[p++] = disp & 0xff;
  } else if (len === 4) {
    d[p++] = disp & 0xff;
    d[p++] = (disp >>> 8) & 0xff;
    d[p++] = (disp >>> 16) & 0xff;
    d[p++] = disp >>> 24;
  }
  return p;
}

/** A one-byte opcode with the register in its low three bits (push, pop, mov r, imm). */
export function emitOpReg(buf: CodeBuffer, rex: number, op: number, r: number): void {
  checkReg(r, 'opcode');
  rex |= (r & 8) >> 3;
  const d = buf.startInstruction();
  let p = buf.offset;
  if (rex !== 0) d[p++] = 0x40 | rex;
  d[p++] = op | (r & 7);
  buf.endInstruction(p);
}
