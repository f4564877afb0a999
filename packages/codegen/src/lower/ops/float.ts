// f32/f64 constants, arithmetic, comparisons, min/max, sqrt and rounding (SSE2 + SSE4.1).
// The sign-bit ops (abs, neg, copysign) are in float-sign.ts, conversions in conversions.ts.
//
// NaN rules (spec §4.3.3 "NaN propagation"): an arithmetic op may return any arithmetic
// (quiet) NaN when an input is NaN, and a canonical NaN when all NaN inputs are canonical.
// SSE arithmetic returns the first NaN operand quieted, or the negative canonical NaN for an
// invalid operation (0/0, sqrt(-1)), which satisfies both rules.
import { AluOp, FloatBitOp, FloatOp, type FloatSize, type Mem } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import type { Xmm } from '../masm/registers.js';
import { rounds_rm, ucomis_rm } from '../../x64/sse-mem.js';
import { Op } from '../../wasm/opcodes.js';
import { ValType } from '../../wasm/types.js';
import { Kind, regVal } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { PendingKind, setPending } from '../pending-op.js';
import { floatType, freeOperand, pinOf, popFloatOperand } from './float-util.js';
import { copysign, signOp, SignOp } from './float-sign.js';
import { SIMD, type SimdOp } from '../../x64/simd-ops.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { destFor, intoHome, nextHomedSet, popSrcReg, releaseSrc } from './simd-operands.js';

const ARITH: Partial<Record<number, [FloatOp, FloatSize]>> = {
  [Op.F32Add]: [FloatOp.Add, 32], [Op.F32Sub]: [FloatOp.Sub, 32], [Op.F32Mul]: [FloatOp.Mul, 32], [Op.F32Div]: [FloatOp.Div, 32],
  [Op.F64Add]: [FloatOp.Add, 64], [Op.F64Sub]: [FloatOp.Sub, 64], [Op.F64Mul]: [FloatOp.Mul, 64], [Op.F64Div]: [FloatOp.Div, 64],
};

export const enum FCmp { Eq, Ne, Lt, Gt, Le, Ge }
/** The compares whose result is one condition after ucomis (eq and ne need two). */
export type OrderedFCmp = FCmp.Lt | FCmp.Gt | FCmp.Le | FCmp.Ge;

export const enum MinMax { Min, Max }

/** Operand order of ucomis: `ucomis a, b`, or `ucomis b, a` (lt/le as gt/ge swapped). */
const enum UcomisOrder { AB, BA }

/** Any operand form a two-operand SSE instruction's second operand can take. */
const SLOT_OR_SCRATCH = { slot: true, scratch: true } as const;
/** The same, and a local's register home read in place. */
const SLOT_OR_HOME_OR_SCRATCH = { slot: true, scratch: true, home: true } as const;

const CMP: Partial<Record<number, [FCmp, FloatSize]>> = {
  [Op.F32Eq]: [FCmp.Eq, 32], [Op.F32Ne]: [FCmp.Ne, 32], [Op.F32Lt]: [FCmp.Lt, 32],
  [Op.F32Gt]: [FCmp.Gt, 32], [Op.F32Le]: [FCmp.Le, 32], [Op.F32Ge]: [FCmp.Ge, 32],
  [Op.F64Eq]: [FCmp.Eq, 64], [Op.F64Ne]: [FCmp.Ne, 64], [Op.F64Lt]: [FCmp.Lt, 64],
  [Op.F64Gt]: [FCmp.Gt, 64], [Op.F64Le]: [FCmp.Le, 64], [Op.F64Ge]: [FCmp.Ge, 64],
};

/** roundss/roundsd immediates: rounding mode in bits 1:0, bit 3 suppresses the precision
 * exception (inexact is not observable in wasm, and the flag write is wasted work). */
const ROUND_NEAREST = 0 | 8;
const ROUND_FLOOR = 1 | 8;
const ROUND_CEIL = 2 | 8;
const ROUND_TRUNC = 3 | 8;

const ROUND: Partial<Record<number, [number, FloatSize]>> = {
  [Op.F32Ceil]: [ROUND_CEIL, 32], [Op.F32Floor]: [ROUND_FLOOR, 32], [Op.F32Trunc]: [ROUND_TRUNC, 32], [Op.F32Nearest]: [ROUND_NEAREST, 32],
  [Op.F64Ceil]: [ROUND_CEIL, 64], [Op.F64Floor]: [ROUND_FLOOR, 64], [Op.F64Trunc]: [ROUND_TRUNC, 64], [Op.F64Nearest]: [ROUND_NEAREST, 64],
};

