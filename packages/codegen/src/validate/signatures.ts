// Operand signatures of the instructions whose typing depends on nothing but the opcode
// (numeric operators, conversions, memory accesses), derived from the operator table
// (wasm/operators.ts), so the validator's main switch only has to spell out the
// instructions with interesting rules.

import { refTypeName } from '../wasm/ref-types.js';
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
    case ValType.ExnRef:
      return 'exnref';
    case ValType.ExternRef:
      return 'externref';
    default:
      if (t !== undefined && t > 0xff) return refTypeName(t);
      return t === undefined ? 'nothing' : 'any';
  }
}

// The same facts as flat arrays indexed by opcode, for the function validator's hot loop
// (a typed-array load per fact, no object per lookup). Value types are their bytes; 0 means
// none.

/** Operands of a simple one-byte operator (NUMERIC_SIGS): 0, 1 or 2; -1 if it is not one. */
export const SIMPLE_ARITY = new Int8Array(256).fill(-1);
/** Its first (deeper) and second operand types. */
export const SIMPLE_P0 = new Uint8Array(256);
export const SIMPLE_P1 = new Uint8Array(256);
/** Its result type, or 0. */
export const SIMPLE_RESULT = new Uint8Array(256);
NUMERIC_SIGS.forEach((sig, op) => {
  if (sig === undefined) return;
  if (sig.params.length > 2) throw new Error(`BUG: simple operator 0x${op.toString(16)} has more than two operands`);
  SIMPLE_ARITY[op] = sig.params.length;
  SIMPLE_P0[op] = sig.params[0] ?? 0;
  SIMPLE_P1[op] = sig.params[1] ?? 0;
  SIMPLE_RESULT[op] = sig.result ?? 0;
});

/** Loads and stores (MEM_ACCESS): the value type, or 0 for other opcodes. */
export const MEM_TYPE = new Uint8Array(256);
export const MEM_MAX_ALIGN = new Uint8Array(256);
export const MEM_IS_STORE = new Uint8Array(256);
MEM_ACCESS.forEach((a, op) => {
  if (a === undefined) return;
  MEM_TYPE[op] = a.type;
  MEM_MAX_ALIGN[op] = a.maxAlign;
  MEM_IS_STORE[op] = a.store ? 1 : 0;
});
