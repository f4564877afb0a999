// The single pass over one function body: decode an operator, hand it to its family.
import { AluOp, ShiftOp, type IntSize } from '../x64/assembler.js';
import { Cond } from '../x64/cond.js';
import { CompileError, formatLocation } from '../errors.js';
import { BinaryReader } from '../wasm/reader.js';
import { Op } from '../wasm/opcodes.js';
import { ValType } from '../wasm/types.js';
import { blockSignature } from '../wasm/index.js';
import { opName } from '../wasm/opcodes.js';
import { constVal } from './value.js';
import { CtrlKind } from './control.js';
import { FunctionCompiler } from './function-compiler.js';
import type { ModuleEnv } from './module-env.js';
import * as ctl from './ops/control.js';
import * as int from './ops/int-numeric.js';
import { localGet, localSet, localTee } from './ops/variables.js';
import { visitCall } from './ops/calls.js';
import { readImmediates } from '../wasm/body-scan.js';
import { OP_FAMILIES } from './ops/families.js';
import { countFuelOp, emitInterruptStubs } from './interrupt-checks.js';
import { consumesPending, settlePending } from './pending-op.js';

/** Handles one operator (its opcode already read); returns true at the function's final `end`. */
type OpHandler = (fc: FunctionCompiler, r: BinaryReader) => boolean;

/**
 * The integer core, by opcode: one dense array lookup per operator (object literals keyed by
 * opcode made every operator pay a chain of sparse-key lookups). Filled below.
 */
const CORE: (OpHandler | undefined)[] = new Array<OpHandler | undefined>(256).fill(undefined);

const I32_CMP: [number, Cond][] = [
  [Op.I32Eq, Cond.E], [Op.I32Ne, Cond.NE], [Op.I32LtS, Cond.L], [Op.I32LtU, Cond.B],
  [Op.I32GtS, Cond.G], [Op.I32GtU, Cond.A], [Op.I32LeS, Cond.LE], [Op.I32LeU, Cond.BE],
  [Op.I32GeS, Cond.GE], [Op.I32GeU, Cond.AE],
];
const I64_CMP: [number, Cond][] = [
  [Op.I64Eq, Cond.E], [Op.I64Ne, Cond.NE], [Op.I64LtS, Cond.L], [Op.I64LtU, Cond.B],
  [Op.I64GtS, Cond.G], [Op.I64GtU, Cond.A], [Op.I64LeS, Cond.LE], [Op.I64LeU, Cond.BE],
  [Op.I64GeS, Cond.GE], [Op.I64GeU, Cond.AE],
];
for (const [op, cond] of I32_CMP) CORE[op] = (fc) => (int.visitCompare(fc, cond, 32), false);
for (const [op, cond] of I64_CMP) CORE[op] = (fc) => (int.visitCompare(fc, cond, 64), false);

const ALU: [number, AluOp, IntSize][] = [
  [Op.I32Add, AluOp.Add, 32], [Op.I32Sub, AluOp.Sub, 32], [Op.I32And, AluOp.And, 32],
  [Op.I32Or, AluOp.Or, 32], [Op.I32Xor, AluOp.Xor, 32],
  [Op.I64Add, AluOp.Add, 64], [Op.I64Sub, AluOp.Sub, 64], [Op.I64And, AluOp.And, 64],
  [Op.I64Or, AluOp.Or, 64], [Op.I64Xor, AluOp.Xor, 64],
];
for (const [op, alu, size] of ALU) CORE[op] = (fc) => (int.aluBinop(fc, alu, size), false);

const SHIFT: [number, ShiftOp, IntSize][] = [
  [Op.I32Shl, ShiftOp.Shl, 32], [Op.I32ShrS, ShiftOp.Sar, 32], [Op.I32ShrU, ShiftOp.Shr, 32],
  [Op.I32Rotl, ShiftOp.Rol, 32], [Op.I32Rotr, ShiftOp.Ror, 32],
  [Op.I64Shl, ShiftOp.Shl, 64], [Op.I64ShrS, ShiftOp.Sar, 64], [Op.I64ShrU, ShiftOp.Shr, 64],
  [Op.I64Rotl, ShiftOp.Rol, 64], [Op.I64Rotr, ShiftOp.Ror, 64],
];
for (const [op, sh, size] of SHIFT) CORE[op] = (fc) => (int.shift(fc, sh, size), false);

