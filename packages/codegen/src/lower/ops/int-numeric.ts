// i32/i64 arithmetic, bitwise, shift, compare and conversion ops.
// Constants on the right become immediates; operands already in a frame slot are used as
// memory operands; results stay in registers.
import { AluOp, ShiftOp, type IntSize } from '../../x64/assembler.js';
import { Cond } from '../../x64/cond.js';
import type { Gpr } from '../masm/registers.js';
import type { Mem } from '../../x64/assembler.js';
import { DivKind, div, shiftByCount } from '../masm/div-shift.js';
import { ValType } from '../../wasm/types.js';
import { Kind, constVal, regVal, type Val } from '../value.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { PendingKind, setPending } from '../pending-op.js';

export function typeOfSize(size: IntSize): ValType {
  return size === 32 ? ValType.I32 : ValType.I64;
}

/** The immediate for a constant operand when the instruction can encode it (simm32). */
export function immOf(v: Val, size: IntSize): number | null {
  if (v.kind !== Kind.Const) return null;
  if (size === 32) return v.value as number;
  const b = v.value as bigint;
  // `| 0`: Number() of a BigInt beyond the 31-bit small-integer range is a heap number, and
  // one stored into RHS.imm (then into a {base, disp} operand) turns those fields into
  // doubles, deprecating the shape every memory operand has (an IC miss per operand after).
  return b >= -0x80000000n && b <= 0x7fffffffn ? Number(b) | 0 : null;
}

function pushReg(fc: FunctionCompiler, size: IntSize, r: Gpr): void {
  fc.push(regVal(typeOfSize(size), r));
}

/** What popRhs found: an immediate, a frame slot, a register the caller owns, or a local's home. */
const enum RhsKind { Imm, Mem, Reg, Home }

/**
 * The right operand popRhs hands back: `imm` for Imm, `mem` for Mem, `reg` for Reg and Home
 * (a local's register home is read but never freed or written). One object, reused by every
 * popRhs: each caller is done with its operand before anything else can pop one, and an
 * operator allocates nothing for it.
 */
class Rhs {
  kind = RhsKind.Imm;
  imm = 0;
  mem: Mem | null = null;
  reg = 0 as Gpr;
}
const RHS = new Rhs();

/** The register home of `v` when it is a lazily read local that has one, else -1. */
function homeOfVal(fc: FunctionCompiler, v: Val): number {
  return v.kind === Kind.Local ? fc.homeOf(v.local) : -1;
}

/** Whether popRhs may hand back a frame slot (instructions without an r/m form may not). */
const enum MemOperand { Allowed, Never }

function popRhs(fc: FunctionCompiler, size: IntSize, mem: MemOperand): Rhs {
  const rhs = RHS;
  rhs.mem = null;
  const v = fc.peek();
  const imm = immOf(v, size);
  if (imm !== null) {
    fc.pop();
    rhs.kind = RhsKind.Imm;
    rhs.imm = imm;
    return rhs;
  }
  const home = homeOfVal(fc, v);
  if (home >= 0) {
    fc.pop();
    rhs.kind = RhsKind.Home;
    rhs.reg = home as Gpr;
    return rhs;
  }
  if (mem === MemOperand.Allowed) {
    const m = fc.memOf(v, fc.stack.length - 1);
    if (m) {
      fc.pop();
      rhs.kind = RhsKind.Mem;
      rhs.mem = m;
      return rhs;
    }
  }
  const reg = fc.popToReg() as Gpr;
  rhs.kind = RhsKind.Reg;
  rhs.reg = reg;
  return rhs;
}

/** The register of a register operand (owned or a local's home). */
function regOfRhs(rhs: Rhs): Gpr | null {
  return rhs.kind === RhsKind.Reg || rhs.kind === RhsKind.Home ? rhs.reg : null;
}

function freeRhs(fc: FunctionCompiler, rhs: Rhs): void {
  if (rhs.kind === RhsKind.Reg) fc.ra.free(RegClass.Gpr, rhs.reg);
}

function pinOf(rhs: Rhs): number {
  return rhs.kind === RhsKind.Reg ? 1 << rhs.reg : 0;
}

function isCommutative(op: AluOp): boolean {
  return op === AluOp.Add || op === AluOp.And || op === AluOp.Or || op === AluOp.Xor;
}

