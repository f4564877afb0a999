import { ValType } from '../wasm/types.js';

/** Which register file holds a value of this type. */
export const enum RegClass { Gpr, Xmm }

export function regClassOf(t: ValType): RegClass {
  return t === ValType.F32 || t === ValType.F64 || t === ValType.V128 ? RegClass.Xmm : RegClass.Gpr;
}
