// Decoding of constant expressions (global initialisers, segment offsets and element items).
// Only the instructions a constant expression may contain have a representation in
// ConstInstr, so anything else is rejected here, while decoding, rather than by the validator.

import { BinaryReader } from './reader.js';
import { ImmKind, OP_FC_COUNT, OP_IMM, Op, PREFIX_SPACES } from './opcodes.js';

/** v128.const's 0xFD sub-opcode: the one SIMD instruction that is constant. */
const SIMD_V128_CONST = 0x0c;
import type { ConstExpr, ConstInstr } from './types.js';

/** Where checkConstExpr's instructions go (emptied at every `end`). */
const DISCARD: ConstInstr[] = [];

export function readConstExpr(r: BinaryReader): ConstExpr {
  const offset = r.pos;
  const instrs: ConstInstr[] = [];
  parse(r, instrs);
  return { instrs, offset };
}

/**
 * Steps over a constant expression with every check readConstExpr makes, without building
 * it (for data segments, whose offsets are decoded again when they are used).
 */
export function checkConstExpr(r: BinaryReader): void {
  if (readLoneI32Const(r) !== undefined) return;
  DISCARD.length = 0; // in case an earlier check failed half way
  parse(r, null);
}

/**
 * Nearly every data segment offset is `i32.const n; end`: reads that shape and returns n as
 * a u32, or returns undefined and leaves the reader where it was.
 */
export function readLoneI32Const(r: BinaryReader): number | undefined {
  const start = r.pos;
  if (start < r.end && r.bytes[start] === Op.I32Const) {
    r.pos = start + 1;
    const n = r.readVarS32();
    if (r.pos < r.end && r.bytes[r.pos] === Op.End) {
      r.pos++;
      return n >>> 0;
    }
    r.pos = start;
  }
  return undefined;
}

/** Reads the instructions up to and including `end` into `instrs` (when given). */
function parse(r: BinaryReader, out: ConstInstr[] | null): void {
  const instrs: ConstInstr[] = out ?? DISCARD;
  for (;;) {
    const at = r.pos;
    const op = r.readU8();
    switch (op) {
      case Op.End:
        if (out === null) DISCARD.length = 0;
        return;
      case Op.I32Const:
        instrs.push({ op: 'i32.const', value: r.readVarS32() });
        break;
      case Op.I64Const:
        instrs.push({ op: 'i64.const', value: r.readVarS64() });
        break;
      case Op.F32Const:
        instrs.push({ op: 'f32.const', bits: r.readF32Bits() });
        break;
      case Op.F64Const:
        instrs.push({ op: 'f64.const', bits: r.readF64Bits() });
        break;
      case Op.RefNull:
        instrs.push({ op: 'ref.null', type: r.readHeapType() });
        break;
      case Op.RefFunc:
        instrs.push({ op: 'ref.func', index: r.readVarU32() });
        break;
      case Op.GlobalGet:
        instrs.push({ op: 'global.get', index: r.readVarU32() });
        break;
      case Op.I32Add:
        if (r.features.extendedConst === false) r.fail('constant expression required', at);
        instrs.push({ op: 'i32.add' });
        break;
      case Op.I32Sub:
        if (r.features.extendedConst === false) r.fail('constant expression required', at);
        instrs.push({ op: 'i32.sub' });
        break;
      case Op.I32Mul:
        if (r.features.extendedConst === false) r.fail('constant expression required', at);
        instrs.push({ op: 'i32.mul' });
        break;
      case Op.I64Add:
        if (r.features.extendedConst === false) r.fail('constant expression required', at);
        instrs.push({ op: 'i64.add' });
        break;
      case Op.I64Sub:
        if (r.features.extendedConst === false) r.fail('constant expression required', at);
        instrs.push({ op: 'i64.sub' });
        break;
      case Op.I64Mul:
        if (r.features.extendedConst === false) r.fail('constant expression required', at);
        instrs.push({ op: 'i64.mul' });
        break;
      default: {
        // A real instruction that is not constant is invalid; a byte that is no instruction
        // at all is malformed. The two get the spec's two different messages.
        let legal = OP_IMM[op] !== ImmKind.Illegal;
        if (op === Op.PrefixFD) {
          const sub = r.readVarU32();
          if (sub === SIMD_V128_CONST) {
            instrs.push({ op: 'v128.const', bytes: r.bytes.slice(r.pos, r.pos + 16) });
            r.skip(16);
            break;
          }
          legal = PREFIX_SPACES[op]!.rows[sub] !== undefined;
        }
        if (op === Op.PrefixFC) legal = r.readVarU32() < OP_FC_COUNT;
        r.fail(legal ? 'constant expression required' : 'illegal opcode', at);
      }
    }
  }
}
