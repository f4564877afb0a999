// The lowering dispatch: one handler per operator, built from the operator table's rows
// (wasm/operators.ts) when this module loads, in arrays indexed by opcode and, behind each
// prefix byte, by sub-opcode. The compiler makes one array lookup per operator; nothing is
// asked in turn. A handler reads its operator's immediates (the opcode, and a prefix's
// sub-opcode, are already read), emits code, and returns true only at the function's final
// `end`.
//
// The integer handlers are built per row from the row itself: the operand size from its
// operand type, the operation (the ALU op, the condition, …) from its mnemonic.
import { AluOp, ShiftOp, type IntSize } from '../x64/assembler.js';
import { Cond } from '../x64/cond.js';
import { CompileError, UnsupportedFeatureError } from '../errors.js';
import { Lowering, OPERATORS, OP_ROWS, Op, opName, type Operator } from '../wasm/opcodes.js';
import { ValType } from '../wasm/types.js';
import { blockSignature } from '../wasm/module.js';
import type { BinaryReader } from '../wasm/reader.js';
import { constI32, constI64Small, constI64Cached, constVal, type Val } from './value.js';
import type { FunctionCompiler } from './function-compiler.js';
import * as ctl from './ops/control.js';
import * as eh from './ops/exceptions.js';
import * as int from './ops/int-numeric.js';
import { localGet, localSet, localTee } from './ops/variables.js';
import { visitCall } from './ops/calls.js';
import { callIndirectFamily } from './ops/call-indirect.js';
import { visitReturnCall, visitReturnCallIndirect, visitReturnCallRef } from './ops/tail-calls.js';
import { visitBrOnNonNull, visitBrOnNull, visitCallRef, visitRefAsNonNull } from './ops/typed-refs.js';
import { memoryFamily } from './ops/memory.js';
import { bulkMemoryFamily } from './ops/bulk-memory.js';
import { globalsFamily } from './ops/globals.js';
import { tablesFamily, tablesFcFamily } from './ops/tables.js';
import { refsFamily } from './ops/refs.js';
import { floatFamily } from './ops/float.js';
import { conversionFamily, truncSatFamily } from './ops/conversions.js';
import { simdHandler } from './ops/simd-handlers.js';
import { atomicLowering } from './ops/atomics.js';

/** Lowers one operator (its opcode already read); returns true at the function's final `end`. */
export type OpHandler = (fc: FunctionCompiler, r: BinaryReader) => boolean;

/** An operator without a handler: the validator admits none, so only unvalidated input gets here. */
export function unsupportedOperator(fc: FunctionCompiler): CompileError {
  const at = fc.opOffset;
  const op = fc.module.bytes[at]!;
  return new CompileError(
    `unsupported opcode 0x${op.toString(16).padStart(2, '0')} (${opName(fc.module.bytes, at)}) in function ${fc.funcIndex} at offset 0x${at.toString(16)}`,
    at,
    fc.funcIndex,
  );
}

function simdNotSupported(fc: FunctionCompiler): CompileError {
  const at = fc.opOffset;
  return new UnsupportedFeatureError('SIMD', `SIMD not supported (${opName(fc.module.bytes, at)}) in function ${fc.funcIndex} at offset 0x${at.toString(16)}`, at, fc.funcIndex, null);
}

function buildHandlers(): (OpHandler | undefined)[] {
  const handlers: (OpHandler | undefined)[] = new Array<OpHandler | undefined>(256).fill(undefined);
  const prefixed = new Map<number, (OpHandler | undefined)[]>();
  for (const o of OPERATORS) {
    if (o.prefix === 0) {
      handlers[o.code] = handlerFor(o);
      continue;
    }
    let space = prefixed.get(o.prefix);
    if (space === undefined) prefixed.set(o.prefix, (space = []));
    space[o.code] = handlerFor(o);
  }
  for (const [prefix, space] of prefixed) handlers[prefix] = prefixHandler(space);
  return handlers;
}

function prefixHandler(space: readonly (OpHandler | undefined)[]): OpHandler {
  return (fc, r) => {
    const sub = r.readVarU32();
    const h = space[sub];
    if (h === undefined) throw unsupportedOperator(fc);
    return h(fc, r);
  };
}