/** The op family for the f32/f64 numeric opcodes (dispatched by lower/op-handlers.ts). */
export function floatFamily(fc: FunctionCompiler, op: number, r?: BinaryReader): void {
  switch (op) {
    case Op.F32Abs: signOp(fc, SignOp.Abs, 32); return;
    case Op.F64Abs: signOp(fc, SignOp.Abs, 64); return;
    case Op.F32Neg: signOp(fc, SignOp.Neg, 32); return;
    case Op.F64Neg: signOp(fc, SignOp.Neg, 64); return;
    case Op.F32Copysign: copysign(fc, 32); return;
    case Op.F64Copysign: copysign(fc, 64); return;
    case Op.F32Sqrt: sqrt(fc, 32); return;
    case Op.F64Sqrt: sqrt(fc, 64); return;
    case Op.F32Min: minMax(fc, MinMax.Min, 32); return;
    case Op.F64Min: minMax(fc, MinMax.Min, 64); return;
    case Op.F32Max: minMax(fc, MinMax.Max, 32); return;
    case Op.F64Max: minMax(fc, MinMax.Max, 64); return;
  }
  const ar = ARITH[op];
  if (ar) {
    arith(fc, ar[0], ar[1], r);
    return;
  }
  const cmp = CMP[op];
  if (cmp) {
    visitCompare(fc, cmp[0], cmp[1]);
    return;
  }
  const rd = ROUND[op];
  if (rd) {
    const [mode, fs] = rd;
    unary(fc, fs, (x, src) => typeof src === 'number' ? fc.asm.rounds(fs, x, src, mode) : rounds_rm(fc.asm, fs, x, src, mode));
    return;
  }
  throw new Error(`BUG: 0x${op.toString(16)} is not a float operator`);
}

/** The VEX scalar rows of the arithmetic ops, by FloatOp and size. */
const VEX_ARITH: Partial<Record<FloatOp, [SimdOp, SimdOp]>> = {
  [FloatOp.Add]: [SIMD.addss, SIMD.addsd], [FloatOp.Sub]: [SIMD.subss, SIMD.subsd],
  [FloatOp.Mul]: [SIMD.mulss, SIMD.mulsd], [FloatOp.Div]: [SIMD.divss, SIMD.divsd],
};

function arith(fc: FunctionCompiler, op: FloatOp, fs: FloatSize, r?: BinaryReader): void {
  const rhs = popFloatOperand(fc, SLOT_OR_HOME_OR_SCRATCH);
  const local = fc.simd.avx ? nextHomedSet(fc, r) : -1;
  const lhsHome = fc.peek().kind === Kind.Local && fc.homeOf(fc.peek().local) >= 0;
  if (fc.simd.avx && (local >= 0 || lhsHome)) {
    // The VEX form dst = lhs op rhs reads a homed lhs in place (no copy), and writes the
    // result straight into a homed local when local.set/tee follows (simd-operands.ts).
    const row = VEX_ARITH[op]![fs === 32 ? 0 : 1];
    const src2 = 'mem' in rhs ? rhs.mem : rhs.reg;
    const src1 = popSrcReg(fc, pinOf(rhs));
    const dst = local >= 0 ? intoHome(fc, local) : destFor(fc, src1, pinOf(rhs));
    fc.simd.bin(row, dst, src1, src2);
    if (src1 !== dst) releaseSrc(fc, src1);
    freeOperand(fc, rhs);
    fc.push(local >= 0 ? fc.localRef(local) : regVal(floatType(fs), dst));
    return;
  }
  const lhs = fc.popToReg(pinOf(rhs)) as Xmm;
  if ('mem' in rhs) fc.asm.fop_rm(op, fs, lhs, rhs.mem);
  else fc.asm.fop_rr(op, fs, lhs, rhs.reg);
  freeOperand(fc, rhs);
  fc.push(regVal(floatType(fs), lhs));
}

function sqrt(fc: FunctionCompiler, fs: FloatSize): void {
  unary(fc, fs, (x, src) => typeof src === 'number' ? fc.asm.fop_rr(FloatOp.Sqrt, fs, x, src) : fc.asm.fop_rm(FloatOp.Sqrt, fs, x, src));
}

/**
 * A one-operand op whose result goes to a register: `emit(dst, src)` with src a frame slot
 * (read directly into a fresh register) or the operand's own register (then dst === src).
 */
function unary(fc: FunctionCompiler, fs: FloatSize, emit: (dst: Xmm, src: Mem | Xmm) => void): void {
  const v = fc.peek();
  const m = fc.memOf(v, fc.stack.length - 1);
  if (m) {
    fc.pop();
    const x = fc.allocXmm();
    emit(x, m);
    fc.push(regVal(floatType(fs), x));
    return;
  }
  const x = fc.popToReg() as Xmm;
  emit(x, x);
  fc.push(regVal(floatType(fs), x));
}

/**
 * Wasm min/max differ from minss/maxss (which return the second operand for NaN and for
 * ±0 pairs): a NaN input yields a NaN (we add the operands, which propagates it quieted),
 * and min(-0, +0) = -0, max(-0, +0) = +0. Equal operands are either identical or ±0, so
 * OR (min) / AND (max) of the bit patterns gives the right zero and is exact otherwise.
 */
