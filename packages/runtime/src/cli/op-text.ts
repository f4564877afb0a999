// The text of one wasm operator with its immediates (`i32.const -1`, `call 3 <fib>`,
// `i32.load offset=8`), for `explore`. Reads an already validated body, so it cannot fail on
// well-formed input; anything unexpected falls back to the bare mnemonic.
import {
  BinaryReader, ImmKind, OP_IMM, Op, PREFIX_SPACES, ValType, opName, type BlockType, type WasmModule,
} from '@wasmjit/codegen';
import { formatValue, typeName } from './values.js';

function blockText(bt: BlockType): string {
  if (bt.kind === 'empty') return '';
  if (bt.kind === 'value') return ` (result ${typeName(bt.type)})`;
  return ` (type ${bt.typeIndex})`;
}

/** Display name of function `index`: the name section's, else an export's, else none. */
export function funcName(m: WasmModule, index: number): string | undefined {
  return m.names.functions.get(index) ?? m.exports.find((e) => e.kind === 'func' && e.index === index)?.name;
}

function immediates(m: WasmModule, r: BinaryReader, op: number): string {
  return immText(m, r, op, OP_IMM[op] as ImmKind);
}

/** The immediates of shape `kind` (the table's, wasm/operators.ts) of operator `op`. */
function immText(m: WasmModule, r: BinaryReader, op: number, kind: ImmKind): string {
  const indices = (k: number) => {
    const v: number[] = [];
    for (let i = 0; i < k; i++) v.push(r.readVarU32());
    return ` ${v.join(' ')}`;
  };
  switch (kind) {
    case ImmKind.BlockType: return blockText(r.readBlockType());
    case ImmKind.Index: {
      const i = r.readVarU32();
      const name = op === Op.Call || op === Op.RefFunc ? funcName(m, i) : undefined;
      return ` ${i}${name !== undefined ? ` <${name}>` : ''}`;
    }
    case ImmKind.BrTable: {
      const n = r.readVarU32();
      return indices(n + 1);
    }
    case ImmKind.CallIndirect: {
      const type = r.readVarU32();
      const table = r.readVarU32();
      return ` (type ${type})${table !== 0 ? ` table=${table}` : ''}`;
    }
    case ImmKind.SelectT: {
      const n = r.readVarU32();
      const types: string[] = [];
      for (let i = 0; i < n; i++) types.push(typeName(r.readValType()));
      return ` (result ${types.join(' ')})`;
    }
    case ImmKind.MemArg: {
      const align = r.readVarU32();
      const offset = r.readVarU32();
      return `${offset !== 0 ? ` offset=${offset}` : ''} align=${2 ** align}`;
    }
    case ImmKind.I32: return ` ${r.readVarS32()}`;
    case ImmKind.I64: return ` ${r.readVarS64()}`;
    case ImmKind.F32: return ` ${formatValue(ValType.F32, BigInt(r.readF32Bits() >>> 0))}`;
    case ImmKind.F64: return ` ${formatValue(ValType.F64, r.readF64Bits())}`;
    case ImmKind.RefType: return ` ${typeName(r.readU8() as ValType)}`;
    // The reserved zero bytes are memory indices: shown after the 0xFC operators, as
    // explore always has, not after memory.size/grow (op is -1 for a prefixed operator).
    case ImmKind.ZeroByte: return op < 0 ? indices(1) : '';
    case ImmKind.IndexZeroByte: return indices(2);
    case ImmKind.TwoZeroBytes: return indices(2);
    case ImmKind.TwoIndices: return indices(2);
    case ImmKind.Prefix: {
      const space = PREFIX_SPACES[op];
      if (space === undefined) return '';
      const sub = r.readVarU32();
      const subKind = (space.imm[sub] ?? 0) as ImmKind;
      return subKind === ImmKind.Prefix ? '' : immText(m, r, -1, subKind);
    }
    case ImmKind.V128Const: return ` i32x4 ${v128Words(r).join(' ')}`;
    case ImmKind.Shuffle: return ` ${bytesAt(r, 16).join(' ')}`;
    case ImmKind.Lane: return ` ${r.readU8()}`;
    case ImmKind.MemArgLane: {
      const mem = immText(m, r, op, ImmKind.MemArg);
      return `${mem} ${r.readU8()}`;
    }
    default: return '';
  }
}

/** The next n immediate bytes. */
function bytesAt(r: BinaryReader, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.readU8());
  return out;
}

/** v128.const's 16 bytes as four little-endian 32-bit words in hex (the text format's i32x4 form). */
function v128Words(r: BinaryReader): string[] {
  const b = bytesAt(r, 16);
  const words: string[] = [];
  for (let i = 0; i < 16; i += 4) {
    const w = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
    words.push(`0x${w.toString(16).padStart(8, '0')}`);
  }
  return words;
}

/** `name immediates` of the operator at byte `offset` of the module, and where it ends. */
export function opAt(m: WasmModule, offset: number): { text: string; end: number } {
  const name = opName(m.bytes, offset);
  const r = new BinaryReader(m.bytes, offset + 1);
  try {
    return { text: name + immediates(m, r, m.bytes[offset]!), end: r.pos };
  } catch {
    return { text: name, end: m.bytes.length };
  }
}

export function opText(m: WasmModule, offset: number): string {
  return opAt(m, offset).text;
}