const DIV: [number, int.DivKind, IntSize][] = [
  [Op.I32DivS, int.DivKind.DivS, 32], [Op.I32DivU, int.DivKind.DivU, 32],
  [Op.I32RemS, int.DivKind.RemS, 32], [Op.I32RemU, int.DivKind.RemU, 32],
  [Op.I64DivS, int.DivKind.DivS, 64], [Op.I64DivU, int.DivKind.DivU, 64],
  [Op.I64RemS, int.DivKind.RemS, 64], [Op.I64RemU, int.DivKind.RemU, 64],
];
for (const [op, kind, size] of DIV) CORE[op] = (fc) => (int.divRem(fc, kind, size), false);

const BITCOUNT: [number, int.BitCount, IntSize][] = [
  [Op.I32Clz, int.BitCount.Clz, 32], [Op.I32Ctz, int.BitCount.Ctz, 32], [Op.I32Popcnt, int.BitCount.Popcnt, 32],
  [Op.I64Clz, int.BitCount.Clz, 64], [Op.I64Ctz, int.BitCount.Ctz, 64], [Op.I64Popcnt, int.BitCount.Popcnt, 64],
];
for (const [op, kind, size] of BITCOUNT) CORE[op] = (fc) => (int.bitCount(fc, kind, size), false);

CORE[Op.Nop] = () => false;
CORE[Op.Call] = (fc, r) => (visitCall(fc, r.readVarU32()), false);
CORE[Op.LocalGet] = (fc, r) => (localGet(fc, r.readVarU32()), false);
CORE[Op.LocalSet] = (fc, r) => (localSet(fc, r.readVarU32()), false);
CORE[Op.LocalTee] = (fc, r) => (localTee(fc, r.readVarU32()), false);
CORE[Op.I32Const] = (fc, r) => (fc.push(constVal(ValType.I32, r.readVarS32())), false);
CORE[Op.I64Const] = (fc, r) => (fc.push(constVal(ValType.I64, r.readVarS64())), false);
CORE[Op.Drop] = (fc) => (ctl.visitDrop(fc), false);
CORE[Op.Select] = (fc) => (ctl.visitSelect(fc), false);
CORE[Op.I32Eqz] = (fc) => (int.visitEqz(fc, 32), false);
CORE[Op.I64Eqz] = (fc) => (int.visitEqz(fc, 64), false);
CORE[Op.I32WrapI64] = (fc) => (int.wrapI64(fc), false);
CORE[Op.I64ExtendI32S] = (fc) => (int.extendI32(fc, 'signed'), false);
CORE[Op.I64ExtendI32U] = (fc) => (int.extendI32(fc, 'unsigned'), false);
CORE[Op.I32Extend8S] = (fc) => (int.signExtend(fc, 32, 8), false);
CORE[Op.I32Extend16S] = (fc) => (int.signExtend(fc, 32, 16), false);
CORE[Op.I64Extend8S] = (fc) => (int.signExtend(fc, 64, 8), false);
CORE[Op.I64Extend16S] = (fc) => (int.signExtend(fc, 64, 16), false);
CORE[Op.I64Extend32S] = (fc) => (int.signExtend(fc, 64, 32), false);
CORE[Op.I32Mul] = (fc) => (int.mul(fc, 32), false);
CORE[Op.I64Mul] = (fc) => (int.mul(fc, 64), false);