/** The handler of one row, by its lowering family. */
export function handlerFor(o: Operator): OpHandler {
  const code = o.code;
  switch (o.lowering) {
    case Lowering.Control: return controlHandler(o);
    case Lowering.Simd: {
      const h = simdHandler(o.name);
      // Validated but not lowered (relaxed SIMD not yet): the function is refused.
      if (h === undefined) return (fc) => { throw simdNotSupported(fc); };
      return (fc, r) => (h(fc, r), false);
    }
    case Lowering.Atomic: {
      const h = atomicLowering(o);
      return (fc, r) => (h(fc, r), false);
    }
    case Lowering.Nop: return () => false;
    case Lowering.Call: return (fc, r) => (visitCall(fc, r.readVarU32()), false);
    case Lowering.CallIndirect:
      if (code === Op.CallRef) return (fc, r) => (visitCallRef(fc, r.readVarU32()), false);
      return (fc, r) => (callIndirectFamily(fc, r), false);
    case Lowering.Parametric: return parametricHandler(o);
    case Lowering.Variable: return variableHandler(o);
    case Lowering.Global: return (fc, r) => (globalsFamily(fc, r, code), false);
    case Lowering.Table:
      if (o.prefix === 0) return (fc, r) => (tablesFamily(fc, r, code), false);
      return (fc, r) => (tablesFcFamily(fc, r, code), false);
    case Lowering.Memory: return (fc, r) => (memoryFamily(fc, r, code), false);
    case Lowering.BulkMemory: return (fc, r) => (bulkMemoryFamily(fc, r, code), false);
    case Lowering.Const: return constHandler(o);
    case Lowering.Ref:
      if (code === Op.RefAsNonNull) return (fc) => (visitRefAsNonNull(fc), false);
      return (fc, r) => (refsFamily(fc, r, code), false);
    case Lowering.IntEqz: {
      const size = intSize(o);
      return (fc) => (int.visitEqz(fc, size), false);
    }
    case Lowering.IntCompare: {
      const cond = pick(o, INT_COND);
      const size = intSize(o);
      return (fc) => (int.visitCompare(fc, cond, size), false);
    }
    case Lowering.IntAlu: {
      const alu = pick(o, INT_ALU);
      const size = intSize(o);
      return (fc) => (int.aluBinop(fc, alu, size), false);
    }
    case Lowering.IntMul: {
      const size = intSize(o);
      return (fc) => (int.mul(fc, size), false);
    }
    case Lowering.IntShift: {
      const sh = pick(o, INT_SHIFT);
      const size = intSize(o);
      return (fc) => (int.shift(fc, sh, size), false);
    }
    case Lowering.IntDiv: {
      const kind = pick(o, INT_DIV);
      const size = intSize(o);
      return (fc) => (int.divRem(fc, kind, size), false);
    }
    case Lowering.IntBitCount: {
      const kind = pick(o, INT_BITCOUNT);
      const size = intSize(o);
      return (fc) => (int.bitCount(fc, kind, size), false);
    }
    case Lowering.IntExtend: return intExtendHandler(o);
    case Lowering.Float: return (fc, r) => (floatFamily(fc, code, r), false);
    case Lowering.FloatConvert:
      if (o.prefix === 0) return (fc) => (conversionFamily(fc, code), false);
      return (fc) => (truncSatFamily(fc, code), false);
  }
}

