// Reference adapter over Node's own WebAssembly (V8). It validates the runner
// itself: the testsuite should pass on V8 except where the JS API boundary
// loses information (signalling NaNs are quieted when f32 values become JS
// numbers).

import { fromJS, makeSpectestFrom, toJS, type EngineAdapter, type Imports, type Value, type ValType } from '@wasmjit/runtime/wast';

// V8's trap messages, mapped to our trap codes. Messages that cover two spec
// traps map to nothing (no kind check): "null function or function signature
// mismatch" (uninitialized element / indirect call type mismatch) and "float
// unrepresentable in integer range" (invalid conversion / integer overflow).
const V8_TRAPS: [RegExp, string][] = [
  [/^unreachable/, 'unreachable'],
  [/^(divide|remainder) by zero/, 'integer_divide_by_zero'],
  [/^divide result unrepresentable/, 'integer_overflow'],
  [/^memory access out of bounds/, 'out_of_bounds_memory'],
  [/^table index is out of bounds/, 'out_of_bounds_table'],
  [/^(data|element) segment/, 'out_of_bounds_data_or_elem'],
  [/^dereferencing a null pointer/, 'null_reference'],
  [/^Maximum call stack size exceeded/, 'stack_overflow'],
  [/^operation does not support unaligned accesses/, 'unaligned_atomic'],
  [/^Atomics\.wait cannot be called in this context/, 'expected_shared_memory'],
];

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message);
}

export class V8Adapter implements EngineAdapter {
  readonly name = 'v8';
  readonly quietsSignallingNaNs = true;

  compile(bytes: Uint8Array): unknown {
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  }

  instantiate(module: unknown, imports: Imports): { exports: Record<string, unknown> } {
    const mod = module as WebAssembly.Module;
    // The JS API throws TypeError (not LinkError) when an import's *module*
    // is missing altogether; the spec calls that "unknown import", a link
    // error. Present every requested module so only the field lookup fails.
    const full: Record<string, Record<string, unknown>> = { ...imports };
    for (const imp of WebAssembly.Module.imports(mod)) if (!(imp.module in full)) full[imp.module] = {};
    const inst = new WebAssembly.Instance(mod, full as WebAssembly.Imports);
    return { exports: inst.exports as Record<string, unknown> };
  }

  call(fn: unknown, args: Value[], resultTypes?: ValType[]): Value[] {
    if (typeof fn !== 'function') throw new Error('export is not a function');
    const r: unknown = (fn as (...a: unknown[]) => unknown)(...args.map(toJS));
    if (resultTypes === undefined) {
      if (r === undefined) return [];
      return Array.isArray(r) ? r.map((x) => fromJS(x, undefined)) : [fromJS(r, undefined)];
    }
    if (resultTypes.length === 0) return r === undefined ? [] : [fromJS(r, undefined)];
    if (resultTypes.length === 1) return [fromJS(r, resultTypes[0])];
    // Multi-value results come back as an array.
    if (!Array.isArray(r)) return [fromJS(r, resultTypes[0])];
    return r.map((x, i) => fromJS(x, resultTypes[i]));
  }

  getGlobal(global: unknown, type?: ValType): Value {
    if (!(global instanceof WebAssembly.Global)) throw new Error('export is not a global');
    return fromJS(global.value, type);
  }

  isCompileError(e: unknown): boolean {
    return e instanceof WebAssembly.CompileError;
  }
  isLinkError(e: unknown): boolean {
    return e instanceof WebAssembly.LinkError;
  }
  isRuntimeError(e: unknown): boolean {
    return e instanceof WebAssembly.RuntimeError || isStackOverflow(e);
  }
  trapKind(e: unknown): string | undefined {
    if (!(e instanceof Error)) return undefined;
    for (const [re, code] of V8_TRAPS) if (re.test(e.message)) return code;
    return undefined;
  }

  importModules(module: unknown): string[] {
    return WebAssembly.Module.imports(module as WebAssembly.Module).map((i) => i.module);
  }

  makeSpectest(): Record<string, unknown> {
    return makeSpectestFrom(WebAssembly as unknown as Parameters<typeof makeSpectestFrom>[0]);
  }
}
