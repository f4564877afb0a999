// Module: decoded, validated and compiled wasm, with its code loaded into executable memory.
import { compileModule, type CompiledCode, type WasmModule } from '@wasmjit/codegen';
import { loadCode, type CodeRegion } from './code-memory.js';
import type { BoundsChecks, Engine } from './engine.js';
import type { EpochCounter } from './epoch-counter.js';
import { getDefaultEngine } from './engine.js';

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

export class Module {
  readonly wasm: WasmModule;
  readonly compiled: CompiledCode;
  readonly code: CodeRegion;
  readonly engine: Engine;
  readonly #parts: CompiledParts;

  static {
    partsOf = (m) => (typeof m === 'object' && m !== null && #parts in m ? (m as Module).#parts : undefined);
  }

  constructor(bytes: WasmBytes, engine: Engine = getDefaultEngine()) {
    this.engine = engine;
    // Copy: the caller may reuse its buffer, and the decoder keeps views into it.
    const copy = toBytes(bytes).slice();
    // Decode, validate and compile in one (function bodies are validated by the code
    // generator's chunks, on worker threads too); errors are those of the three in sequence.
    const { boundsChecks, epoch, consumeFuel, initialFuel } = engine;
    const epochAddress = epoch?.address;
    const { module, compiled } = compileModule(copy, engine.features, {
      stackChecks: engine.stackChecks,
      boundsChecks,
      epochInterruption: engine.epochInterruption,
      // Decided by the engine, not by the thread that happens to compile (compile workers).
      hostInterrupts: engine.hostInterrupts,
      // The code embeds the address: a Module belongs to its engine (epoch-counter.ts).
      epochCounterAddress: epochAddress,
      consumeFuel,
      parallelCompile: engine.parallelCompile,
    });
    this.wasm = module;
    this.compiled = compiled;
    this.code = loadCode(this.compiled.code);
    this.#parts = {
      wasm: module, compiled, code: this.code, engine, boundsChecks, epoch, epochAddress,
      epochInterruption: engine.epochInterruption, hostInterrupts: engine.hostInterrupts, consumeFuel, initialFuel,
    };
  }

  /** Absolute address of function `index`'s entry. */
  funcAddress(index: number): number {
    return funcAddress(this.#parts, index);
  }

  static exports(m: Module): ModuleExportDescriptor[] {
    return m.wasm.exports.map((e) => ({ name: e.name, kind: KIND_NAMES[e.kind] }));
  }

  static imports(m: Module): ModuleImportDescriptor[] {
    return m.wasm.imports.map((i) => ({ module: i.module, name: i.name, kind: KIND_NAMES[i.desc.kind] }));
  }
}