function controlHandler(o: Operator): OpHandler {
  switch (o.name) {
    case 'unreachable': return (fc) => (ctl.visitUnreachable(fc), false);
    case 'block': return (fc, r) => (ctl.visitBlock(fc, blockSignature(fc.module, r.readBlockType())), false);
    case 'loop': return (fc, r) => (ctl.visitLoop(fc, blockSignature(fc.module, r.readBlockType())), false);
    case 'if': return (fc, r) => (ctl.visitIf(fc, blockSignature(fc.module, r.readBlockType())), false);
    case 'else': return (fc) => (ctl.visitElse(fc), false);
    case 'end': return (fc) => ctl.visitEnd(fc);
    case 'br': return (fc, r) => (ctl.visitBr(fc, r.readVarU32()), false);
    case 'br_if': return (fc, r) => (ctl.visitBrIf(fc, r.readVarU32()), false);
    case 'br_table': return (fc, r) => {
      const n = r.readVarU32();
      const depths: number[] = [];
      for (let i = 0; i < n; i++) depths.push(r.readVarU32());
      ctl.visitBrTable(fc, depths, r.readVarU32());
      return false;
    };
    case 'return': return (fc) => (ctl.visitReturn(fc), false);
    case 'try_table': return (fc, r) => (eh.visitTryTable(fc, r), false);
    case 'try': return (fc, r) => (eh.visitTry(fc, blockSignature(fc.module, r.readBlockType())), false);
    case 'catch': return (fc, r) => (eh.visitCatch(fc, r.readVarU32()), false);
    case 'catch_all': return (fc) => (eh.visitCatch(fc, -1), false);
    case 'delegate': return (fc, r) => (r.readVarU32(), eh.visitDelegate(fc), false);
    case 'throw': return (fc, r) => (eh.visitThrow(fc, r.readVarU32()), false);
    case 'throw_ref': return (fc) => (eh.visitThrowRef(fc), false);
    case 'rethrow': return (fc, r) => (eh.visitRethrow(fc, r.readVarU32()), false);
    case 'return_call': return (fc, r) => (visitReturnCall(fc, r.readVarU32()), false);
    case 'return_call_ref': return (fc, r) => (visitReturnCallRef(fc, r.readVarU32()), false);
    case 'br_on_null': return (fc, r) => (visitBrOnNull(fc, r.readVarU32()), false);
    case 'br_on_non_null': return (fc, r) => (visitBrOnNonNull(fc, r.readVarU32()), false);
    case 'return_call_indirect': return (fc, r) => {
      const typeIndex = r.readVarU32();
      visitReturnCallIndirect(fc, typeIndex, r.readVarU32());
      return false;
    };
  }
  throw new Error(`BUG: no control lowering for ${o.name}`);
}

function parametricHandler(o: Operator): OpHandler {
  if (o.name === 'drop') return (fc) => (ctl.visitDrop(fc), false);
  if (o.name !== 'select') throw new Error(`BUG: no parametric lowering for ${o.name}`);
  if (o.code === Op.Select) return (fc) => (ctl.visitSelect(fc), false);
  // Typed select: the validator checked the annotation (one type); the operands carry
  // their types, so it is plain select.
  return (fc, r) => {
    const n = r.readVarU32();
    for (let i = 0; i < n; i++) r.readValType();
    ctl.visitSelect(fc);
    return false;
  };
}

function variableHandler(o: Operator): OpHandler {
  switch (o.name) {
    case 'local.get': return (fc, r) => (localGet(fc, r.readVarU32()), false);
    case 'local.set': return (fc, r) => (localSet(fc, r.readVarU32()), false);
    case 'local.tee': return (fc, r) => (localTee(fc, r.readVarU32()), false);
  }
  throw new Error(`BUG: no variable lowering for ${o.name}`);
}

function constHandler(o: Operator): OpHandler {
  switch (o.results![0]) {
    case ValType.I32: return (fc, r) => (fc.push(constI32(r.readVarS32())), false);
    case ValType.I64: return (fc, r) => (fc.push(readI64Const(r)), false);
    case ValType.F32: return (fc, r) => (fc.push(constVal(ValType.F32, r.readF32Bits())), false);
    case ValType.F64: return (fc, r) => (fc.push(constVal(ValType.F64, r.readF64Bits())), false);
  }
  throw new Error(`BUG: no constant lowering for ${o.name}`);
}

/**
 * An i64.const's immediate as a value-stack entry: the one- and two-byte encodings (most
 * constants) decoded here into shared entries, without a BigInt each; those of up to seven
 * bytes (49 bits, exact as a double) through the cache of constI64Cached; longer ones by
 * readVarS64.
 */
