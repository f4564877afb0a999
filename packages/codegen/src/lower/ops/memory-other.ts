// memory.size, memory.grow and bulk memory for every memory but a 32-bit memory 0
// (multi-memory, memory64). Memory 0 with i32 addresses keeps memory.ts's and
// bulk-memory.ts's code as it was; these read the memory's own vmctx entry
// (layout.ts memoryBaseOffset) and call the builtins that take memory indexes
// (Builtin.MemoryGrowAt .. MemoryInitAt, runtime memory-builtins.ts).
import { ShiftOp } from '../../x64/assembler.js';
import { vmctxMem } from '../masm/macro-assembler.js';
import { Builtin } from '../../abi.js';
import { memoryBaseOffset } from '../../layout.js';
import { ValType } from '../../wasm/types.js';
import { constVal, regVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { callBuiltin } from './calls.js';

const I32 = ValType.I32;
const WASM_PAGE_SHIFT = 16;

export function isMemory64(fc: FunctionCompiler, memory: number): boolean {
  return fc.env.module.memories[memory]?.address64 === true;
}

/** The type of memory `memory`'s addresses and sizes. */
function addressType(fc: FunctionCompiler, memory: number): ValType {
  return isMemory64(fc, memory) ? ValType.I64 : I32;
}

/** Whether memory.ts/bulk-memory.ts's memory-0 code serves this memory. */
export function isPlainMemory0(fc: FunctionCompiler, memory: number): boolean {
  return memory === 0 && !isMemory64(fc, 0);
}

/** memory.size: the memory's byte length in its vmctx entry, in 64 KiB pages. */
export function otherMemorySize(fc: FunctionCompiler, memory: number): void {
  const r = fc.allocGpr();
  fc.asm.mov_rm(64, r, vmctxMem(memoryBaseOffset(fc.env.layout, memory) + 8));
  fc.asm.shift_ri(ShiftOp.Shr, 64, r, WASM_PAGE_SHIFT);
  fc.push(regVal(addressType(fc, memory), r));
}

export function otherMemoryGrow(fc: FunctionCompiler, memory: number): void {
  const t = addressType(fc, memory);
  fc.push(constVal(I32, memory));
  callBuiltin(fc, Builtin.MemoryGrowAt, [t, I32], t);
}

/** memory.fill with (dst, value, len) on the stack. */
export function otherMemoryFill(fc: FunctionCompiler, memory: number): void {
  const t = addressType(fc, memory);
  fc.push(constVal(I32, memory));
  callBuiltin(fc, Builtin.MemoryFillAt, [t, I32, t, I32], null);
}

/** memory.copy with (dst, src, len) on the stack; the length is i64 only between two 64-bit memories. */
export function otherMemoryCopy(fc: FunctionCompiler, dst: number, src: number): void {
  const d = addressType(fc, dst);
  const s = addressType(fc, src);
  const len = d === ValType.I64 && s === ValType.I64 ? ValType.I64 : I32;
  fc.push(constVal(I32, dst));
  fc.push(constVal(I32, src));
  callBuiltin(fc, Builtin.MemoryCopyAt, [d, s, len, I32, I32], null);
}

/** memory.init with (dst, src, len) on the stack. */
export function otherMemoryInit(fc: FunctionCompiler, segment: number, memory: number): void {
  fc.push(constVal(I32, segment | 0));
  fc.push(constVal(I32, memory));
  callBuiltin(fc, Builtin.MemoryInitAt, [addressType(fc, memory), I32, I32, I32, I32], null);
}
