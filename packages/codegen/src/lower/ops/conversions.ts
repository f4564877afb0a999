// Numeric conversions involving floats: int → float, float → int (float-trunc.ts, trapping
// and saturating), f32 ↔ f64, and the four reinterprets. (i32.wrap/i64.extend are integer
// ops in int-numeric.ts.)
import { AluOp, FloatOp, ShiftOp, type FloatSize, type IntSize } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import { cvts2s_rm, cvtsi2s_rm } from '../../x64/sse-mem.js';
import { Op } from '../../wasm/opcodes.js';
import { ValType } from '../../wasm/types.js';
import { Kind, constVal, regVal, stackVal } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { bitsToNumber, constBits, constValue, floatBits, floatType } from './float-util.js';
import { truncate, type TruncKind } from './float-trunc.js';

const TRUNC: Partial<Record<number, [IntSize, boolean, FloatSize]>> = {
  [Op.I32TruncF32S]: [32, true, 32], [Op.I32TruncF32U]: [32, false, 32],
  [Op.I32TruncF64S]: [32, true, 64], [Op.I32TruncF64U]: [32, false, 64],
  [Op.I64TruncF32S]: [64, true, 32], [Op.I64TruncF32U]: [64, false, 32],
  [Op.I64TruncF64S]: [64, true, 64], [Op.I64TruncF64U]: [64, false, 64],
};

/** 0xFC 0..7, in the same order as the trapping forms above. */
const TRUNC_SAT: readonly [IntSize, boolean, FloatSize][] = [
  [32, true, 32], [32, false, 32], [32, true, 64], [32, false, 64],
  [64, true, 32], [64, false, 32], [64, true, 64], [64, false, 64],
];

const CONVERT: Partial<Record<number, [FloatSize, IntSize, boolean]>> = {
  [Op.F32ConvertI32S]: [32, 32, true], [Op.F32ConvertI32U]: [32, 32, false],
  [Op.F32ConvertI64S]: [32, 64, true], [Op.F32ConvertI64U]: [32, 64, false],
  [Op.F64ConvertI32S]: [64, 32, true], [Op.F64ConvertI32U]: [64, 32, false],
  [Op.F64ConvertI64S]: [64, 64, true], [Op.F64ConvertI64U]: [64, 64, false],
};

/** The op family for float conversions (dispatched by lower/op-handlers.ts). */
export function conversionFamily(fc: FunctionCompiler, op: number): void {
  switch (op) {
    case Op.F32DemoteF64: demotePromote(fc, 32); return;
    case Op.F64PromoteF32: demotePromote(fc, 64); return;
    case Op.I32ReinterpretF32: reinterpret(fc, ValType.I32); return;
    case Op.I64ReinterpretF64: reinterpret(fc, ValType.I64); return;
    case Op.F32ReinterpretI32: reinterpret(fc, ValType.F32); return;
    case Op.F64ReinterpretI64: reinterpret(fc, ValType.F64); return;
  }
  const t = TRUNC[op];
  if (t) {
    truncate(fc, truncKind(t, false));
    return;
  }
  const c = CONVERT[op];
  if (c) {
    convert(fc, c[0], c[1], c[2]);
    return;
  }
  throw new Error(`BUG: 0x${op.toString(16)} is not a float conversion`);
}

/** The saturating truncations, 0xFC `sub` (already read). */
export function truncSatFamily(fc: FunctionCompiler, sub: number): void {
  const sat = TRUNC_SAT[sub];
  if (sat === undefined) throw new Error(`BUG: 0xfc ${sub} is not a saturating truncation`);
  truncate(fc, truncKind(sat, true));
}

function truncKind([intSize, signed, fs]: readonly [IntSize, boolean, FloatSize], saturating: boolean): TruncKind {
  return { intSize, signed, fs, saturating };
}

/**
 * Integer → float. cvtsi2ss/sd only writes the low lane, so the destination is zeroed
 * first to break the dependency on its old contents. u32 is converted as the zero-extended
 * 64-bit value (the Gpr convention guarantees the zero extension), which is exact.
 */
function convert(fc: FunctionCompiler, fs: FloatSize, intSize: IntSize, signed: boolean): void {
  const v = fc.peek();
  if (v.kind === Kind.Const && foldConvert(fc, fs, intSize, signed, v.value)) return;
  const a = fc.asm;
  const m = signed ? fc.memOf(v, fc.stack.length - 1) : null;
  if (m) {
    fc.pop();
    const x = fc.allocXmm();
    a.xorps_rr(x, x);
    cvtsi2s_rm(a, fs, intSize, x, m);
    fc.push(regVal(floatType(fs), x));
    return;
  }
  const g = fc.popToReg() as Gpr;
  const x = fc.allocXmm();
  a.xorps_rr(x, x);
  if (signed || intSize === 32) a.cvtsi2s(fs, signed ? intSize : 64, x, g);
  else convertU64(fc, fs, x, g);
  fc.ra.free(RegClass.Gpr, g);
  fc.push(regVal(floatType(fs), x));
}

