// Block and function signatures as small integers, for the function validator's control
// stack (typed arrays of numbers rather than objects): a signature id indexes four arrays
// that locate its parameter and result types in one shared pool of type bytes.
//
// Ids: EMPTY_SIG for a block without types, VALUE_SIG[t] for a block with one result of
// value type t, FIRST_TYPE_SIG + k for the module's type k (a function or a block typed by
// index).

import type { FuncType, WasmModule } from '../wasm/types.js';
import { isValTypeByte } from '../wasm/reader.js';

export const EMPTY_SIG = 0;
/** Indexed by a value type's byte: the id of the block type [] -> [t]; 0 elsewhere. */
export const VALUE_SIG = new Uint8Array(0x80);
const VALUE_TYPES: number[] = [];
for (let b = 0; b < 0x80; b++) {
  if (isValTypeByte(b) || b === 0x69 /* exnref */) {
    VALUE_TYPES.push(b);
    VALUE_SIG[b] = VALUE_TYPES.length; // 1, 2, ...
  }
}
export const FIRST_TYPE_SIG = VALUE_TYPES.length + 1;

export interface SigTable {
  /** Every signature's types, back to back. */
  readonly pool: Uint8Array;
  readonly paramStart: Int32Array;
  readonly paramCount: Int32Array;
  readonly resultStart: Int32Array;
  readonly resultCount: Int32Array;
}

export function buildSigTable(m: WasmModule): SigTable {
  const sigs: FuncType[] = [{ params: [], results: [] }];
  for (const t of VALUE_TYPES) sigs.push({ params: [], results: [t] });
  for (const t of m.types) sigs.push(t);
  let size = 0;
  for (const s of sigs) size += s.params.length + s.results.length;
  const pool = new Uint8Array(size);
  const n = sigs.length;
  const table = {
    pool,
    paramStart: new Int32Array(n),
    paramCount: new Int32Array(n),
    resultStart: new Int32Array(n),
    resultCount: new Int32Array(n),
  };
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = sigs[i]!;
    table.paramStart[i] = k;
    table.paramCount[i] = s.params.length;
    for (const t of s.params) pool[k++] = t;
    table.resultStart[i] = k;
    table.resultCount[i] = s.results.length;
    for (const t of s.results) pool[k++] = t;
  }
  return table;
}
