// Type equivalence for typed function references. A function type may name other types in
// its (ref $t) params and results, so two indices denote the same type when their
// structures agree after every named type is replaced by its own canonical form. Without
// explicit rec groups (a GC feature) each type is its own group: it may name itself and
// earlier types only, which makes canonical forms computable in index order, each in time
// linear in its size (named types are replaced by their ids, never expanded).

import { heapIndex } from './ref-types.js';
import type { WasmModule } from './types.js';

/**
 * The types of `m` with every named type replaced by `idOf(j)` (an earlier type) or a
 * self marker: types with equal keys are equivalent. Unchanged for types without (ref $t),
 * so their keys (and the signature ids built from them) are the 2.0 ones.
 */
export function structuralKeys(m: WasmModule, idOf: (index: number) => number): { params: number[]; results: number[] }[] {
  const out: { params: number[]; results: number[] }[] = [];
  for (let i = 0; i < m.types.length; i++) {
    const t = m.types[i]!;
    const map = (v: number): number => {
      if (v < 0x200) return v;
      const j = heapIndex(v);
      // A reference to itself (or, in an invalid module, to a later type): relative.
      if (j >= i) return -((j - i) * 0x200 + (v & 0x1ff)) - 1;
      return ((idOf(j) + 1) * 0x200) + (v & 0x1ff);
    };
    const simple = !t.params.some((v) => v >= 0x200) && !t.results.some((v) => v >= 0x200);
    out.push(simple ? t : { params: t.params.map(map), results: t.results.map(map) });
  }
  return out;
}

const canonCache = new WeakMap<WasmModule, Int32Array>();

/** canon[i] = the first index of a type equivalent to type i (validation's view). */
export function moduleCanon(m: WasmModule): Int32Array {
  let canon = canonCache.get(m);
  if (canon !== undefined) return canon;
  const c = new Int32Array(m.types.length);
  const firstOf = new Map<string, number>();
  // Keys are computed type by type (a key needs the canon of earlier types only).
  for (let i = 0; i < m.types.length; i++) {
    const t = m.types[i]!;
    const map = (v: number): number => {
      if (v < 0x200) return v;
      const j = heapIndex(v);
      if (j >= i) return -((j - i) * 0x200 + (v & 0x1ff)) - 1;
      return (c[j]! + 1) * 0x200 + (v & 0x1ff);
    };
    const key = `${t.params.map(map).join(',')}:${t.results.map(map).join(',')}`;
    const first = firstOf.get(key);
    if (first === undefined) firstOf.set(key, i);
    c[i] = first ?? i;
  }
  canon = c;
  canonCache.set(m, canon);
  return canon;
}
