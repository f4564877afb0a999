// A second module, instantiated next to the fuzzed one in the same engine, that lets JS see
// exact bits: JS numbers cannot carry NaN payloads reliably (f32 results are widened, and
// either side may canonicalise), so every float crossing is done as an integer of the same
// width. call<j>(...) takes float params as integer bits, calls export j of the fuzzed
// module (a wasm-to-wasm call through an import) and returns float results as bits; g<i>()
// returns global i's bits. References pass through unchanged. A v128 (which cannot cross to
// JS at all) crosses as two i64 halves, low first: params are rebuilt with i64x2.splat +
// replace_lane, results and globals split with i64x2.extract_lane.
import { ValType, type FuncType, type WasmModule } from '@wasmjit/codegen';
import { concat, encodeName, encodeU32, sectionBytes } from './wasm-bytes.js';
import { globalExport } from './augment.js';

export const HARNESS_MODULE = 'a';
export const callExport = (j: number) => `call${j}`;
export const globalGetter = (i: number) => `g${i}`;

/** The type a value crosses to JS as: floats become integers of their width. */
export function bitsType(t: ValType): ValType {
  return t === ValType.F32 ? ValType.I32 : t === ValType.F64 ? ValType.I64 : t;
}

/** The types a value crosses to JS as: a v128 is two i64 halves, others bitsType. */
export function crossTypes(t: ValType): ValType[] {
  return t === ValType.V128 ? [ValType.I64, ValType.I64] : [bitsType(t)];
}

const SIMD = 0xfd;
const I64X2_SPLAT = 0x12;
const I64X2_EXTRACT_LANE = 0x1d;
const I64X2_REPLACE_LANE = 0x1e;

/** The two i64 halves of the v128 in local `l`, low first. */
function splitV128(l: number): number[] {
  return [0x20, ...encodeU32(l), SIMD, I64X2_EXTRACT_LANE, 0, 0x20, ...encodeU32(l), SIMD, I64X2_EXTRACT_LANE, 1];
}

function typeBytes(t: FuncType): number[] {
  return [0x60, ...encodeU32(t.params.length), ...t.params, ...encodeU32(t.results.length), ...t.results];
}

export interface HarnessFunc {
  /** Export name in the fuzzed module. */
  name: string;
  type: FuncType;
}

/** Function exports of `m` that the harness wraps (all of them, in export order). */
export function harnessFuncs(m: WasmModule): HarnessFunc[] {
  return m.exports.filter((e) => e.kind === 'func').map((e) => ({ name: e.name, type: m.types[m.funcs[e.index]!]! }));
}

export function globalTypes(m: WasmModule): { type: ValType; mutable: boolean }[] {
  return [...m.importedGlobals, ...m.globals.map((g) => g.type)];
}

export function buildHarness(m: WasmModule): Uint8Array {
  const funcs = harnessFuncs(m);
  const globals = globalTypes(m);
  const types: number[][] = [];
  const typeIndex = new Map<string, number>();
  const typeOf = (t: FuncType) => {
    const b = typeBytes(t);
    const key = b.join(',');
    let i = typeIndex.get(key);
    if (i === undefined) {
      i = types.length;
      types.push(b);
      typeIndex.set(key, i);
    }
    return i;
  };

  const imports: number[][] = [];
  for (const f of funcs) imports.push([...encodeName(HARNESS_MODULE), ...encodeName(f.name), 0x00, ...encodeU32(typeOf(f.type))]);
  globals.forEach((g, i) => imports.push([...encodeName(HARNESS_MODULE), ...encodeName(globalExport(i)), 0x03, g.type, g.mutable ? 1 : 0]));

  const declared: number[] = [];
  const bodies: number[][] = [];
  const exports: number[][] = [];
  const numImported = funcs.length;
  funcs.forEach((f, j) => {
    const wrapped: FuncType = { params: f.type.params.flatMap(crossTypes), results: f.type.results.flatMap(crossTypes) };
    declared.push(typeOf(wrapped));
    const code: number[] = [];
    let k = 0;
    for (const t of f.type.params) {
      if (t === ValType.V128) {
        code.push(0x20, ...encodeU32(k), SIMD, I64X2_SPLAT, 0x20, ...encodeU32(k + 1), SIMD, I64X2_REPLACE_LANE, 1);
        k += 2;
        continue;
      }
      code.push(0x20, ...encodeU32(k++));
      if (t === ValType.F32) code.push(0xbe); // f32.reinterpret_i32
      if (t === ValType.F64) code.push(0xbf); // f64.reinterpret_i64
    }
    code.push(0x10, ...encodeU32(j));
    const np = wrapped.params.length;
    const nr = f.type.results.length;
    // Results come off the stack last-first into locals, then go back converted.
    for (let r = nr - 1; r >= 0; r--) code.push(0x21, ...encodeU32(np + r));
    f.type.results.forEach((t, r) => {
      if (t === ValType.V128) {
        code.push(...splitV128(np + r));
        return;
      }
      code.push(0x20, ...encodeU32(np + r));
      if (t === ValType.F32) code.push(0xbc); // i32.reinterpret_f32
      if (t === ValType.F64) code.push(0xbd); // i64.reinterpret_f64
    });
    code.push(0x0b);
    const locals = f.type.results.map((t) => [1, t]);
    bodies.push([...encodeU32(locals.length), ...locals.flat(), ...code]);
    exports.push([...encodeName(callExport(j)), 0x00, ...encodeU32(numImported + j)]);
  });
  globals.forEach((g, i) => {
    declared.push(typeOf({ params: [], results: crossTypes(g.type) }));
    if (g.type === ValType.V128) {
      // One local: the global's value, split into halves.
      bodies.push([1, 1, ValType.V128, 0x23, ...encodeU32(i), 0x21, 0, ...splitV128(0), 0x0b]);
      exports.push([...encodeName(globalGetter(i)), 0x00, ...encodeU32(numImported + funcs.length + i)]);
      return;
    }
    const code = [0x23, ...encodeU32(i)];
    if (g.type === ValType.F32) code.push(0xbc);
    if (g.type === ValType.F64) code.push(0xbd);
    code.push(0x0b);
    bodies.push([0x00, ...code]);
    exports.push([...encodeName(globalGetter(i)), 0x00, ...encodeU32(numImported + funcs.length + i)]);
  });

  const vec = (items: number[][]) => [...encodeU32(items.length), ...items.flat()];
  return concat([
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    sectionBytes(1, vec(types)),
    sectionBytes(2, vec(imports)),
    sectionBytes(3, vec(declared.map((t) => encodeU32(t)))),
    sectionBytes(7, vec(exports)),
    sectionBytes(10, vec(bodies.map((b) => [...encodeU32(b.length), ...b]))),
  ]);
}
