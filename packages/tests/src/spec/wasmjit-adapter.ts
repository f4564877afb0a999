// Adapter over @wasmjit/runtime.
//
// The runtime is developed alongside this runner, so it is loaded with a
// dynamic import and feature-checked instead of typed against its
// declarations: a missing or partial runtime turns into an
// "engine not available" result instead of a build break.

import { printStub, SPECTEST_FUNCS, type EngineAdapter, type Imports } from './adapter.js';
import { fromJS } from './jsvalues.js';
import { spectestHostImports, spectestWasm } from './spectest.js';
import type { NumType, Value, ValType } from './values.js';

export type BoundsChecks = 'guard' | 'explicit';
/** wasmjit's SIMD instruction forms (EngineOptions.simd). */
export type SimdIsa = 'avx' | 'sse4.1';

type Ctor = new (...args: any[]) => any;

/** What the runner needs from @wasmjit/runtime. */
export interface WasmjitRuntime {
  Engine: new (options: { boundsChecks?: BoundsChecks; features?: { extendedConst?: boolean }; simd?: SimdIsa }) => {
    compile(bytes: Uint8Array): unknown;
    instantiate(module: unknown, imports: Imports): { exports: Record<string, unknown> };
  };
  CompileError: Ctor;
  LinkError: Ctor;
  RuntimeError: Ctor;
  /** Host-object constructors shaped like WebAssembly's; optional (see makeSpectest). */
  Memory?: Ctor;
  Table?: Ctor;
  Global?: Ctor;
  /** Numbers as raw bit patterns (bigint), references as JS values. */
  callRaw(fn: unknown, args: unknown[]): unknown[];
  /** Raw bits of a Global (v128 too); optional: older runtimes lack it. */
  globalRawBits?(g: unknown): bigint | undefined;
}

const REQUIRED = ['Engine', 'CompileError', 'LinkError', 'RuntimeError', 'callRaw'] as const;

/** Load the runtime, or explain why it cannot be used. */
export async function loadWasmjitRuntime(): Promise<{ runtime: WasmjitRuntime } | { error: string }> {
  let mod: Record<string, unknown>;
  try {
    // A non-literal specifier keeps tsc from binding to the runtime's
    // current (possibly incomplete) type declarations.
    const specifier = '@wasmjit/runtime';
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    // First line only: module-not-found messages carry a long require stack.
    return { error: `cannot import @wasmjit/runtime: ${String((e as Error).message).split('\n')[0]}` };
  }
  const missing = REQUIRED.filter((k) => typeof mod[k] !== 'function');
  if (missing.length > 0) return { error: `@wasmjit/runtime lacks ${missing.join(', ')}` };
  return { runtime: mod as unknown as WasmjitRuntime };
}

const WIDTH: Record<NumType, number> = { i32: 32, f32: 32, i64: 64, f64: 64, v128: 128 };

export class WasmjitAdapter implements EngineAdapter {
  readonly name = 'wasmjit';
  // callRaw moves raw bit patterns, so NaN payloads must survive exactly.
  readonly quietsSignallingNaNs = false;
  private readonly engine: InstanceType<WasmjitRuntime['Engine']>;

  constructor(
    private readonly rt: WasmjitRuntime,
    boundsChecks?: BoundsChecks,
    extendedConst = false,
    simd?: SimdIsa,
  ) {
    // Proposal files (extended-const) need the feature; the core files must see it off.
    this.engine = new rt.Engine({
      ...(boundsChecks ? { boundsChecks } : {}), ...(extendedConst ? { features: { extendedConst } } : {}), ...(simd ? { simd } : {}),
    });
  }

  compile(bytes: Uint8Array): unknown {
    return this.engine.compile(bytes);
  }

  instantiate(module: unknown, imports: Imports): { exports: Record<string, unknown> } {
    return this.engine.instantiate(module, imports);
  }

  call(fn: unknown, args: Value[], _paramTypes?: ValType[], resultTypes?: ValType[]): Value[] {
    const raw = args.map((a) => ('bits' in a ? a.bits : a.ref));
    const out = this.rt.callRaw(fn, raw);
    if (!Array.isArray(out)) throw new Error(`callRaw returned ${typeof out}, expected an array`);
    return out.map((x, i): Value => {
      const t = resultTypes?.[i];
      if (t === undefined) {
        // Untyped (bare invoke or surplus results): best effort.
        return typeof x === 'bigint' ? { type: 'i64', bits: BigInt.asUintN(64, x) } : { type: 'externref', ref: x };
      }
      if (t === 'funcref' || t === 'externref') return { type: t, ref: x };
      if (typeof x !== 'bigint') throw new Error(`callRaw result ${i} is ${typeof x}, expected bigint bits for ${t}`);
      return { type: t, bits: BigInt.asUintN(WIDTH[t], x) };
    });
  }

  getGlobal(global: unknown, type?: ValType): Value {
    if (type === 'v128') {
      const bits = this.rt.globalRawBits?.(global);
      if (bits === undefined) throw new Error('export is not a global (or the runtime has no globalRawBits)');
      return { type, bits };
    }
    // Duck-typed: the runtime's Global class may not be exported (yet).
    if (typeof global !== 'object' || global === null || !('value' in global)) throw new Error('export is not a global');
    return fromJS((global as { value: unknown }).value, type);
  }

  isCompileError(e: unknown): boolean {
    return e instanceof this.rt.CompileError;
  }
  isLinkError(e: unknown): boolean {
    return e instanceof this.rt.LinkError;
  }
  isRuntimeError(e: unknown): boolean {
    return e instanceof this.rt.RuntimeError;
  }
  trapKind(e: unknown): string | undefined {
    if (!(e instanceof this.rt.RuntimeError)) return undefined;
    const trap = (e as { trap?: unknown }).trap;
    // A RuntimeError without a code is reported as such so it shows up as a
    // wrong trap kind rather than silently skipping the check.
    return typeof trap === 'string' ? trap : '(no trap code)';
  }

  makeSpectest(): Record<string, unknown> {
    const { Global, Table, Memory } = this.rt;
    if (!Global || !Table || !Memory) {
      // No host-object constructors: define spectest in wasm and use the
      // instance's exports (same types and values).
      return this.instantiate(this.compile(spectestWasm()), spectestHostImports()).exports;
    }
    const spectest: Record<string, unknown> = {
      global_i32: new Global({ value: 'i32' }, 666),
      global_i64: new Global({ value: 'i64' }, 666n),
      global_f32: new Global({ value: 'f32' }, 666.6),
      global_f64: new Global({ value: 'f64' }, 666.6),
      table: new Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
      memory: new Memory({ initial: 1, maximum: 2 }),
    };
    for (const f of SPECTEST_FUNCS) spectest[f] = printStub;
    return spectest;
  }
}