/** Swap the two top entries when only the left one is a constant, for commutative ops. */
function preferConstRight(fc: FunctionCompiler, size: IntSize): void {
  const r = fc.peek(0);
  const l = fc.peek(1);
  if (immOf(l, size) !== null && immOf(r, size) === null && l.kind === Kind.Const) {
    const n = fc.stack.length;
    // Only entries that are not position-dependent may swap (Stack-kind lives in its slot).
    if (r.kind !== Kind.Stack) {
      fc.stack[n - 1] = l;
      fc.stack[n - 2] = r;
    }
  }
}

/**
 * An ALU op whose left operand reads a register-homed local $x waits for the next operator
 * (pending-op.ts): when that is `local.set $x` or `local.tee $x`, the pair is one
 * `op home, rhs` in place (i += 4, h ^= k) instead of copying $x out, operating and copying
 * it back; otherwise emitAluBinop runs then.
 */
export function aluBinop(fc: FunctionCompiler, op: AluOp, size: IntSize): void {
  if (isCommutative(op)) preferConstRight(fc, size);
  const lhs = fc.peek(1);
  if (lhs.kind === Kind.Local && fc.homeOf(lhs.local) >= 0) {
    setPending(fc, PendingKind.AluOnHomedLocal, size, 0, 0, op, lhs.local);
    return;
  }
  emitAluBinop(fc, op, size);
}

/** `lhs op= rhs` into a register the result then occupies. */
export function emitAluBinop(fc: FunctionCompiler, op: AluOp, size: IntSize): void {
  const rhs = popRhs(fc, size, MemOperand.Allowed);
  const a = fc.asm;
  if (op === AluOp.Add && rhs.kind !== RhsKind.Mem && homeOfVal(fc, fc.peek()) >= 0) {
    addToHome(fc, size, homeOfVal(fc, fc.pop()) as Gpr, rhs);
    return;
  }
  const lhs = fc.popToReg(pinOf(rhs)) as Gpr;
  if (rhs.kind === RhsKind.Imm) a.alu_ri(op, size, lhs, rhs.imm);
  else if (rhs.kind === RhsKind.Mem) a.alu_rm(op, size, lhs, rhs.mem!);
  else a.alu_rr(op, size, lhs, regOfRhs(rhs)!);
  freeRhs(fc, rhs);
  pushReg(fc, size, lhs);
}

/**
 * home + rhs, $x's home read only (addresses: `local.get $p; i32.const 16; i32.add`): lea
 * computes it in the result register (the 32-bit form wraps like i32.add; homes hold
 * zero-extended i32s), instead of copying the home and adding. An rhs already in a temporary
 * just has the home added to it.
 */
function addToHome(fc: FunctionCompiler, size: IntSize, home: Gpr, rhs: Rhs): void {
  const a = fc.asm;
  if (rhs.kind === RhsKind.Reg) {
    a.alu_rr(AluOp.Add, size, rhs.reg, home);
    pushReg(fc, size, rhs.reg);
    return;
  }
  const dst = fc.allocGpr();
  if (rhs.kind === RhsKind.Imm) a.lea(size, dst, { base: home, disp: rhs.imm });
  else a.lea(size, dst, { base: home, index: regOfRhs(rhs)!, scale: 1, disp: 0 });
  pushReg(fc, size, dst);
}

/**
 * The stack holds (local.get $x) rhs, $x homed in a register, and the operator being compiled
 * writes the result to $x: one `op home, rhs`. Pops both.
 */
export function aluInPlace(fc: FunctionCompiler, op: AluOp, size: IntSize, local: number): void {
  const home = fc.homeOf(local);
  if (home < 0) throw new Error(`BUG: in-place update of local ${local}, which has no register home`);
  const rhs = popRhs(fc, size, MemOperand.Allowed);
  fc.pop();
  // Reads of $x still pending on the stack take its old value first.
  fc.materializeLocal(local);
  const a = fc.asm;
  if (rhs.kind === RhsKind.Imm) a.alu_ri(op, size, home as Gpr, rhs.imm);
  else if (rhs.kind === RhsKind.Mem) a.alu_rm(op, size, home as Gpr, rhs.mem!);
  else a.alu_rr(op, size, home as Gpr, regOfRhs(rhs)!);
  freeRhs(fc, rhs);
}

