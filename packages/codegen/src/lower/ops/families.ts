// Op families beyond the integer core, each in its own file. A family handler reads its
// operator's immediates, emits code and returns true, or returns false for other opcodes
// (leaving the reader as it found it). (Dead code never reaches them: the compiler skips it
// before dispatching.)
//
// The compiler calls OP_FAMILIES in order until one accepts the operator. That list holds a
// single dispatcher: which family accepts an opcode depends on nothing but the opcode (and,
// for the 0xFC prefix, the sub-opcode), so the dispatcher asks the families in FAMILIES order
// the first time it sees an opcode and remembers the answer in a table, and from then on
// goes straight to the right one.
import type { BinaryReader } from '../../wasm/reader.js';
import { Op } from '../../wasm/opcodes.js';
import type { FunctionCompiler } from '../function-compiler.js';
import { memoryFamily } from './memory.js';
import { bulkMemoryFamily } from './bulk-memory.js';
import { globalsFamily } from './globals.js';
import { tablesFamily } from './tables.js';
import { callIndirectFamily } from './call-indirect.js';
import { refsFamily } from './refs.js';
import { floatFamily } from './float.js';
import { conversionFamily } from './conversions.js';

export type OpFamily = (fc: FunctionCompiler, r: BinaryReader, op: number) => boolean;

/** Every family, in the order they are asked. */
const FAMILIES: readonly OpFamily[] = [
  memoryFamily,
  bulkMemoryFamily,
  globalsFamily,
  tablesFamily,
  callIndirectFamily,
  refsFamily,
  floatFamily,
  conversionFamily,
];

/** The family that accepted each one-byte opcode, once known. */
const byOp: (OpFamily | null)[] = new Array<OpFamily | null>(256).fill(null);
/** The same for the 0xFC sub-opcodes with a one-byte encoding (all defined ones have one). */
const byFcSub: (OpFamily | null)[] = new Array<OpFamily | null>(128).fill(null);

function dispatch(fc: FunctionCompiler, r: BinaryReader, op: number): boolean {
  if (op === Op.PrefixFC) {
    const sub = r.pos < r.end ? r.bytes[r.pos]! : 0x80;
    if (sub < 0x80) {
      const known = byFcSub[sub];
      if (known !== null) return known(fc, r, op);
      const f = ask(fc, r, op);
      if (f !== null) byFcSub[sub] = f;
      return f !== null;
    }
    return ask(fc, r, op) !== null;
  }
  const known = byOp[op];
  if (known !== null) return known(fc, r, op);
  const f = ask(fc, r, op);
  if (f !== null) byOp[op] = f;
  return f !== null;
}

/** Offer the operator to each family in turn; the one that compiled it, or null. */
function ask(fc: FunctionCompiler, r: BinaryReader, op: number): OpFamily | null {
  for (const f of FAMILIES) if (f(fc, r, op)) return f;
  return null;
}

export const OP_FAMILIES: OpFamily[] = [dispatch];
