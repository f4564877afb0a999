// The syntactic check of a function body, run by the decoder: every opcode exists, every
// immediate is well formed, `else` only appears once inside an `if`, and the blocks nest.
// Doing this while decoding (as the spec's reference interpreter does) means malformed
// bodies are reported as such even when an earlier function would fail validation, and it
// lets later passes read bodies without re-checking their encoding.

import { BinaryReader } from './reader.js';
import { ImmKind, OP_IMM, Op, OpFC } from './opcodes.js';

const FRAME_PLAIN = 0; // function, block or loop
const FRAME_IF = 1; // if whose else has not been seen
const FRAME_ELSE = 2; // if after its else

/**
 * Scans the instructions starting at r.pos up to and including the function's final `end`,
 * leaving r.pos just after it. Like the reference decoder it does not stop at the declared
 * body size; the caller compares the two afterwards ('section size mismatch').
 */
export function scanBody(r: BinaryReader): void {
  const frames: number[] = [FRAME_PLAIN];
  for (;;) {
    const at = r.pos;
    const op = r.readU8();
    readImmediates(r, op, at);
    if (op === Op.End) {
      frames.pop();
      if (frames.length === 0) return;
    } else if (op === Op.Else) {
      // The reference decoder ends the current block at `else` and then demands `end`.
      if (frames[frames.length - 1] !== FRAME_IF) r.fail('END opcode expected', at);
      frames[frames.length - 1] = FRAME_ELSE;
    } else if (op === Op.Block || op === Op.Loop || op === Op.If) {
      frames.push(op === Op.If ? FRAME_IF : FRAME_PLAIN);
    }
  }
}

/**
 * Reads (and checks the encoding of) the immediates of the operator `op` that started at
 * `at`. Also used to skip operators in dead code, after the body has been scanned once.
 */
export function readImmediates(r: BinaryReader, op: number, at: number): void {
  switch (OP_IMM[op]) {
    case ImmKind.None:
      return;
    case ImmKind.BlockType:
      r.readBlockType();
      return;
    case ImmKind.Index:
      r.readVarU32();
      return;
    case ImmKind.BrTable: {
      const n = r.readCount();
      for (let i = 0; i <= n; i++) r.readVarU32();
      return;
    }
    case ImmKind.CallIndirect:
    case ImmKind.MemArg:
      r.readVarU32();
      r.readVarU32();
      return;
    case ImmKind.SelectT: {
      const n = r.readCount();
      for (let i = 0; i < n; i++) r.readValType();
      return;
    }
    case ImmKind.ZeroByte:
      readZeroByte(r);
      return;
    case ImmKind.I32:
      r.readVarS32();
      return;
    case ImmKind.I64:
      r.skipVarS64();
      return;
    case ImmKind.F32:
      r.skip(4);
      return;
    case ImmKind.F64:
      r.skip(8);
      return;
    case ImmKind.RefType:
      r.readRefType();
      return;
    case ImmKind.Prefix:
      if (op === Op.PrefixFD) r.fail('SIMD not supported', at);
      scanFC(r, at);
      return;
    default:
      r.fail('illegal opcode', at);
  }
}

function readZeroByte(r: BinaryReader): void {
  // A single 0x00 byte, not a LEB128 zero: longer encodings are malformed too.
  if (r.readU8() !== 0) r.fail('zero byte expected', r.pos - 1);
}

function scanFC(r: BinaryReader, at: number): void {
  const sub = r.readVarU32();
  switch (sub) {
    case OpFC.I32TruncSatF32S:
    case OpFC.I32TruncSatF32U:
    case OpFC.I32TruncSatF64S:
    case OpFC.I32TruncSatF64U:
    case OpFC.I64TruncSatF32S:
    case OpFC.I64TruncSatF32U:
    case OpFC.I64TruncSatF64S:
    case OpFC.I64TruncSatF64U:
      return;
    case OpFC.MemoryInit:
      // The data count section these two need is checked by the validator, after the
      // segment index, which is the order in which the spec tests expect the errors.
      r.readVarU32();
      readZeroByte(r);
      return;
    case OpFC.DataDrop:
      r.readVarU32();
      return;
    case OpFC.MemoryCopy:
      readZeroByte(r);
      readZeroByte(r);
      return;
    case OpFC.MemoryFill:
      readZeroByte(r);
      return;
    case OpFC.TableInit:
    case OpFC.TableCopy:
      r.readVarU32();
      r.readVarU32();
      return;
    case OpFC.ElemDrop:
    case OpFC.TableGrow:
    case OpFC.TableSize:
    case OpFC.TableFill:
      r.readVarU32();
      return;
    default:
      r.fail('illegal opcode', at);
  }
}
