// Linear-memory loads and stores of every width, memory.size and memory.grow.
// Addressing and bounds checks are heap-address.ts's job; this file picks the instruction.
// Alignment hints are ignored: x86 allows unaligned scalar accesses.
import type { Assembler, Mem, MemSize } from '../../x64/assembler.js';
import { ShiftOp } from '../../x64/assembler.js';
import { R14, type Gpr, type Xmm } from '../../x64/regs.js';
import { Builtin, Vmctx } from '../../abi.js';
import { Op } from '../../wasm/opcodes.js';
import { ValType } from '../../wasm/types.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { Kind, regVal, type Val } from '../value.js';
import { RegClass, regClassOf } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { callBuiltin } from './calls.js';
import { popHeapOperand } from './heap-address.js';

const WASM_PAGE_SHIFT = 16;

interface LoadKind {
  type: ValType;
  bytes: number;
  /** Load [m] into dst (a Gpr or an Xmm by `type`), extending as the operator says. */
  emit: (a: Assembler, dst: number, m: Mem) => void;
}

// The 32-bit destination forms (mov r32, movzx r32) zero-extend to 64 bits, which is both
// the i32 register invariant and the zero-extension of i64.load*_u.
const LOADS = new Map<number, LoadKind>([
  [Op.I32Load, { type: ValType.I32, bytes: 4, emit: (a, d, m) => a.mov_rm(32, d as Gpr, m) }],
  [Op.I64Load, { type: ValType.I64, bytes: 8, emit: (a, d, m) => a.mov_rm(64, d as Gpr, m) }],
  [Op.F32Load, { type: ValType.F32, bytes: 4, emit: (a, d, m) => a.movs_rm(32, d as Xmm, m) }],
  [Op.F64Load, { type: ValType.F64, bytes: 8, emit: (a, d, m) => a.movs_rm(64, d as Xmm, m) }],
  [Op.I32Load8S, { type: ValType.I32, bytes: 1, emit: (a, d, m) => a.movsx_rm(32, 8, d as Gpr, m) }],
  [Op.I32Load8U, { type: ValType.I32, bytes: 1, emit: (a, d, m) => a.movzx_rm(8, d as Gpr, m) }],
  [Op.I32Load16S, { type: ValType.I32, bytes: 2, emit: (a, d, m) => a.movsx_rm(32, 16, d as Gpr, m) }],
  [Op.I32Load16U, { type: ValType.I32, bytes: 2, emit: (a, d, m) => a.movzx_rm(16, d as Gpr, m) }],
  [Op.I64Load8S, { type: ValType.I64, bytes: 1, emit: (a, d, m) => a.movsx_rm(64, 8, d as Gpr, m) }],
  [Op.I64Load8U, { type: ValType.I64, bytes: 1, emit: (a, d, m) => a.movzx_rm(8, d as Gpr, m) }],
  [Op.I64Load16S, { type: ValType.I64, bytes: 2, emit: (a, d, m) => a.movsx_rm(64, 16, d as Gpr, m) }],
  [Op.I64Load16U, { type: ValType.I64, bytes: 2, emit: (a, d, m) => a.movzx_rm(16, d as Gpr, m) }],
  [Op.I64Load32S, { type: ValType.I64, bytes: 4, emit: (a, d, m) => a.movsx_rm(64, 32, d as Gpr, m) }],
  [Op.I64Load32U, { type: ValType.I64, bytes: 4, emit: (a, d, m) => a.mov_rm(32, d as Gpr, m) }],
]);

interface StoreKind {
  /** Type of the stored operand. */
  type: ValType;
  bytes: 1 | 2 | 4 | 8;
}

const STORES = new Map<number, StoreKind>([
  [Op.I32Store, { type: ValType.I32, bytes: 4 }],
  [Op.I64Store, { type: ValType.I64, bytes: 8 }],
  [Op.F32Store, { type: ValType.F32, bytes: 4 }],
  [Op.F64Store, { type: ValType.F64, bytes: 8 }],
  [Op.I32Store8, { type: ValType.I32, bytes: 1 }],
  [Op.I32Store16, { type: ValType.I32, bytes: 2 }],
  [Op.I64Store8, { type: ValType.I64, bytes: 1 }],
  [Op.I64Store16, { type: ValType.I64, bytes: 2 }],
  [Op.I64Store32, { type: ValType.I64, bytes: 4 }],
]);