/**
 * u64 → float with the top bit set: halve, keeping the dropped bit as a sticky bit
 * ("round to odd"), convert as signed, double. The sticky bit keeps a tie in the halved
 * value from rounding the way the full value would not, so the result is correctly rounded.
 */
function convertU64(fc: FunctionCompiler, fs: FloatSize, x: Xmm, g: Gpr): void {
  const a = fc.asm;
  const big = a.newLabel();
  const done = a.newLabel();
  a.test_rr(64, g, g);
  a.jcc_label(Cond.S, big);
  a.cvtsi2s(fs, 64, x, g);
  a.jmp_label(done);
  a.bind(big);
  fc.masm.withScratch((half) => {
    a.mov_rr(64, half, g);
    a.shift_ri(ShiftOp.Shr, 64, half, 1);
    a.alu_ri(AluOp.And, 32, g, 1);
    a.alu_rr(AluOp.Or, 64, half, g);
    a.cvtsi2s(fs, 64, x, half);
  });
  a.fop_rr(FloatOp.Add, fs, x, x);
  a.bind(done);
}

/** Fold a constant conversion when JS computes it with a single rounding. */
function foldConvert(fc: FunctionCompiler, fs: FloatSize, intSize: IntSize, signed: boolean, value: number | bigint): boolean {
  let n: number;
  if (intSize === 32) n = signed ? (value as number) | 0 : (value as number) >>> 0; // exact in a double
  else if (fs === 64) n = Number(signed ? BigInt.asIntN(64, value as bigint) : BigInt.asUintN(64, value as bigint)); // rounds once
  else return false; // i64 → f32 through a double would round twice
  fc.pop();
  fc.push(constVal(floatType(fs), constValue(fs, floatBits(fs, fs === 32 ? Math.fround(n) : n))));
  return true;
}

/** dstFs 32: f32.demote_f64, dstFs 64: f64.promote_f32. A NaN comes out quieted. */
function demotePromote(fc: FunctionCompiler, dstFs: FloatSize): void {
  const srcFs: FloatSize = dstFs === 32 ? 64 : 32;
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    const n = bitsToNumber(srcFs, constBits(srcFs, v.value));
    if (!Number.isNaN(n)) {
      // Math.fround rounds a double to the nearest f32 once; promotion is exact.
      fc.pop();
      fc.push(constVal(floatType(dstFs), constValue(dstFs, floatBits(dstFs, dstFs === 32 ? Math.fround(n) : n))));
      return;
    }
  }
  const a = fc.asm;
  const m = fc.memOf(v, fc.stack.length - 1);
  if (m) {
    fc.pop();
    const x = fc.allocXmm();
    cvts2s_rm(a, dstFs, x, m);
    fc.push(regVal(floatType(dstFs), x));
    return;
  }
  const x = fc.popToReg() as Xmm;
  a.cvts2s(dstFs, x, x);
  fc.push(regVal(floatType(dstFs), x));
}

/**
 * Reinterpret the top value as type `to` (same width, other register class). Bits are
 * kept exactly. A spilled value is only retagged: its slot already holds the bits (i32 and
 * f32 both use the low 4 bytes of a slot).
 */
function reinterpret(fc: FunctionCompiler, to: ValType): void {
  const a = fc.asm;
  const size: IntSize = to === ValType.I32 || to === ValType.F32 ? 32 : 64;
  const v = fc.pop();
  switch (v.kind) {
    case Kind.Const: {
      let value: number | bigint;
      if (to === ValType.I32) value = (v.value as number) | 0;
      else if (to === ValType.F32) value = (v.value as number) >>> 0;
      else if (to === ValType.I64) value = BigInt.asIntN(64, v.value as bigint);
      else value = BigInt.asUintN(64, v.value as bigint);
      fc.push(constVal(to, value));
      return;
    }
    case Kind.Stack:
      fc.push(stackVal(to));
      return;
    case Kind.Local: {
      const r = to === ValType.F32 || to === ValType.F64 ? fc.allocXmm() : fc.allocGpr();
      const home = fc.homeOf(v.local);
      if (home < 0) fc.loadMem(to, r, fc.frame.localMem(v.local));
      else if (to === ValType.F32 || to === ValType.F64) a.movd_xr(size, r as Xmm, home as Gpr);
      else a.movd_rx(size, r as Gpr, home as Xmm);
      fc.push(regVal(to, r));
      return;
    }
    case Kind.Reg: {
      if (to === ValType.F32 || to === ValType.F64) {
        const x = fc.allocXmm();
        a.movd_xr(size, x, v.reg as Gpr);
        fc.ra.free(RegClass.Gpr, v.reg);
        fc.push(regVal(to, x));
      } else {
        const g = fc.allocGpr();
        a.movd_rx(size, g, v.reg as Xmm);
        fc.ra.free(RegClass.Xmm, v.reg);
        fc.push(regVal(to, g));
      }
      return;
    }
  }
}
