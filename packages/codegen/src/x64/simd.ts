// Emitting the rows of simd-ops.ts, in their legacy SSE form (sse*) or their VEX form
// (vex*). One function per operand shape; each checks that the row has that shape, so a
// lowering that picks the wrong emitter fails loudly at compile time of the wasm, not with
// a silently different instruction. Immediates are range-checked.

import type { Assembler } from './assembler.js';
import { emitRM, emitRR, REX_W } from './encoding.js';
import { uimm8 } from './immediates.js';
import type { Mem } from './operands.js';
import type { Gpr, Xmm } from './regs.js';
import { SimdForm, type SimdOp } from './simd-ops.js';
import { emitVexRM, emitVexRR } from './vex.js';

function legacyOpcode(op: SimdOp): number {
  if (op.map === 1) return 0x0f00 | op.opcode;
  if (op.map === 2) return 0x0f3800 | op.opcode;
  return 0x0f3a00 | op.opcode;
}

function isMem(x: number | Mem): x is Mem {
  return typeof x !== 'number';
}

/** The row's form is one of `forms`, it has the encoding asked for, and the operand kind. */
function check(op: SimdOp, vex: boolean, forms: readonly SimdForm[], rm: number | Mem): void {
  if (!forms.includes(op.form)) throw new Error(`BUG: ${op.mnemonic} does not have this operand form`);
  if (op.vexOnly && !vex) throw new Error(`BUG: ${op.mnemonic} has no SSE encoding`);
  if (op.only === 'reg' && isMem(rm)) throw new Error(`BUG: ${op.mnemonic} takes a register here, not memory`);
  if (op.only === 'mem' && !isMem(rm)) throw new Error(`BUG: ${op.mnemonic} takes memory here, not a register`);
}

/** The imm8 of a row that takes one; none for the others. */
function immediate(a: Assembler, op: SimdOp, imm: number | undefined): void {
  if (op.imm) {
    if (imm === undefined) throw new Error(`BUG: ${op.mnemonic} needs an immediate`);
    a.buf.put1(uimm8(imm, op.mnemonic));
  } else if (imm !== undefined) {
    throw new Error(`BUG: ${op.mnemonic} takes no immediate`);
  }
}

function legacy(a: Assembler, op: SimdOp, reg: number, rm: number | Mem): void {
  const rex = op.w ? REX_W : 0;
  if (isMem(rm)) emitRM(a.buf, op.prefix, rex, legacyOpcode(op), reg, rm, true);
  else emitRR(a.buf, op.prefix, rex, legacyOpcode(op), reg, rm);
}

function vexForm(a: Assembler, op: SimdOp, reg: number, vvvv: number | undefined, rm: number | Mem): void {
  const has = vvvv !== undefined;
  if (isMem(rm)) emitVexRM(a.buf, op.prefix, op.map, op.w, op.opcode, reg, vvvv ?? 0, has, rm, true);
  else emitVexRR(a.buf, op.prefix, op.map, op.w, op.opcode, reg, vvvv ?? 0, has, rm);
}

/**
 * After an instruction (immediate included) with operand rm: a [rip + rel32] operand's
 * field is the four bytes before the `immBytes` of immediate; record it for the assembler.
 */
function ripDone(a: Assembler, rm: number | Mem, immBytes: number): void {
  if (isMem(rm) && rm.rip !== undefined) a.ripFixup(rm.rip, a.offset - immBytes - 4, a.offset);
}

function immBytes(op: SimdOp): number {
  return op.imm ? 1 : 0;
}

const BINARY_OR_UNARY = [SimdForm.Binary, SimdForm.Unary] as const;

/** SSE: dst op= src (Binary) or dst = f(src) (Unary). */
export function sse(a: Assembler, op: SimdOp, dst: Xmm, src: Xmm | Mem, imm?: number): void {
  check(op, false, BINARY_OR_UNARY, src);
  legacy(a, op, dst, src);
  immediate(a, op, imm);
  ripDone(a, src, immBytes(op));
}

/** AVX: dst = src1 op src2 (a Binary row). */
export function vex(a: Assembler, op: SimdOp, dst: Xmm, src1: Xmm, src2: Xmm | Mem, imm?: number): void {
  check(op, true, [SimdForm.Binary], src2);
  vexForm(a, op, dst, src1, src2);
  immediate(a, op, imm);
  ripDone(a, src2, immBytes(op));
}

