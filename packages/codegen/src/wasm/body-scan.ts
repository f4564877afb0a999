// The syntactic check of a function body, run by the decoder: every opcode exists, every
// immediate is well formed, `else` only appears once inside an `if`, and the blocks nest.
// Doing this while decoding (as the spec's reference interpreter does) means malformed
// bodies are reported as such even when an earlier function would fail validation, and it
// lets later passes read bodies without re-checking their encoding.

import { BinaryReader } from './reader.js';
import { skipMemarg } from './memarg.js';
import { ImmKind, OP_IMM, Op, PREFIX_SPACES } from './opcodes.js';

const FRAME_PLAIN = 0; // function, block or loop
const FRAME_IF = 1; // if whose else has not been seen
const FRAME_ELSE = 2; // if after its else
const FRAME_TRY = 3; // legacy try: catch / catch_all / delegate may follow

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
    if (!r.features.exceptions && isExceptionOp(op)) r.fail('illegal opcode', at);
    if (r.features.typedFunctionReferences === false && isTypedRefOp(op)) r.failTypedRefsOff('illegal opcode', at);
    readImmediates(r, op, at);
    if (op === Op.Delegate) {
      // delegate ends its try like `end`.
      if (frames[frames.length - 1] !== FRAME_TRY) r.fail('illegal opcode', at);
      frames.pop();
    } else if (op === Op.Catch || op === Op.CatchAll) {
      if (frames[frames.length - 1] !== FRAME_TRY) r.fail('illegal opcode', at);
    } else if (op === Op.End) {
      frames.pop();
      if (frames.length === 0) return;
    } else if (op === Op.Else) {
      // The reference decoder ends the current block at `else` and then demands `end`.
      if (frames[frames.length - 1] !== FRAME_IF) r.fail('END opcode expected', at);
      frames[frames.length - 1] = FRAME_ELSE;
    } else if (op === Op.Block || op === Op.Loop || op === Op.If || op === Op.TryTable) {
      frames.push(op === Op.If ? FRAME_IF : FRAME_PLAIN);
    } else if (op === Op.Try) {
      frames.push(FRAME_TRY);
    }
  }
}

/**
 * Reads (and checks the encoding of) the immediates of the operator `op` that started at
 * `at`. Also used to skip operators in dead code, after the body has been scanned once.
 */
export function readImmediates(r: BinaryReader, op: number, at: number): void {
  readImm(r, OP_IMM[op]!, op, at);
}

function readImm(r: BinaryReader, kind: number, op: number, at: number): void {
  switch (kind) {
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
    case ImmKind.MemArg:
      skipMemarg(r);
      return;
    case ImmKind.CallIndirect:
    case ImmKind.TwoIndices:
      r.readVarU32();
      r.readVarU32();
      return;
    case ImmKind.SelectT: {
      const n = r.readCount();
      for (let i = 0; i < n; i++) r.readValType();
      return;
    }
    case ImmKind.ZeroByte:
      // memory.size, memory.grow, memory.fill name a memory; atomic.fence's byte stays reserved.
      if (op === 0xfe) readZeroByte(r);
      else readMemoryIndex(r);
      return;
    case ImmKind.IndexZeroByte:
      // memory.init: the data count section it needs is checked by the validator, after the
      // segment index, which is the order in which the spec tests expect the errors.
      r.readVarU32();
      readMemoryIndex(r);
      return;
    case ImmKind.TwoZeroBytes:
      readMemoryIndex(r);
      readMemoryIndex(r);
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
      r.readHeapType();
      return;
    case ImmKind.V128Const:
    case ImmKind.Shuffle:
      // Shuffle lane indexes are checked by the validator (an invalid index is not malformed).
      r.skip(16);
      return;
    case ImmKind.Lane:
      r.readU8();
      return;
    case ImmKind.MemArgLane:
      skipMemarg(r);
      r.readU8();
      return;
    case ImmKind.TryTable: {
      r.readBlockType();
      const n = r.readCount();
      for (let i = 0; i < n; i++) {
        const kindAt = r.pos;
        const k = r.readU8();
        if (k > 3) r.fail('malformed catch clause', kindAt);
        if (k < 2) r.readVarU32();
        r.readVarU32();
      }
      return;
    }
    case ImmKind.Prefix: {
      const space = PREFIX_SPACES[op];
      if (space === undefined) throw new Error(`BUG: prefix 0x${op.toString(16)} has no operator space`);
      const sub = r.readVarU32();
      const subKind = sub < space.imm.length ? space.imm[sub]! : ImmKind.Illegal;
      if (subKind === ImmKind.Illegal || subKind === ImmKind.Prefix) r.fail('illegal opcode', at);
      readImm(r, subKind, op, at);
      return;
    }
    default:
      r.fail('illegal opcode', at);
  }
}

/** A memory index (multi-memory), else 2.0's reserved zero byte. */
function readMemoryIndex(r: BinaryReader): void {
  if (r.features.multiMemory === true) r.readVarU32();
  else readZeroByte(r);
}

function readZeroByte(r: BinaryReader): void {
  // A single 0x00 byte, not a LEB128 zero: longer encodings are malformed too.
  if (r.readU8() !== 0) r.fail('zero byte expected', r.pos - 1);
}

/** The exception-handling opcodes (accepted only with DecodeOptions.exceptions). */
export function isExceptionOp(op: number): boolean {
  return (op >= Op.Try && op <= Op.ThrowRef) || op === Op.Delegate || op === Op.CatchAll || op === Op.TryTable;
}

/** The operators of typed function references (refused when the feature is off). */
export function isTypedRefOp(op: number): boolean {
  return op === Op.CallRef || op === Op.ReturnCallRef || op === Op.RefAsNonNull || op === Op.BrOnNull || op === Op.BrOnNonNull;
}
