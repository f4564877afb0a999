// Module: decoded, validated and compiled wasm, with its code loaded into executable memory.
import { compileModule, type CompiledCode, type WasmModule } from '@wasmjit/codegen';
import { loadCode, type CodeRegion } from './code-memory.js';
import { engineSettings, getDefaultEngine, type BoundsChecks, type Engine } from './engine.js';
import type { EpochCounter } from './epoch-counter.js';

/** Module bytes: any typed array / DataView / ArrayBuffer (the WebAssembly API's BufferSource). */
export type WasmBytes = ArrayBufferView | ArrayBufferLike;

export interface ModuleExportDescriptor { name: string; kind: 'function' | 'table' | 'memory' | 'global' }
export interface ModuleImportDescriptor { module: string; name: string; kind: 'function' | 'table' | 'memory' | 'global' }

const KIND_NAMES = { func: 'function', table: 'table', memory: 'memory', global: 'global' } as const;

export function toBytes(src: WasmBytes): Uint8Array {
  if (src instanceof Uint8Array) return src;
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (src instanceof ArrayBuffer || src instanceof SharedArrayBuffer) return new Uint8Array(src as ArrayBuffer);
  throw new TypeError('wasmjit: expected a WasmBytes (ArrayBuffer or typed array) with the module bytes');
}

/**
 * What instantiation uses of a Module, captured when it is compiled: a program can replace or
 * shadow any property or method of the Module, never these (see compiledParts).
 */
export interface CompiledParts {
  readonly wasm: WasmModule;
  readonly compiled: CompiledCode;
  readonly code: CodeRegion;
  readonly engine: Engine;
  /** The settings the code was compiled with (read from the engine once, for the compile). */
  readonly boundsChecks: BoundsChecks;
  readonly epoch: EpochCounter | null;
  /** Of the epoch counter's cell, as compiled into the code (vmctx EpochPtr gets it too). */
  readonly epochAddress: number | undefined;
  readonly epochInterruption: boolean;
  readonly hostInterrupts: boolean;
  readonly consumeFuel: boolean;
  readonly initialFuel: number | bigint;
}

let partsOf: (m: unknown) => CompiledParts | undefined;

/** The parts of a real Module (undefined for anything else, a Proxy of a Module included). */
export function compiledParts(m: unknown): CompiledParts | undefined {
  return partsOf(m);
}

/** Absolute address of function `index`'s entry (its import thunk for an imported one). */
export function funcAddress(parts: CompiledParts, index: number): number {
  return parts.code.address + parts.compiled.funcOffsets[index]!;
}

/** The decoded module of a real Module (tools, the namespace, the CLI), or TypeError. */
export function moduleInfo(m: unknown, what = 'Module'): WasmModule {
  const parts = partsOf(m);
  if (!parts) throw new TypeError(`${what}: argument must be a wasmjit Module`);
  return parts.wasm;
}

/**
 * A compiled module. What instantiation uses of it (the decoded module, the code, the
 * engine settings it was compiled with) is in a private field, never on a property: a
 * program cannot change what a later instantiation does by changing the Module.
 */
export class Module {
  readonly #parts: CompiledParts;

  static {
    partsOf = (m) => (typeof m === 'object' && m !== null && #parts in m ? (m as Module).#parts : undefined);
  }

  constructor(bytes: WasmBytes, engine: Engine = getDefaultEngine()) {
    const settings = engineSettings(engine);
    if (!settings) throw new TypeError('Module: argument 1 must be a wasmjit Engine');
    // Copy: the caller may reuse its buffer, and the decoder keeps views into it.
    const copy = toBytes(bytes).slice();
    // Decode, validate and compile in one (function bodies are validated by the code
    // generator's chunks, on worker threads too); errors are those of the three in sequence.
    const { boundsChecks, epoch, consumeFuel, initialFuel, epochInterruption, hostInterrupts } = settings;
    const epochAddress = epoch?.address;
    const { module, compiled } = compileModule(copy, { ...settings.features }, {
      stackChecks: settings.stackChecks,
      boundsChecks,
      epochInterruption,
      // Decided by the engine, not by the thread that happens to compile (compile workers).
      hostInterrupts,
      // The code embeds the address: a Module belongs to its engine (epoch-counter.ts).
      epochCounterAddress: epochAddress,
      consumeFuel,
      parallelCompile: settings.parallelCompile,
    });
    this.#parts = {
      wasm: module, compiled, code: loadCode(compiled.code), engine, boundsChecks, epoch, epochAddress,
      epochInterruption, hostInterrupts, consumeFuel, initialFuel,
    };
  }

  /** The Engine the module was compiled with. */
  get engine(): Engine {
    return this.#parts.engine;
  }

  static exports(m: Module): ModuleExportDescriptor[] {
    return moduleInfo(m, 'Module.exports()').exports.map((e) => ({ name: e.name, kind: KIND_NAMES[e.kind] }));
  }

  static imports(m: Module): ModuleImportDescriptor[] {
    return moduleInfo(m, 'Module.imports()').imports.map((i) => ({ module: i.module, name: i.name, kind: KIND_NAMES[i.desc.kind] }));
  }
}
