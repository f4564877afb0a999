import { ValType } from '../wasm/types.js';

/** Which register file holds a value of this type. */
export const enum RegClass { Gpr, Xmm }

export function regClassOf(t: ValType): RegClass {
  return t === ValType.F32 || t === ValType.F64 ? RegClass.Xmm : RegClass.Gpr;
}

/** True for types stored as 64-bit integers in a Gpr (i64 and references). */
export function isWide(t: ValType): boolean {
  return t !== ValType.I32 && t !== ValType.F32;
}
