// Dead code (after br, return, unreachable) still has to be decoded to find the matching
// else/end; its operators emit nothing. The decoder already checked their encoding.
import { BinaryReader } from '../wasm/reader.js';
import { ImmKind, OP_IMM, Op, OpFC } from '../wasm/opcodes.js';

export function skipImmediates(r: BinaryReader, op: number): void {
  switch (OP_IMM[op] as ImmKind) {
    case ImmKind.None:
      return;
    case ImmKind.BlockType:
      r.readBlockType();
      return;
    case ImmKind.Index:
      r.readVarU32();
      return;
    case ImmKind.BrTable: {
      const n = r.readVarU32();
      for (let i = 0; i <= n; i++) r.readVarU32();
      return;
    }
    case ImmKind.CallIndirect:
    case ImmKind.MemArg:
      r.readVarU32();
      r.readVarU32();
      return;
    case ImmKind.SelectT: {
      const n = r.readVarU32();
      for (let i = 0; i < n; i++) r.readValType();
      return;
    }
    case ImmKind.ZeroByte:
      r.readU8();
      return;
    case ImmKind.I32:
      r.readVarS32();
      return;
    case ImmKind.I64:
      r.readVarS64();
      return;
    case ImmKind.F32:
      r.pos += 4;
      return;
    case ImmKind.F64:
      r.pos += 8;
      return;
    case ImmKind.RefType:
      r.readU8();
      return;
    default:
      if (op === Op.PrefixFC) return skipFC(r);
      throw new Error(`BUG: cannot skip opcode 0x${op.toString(16)}`);
  }
}

function skipFC(r: BinaryReader): void {
  const sub = r.readVarU32();
  switch (sub) {
    case OpFC.MemoryInit:
    case OpFC.TableInit:
    case OpFC.TableCopy:
    case OpFC.MemoryCopy:
      r.readVarU32();
      r.readVarU32();
      return;
    case OpFC.DataDrop:
    case OpFC.MemoryFill:
    case OpFC.ElemDrop:
    case OpFC.TableGrow:
    case OpFC.TableSize:
    case OpFC.TableFill:
      r.readVarU32();
      return;
    default:
      return;
  }
}