/**
 * The stack holds (local.get $x) rhs, $x homed, and the operator being compiled writes the
 * result to another homed local $y: computed into $y's home (`lea y, [x + rhs]` for an add,
 * `mov y, x; op y, rhs` otherwise) instead of into a temporary that is then copied. Pops both.
 */
export function aluIntoHome(fc: FunctionCompiler, op: AluOp, size: IntSize, target: number): void {
  const dst = fc.homeOf(target) as Gpr;
  const rhs = popRhs(fc, size, MemOperand.Allowed);
  const lhs = fc.homeOf(fc.pop().local) as Gpr;
  // Reads of $y still pending on the stack take its old value first.
  fc.materializeLocal(target);
  const a = fc.asm;
  if (op === AluOp.Add && rhs.kind === RhsKind.Imm) {
    a.lea(size, dst, { base: lhs, disp: rhs.imm });
  } else if (op === AluOp.Add && regOfRhs(rhs) !== null) {
    a.lea(size, dst, { base: lhs, index: regOfRhs(rhs)!, scale: 1, disp: 0 });
  } else if (regOfRhs(rhs) !== dst) {
    // (A frame-slot rhs is another local's slot or a spill slot, never $y's home.)
    a.mov_rr(size, dst, lhs);
    if (rhs.kind === RhsKind.Imm) a.alu_ri(op, size, dst, rhs.imm);
    else if (rhs.kind === RhsKind.Mem) a.alu_rm(op, size, dst, rhs.mem!);
    else a.alu_rr(op, size, dst, regOfRhs(rhs)!);
  } else {
    // y = x op y: y is read after the first write would clobber it; go through a temporary.
    const t = fc.allocGpr(pinOf(rhs));
    a.mov_rr(size, t, lhs);
    a.alu_rr(op, size, t, dst);
    a.mov_rr(size, dst, t);
    fc.ra.free(RegClass.Gpr, t);
  }
  freeRhs(fc, rhs);
}

export function mul(fc: FunctionCompiler, size: IntSize): void {
  preferConstRight(fc, size);
  const rhs = popRhs(fc, size, MemOperand.Never);
  if (rhs.kind === RhsKind.Imm) {
    const src = fc.popToReg() as Gpr;
    fc.asm.imul_rri(size, src, src, rhs.imm);
    pushReg(fc, size, src);
    return;
  }
  const r = regOfRhs(rhs)!;
  const lhs = fc.popToReg(1 << r) as Gpr;
  fc.asm.imul_rr(size, lhs, r);
  freeRhs(fc, rhs);
  pushReg(fc, size, lhs);
}

/**
 * A compare waits for the next operator (pending-op.ts): br_if, if and select branch or move
 * on its flags; anything else gets compare()'s 0/1 first.
 */
export function visitCompare(fc: FunctionCompiler, cond: Cond, size: IntSize): void {
  setPending(fc, PendingKind.IntCompare, size, cond, 0, 0, 0);
}

/** iNN.eqz waits for the next operator like a compare (visitCompare). */
export function visitEqz(fc: FunctionCompiler, size: IntSize): void {
  setPending(fc, PendingKind.IntEqz, size, 0, 0, 0, 0);
}

/** Pop two operands and push `lhs cond rhs` (0 or 1) in a register. */
export function compare(fc: FunctionCompiler, cond: Cond, size: IntSize): void {
  emitCompareFlags(fc, size);
  const r = fc.allocGpr();
  fc.asm.setcc(cond, r);
  fc.asm.movzx_rr(8, r, r);
  fc.push(regVal(ValType.I32, r));
}