export function compileFunction(env: ModuleEnv, funcIndex: number): void {
  const m = env.module;
  const body = m.codes[funcIndex - m.numImportedFuncs]!;
  const r = new BinaryReader(m.bytes, body.bodyStart, body.bodyEnd);
  const fc = new FunctionCompiler(env.asm, env, funcIndex);
  const a = env.asm;
  a.bind(env.funcLabels[funcIndex]!);
  a.comment(`func[${funcIndex}]`);
  // The prologue belongs to the function's start (a stack overflow reports it).
  env.offsetMap?.record(a.offset, fc.opOffset);
  fc.emitPrologue();
  fc.ctrl.push({
    kind: CtrlKind.Func, params: [], results: fc.sig.results, height: 0, label: a.newLabel(),
    elseLabel: null, dead: false, branchedTo: false, enteredReachable: true,
  });
  for (;;) {
    const at = r.pos;
    const op = r.readU8();
    try {
      // The previous operator's code may still wait for this one (pending-op.ts): unless
      // this one consumes it, it is emitted now, as the previous operator's code.
      if (fc.pending !== null && !consumesPending(fc.pending, op, r)) settlePending(fc);
      if (env.trace) a.comment(`@${at.toString(16)} ${opName(m.bytes, at)}`);
      env.opOffsets?.push(at, a.offset);
      // For trap backtraces: code from here on is this operator's, and so are its trap stubs.
      env.offsetMap?.record(a.offset, at);
      fc.opOffset = at;
      if (!fc.dead) countFuelOp(fc); // charged to the open run of code (consumeFuel only)
      if (compileOp(fc, r, op)) break;
    } catch (e) {
      throw withLocation(e, fc);
    }
  }
  emitInterruptStubs(fc); // epoch slow paths, fuel refunds (only with those options)
  fc.finish();
}

/** Returns true at the function's final `end`. */
function compileOp(fc: FunctionCompiler, r: BinaryReader, op: number): boolean {
  const m = fc.module;
  // Control operators track reachability themselves.
  switch (op) {
    case Op.Unreachable: ctl.visitUnreachable(fc); return false;
    case Op.Block: ctl.visitBlock(fc, blockSignature(m, r.readBlockType())); return false;
    case Op.Loop: ctl.visitLoop(fc, blockSignature(m, r.readBlockType())); return false;
    case Op.If: ctl.visitIf(fc, blockSignature(m, r.readBlockType())); return false;
    case Op.Else: ctl.visitElse(fc); return false;
    case Op.End: return ctl.visitEnd(fc);
    case Op.Br: ctl.visitBr(fc, r.readVarU32()); return false;
    case Op.BrIf: ctl.visitBrIf(fc, r.readVarU32()); return false;
    case Op.BrTable: {
      const n = r.readVarU32();
      const depths: number[] = [];
      for (let i = 0; i < n; i++) depths.push(r.readVarU32());
      ctl.visitBrTable(fc, depths, r.readVarU32());
      return false;
    }
    case Op.Return: ctl.visitReturn(fc); return false;
  }
  if (fc.dead) {
    readImmediates(r, op, r.pos - 1);
    return false;
  }
  const core = CORE[op];
  if (core !== undefined) return core(fc, r);
  // The other families (floats, memory, globals, tables, references, 0xFC ops).
  for (const family of OP_FAMILIES) if (family(fc, r, op)) return false;
  throw unsupported(fc, r, op);
}

/**
 * Bad input is a CompileError already. Anything else thrown here is the compiler's own fault
 * — a broken invariant ('BUG: …') or a plain exception — and stays an internal error, never
 * a CompileError: a BUG gets the operator it happened at appended, for the bug report.
 */
function withLocation(e: unknown, fc: FunctionCompiler): unknown {
  if (e instanceof CompileError || !(e instanceof Error) || !e.message.startsWith('BUG')) return e;
  const where = `${opName(fc.module.bytes, fc.opOffset)}${formatLocation(fc.opOffset, fc.funcIndex)}`;
  return new Error(`${e.message} (internal compiler error at ${where})`, { cause: e });
}

function unsupported(fc: FunctionCompiler, r: BinaryReader, op: number): CompileError {
  const at = r.pos - 1;
  return new CompileError(
    `unsupported opcode 0x${op.toString(16).padStart(2, '0')} (${opName(fc.module.bytes, at)}) in function ${fc.funcIndex} at offset 0x${at.toString(16)}`,
    at,
    fc.funcIndex,
  );
}


