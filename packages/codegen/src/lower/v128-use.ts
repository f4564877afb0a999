// Whether a function may hold v128 values on its value stack, which makes its spill slots
// 16 bytes (frame.ts). Conservative: a v128 in any signature or global of the module, in the
// function's locals, or any 0xFD byte in its body (the SIMD prefix, or just an immediate:
// then the frame is only larger than needed).
import { ValType, type WasmModule } from '../wasm/types.js';
import { SIMD_PREFIX } from '../wasm/operators-simd.js';

const moduleDeclares = new WeakMap<WasmModule, boolean>();

function declaresV128(m: WasmModule): boolean {
  let r = moduleDeclares.get(m);
  if (r !== undefined) return r;
  r = m.types.some((t) => t.params.includes(ValType.V128) || t.results.includes(ValType.V128))
    || m.globals.some((g) => g.type.type === ValType.V128)
    || m.importedGlobals.some((g) => g.type === ValType.V128);
  moduleDeclares.set(m, r);
  return r;
}

export function mayHoldV128(m: WasmModule, localTypes: readonly ValType[], bodyStart: number, bodyEnd: number): boolean {
  if (declaresV128(m) || localTypes.includes(ValType.V128)) return true;
  return m.bytes.subarray(bodyStart, bodyEnd).includes(SIMD_PREFIX);
}
