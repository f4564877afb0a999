// Validation rules of the tail-call proposal (Wasm 3.0): return_call and return_call_indirect
// pop the callee's parameters and end the block like `return`, and the callee's results must
// be exactly the caller's (the callee returns straight to the caller's caller). The operand
// stack work is the function validator's; this file holds the rule that is new.

import type { SigTable } from './sig-table.js';
import { isSubtype } from '../wasm/ref-types.js';

/** Whether signature `callee`'s results can be returned as `caller`'s (each a subtype). */
export function sameResults(sigs: SigTable, caller: number, callee: number): boolean {
  const n = sigs.resultCount[caller]!;
  if (sigs.resultCount[callee] !== n) return false;
  const a = sigs.resultStart[caller]!;
  const b = sigs.resultStart[callee]!;
  for (let i = 0; i < n; i++) if (!isSubtype(sigs.pool[b + i]!, sigs.pool[a + i]!)) return false;
  return true;
}