function readI64Const(r: BinaryReader): Val {
  const b = r.bytes;
  const p = r.pos;
  if (p < r.end) {
    const x = b[p]!;
    if (x < 0x80) {
      r.pos = p + 1;
      return constI64Small(x & 0x40 ? x - 0x80 : x);
    }
    if (p + 1 < r.end) {
      const y = b[p + 1]!;
      if (y < 0x80) {
        r.pos = p + 2;
        const v = (x & 0x7f) | (y << 7);
        return constI64Small(v & 0x2000 ? v - 0x4000 : v);
      }
    }
    const end = Math.min(r.end, p + 7);
    let small = 0;
    let scale = 1;
    for (let q = p; q < end;) {
      const z = b[q++]!;
      small += (z & 0x7f) * scale;
      scale *= 128;
      if (z < 0x80) {
        r.pos = q;
        // Sign-extend from the last byte's bit 6.
        return constI64Cached(z & 0x40 ? small - scale : small);
      }
    }
  }
  return constVal(ValType.I64, r.readVarS64());
}

function intExtendHandler(o: Operator): OpHandler {
  switch (verb(o)) {
    case 'wrap_i64': return (fc) => (int.wrapI64(fc), false);
    case 'extend_i32_s': return (fc) => (int.extendI32(fc, 'signed'), false);
    case 'extend_i32_u': return (fc) => (int.extendI32(fc, 'unsigned'), false);
  }
  // iNN.extendM_s: sign-extend the low M bits in place.
  const from = Number(/^extend(8|16|32)_s$/.exec(verb(o))?.[1]);
  if (from !== 8 && from !== 16 && from !== 32) throw new Error(`BUG: no extension lowering for ${o.name}`);
  const size = intSize(o);
  return (fc) => (int.signExtend(fc, size, from), false);
}

/** The mnemonic after the type: `lt_s` of `i32.lt_s`. */
function verb(o: Operator): string {
  return o.name.slice(o.name.indexOf('.') + 1);
}

/** The operand size of an integer operator, from its (first) operand's type. */
function intSize(o: Operator): IntSize {
  const t = o.params?.[0];
  if (t === ValType.I32) return 32;
  if (t === ValType.I64) return 64;
  throw new Error(`BUG: ${o.name} has no integer operand`);
}

function pick<T>(o: Operator, byVerb: Readonly<Record<string, T>>): T {
  const v = byVerb[verb(o)];
  if (v === undefined) throw new Error(`BUG: no lowering for ${o.name} in its family`);
  return v;
}

const INT_COND: Readonly<Record<string, Cond>> = {
  eq: Cond.E, ne: Cond.NE, lt_s: Cond.L, lt_u: Cond.B, gt_s: Cond.G, gt_u: Cond.A,
  le_s: Cond.LE, le_u: Cond.BE, ge_s: Cond.GE, ge_u: Cond.AE,
};
const INT_ALU: Readonly<Record<string, AluOp>> = {
  add: AluOp.Add, sub: AluOp.Sub, and: AluOp.And, or: AluOp.Or, xor: AluOp.Xor,
};
const INT_SHIFT: Readonly<Record<string, ShiftOp>> = {
  shl: ShiftOp.Shl, shr_s: ShiftOp.Sar, shr_u: ShiftOp.Shr, rotl: ShiftOp.Rol, rotr: ShiftOp.Ror,
};
const INT_DIV: Readonly<Record<string, int.DivKind>> = {
  div_s: int.DivKind.DivS, div_u: int.DivKind.DivU, rem_s: int.DivKind.RemS, rem_u: int.DivKind.RemU,
};
const INT_BITCOUNT: Readonly<Record<string, int.BitCount>> = {
  clz: int.BitCount.Clz, ctz: int.BitCount.Ctz, popcnt: int.BitCount.Popcnt,
};

// Built last: the handlers read the tables above.
/** The handler of every one-byte opcode and prefix byte; undefined for the others. */
export const OP_HANDLERS: readonly (OpHandler | undefined)[] = buildHandlers();

/**
 * 1 for the operators lowered even in unreachable code (the structured control operators,
 * which track reachability themselves); the others are skipped there.
 */
export const RUNS_WHEN_DEAD: Uint8Array = Uint8Array.from(OP_ROWS, (o) => (o?.lowering === Lowering.Control ? 1 : 0));
