// Linear-memory loads and stores of every width, memory.size and memory.grow.
// Addressing and bounds checks are heap-address.ts's job; this file picks the instruction.
// Alignment hints are ignored: x86 allows unaligned scalar accesses.
import type { Assembler, Mem, MemSize } from '../../x64/assembler.js';
import { readMemargOffset } from '../../wasm/memarg.js';
import { isMemory64, otherMemoryGrow, otherMemorySize } from './memory-other.js';
import { ShiftOp } from '../../x64/assembler.js';
import type { Gpr, Xmm } from '../masm/registers.js';
import { vmctxMem } from '../masm/macro-assembler.js';
import { Builtin, Vmctx } from '../../abi.js';
import { Op } from '../../wasm/opcodes.js';
import { MEM_ACCESS } from '../../validate/signatures.js';
import { ValType } from '../../wasm/types.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { Kind, regVal, type Val } from '../value.js';
import { RegClass, regClassOf } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { callBuiltin } from './calls.js';
import { addressIsLocalHome, heapOperandDone, ownedHeapIndex, popHeapOperand, releaseHeapIndex } from './heap-address.js';

const WASM_PAGE_SHIFT = 16;

// Per opcode, indexed by op - I32Load (0x28 ..= 0x3e): the value type and the access width
// in bytes, from the operator table (validate/signatures.ts MEM_ACCESS, the one copy), as
// flat arrays: this is one of the hottest families. Which instruction a load is: emitLoadInsn.
const FIRST = Op.I32Load;
const ACCESSES = MEM_ACCESS.slice(FIRST, Op.I64Store32 + 1).map((a) => a!);
const ACCESS_TYPE: readonly ValType[] = ACCESSES.map((a) => a.type);
const ACCESS_BYTES: readonly number[] = ACCESSES.map((a) => a.bytes);

/**
 * Load [m] into dst (a Gpr or an Xmm by the op's type), extending as the operator says. The
 * 32-bit destination forms (mov r32, movzx r32) zero-extend to 64 bits, which is both the
 * i32 register invariant and the zero-extension of i64.load*_u.
 */
function emitLoadInsn(a: Assembler, op: number, d: number, m: Mem): void {
  switch (op) {
    case Op.I32Load: a.mov_rm(32, d as Gpr, m); return;
    case Op.I64Load: a.mov_rm(64, d as Gpr, m); return;
    case Op.F32Load: a.movs_rm(32, d as Xmm, m); return;
    case Op.F64Load: a.movs_rm(64, d as Xmm, m); return;
    case Op.I32Load8S: a.movsx_rm(32, 8, d as Gpr, m); return;
    case Op.I32Load8U: a.movzx_rm(8, d as Gpr, m); return;
    case Op.I32Load16S: a.movsx_rm(32, 16, d as Gpr, m); return;
    case Op.I32Load16U: a.movzx_rm(16, d as Gpr, m); return;
    case Op.I64Load8S: a.movsx_rm(64, 8, d as Gpr, m); return;
    case Op.I64Load8U: a.movzx_rm(8, d as Gpr, m); return;
    case Op.I64Load16S: a.movsx_rm(64, 16, d as Gpr, m); return;
    case Op.I64Load16U: a.movzx_rm(16, d as Gpr, m); return;
    case Op.I64Load32S: a.movsx_rm(64, 32, d as Gpr, m); return;
    case Op.I64Load32U: a.mov_rm(32, d as Gpr, m); return;
  }
  throw new Error(`BUG: 0x${op.toString(16)} is not a load`);
}

/** The op family for 0x28..0x40 (dispatched by lower/op-handlers.ts). */
export function memoryFamily(fc: FunctionCompiler, r: BinaryReader, op: number): void {
  const access = MEM_ACCESS[op];
  if (access !== undefined) {
    // The alignment hint is ignored; the memory index is left for popHeapOperand.
    const offset = readMemargOffset(r);
    if (access.store) emitStore(fc, op, offset);
    else emitLoad(fc, op, offset);
    return;
  }
  if (op === Op.MemorySize) {
    const memory = r.readVarU32();
    if (memory !== 0 || isMemory64(fc, 0)) otherMemorySize(fc, memory);
    else memorySize(fc);
    return;
  }
  if (op === Op.MemoryGrow) {
    const memory = r.readVarU32();
    if (memory !== 0 || isMemory64(fc, 0)) otherMemoryGrow(fc, memory);
    else callBuiltin(fc, Builtin.MemoryGrow, I32_ARG, ValType.I32);
    return;
  }
  throw new Error(`BUG: 0x${op.toString(16)} is not a memory operator`);
}

const I32_ARG: ValType[] = [ValType.I32];