function minMax(fc: FunctionCompiler, which: MinMax, fs: FloatSize): void {
  const a = fc.asm;
  const rhs = fc.popToReg() as Xmm;
  const lhs = fc.popToReg(1 << rhs) as Xmm;
  const nan = a.newLabel();
  const differ = a.newLabel();
  const done = a.newLabel();
  a.ucomis_rr(fs, lhs, rhs);
  a.jcc_label(Cond.P, nan);
  a.jcc_label(Cond.NE, differ);
  a.fbit_rr(which === MinMax.Min ? FloatBitOp.Or : FloatBitOp.And, fs, lhs, rhs);
  a.jmp_label(done);
  a.bind(nan);
  a.fop_rr(FloatOp.Add, fs, lhs, rhs);
  a.jmp_label(done);
  a.bind(differ);
  a.fop_rr(which === MinMax.Min ? FloatOp.Min : FloatOp.Max, fs, lhs, rhs);
  a.bind(done);
  fc.ra.free(RegClass.Xmm, rhs);
  fc.push(regVal(floatType(fs), lhs));
}

/**
 * ucomis sets ZF, PF, CF all to 1 for unordered operands; a < b sets CF, a == b sets ZF.
 * So "above" (CF=0, ZF=0) and "above or equal" (CF=0) are false on NaN as wasm requires,
 * and lt/le are gt/ge with the operands swapped. eq needs ZF=1 and PF=0, ne ZF=0 or PF=1.
 *
 * lt/gt/le/ge wait for the next operator (pending-op.ts): br_if, if and select use the
 * flags; anything else gets emitFloatCompare's 0/1 first.
 */
function visitCompare(fc: FunctionCompiler, kind: FCmp, fs: FloatSize): void {
  if (kind === FCmp.Eq || kind === FCmp.Ne) emitFloatCompare(fc, kind, fs);
  else setPending(fc, PendingKind.FloatCompare, fs, 0, kind, 0, 0);
}

function orderOf(kind: FCmp): UcomisOrder {
  return kind === FCmp.Lt || kind === FCmp.Le ? UcomisOrder.BA : UcomisOrder.AB;
}

/** The condition that holds after ucomis (in orderOf's order) when lt/gt/le/ge is true. */
function condOf(kind: FCmp): Cond {
  return kind === FCmp.Gt || kind === FCmp.Lt ? Cond.A : Cond.AE;
}

/** Pop the two operands, emit ucomis, and return the condition meaning "true". */
export function emitFloatCompareFlags(fc: FunctionCompiler, kind: OrderedFCmp, fs: FloatSize): Cond {
  emitUcomis(fc, fs, orderOf(kind));
  return condOf(kind);
}

/** Pop the two operands and push the compare's result (0 or 1) in a register. */
export function emitFloatCompare(fc: FunctionCompiler, kind: FCmp, fs: FloatSize): void {
  const a = fc.asm;
  // Zeroed before the compare: setcc writes only the low byte, and mov keeps the flags.
  const res = fc.allocGpr();
  a.mov_ri(32, res, 0);
  emitUcomis(fc, fs, orderOf(kind));
  switch (kind) {
    case FCmp.Eq:
      a.setcc(Cond.E, res);
      fc.masm.withScratch((ordered) => {
        a.setcc(Cond.NP, ordered);
        a.alu_rr(AluOp.And, 32, res, ordered); // res has no bits above bit 0 to pick up
      });
      break;
    case FCmp.Ne:
      a.setcc(Cond.NE, res);
      fc.masm.withScratch((unordered) => {
        a.setcc(Cond.P, unordered);
        // The scratch register may hold a constant's bits (operands are loaded through it):
        // keep its low byte.
        a.movzx_rr(8, unordered, unordered);
        a.alu_rr(AluOp.Or, 32, res, unordered);
      });
      break;
    default:
      a.setcc(condOf(kind), res);
  }
  fc.push(regVal(ValType.I32, res));
}

/**
 * Pop b then a and emit `ucomis a, b` (or `ucomis b, a`). The second operand of ucomis may
 * be a frame slot.
 */
function emitUcomis(fc: FunctionCompiler, fs: FloatSize, order: UcomisOrder): void {
  const a = fc.asm;
  if (order === UcomisOrder.AB) {
    const b = popFloatOperand(fc, SLOT_OR_SCRATCH);
    const lhs = fc.popToReg(pinOf(b)) as Xmm;
    if ('mem' in b) ucomis_rm(a, fs, lhs, b.mem);
    else a.ucomis_rr(fs, lhs, b.reg);
    freeOperand(fc, b);
    fc.ra.free(RegClass.Xmm, lhs);
    return;
  }
  // ucomis b, a: b must be a register (the scratch one for a constant), a may be a slot.
  const b = popFloatOperand(fc, { slot: false, scratch: true });
  if (!('reg' in b)) throw new Error('BUG: popFloatOperand gave a slot when none was allowed');
  const lhs = popFloatOperand(fc, { slot: true, scratch: false }, pinOf(b));
  if ('mem' in lhs) ucomis_rm(a, fs, b.reg, lhs.mem);
  else a.ucomis_rr(fs, b.reg, lhs.reg);
  freeOperand(fc, lhs);
  freeOperand(fc, b);
}
