// Block and function signatures as small integers, for the function validator's control
// stack (typed arrays of numbers rather than objects): a signature id indexes four arrays
// that locate its parameter and result types in one shared pool of type bytes.
//
// Ids: EMPTY_SIG for a block without types, VALUE_SIG[t] for a block with one result of
// value type t, FIRST_TYPE_SIG + k for the module's type k (a function or a block typed by
// index).

import type { FuncType, WasmModule } from '../wasm/types.js';
import { isValTypeByte } from '../wasm/reader.js';
import { canonicalRef } from '../wasm/ref-types.js';
import { moduleCanon } from '../wasm/type-canon.js';

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
  /**
   * Every signature's types, back to back; typed references with canonical type indices
   * (wasm/type-canon.ts), so equivalent types are equal numbers.
   */
  pool: Int32Array;
  paramStart: Int32Array;
  paramCount: Int32Array;
  resultStart: Int32Array;
  resultCount: Int32Array;
  /** Block types [] -> [t] of typed references, added as validation meets them (refBlockSig). */
  refSigs?: Map<number, number>;
}

/** The id of the block type [] -> [t] for a typed reference t (canonical), added on first use. */
export function refBlockSig(table: SigTable, t: number): number {
  const map = (table.refSigs ??= new Map());
  const known = map.get(t);
  if (known !== undefined) return known;
  const id = table.paramStart.length;
  const grow = (a: Int32Array, v: number): Int32Array => {
    const next = new Int32Array(a.length + 1);
    next.set(a);
    next[a.length] = v;
    return next;
  };
  const at = table.pool.length;
  table.pool = grow(table.pool, t);
  table.paramStart = grow(table.paramStart, at);
  table.paramCount = grow(table.paramCount, 0);
  table.resultStart = grow(table.resultStart, at);
  table.resultCount = grow(table.resultCount, 1);
  map.set(t, id);
  return id;
}

export function buildSigTable(m: WasmModule): SigTable {
  const sigs: FuncType[] = [{ params: [], results: [] }];
  for (const t of VALUE_TYPES) sigs.push({ params: [], results: [t] });
  for (const t of m.types) sigs.push(t);
  let size = 0;
  for (const s of sigs) size += s.params.length + s.results.length;
  const pool = new Int32Array(size);
  const canon = moduleCanon(m);
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
    for (const t of s.params) pool[k++] = canonicalRef(t, canon);
    table.resultStart[i] = k;
    table.resultCount[i] = s.results.length;
    for (const t of s.results) pool[k++] = canonicalRef(t, canon);
  }
  return table;
}
