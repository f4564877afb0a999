// Typed function references at the JS boundary (docs/typed-references.md). In a module a
// (ref null? $t) names $t by its module-local index (codegen wasm/ref-types.ts); JS-facing
// places (wrappers, Globals, Tables) keep the type with the index replaced by the process's
// canonical signature id of $t instead ("boundary" types), so that types of two modules
// compare as numbers and a JS value can be checked against one without its module:
//   - null is refused for a non-nullable type;
//   - a (ref null? $t) takes only a wasm function whose canonical type is $t's.
import {
  FUNC_TOP, ValType, heapIndex, isNullable, moduleCanonicalTypeIds, refTypeName, type FuncType, type WasmModule,
} from '@wasmjit/codegen';
import { wasmFunctionInfoOf } from './func-wrappers.js';

const INDEX_SHIFT = 9;
const typeIdCache = new WeakMap<WasmModule, number[]>();
const sigCache = new WeakMap<FuncType, FuncType>();

/** The process's canonical signature id of each of the module's types (cached). */
export function typeIdsOf(wasm: WasmModule): number[] {
  let ids = typeIdCache.get(wasm);
  if (ids === undefined) typeIdCache.set(wasm, (ids = moduleCanonicalTypeIds(wasm)));
  return ids;
}

/** Module-local type t of `wasm` as a boundary type (unchanged unless it names a type). */
export function boundaryType(wasm: WasmModule, t: ValType): ValType {
  if (t < 0x200) return t;
  const id = typeIdsOf(wasm)[heapIndex(t)]!;
  return (((id + 1) << INDEX_SHIFT) | (t & 0x1ff)) as ValType;
}

/** A function type of `wasm` with boundary types (the same object when nothing changes). */
export function boundarySig(wasm: WasmModule, sig: FuncType): FuncType {
  if (!sig.params.some((t) => t > 0xff) && !sig.results.some((t) => t > 0xff)) return sig;
  let b = sigCache.get(sig);
  if (b === undefined) {
    b = { params: sig.params.map((t) => boundaryType(wasm, t)), results: sig.results.map((t) => boundaryType(wasm, t)) };
    sigCache.set(sig, b);
  }
  return b;
}

/** The canonical signature id of a wasm function object's type, or undefined for other values. */
function funcTypeId(v: unknown): number | undefined {
  const record = wasmFunctionInfoOf(v)?.record;
  if (!record) return undefined;
  const wasm = record.member.parts.wasm;
  return typeIdsOf(wasm)[wasm.funcs[record.index]!];
}

/**
 * Why JS value `v` cannot be a value of boundary type t (a typed reference), or undefined
 * when it can. Runs no JS.
 */
export function refMismatch(t: ValType, v: unknown): string | undefined {
  if (v === null) return isNullable(t) ? undefined : `null is not a value of the non-nullable type ${refTypeName(t)}`;
  const i = heapIndex(t);
  if ((t & 0xff) !== FUNC_TOP || i < 0) return undefined; // (ref extern), (ref func): checked as before
  const id = funcTypeId(v);
  if (id === undefined) return 'a typed function reference must be a function exported by a wasm instance';
  return id === i ? undefined : 'the function does not have the reference\'s function type';
}

/** The 2.0 reference type a boundary type is carried as (funcref or externref). */
export function carrier(t: ValType): ValType {
  return (t > 0xff ? t & 0xff : t) as ValType;
}

export { ValType };

/** funcref, externref and the typed references of those hierarchies: what crosses to JS as a reference. */
export function crossesAsRef(t: ValType): boolean {
  const top = t & 0xff;
  return (top === ValType.FuncRef || top === ValType.ExternRef) && (t === top || t > 0xff);
}
