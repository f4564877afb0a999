// v128.load folded into the instruction that uses it. `(f64x2.mul (local.get $a) (v128.load
// $p))` is, with AVX, one `vmulpd x, xa, [base + p]`: VEX forms take an unaligned memory
// operand, so the load needs no register of its own. The single pass does not read ahead
// in general, but the load peeks at the next operator: when that is a one-instruction
// binary SIMD op (simd-handlers.ts DIRECT; the loaded value is its second operand, the top
// of the stack) the load pends (pending-op.ts) holding its heap operand, and the op reads
// it from memory. Anything else — or the legacy SSE path, whose memory operands must be
// 16-byte aligned — loads into a register as before.
//
// A fault of the folded instruction (guard-page bounds checks) is the load's trap: the
// offset map gives that instruction the load's wasm offset.
import type { Mem } from '../../x64/assembler.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { OPERATORS } from '../../wasm/operators.js';
import { SIMD_PREFIX } from '../../wasm/operators-simd.js';
import { RegClass } from '../reg-class.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { PendingKind } from '../pending-op.js';
import { heapOperandDone, ownedHeapIndex, popHeapOperand } from './heap-address.js';
import { DIRECT } from './simd-handlers.js';
import { pushV128 } from './simd-values.js';

export interface PendingLoad {
  /** The access operand (a copy: popHeapOperand's objects are rewritten by the next access). */
  readonly mem: Mem;
  /** Its index register when it is the load's to free, else -1. */
  readonly ownedIndex: number;
  /** The load's wasm offset, for the offset map. */
  readonly loadAt: number;
}

let foldable: Set<number> | null = null;

/** Whether SIMD operator `sub` (its 0xFD sub-opcode) reads a pending load as its second operand. */
export function foldsLoad(sub: number): boolean {
  // Built on first use: the operator tables are complete by then (no import-order question).
  foldable ??= new Set(OPERATORS.filter((o) => o.prefix === SIMD_PREFIX && o.name in DIRECT).map((o) => o.code));
  return foldable.has(sub);
}

/** For v128.load: pend it when the next operator folds it (see the file comment); else false. */
export function pendFoldedLoad(fc: FunctionCompiler, r: BinaryReader, offset: number): boolean {
  if (!fc.simd.avx) return false;
  const at = r.pos;
  if (r.bytes[at] !== SIMD_PREFIX) return false;
  r.pos = at + 1;
  const sub = r.readVarU32();
  r.pos = at;
  if (!foldsLoad(sub)) return false;
  const m = popHeapOperand(fc, offset, 16);
  fc.pending = { kind: PendingKind.V128Load, load: { mem: { ...m }, ownedIndex: ownedHeapIndex(m), loadAt: fc.opOffset } };
  return true;
}

/** The pending load for its consumer (the operator right after it), or null. */
export function takeFoldedLoad(fc: FunctionCompiler): PendingLoad | null {
  const p = fc.pending;
  if (p === null || p.kind !== PendingKind.V128Load) return null;
  fc.pending = null;
  return p.load;
}

/** The consumer emits its instruction reading `load.mem` through this: the fault is the load's. */
export function emitFolded(fc: FunctionCompiler, load: PendingLoad, emit: () => void): void {
  fc.env.offsetMap?.record(fc.asm.offset, load.loadAt);
  emit();
  fc.env.offsetMap?.record(fc.asm.offset, fc.opOffset);
  foldedLoadDone(fc, load);
}

function foldedLoadDone(fc: FunctionCompiler, load: PendingLoad): void {
  if (load.ownedIndex >= 0) fc.ra.free(RegClass.Gpr, load.ownedIndex);
  heapOperandDone(fc);
}

/** Not folded after all: the load into a register of its own, as v128.load would have. */
export function settleLoad(fc: FunctionCompiler, load: PendingLoad): void {
  const x = fc.allocXmm();
  fc.simd.load(x, load.mem);
  foldedLoadDone(fc, load);
  pushV128(fc, x);
}