/** AVX: dst = f(src) (a Unary row; VEX.vvvv unused). */
export function vexUnary(a: Assembler, op: SimdOp, dst: Xmm, src: Xmm | Mem, imm?: number): void {
  check(op, true, [SimdForm.Unary], src);
  vexForm(a, op, dst, undefined, src);
  immediate(a, op, imm);
  ripDone(a, src, immBytes(op));
}

/** mem = src (a Store row). */
export function sseStore(a: Assembler, op: SimdOp, m: Mem, src: Xmm): void {
  check(op, false, [SimdForm.Store], m);
  legacy(a, op, src, m);
  ripDone(a, m, 0);
}

export function vexStore(a: Assembler, op: SimdOp, m: Mem, src: Xmm): void {
  check(op, true, [SimdForm.Store], m);
  vexForm(a, op, src, undefined, m);
  ripDone(a, m, 0);
}

/** reg = reg shifted by imm (a ShiftImm row). */
export function sseShift(a: Assembler, op: SimdOp, reg: Xmm, imm: number): void {
  check(op, false, [SimdForm.ShiftImm], reg);
  legacy(a, op, op.digit, reg);
  immediate(a, op, imm);
}

/** dst = src shifted by imm: dst in VEX.vvvv, src in ModRM.rm. */
export function vexShift(a: Assembler, op: SimdOp, dst: Xmm, src: Xmm, imm: number): void {
  check(op, true, [SimdForm.ShiftImm], src);
  vexForm(a, op, op.digit, dst, src);
  immediate(a, op, imm);
}

/** A general register from an xmm (movemasks; pextrw's register form takes a lane). */
export function sseToGpr(a: Assembler, op: SimdOp, dst: Gpr, src: Xmm, imm?: number): void {
  check(op, false, [SimdForm.ToGpr], src);
  legacy(a, op, dst, src);
  immediate(a, op, imm);
}

export function vexToGpr(a: Assembler, op: SimdOp, dst: Gpr, src: Xmm, imm?: number): void {
  check(op, true, [SimdForm.ToGpr], src);
  vexForm(a, op, dst, undefined, src);
  immediate(a, op, imm);
}

/** Lane `lane` of src into a general register or memory (an Extract row). */
export function sseExtract(a: Assembler, op: SimdOp, dst: Gpr | Mem, src: Xmm, lane: number): void {
  check(op, false, [SimdForm.Extract], dst);
  legacy(a, op, src, dst);
  immediate(a, op, lane);
  ripDone(a, dst, 1);
}

export function vexExtract(a: Assembler, op: SimdOp, dst: Gpr | Mem, src: Xmm, lane: number): void {
  check(op, true, [SimdForm.Extract], dst);
  vexForm(a, op, src, undefined, dst);
  immediate(a, op, lane);
  ripDone(a, dst, 1);
}

/** Lane `lane` of dst from a general register or memory (an Insert row). */
export function sseInsert(a: Assembler, op: SimdOp, dst: Xmm, src: Gpr | Mem, lane: number): void {
  check(op, false, [SimdForm.Insert], src);
  legacy(a, op, dst, src);
  immediate(a, op, lane);
  ripDone(a, src, 1);
}

/** dst = src1 with lane `lane` from src2. */
export function vexInsert(a: Assembler, op: SimdOp, dst: Xmm, src1: Xmm, src2: Gpr | Mem, lane: number): void {
  check(op, true, [SimdForm.Insert], src2);
  vexForm(a, op, dst, src1, src2);
  immediate(a, op, lane);
  ripDone(a, src2, 1);
}

/** SSE4.1 blend: dst = xmm0's sign bits ? src : dst (per byte / lane); the mask must be in xmm0. */
export function sseBlendv(a: Assembler, op: SimdOp, dst: Xmm, src: Xmm | Mem): void {
  check(op, false, [SimdForm.BlendXmm0], src);
  legacy(a, op, dst, src);
  ripDone(a, src, 0);
}

/** AVX blend: dst = mask's sign bits ? src2 : src1, with any mask register (imm8[7:4]). */
export function vexBlendv(a: Assembler, op: SimdOp, dst: Xmm, src1: Xmm, src2: Xmm | Mem, mask: Xmm): void {
  check(op, true, [SimdForm.VexBlend], src2);
  if ((mask & 15) !== mask) throw new Error(`BUG: bad mask register ${mask}`);
  vexForm(a, op, dst, src1, src2);
  a.buf.put1(mask << 4);
  ripDone(a, src2, 1);
}
