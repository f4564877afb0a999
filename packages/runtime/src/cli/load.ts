// Reading, compiling and instantiating a module for the CLI, on wasmjit or (to compare) on
// Node's own WebAssembly, behind one small interface.
import { readFileSync } from 'node:fs';
import { parseWat, TextError } from '@wasmjit/text';
import { decodeModule, funcType, type FuncType, type WasmModule } from '@wasmjit/codegen';
import { Engine, type BoundsChecks } from '../engine.js';
import { callRaw, type WasmFunction } from '../func-wrappers.js';
import type { Imports } from '../instance-build.js';
import { moduleInfo } from '../module.js';
import { bitsToJs, isNumeric, jsToBits } from './values.js';
import type { RunLimits } from './limits.js';

export type EngineKind = 'wasmjit' | 'v8';

export interface EngineSettings {
  kind: EngineKind;
  maxWasmStack?: number;
  boundsChecks?: BoundsChecks;
  /** --timeout / --fuel (wasmjit only). */
  limits?: RunLimits;
  /** --cache [--cache-dir DIR] (wasmjit only): EngineOptions.cache. */
  cache?: boolean | string;
}

export interface Guest {
  readonly wasm: WasmModule;
  readonly exports: Record<string, unknown>;
  /**
   * Calls an exported function with raw argument bits. Results: raw bits (bigint) for
   * numbers, JS values for references.
   */
  call(name: string, args: bigint[]): unknown[];
  /**
   * Runs `f` (the program's run) under the --timeout deadline, if any: what is left of it
   * after instantiation (the start function) took its share.
   */
  limited<T>(f: () => T): T;
}

/** A failure the CLI reports as `error: <message>` without a stack. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * The module in `file` as binary: a .wasm as is, a text module (.wat, or a file starting with
 * `(` or a `;;` comment) encoded by @wasmjit/text, whose errors come back as
 * `file:line:column: ...`.
 */
export function readModule(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (!isTextModule(file, bytes)) return bytes;
  try {
    return parseWat(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    if (e instanceof TextError) throw new CliError(`${file}:${e.message}`);
    if (e instanceof TypeError) throw new CliError(`${file}: not a wasm module (neither binary nor UTF-8 text)`);
    throw e;
  }
}

/** A .wat, or text by its first non-blank byte: `(` (a module) or `;` (a comment). */
function isTextModule(file: string, bytes: Uint8Array): boolean {
  if (file.endsWith('.wat')) return true;
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x28 || b === 0x3b;
  }
  return false;
}

/** The export `name` and its signature. */
export function exportedFunction(wasm: WasmModule, name: string): { index: number; sig: FuncType } {
  const e = wasm.exports.find((x) => x.name === name);
  if (!e) {
    const funcs = wasm.exports.filter((x) => x.kind === 'func').map((x) => x.name);
    throw new CliError(`the module has no export "${name}" (functions it exports: ${funcs.join(', ') || 'none'})`);
  }
  if (e.kind !== 'func') throw new CliError(`export "${name}" is a ${e.kind}, not a function`);
  return { index: e.index, sig: funcType(wasm, e.index) };
}

export function loadGuest(bytes: Uint8Array, imports: Imports, s: EngineSettings): Guest {
  return s.kind === 'v8' ? loadV8(bytes, imports) : loadWasmjit(bytes, imports, s);
}

function loadWasmjit(bytes: Uint8Array, imports: Imports, s: EngineSettings): Guest {
  const { timeoutMs, fuel } = s.limits ?? {};
  const engine = new Engine({
    maxWasmStack: s.maxWasmStack,
    boundsChecks: s.boundsChecks,
    epochInterruption: timeoutMs !== undefined,
    consumeFuel: fuel !== undefined,
    ...(fuel !== undefined ? { initialFuel: fuel } : {}),
    ...(s.cache !== undefined ? { cache: s.cache } : {}),
  });
  const module = engine.compile(bytes);
  // --timeout counts from here: it covers the start function, then the run gets what is left.
  const started = performance.now();
  const limited = <T>(f: () => T): T => {
    if (timeoutMs === undefined) return f();
    return engine.callWithTimeout(f, Math.max(0, timeoutMs - (performance.now() - started)));
  };
  const instance = limited(() => engine.instantiate(module, imports));
  const wasm = moduleInfo(module);
  return {
    wasm,
    exports: instance.exports,
    call: (name, args) => {
      exportedFunction(wasm, name);
      return callRaw(instance.exports[name] as WasmFunction, args);
    },
    limited,
  };
}

function loadV8(bytes: Uint8Array, imports: Imports): Guest {
  const wasm = decodeModule(bytes.slice());
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  const exports = instance.exports as Record<string, unknown>;
  return {
    wasm,
    exports,
    call: (name, args) => {
      const { sig } = exportedFunction(wasm, name);
      const r = (exports[name] as (...a: unknown[]) => unknown)(...args.map((b, i) => bitsToJs(sig.params[i]!, b)));
      const results = sig.results.length === 1 ? [r] : sig.results.length === 0 ? [] : (r as unknown[]);
      return sig.results.map((t, i) => (isNumeric(t) ? jsToBits(t, results[i]) : results[i]));
    },
    limited: (f) => f(),
  };
}