/** The op family for 0x28..0x40 (registered in families.ts). */
export function memoryFamily(fc: FunctionCompiler, r: BinaryReader, op: number): boolean {
  const load = LOADS.get(op);
  if (load) {
    r.readVarU32(); // alignment hint
    emitLoad(fc, load, r.readVarU32());
    return true;
  }
  const store = STORES.get(op);
  if (store) {
    r.readVarU32();
    emitStore(fc, store, r.readVarU32());
    return true;
  }
  if (op === Op.MemorySize) {
    r.readU8(); // memory index, 0 (validated)
    memorySize(fc);
    return true;
  }
  if (op === Op.MemoryGrow) {
    r.readU8();
    callBuiltin(fc, Builtin.MemoryGrow, [ValType.I32], ValType.I32);
    return true;
  }
  return false;
}

function emitLoad(fc: FunctionCompiler, k: LoadKind, offset: number): void {
  if (regClassOf(k.type) === RegClass.Xmm) {
    // Allocated first: the heap operand is only valid until the next use of r11.
    const dst = fc.allocXmm();
    const { mem, index } = popHeapOperand(fc, offset, k.bytes);
    k.emit(fc.asm, dst, mem);
    if (index !== null) fc.ra.free(RegClass.Gpr, index);
    fc.push(regVal(k.type, dst));
    return;
  }
  // An integer load reuses the address register for its result; a constant address has
  // none, so that destination is allocated before the operand is formed.
  const dst = fc.peek().kind === Kind.Const ? fc.allocGpr() : null;
  const { mem, index } = popHeapOperand(fc, offset, k.bytes);
  const to = dst ?? index!;
  k.emit(fc.asm, to, mem);
  fc.push(regVal(k.type, to));
}

/** The store's value: an immediate when the constant fits the instruction, else a register. */
type StoreSrc = { imm: number } | { gpr: Gpr } | { xmm: Xmm };

function emitStore(fc: FunctionCompiler, k: StoreKind, offset: number): void {
  const src = popStoreSrc(fc, k);
  const pinned = 'gpr' in src ? 1 << src.gpr : 0;
  const { mem, index } = popHeapOperand(fc, offset, k.bytes, pinned);
  const a = fc.asm;
  const bits = (k.bytes * 8) as MemSize;
  if ('imm' in src) a.mov_mi(bits, mem, src.imm);
  else if ('gpr' in src) a.mov_mr(bits, mem, src.gpr);
  else a.movs_mr(k.bytes === 4 ? 32 : 64, mem, src.xmm);
  if ('gpr' in src) fc.ra.free(RegClass.Gpr, src.gpr);
  if ('xmm' in src) fc.ra.free(RegClass.Xmm, src.xmm);
  if (index !== null) fc.ra.free(RegClass.Gpr, index);
}

function popStoreSrc(fc: FunctionCompiler, k: StoreKind): StoreSrc {
  const v = fc.peek();
  if (v.kind === Kind.Const) {
    fc.pop();
    const bits = constBits(v, k.bytes);
    if (k.bytes < 8 || (bits >= -0x80000000n && bits <= 0x7fffffffn)) return { imm: Number(bits) };
    // A 64-bit constant beyond simm32: through a Gpr, whatever its wasm type (floats too).
    const gpr = fc.allocGpr();
    fc.asm.mov_ri(64, gpr, BigInt.asUintN(64, bits));
    return { gpr };
  }
  const reg = fc.popToReg();
  return regClassOf(k.type) === RegClass.Xmm ? { xmm: reg as Xmm } : { gpr: reg as Gpr };
}

/**
 * The stored bits of a constant: for narrow stores the low `bytes` bytes as an unsigned
 * number (what mov_mi expects), for 8-byte stores the signed 64-bit value.
 */
function constBits(v: Val, bytes: number): bigint {
  const all = typeof v.value === 'bigint' ? v.value : BigInt(v.value);
  return bytes === 8 ? BigInt.asIntN(64, all) : BigInt.asUintN(bytes * 8, all);
}

/** memory.size: the byte length in the vmctx, in 64 KiB pages. */
function memorySize(fc: FunctionCompiler): void {
  const r = fc.allocGpr();
  fc.asm.mov_rm(64, r, { base: R14, disp: Vmctx.MemSize });
  fc.asm.shift_ri(ShiftOp.Shr, 64, r, WASM_PAGE_SHIFT);
  fc.push(regVal(ValType.I32, r));
}