function emitLoad(fc: FunctionCompiler, op: number, offset: number): void {
  const type = ACCESS_TYPE[op - FIRST]!;
  const bytes = ACCESS_BYTES[op - FIRST]!;
  if (regClassOf(type) === RegClass.Xmm) {
    // Allocated first: the heap operand is only valid until the next use of the scratch register.
    const dst = fc.allocXmm();
    const mem = popHeapOperand(fc, offset, bytes);
    emitLoadInsn(fc.asm, op, dst, mem);
    releaseHeapIndex(fc, mem);
    fc.push(regVal(type, dst));
    return;
  }
  // An integer load reuses the address register for its result; a constant address, or a
  // local's register home, is none of ours, so then the destination is allocated before the
  // operand is formed.
  const dst = fc.peek().kind === Kind.Const || addressIsLocalHome(fc, offset) ? fc.allocGpr() : -1;
  const mem = popHeapOperand(fc, offset, bytes);
  const to = dst >= 0 ? dst : ownedHeapIndex(mem);
  if (to < 0) throw new Error('BUG: integer load without a destination register');
  emitLoadInsn(fc.asm, op, to, mem);
  heapOperandDone(fc);
  fc.push(regVal(type, to));
}

const SIMM32_MIN_N = -0x80000000n;
const SIMM32_MAX_N = 0x7fffffffn;

/**
 * The store's value is either an immediate (when the constant fits the instruction) or a
 * register: Gpr for integers and wide constants, Xmm for floats.
 */
function emitStore(fc: FunctionCompiler, op: number, offset: number): void {
  const type = ACCESS_TYPE[op - FIRST]!;
  const bytes = ACCESS_BYTES[op - FIRST]!;
  const bits = (bytes * 8) as MemSize;
  const a = fc.asm;
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    fc.pop();
    const imm = storeImmediate(v, bytes);
    if (imm !== null) {
      const mem = popHeapOperand(fc, offset, bytes);
      a.mov_mi(bits, mem, imm);
      releaseHeapIndex(fc, mem);
      return;
    }
    // A 64-bit constant beyond simm32: through a Gpr, whatever its wasm type (floats too).
    const gpr = fc.allocGpr();
    a.mov_ri(64, gpr, BigInt.asUintN(64, BigInt(v.value)));
    storeFromGpr(fc, bits, offset, bytes, gpr);
    return;
  }
  const reg = fc.popToReg();
  if (regClassOf(type) === RegClass.Xmm) {
    const mem = popHeapOperand(fc, offset, bytes);
    a.movs_mr(bytes === 4 ? 32 : 64, mem, reg as Xmm);
    fc.ra.free(RegClass.Xmm, reg);
    releaseHeapIndex(fc, mem);
    return;
  }
  storeFromGpr(fc, bits, offset, bytes, reg as Gpr);
}

function storeFromGpr(fc: FunctionCompiler, bits: MemSize, offset: number, bytes: number, src: Gpr): void {
  const mem = popHeapOperand(fc, offset, bytes, 1 << src);
  fc.asm.mov_mr(bits, mem, src);
  fc.ra.free(RegClass.Gpr, src);
  releaseHeapIndex(fc, mem);
}

/**
 * The immediate a constant store takes, or null when it does not fit one: for 1- and 2-byte
 * stores the low bytes as an unsigned number, for 4-byte stores the low 32 bits as an int32
 * (mov_mi accepts either reading), for 8-byte stores the signed 64-bit value when it fits
 * simm32. Constants are numbers (i32, f32 bits) or bigints
 * (i64, f64 bits, references).
 */
function storeImmediate(v: Val, bytes: number): number | null {
  const value = v.value;
  // mov m32, imm32 takes either reading of the 32 bits: the signed one stays a small integer
  // (the unsigned one of a negative constant is a heap number, an allocation per store).
  if (typeof value === 'number') {
    if (bytes === 4) return value | 0;
    if (bytes === 2) return value & 0xffff;
    if (bytes === 1) return value & 0xff;
    // 8 bytes of a number constant (an i64 small enough to be kept as a number).
    return value >= -0x80000000 && value <= 0x7fffffff ? value : null;
  }
  // A bigint already in simm32 range (most i64 constants): its low bytes without a BigInt.
  if (value >= SIMM32_MIN_N && value <= SIMM32_MAX_N) {
    const n = Number(value) | 0;
    return bytes === 2 ? n & 0xffff : bytes === 1 ? n & 0xff : n;
  }
  if (bytes === 8) {
    const b = BigInt.asIntN(64, value);
    return b >= SIMM32_MIN_N && b <= SIMM32_MAX_N ? Number(b) : null;
  }
  return Number(BigInt.asUintN(bytes * 8, value));
}

/** memory.size: the byte length in the vmctx, in 64 KiB pages. */
function memorySize(fc: FunctionCompiler): void {
  const r = fc.allocGpr();
  fc.asm.mov_rm(64, r, vmctxMem(Vmctx.MemSize));
  fc.asm.shift_ri(ShiftOp.Shr, 64, r, WASM_PAGE_SHIFT);
  fc.push(regVal(ValType.I32, r));
}