/** Pop two operands and set the flags as `cmp lhs, rhs`. */
export function emitCompareFlags(fc: FunctionCompiler, size: IntSize): void {
  const rhs = popRhs(fc, size, MemOperand.Allowed);
  const lhsVal = fc.peek();
  const lhsMem = fc.memOf(lhsVal, fc.stack.length - 1);
  const a = fc.asm;
  if (lhsMem && rhs.kind === RhsKind.Imm) {
    fc.pop();
    a.alu_mi(AluOp.Cmp, size, lhsMem, rhs.imm);
    return;
  }
  // A compare only reads its left operand: a local's register home serves as it is.
  const lhsHome = homeOfVal(fc, lhsVal);
  if (lhsHome >= 0) fc.pop();
  const lhs = lhsHome >= 0 ? (lhsHome as Gpr) : (fc.popToReg(pinOf(rhs)) as Gpr);
  if (rhs.kind === RhsKind.Imm) a.alu_ri(AluOp.Cmp, size, lhs, rhs.imm);
  else if (rhs.kind === RhsKind.Mem) a.alu_rm(AluOp.Cmp, size, lhs, rhs.mem!);
  else a.alu_rr(AluOp.Cmp, size, lhs, regOfRhs(rhs)!);
  freeRhs(fc, rhs);
  if (lhsHome < 0) fc.ra.free(RegClass.Gpr, lhs);
}

/** Pop one operand and set ZF as `test x, x`. */
export function emitEqzFlags(fc: FunctionCompiler, size: IntSize): void {
  const v = fc.peek();
  const m = fc.memOf(v, fc.stack.length - 1);
  if (m) {
    fc.pop();
    fc.asm.alu_mi(AluOp.Cmp, size, m, 0);
    return;
  }
  const home = homeOfVal(fc, v);
  if (home >= 0) {
    fc.pop();
    fc.asm.test_rr(size, home as Gpr, home as Gpr);
    return;
  }
  const r = fc.popToReg() as Gpr;
  fc.asm.test_rr(size, r, r);
  fc.ra.free(RegClass.Gpr, r);
}

export function eqz(fc: FunctionCompiler, size: IntSize): void {
  emitEqzFlags(fc, size);
  const r = fc.allocGpr();
  fc.asm.setcc(Cond.E, r);
  fc.asm.movzx_rr(8, r, r);
  fc.push(regVal(ValType.I32, r));
}

export function shift(fc: FunctionCompiler, op: ShiftOp, size: IntSize): void {
  const count = fc.peek();
  if (count.kind === Kind.Const) {
    fc.pop();
    const n = Number(BigInt.asUintN(6, BigInt(count.value)));
    const lhs = fc.popToReg() as Gpr;
    const masked = n & (size - 1);
    if (masked !== 0) fc.asm.shift_ri(op, size, lhs, masked);
    pushReg(fc, size, lhs);
    return;
  }
  pushReg(fc, size, shiftByCount(fc, op, size));
}

export { DivKind };

/** Division and remainder, with their traps (the masm's div: it pins rdx:rax). */
export function divRem(fc: FunctionCompiler, kind: DivKind, size: IntSize): void {
  pushReg(fc, size, div(fc, kind, size));
}

export const enum BitCount { Clz, Ctz, Popcnt }

export function bitCount(fc: FunctionCompiler, kind: BitCount, size: IntSize): void {
  const r = fc.popToReg() as Gpr;
  const a = fc.asm;
  if (kind === BitCount.Clz) a.lzcnt_rr(size, r, r);
  else if (kind === BitCount.Ctz) a.tzcnt_rr(size, r, r);
  else a.popcnt_rr(size, r, r);
  pushReg(fc, size, r);
}

export function wrapI64(fc: FunctionCompiler): void {
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    fc.pop();
    fc.push(constVal(ValType.I32, Number(BigInt.asIntN(32, v.value as bigint))));
    return;
  }
  const r = fc.popToReg() as Gpr;
  fc.asm.mov_rr(32, r, r);
  fc.push(regVal(ValType.I32, r));
}

export function extendI32(fc: FunctionCompiler, signed: 'signed' | 'unsigned'): void {
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    fc.pop();
    const n = v.value as number;
    fc.push(constVal(ValType.I64, signed === 'signed' ? BigInt(n | 0) : BigInt(n >>> 0)));
    return;
  }
  const r = fc.popToReg() as Gpr;
  if (signed === 'signed') fc.asm.movsx_rr(64, 32, r, r);
  else fc.asm.mov_rr(32, r, r);
  fc.push(regVal(ValType.I64, r));
}

export function signExtend(fc: FunctionCompiler, size: IntSize, from: 8 | 16 | 32): void {
  const r = fc.popToReg() as Gpr;
  fc.asm.movsx_rr(size, from, r, r);
  pushReg(fc, size, r);
}
