// Bulk memory (0xFC 8..11): memory.init, data.drop, memory.copy, memory.fill. Each is a call
// to a runtime builtin, which does the bounds checks of the spec (trapping before writing
// anything) and the copy with typed-array operations; inline code would only pay off for
// tiny constant sizes. Argument order of each builtin is documented at its implementation
// (packages/runtime/src/memory-builtins.ts).
import { Builtin } from '../../abi.js';
import { OpFC } from '../../wasm/opcodes.js';
import { ValType } from '../../wasm/types.js';
import type { BinaryReader } from '../../wasm/reader.js';
import { constVal } from '../value.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { callBuiltin } from './calls.js';
import { isPlainMemory0, otherMemoryCopy, otherMemoryFill, otherMemoryInit } from './memory-other.js';

const I32 = ValType.I32;

/** The op family for the bulk-memory 0xFC sub-opcodes (dispatched by lower/op-handlers.ts). */
/** `sub` is the 0xFC sub-opcode, already read. */
export function bulkMemoryFamily(fc: FunctionCompiler, r: BinaryReader, sub: number): void {
  switch (sub) {
    case OpFC.MemoryInit: {
      const seg = r.readVarU32();
      const memory = r.readVarU32();
      if (!isPlainMemory0(fc, memory)) {
        otherMemoryInit(fc, seg, memory);
        return;
      }
      // The segment index travels as a fourth argument: (dst, src, len, segment).
      fc.push(constVal(I32, seg | 0));
      callBuiltin(fc, Builtin.MemoryInit, [I32, I32, I32, I32], null);
      return;
    }
    case OpFC.DataDrop:
      fc.push(constVal(I32, r.readVarU32() | 0));
      callBuiltin(fc, Builtin.DataDrop, [I32], null);
      return;
    case OpFC.MemoryCopy: {
      const dst = r.readVarU32();
      const src = r.readVarU32();
      if (!isPlainMemory0(fc, dst) || !isPlainMemory0(fc, src)) {
        otherMemoryCopy(fc, dst, src);
        return;
      }
      callBuiltin(fc, Builtin.MemoryCopy, [I32, I32, I32], null);
      return;
    }
    case OpFC.MemoryFill: {
      const memory = r.readVarU32();
      if (!isPlainMemory0(fc, memory)) {
        otherMemoryFill(fc, memory);
        return;
      }
      callBuiltin(fc, Builtin.MemoryFill, [I32, I32, I32], null);
      return;
    }
    default:
      throw new Error(`BUG: 0xfc ${sub} is not a bulk memory operator`);
  }
}
