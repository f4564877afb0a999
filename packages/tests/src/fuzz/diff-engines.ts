// The two sides of the differential fuzzer behind one interface: V8's WebAssembly and
// wasmjit (in either bounds-check mode), including how each reports a trap. Trap kinds are
// compared in V8's vocabulary, since V8's messages are coarser than our trap codes.
import * as wasmjit from '@wasmjit/runtime';

export interface DiffEngine {
  readonly name: string;
  compile(bytes: Uint8Array): unknown;
  instantiate(module: unknown, imports: Record<string, Record<string, unknown>>): Record<string, unknown>;
  /** 'trap:<kind in V8 terms>', 'exhausted' (stack overflow: a host limit), or 'js:<class>'. */
  classify(e: unknown): string;
  newGlobal(type: string, mutable: boolean, value: unknown): unknown;
  newMemory(initial: number, maximum?: number): unknown;
  newTable(element: 'anyfunc' | 'externref', initial: number, maximum?: number): unknown;
  newTag(parameters: string[]): unknown;
  newException(tag: unknown, payload: unknown[]): unknown;
  /** Whether `e` is this engine's WebAssembly.Exception. */
  isException(e: unknown): e is WasmException;
}

/** The part of WebAssembly.Exception the fuzzer reads. */
export interface WasmException {
  is(tag: unknown): boolean;
  getArg(tag: unknown, index: number): unknown;
}

/** Thrown by the fuzzer's own JS imports: the same message in both engines. */
export class FuzzJsError extends Error {
  override name = 'FuzzJsError';
}

function jsError(e: unknown): string {
  if (e instanceof FuzzJsError) return `js:FuzzJsError:${e.message}`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'exhausted';
  // Messages of engine-made TypeErrors (JS↔wasm conversions) differ between engines.
  return `js:${e instanceof Error ? e.constructor.name : typeof e}`;
}

/** V8's trap message → our name for its kind (the V8 side of a comparison). */
const V8_TRAPS: [RegExp, string][] = [
  [/^unreachable/, 'unreachable'],
  [/^(divide by zero|remainder by zero)/, 'div_by_zero'],
  [/^divide result unrepresentable/, 'overflow'],
  [/^float unrepresentable in integer range/, 'float_to_int'],
  [/^memory access out of bounds/, 'memory_oob'],
  [/^(table index is out of bounds|table access out of bounds)/, 'table_oob'],
  [/^null function or function signature mismatch/, 'indirect_call'],
  [/^(data|element) segment (has been dropped|out of bounds)/, 'segment_oob'],
  [/^dereferencing a null pointer/, 'null_reference'],
  [/^operation does not support unaligned accesses/, 'unaligned_atomic'],
  [/^Atomics\.wait cannot be called in this context/, 'wait_unshared'],
];

/** Our trap codes → the V8 kinds each may show up as. */
export const WASMJIT_TRAP_KINDS: Record<string, string[]> = {
  unreachable: ['unreachable'],
  integer_divide_by_zero: ['div_by_zero'],
  // Also what the spec calls a float → int conversion out of range ("integer overflow").
  integer_overflow: ['overflow', 'float_to_int'],
  bad_conversion_to_integer: ['float_to_int'],
  out_of_bounds_memory: ['memory_oob', 'segment_oob'],
  out_of_bounds_table: ['table_oob', 'segment_oob'],
  out_of_bounds_data_or_elem: ['memory_oob', 'table_oob', 'segment_oob'],
  indirect_call_to_null: ['indirect_call'],
  uninitialized_element: ['indirect_call'],
  bad_signature: ['indirect_call'],
  null_reference: ['null_reference'],
  unaligned_atomic: ['unaligned_atomic'],
  expected_shared_memory: ['wait_unshared'],
};

/** V8's exception-handling JS API (Node 20 has it; the TypeScript lib does not declare it). */
const V8_EH = WebAssembly as unknown as {
  Tag: new (type: { parameters: string[] }) => unknown;
  Exception: new (tag: unknown, payload: unknown[]) => WasmException;
};

export function v8Engine(): DiffEngine {
  return {
    name: 'v8',
    compile: (bytes) => new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
    instantiate: (m, imports) => new WebAssembly.Instance(m as WebAssembly.Module, imports as WebAssembly.Imports).exports as Record<string, unknown>,
    classify(e) {
      if (e instanceof WebAssembly.RuntimeError) {
        const kind = V8_TRAPS.find(([re]) => re.test(e.message));
        return `trap:${kind ? kind[1] : `v8 "${e.message}"`}`;
      }
      return jsError(e);
    },
    newGlobal: (type, mutable, value) => new WebAssembly.Global({ value: type as WebAssembly.ValueType, mutable }, value),
    newMemory: (initial, maximum) => new WebAssembly.Memory(maximum === undefined ? { initial } : { initial, maximum }),
    newTable: (element, initial, maximum) => new WebAssembly.Table(maximum === undefined ? { element, initial } : { element, initial, maximum }),
    newTag: (parameters) => new V8_EH.Tag({ parameters }),
    newException: (tag, payload) => new V8_EH.Exception(tag, payload),
    isException: (e): e is WasmException => e instanceof V8_EH.Exception,
  };
}

export function wasmjitEngine(boundsChecks: 'explicit' | 'guard'): DiffEngine {
  // `--tier optimized` (diff-cli.ts) reaches the workers through the environment.
  const tier = process.env.WASMJIT_TIER === 'optimized' ? { tier: 'optimized' as const } : {};
  const engine = new wasmjit.Engine({ boundsChecks, ...tier });
  return {
    name: `wasmjit-${boundsChecks}`,
    compile: (bytes) => engine.compile(bytes),
    instantiate: (m, imports) => engine.instantiate(m as wasmjit.Module, imports).exports,
    classify(e) {
      if (e instanceof wasmjit.RuntimeError) {
        if (e.trap === 'stack_overflow') return 'exhausted';
        return `trap:wasmjit ${e.trap}`;
      }
      return jsError(e);
    },
    newGlobal: (type, mutable, value) => new wasmjit.Global({ value: type as wasmjit.GlobalValueType, mutable }, value),
    newMemory: (initial, maximum) => new wasmjit.Memory({ initial, maximum }),
    newTable: (element, initial, maximum) => new wasmjit.Table({ element, initial, maximum }),
    newTag: (parameters) => new wasmjit.Tag({ parameters }),
    newException: (tag, payload) => new wasmjit.Exception(tag, payload),
    isException: (e): e is WasmException => e instanceof wasmjit.Exception,
  };
}

/** Whether outcome `ours` (wasmjit's) is what `v8` (V8's) allows. */
export function sameOutcome(v8: string, ours: string): boolean {
  if (v8 === ours) return true;
  const m = /^trap:wasmjit (.*)$/.exec(ours);
  if (!m || !v8.startsWith('trap:')) return false;
  return (WASMJIT_TRAP_KINDS[m[1]!] ?? []).includes(v8.slice(5));
}
