// The script runner's adapter over wasmjit itself. Calls go through callRaw, so numbers cross
// as raw bits (NaN payloads survive exactly) and v128 as one 128-bit bigint.

import { UnsupportedFeatureError } from '@wasmjit/codegen';
import { Engine, type EngineOptions } from '../engine.js';
import { CompileError, LinkError, RuntimeError } from '../errors.js';
import { callRaw, globalRawBits, type WasmFunction } from '../func-wrappers.js';
import { Global } from '../global.js';
import { Memory } from '../memory.js';
import { Module } from '../module.js';
import { Table } from '../table.js';
import { makeSpectestFrom, type EngineAdapter, type Imports } from './adapter.js';
import { fromJS } from './js-values.js';
import type { Value, ValType } from './values.js';

const WIDTH: Record<string, number> = { i32: 32, f32: 32, i64: 64, f64: 64, v128: 128 };

export class WasmjitAdapter implements EngineAdapter {
  readonly name = 'wasmjit';
  // callRaw moves raw bit patterns, so NaN payloads must survive exactly.
  readonly quietsSignallingNaNs = false;
  readonly engine: Engine;

  constructor(options: EngineOptions = {}) {
    this.engine = new Engine(options);
  }

  compile(bytes: Uint8Array): unknown {
    return this.engine.compile(bytes);
  }

  instantiate(module: unknown, imports: Imports): { exports: Record<string, unknown> } {
    return this.engine.instantiate(module as Parameters<Engine['instantiate']>[0], imports) as { exports: Record<string, unknown> };
  }

  call(fn: unknown, args: Value[], resultTypes?: ValType[]): Value[] {
    if (typeof fn !== 'function') throw new TypeError('export is not a function');
    const out = callRaw(fn as WasmFunction, args.map((a) => ('bits' in a ? a.bits : a.ref)));
    return out.map((x, i): Value => {
      const t = resultTypes?.[i];
      if (t === undefined) {
        // Untyped (bare invoke or surplus results): best effort.
        return typeof x === 'bigint' ? { type: 'i64', bits: BigInt.asUintN(64, x) } : { type: 'externref', ref: x };
      }
      if (t === 'funcref' || t === 'externref') return { type: t, ref: x };
      if (typeof x !== 'bigint') throw new TypeError(`result ${i} is ${typeof x}, expected the bits of a ${t}`);
      return { type: t, bits: BigInt.asUintN(WIDTH[t]!, x) };
    });
  }

  getGlobal(global: unknown, type?: ValType): Value {
    if (!(global instanceof Global)) throw new TypeError('export is not a global');
    // v128 cannot cross the JS API: read the cell's raw bits.
    if (type === 'v128') return { type, bits: BigInt.asUintN(128, globalRawBits(global)!) };
    return fromJS(global.value, type);
  }

  isCompileError(e: unknown): boolean {
    return e instanceof CompileError;
  }
  isLinkError(e: unknown): boolean {
    return e instanceof LinkError;
  }
  isRuntimeError(e: unknown): boolean {
    return e instanceof RuntimeError;
  }
  trapKind(e: unknown): string | undefined {
    if (!(e instanceof RuntimeError)) return undefined;
    // A RuntimeError without a code shows up as a wrong trap kind, never as a skipped check.
    return e.trap !== '' ? e.trap : '(no trap code)';
  }
  unsupportedFeature(e: unknown): string | undefined {
    return e instanceof UnsupportedFeatureError ? e.feature : undefined;
  }

  importModules(module: unknown): string[] {
    return Module.imports(module as Module).map((i) => i.module);
  }

  makeSpectest(): Record<string, unknown> {
    return makeSpectestFrom({ Global, Table, Memory } as unknown as Parameters<typeof makeSpectestFrom>[0]);
  }
}
