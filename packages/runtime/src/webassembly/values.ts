// ToWebAssemblyValue for the number types (JS API), done before a value reaches the
// runtime so that conversions run once, in the specified order, with the specified errors.
import { ValType } from '@wasmjit/codegen';

/** ToInt32 / ToBigInt64 / ToNumber / f32 rounding; references are left to the runtime. */
export function toWasmNumber(type: ValType, v: unknown): unknown {
  switch (type) {
    case ValType.I32: return +(v as number) | 0;
    // BigInt.asIntN applies ToBigInt: TypeError for numbers, undefined, null and symbols.
    case ValType.I64: return BigInt.asIntN(64, v as bigint);
    case ValType.F32: return Math.fround(+(v as number));
    case ValType.F64: return +(v as number);
    default: return v;
  }
}
