// Reference types of the typed function references proposal (Wasm 3.0), kept numeric so the
// validator's stacks stay typed arrays and comparing two types stays one `===`.
//
// A ValType below 0x100 is a 2.0 type byte (funcref 0x70, externref 0x6f, exnref 0x69 are
// the nullable abstract references). Above it:
//   bits 0-7   the hierarchy's top byte (0x70 func, 0x6f extern, 0x69 exn)
//   bit 8      set for a non-nullable reference ((ref ht), encoded 0x64)
//   bits 9-30  type index + 1 for a concrete heap type ($t), 0 for an abstract one
// so (ref func) = 0x170, (ref null $3) = (4 << 9) | 0x70, (ref $3) = (4 << 9) | 0x170.
// The lowering only needs `t & 0xff` (every reference is a pointer-sized value).

import type { ValType } from './types.js';

export const NON_NULL = 0x100;
const INDEX_SHIFT = 9;
/** Above the 1,000,000 types a module may declare; keeps every encoding a small integer. */
export const MAX_TYPE_INDEX = (1 << 21) - 1;

export const FUNC_TOP = 0x70;
export const EXTERN_TOP = 0x6f;
export const EXN_TOP = 0x69;

/** (ref null? ht) for an abstract heap type byte (0x70/0x6f/0x69). */
export function abstractRef(top: number, nullable: boolean): ValType {
  return (nullable ? top : top | NON_NULL) as ValType;
}

/** (ref null? $index): a reference to a function of type `index`. */
export function typedRef(index: number, nullable: boolean): ValType {
  return (((index + 1) << INDEX_SHIFT) | FUNC_TOP | (nullable ? 0 : NON_NULL)) as ValType;
}

export function isRefType(t: number): boolean {
  const top = t & 0xff;
  return t !== 0 && (top === FUNC_TOP || top === EXTERN_TOP || top === EXN_TOP);
}

/** The byte a 2.0 engine would see: funcref for every function reference, the type itself otherwise. */
export function lowered(t: number): ValType {
  return (t > 0xff ? t & 0xff : t) as ValType;
}

export function isNullable(t: number): boolean {
  return (t & NON_NULL) === 0;
}

/** The type index of a concrete reference, or -1 for an abstract one (or a non-reference). */
export function heapIndex(t: number): number {
  return (t >>> INDEX_SHIFT) - 1;
}

/** t with its nullability changed. */
export function withNullable(t: number, nullable: boolean): ValType {
  return (nullable ? t & ~NON_NULL : t | NON_NULL) as ValType;
}

/** t with its type index replaced by canon[index] (equivalent types compare equal afterwards). */
export function canonicalRef(t: number, canon: Int32Array): ValType {
  if (t < 0x200) return t as ValType;
  const i = heapIndex(t);
  return (((canon[i]! + 1) << INDEX_SHIFT) | (t & 0x1ff)) as ValType;
}

/**
 * Whether a value of type `a` may be used where `b` is expected, for types whose indices are
 * already canonical (equivalent types share one index).
 */
export function isSubtype(a: number, b: number): boolean {
  if (a === b) return true;
  if (a < 0x60 || b < 0x60) return false;
  if (!isRefType(a) || !isRefType(b)) return false;
  if ((a & 0xff) !== (b & 0xff)) return false;
  if (isNullable(a) && !isNullable(b)) return false;
  const hb = heapIndex(b);
  if (hb < 0) return true; // every (ref $t) is a (ref func)
  return heapIndex(a) === hb;
}

/** Spec text of a reference type, for messages. */
export function refTypeName(t: number): string {
  const top = t & 0xff;
  const i = heapIndex(t);
  const ht = i >= 0 ? String(i) : top === FUNC_TOP ? 'func' : top === EXTERN_TOP ? 'extern' : 'exn';
  return isNullable(t) ? `(ref null ${ht})` : `(ref ${ht})`;
}
