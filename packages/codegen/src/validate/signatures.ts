// Operand signatures of the instructions whose typing depends on nothing but the opcode
// (numeric operators, conversions, memory accesses), derived from the operator table
// (wasm/operators.ts), so the validator's main switch only has to spell out the
// instructions with interesting rules.

import { ValType } from '../wasm/types.js';
import { ImmKind, OP_ROWS, PREFIX_SPACES, type Operator } from '../wasm/opcodes.js';

/** A simple signature: up to two operands of one type each, at most one result. */
export interface SimpleSig {
  params: readonly ValType[];
  result: ValType | undefined;
}

function simpleSig(o: Operator): SimpleSig | undefined {
  // Operators with immediates (constants, memory accesses) read them in their own case.
  if (o.params === null || o.results === null || o.imm !== ImmKind.None) return undefined;
  return { params: o.params, result: o.results[0] };
}

/** Signatures of the one-byte operators typed by their row alone; undefined elsewhere. */
export const NUMERIC_SIGS: readonly (SimpleSig | undefined)[] = OP_ROWS.map((o) => o && simpleSig(o));

/** The same for the 0xfc sub-opcodes (the saturating truncations). */
export const FC_SIGS: readonly (SimpleSig | undefined)[] = PREFIX_SPACES[0xfc]!.rows.map((o) => o && simpleSig(o));

/** A load or store: its value type, its width, and the log2 of that (the maximum alignment). */
export interface MemAccess {
  type: ValType;
  bytes: number;
  maxAlign: number;
  store: boolean;
}

/** Indexed by opcode; undefined for operators that are not loads or stores. */
export const MEM_ACCESS: readonly (MemAccess | undefined)[] = OP_ROWS.map((o) => {
  if (o === undefined || o.accessBytes === 0) return undefined;
  // A load is [i32] -> [t], a store [i32, t] -> [].
  const store = o.results!.length === 0;
  const type = store ? o.params![1]! : o.results![0]!;
  return { type, bytes: o.accessBytes, maxAlign: Math.log2(o.accessBytes), store };
});

/** Spec-style name of a value type, for messages. */
export function typeName(t: ValType | undefined): string {
  switch (t) {
    case ValType.I32:
      return 'i32';
    case ValType.I64:
      return 'i64';
    case ValType.F32:
      return 'f32';
    case ValType.F64:
      return 'f64';
    case ValType.V128:
      return 'v128';
    case ValType.FuncRef:
      return 'funcref';
    case ValType.ExternRef:
      return 'externref';
    default:
      return t === undefined ? 'nothing' : 'any';
  }
}
