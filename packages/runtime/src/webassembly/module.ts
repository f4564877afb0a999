// WebAssembly.Module: a compiled module (the runtime's Module, ../module.ts) and the static
// reflection functions exports, imports and customSections.
import { Module as RuntimeModule, moduleInfo } from '../module.js';
import { compileCopyAsync } from '../engine.js';
import { BACKGROUND_COMPILE_MIN_BYTES } from '../threads/background-compile.js';
import { bufferSourceView } from './bytes.js';
import { namespaceEngine } from './engine.js';
import { asCompileError } from './errors.js';
import { checkEmbeddingLimits, checkEmbeddingLimitsEarly } from './limits.js';
import { toDOMString, webidlInterface } from './webidl.js';

type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
const KINDS = { func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag' } as const satisfies Record<string, ExternKind>;

const runtimeModules = new WeakMap<object, RuntimeModule>();

/** Compiles `bytes` (copied by the runtime Module) with the namespace's engine. */
export function compileBytes(bytes: Uint8Array): RuntimeModule {
  return asCompileError(() => {
    checkEmbeddingLimitsEarly(bytes);
    const module = new RuntimeModule(bytes, namespaceEngine());
    checkEmbeddingLimits(bytes, moduleInfo(module));
    return module;
  });
}

/**
 * compileBytes for the asynchronous operations: what compileBytes gives (or throws, as a
 * rejection), without blocking this thread for the compile of a large module, which runs
 * on a worker (../threads/background-compile.ts). `bytes` must be the caller's own copy.
 */
export function compileBytesLater(bytes: Uint8Array): Promise<RuntimeModule> {
  if (bytes.length < BACKGROUND_COMPILE_MIN_BYTES) return laterTask(() => compileBytes(bytes));
  return laterTask(() => asCompileError(() => checkEmbeddingLimitsEarly(bytes)))
    // The engine's asynchronous compile: a hit of its code cache, else a lazy engine validates
    // on a worker and makes the lazy module here, an eager one compiles on the background
    // compile worker.
    .then(() => compileCopyAsync(namespaceEngine(), bytes))
    .then(
      (module) => asCompileError(() => {
        const info = moduleInfo(module);
        checkEmbeddingLimits(info.bytes, info);
        return module;
      }),
      (e: unknown) => asCompileError(() => {
        throw e;
      }),
    );
}

function laterTask<T>(work: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(work());
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** The runtime Module behind a WebAssembly.Module, or TypeError (brand check). */
export function runtimeModule(m: unknown, what: string): RuntimeModule {
  const rt = typeof m === 'object' && m !== null ? runtimeModules.get(m) : undefined;
  if (rt === undefined) throw new TypeError(`${what}: Argument 0 must be a WebAssembly.Module`);
  return rt;
}

export function isModule(m: unknown): boolean {
  return typeof m === 'object' && m !== null && runtimeModules.has(m);
}

/** A WebAssembly.Module for a runtime Module compiled elsewhere (compile, instantiate). */
export function wrapModule(rt: RuntimeModule): Module {
  const m = Object.create(Module.prototype) as Module;
  runtimeModules.set(m, rt);
  return m;
}

export class Module {
  constructor(bytes: unknown) {
    const view = bufferSourceView(bytes, 'WebAssembly.Module()');
    runtimeModules.set(this, compileBytes(view));
  }

  static exports(moduleObject: unknown): { name: string; kind: ExternKind }[] {
    const wasm = moduleInfo(runtimeModule(moduleObject, 'WebAssembly.Module.exports()'));
    return wasm.exports.map((e) => ({ name: e.name, kind: KINDS[e.kind] }));
  }

  static imports(moduleObject: unknown): { module: string; name: string; kind: ExternKind }[] {
    const wasm = moduleInfo(runtimeModule(moduleObject, 'WebAssembly.Module.imports()'));
    return wasm.imports.map((i) => ({ module: i.module, name: i.name, kind: KINDS[i.desc.kind] }));
  }

  /** Copies of the payloads of the custom sections named `sectionName`, in module order. */
  static customSections(moduleObject: unknown, sectionName: unknown): ArrayBuffer[] {
    const wasm = moduleInfo(runtimeModule(moduleObject, 'WebAssembly.Module.customSections()'));
    if (arguments.length < 2) throw new TypeError('WebAssembly.Module.customSections(): Argument 1 is required');
    const name = toDOMString(sectionName);
    return wasm.customSections
      .filter((s) => s.name === name)
      .map((s) => wasm.bytes.slice(s.offset, s.offset + s.size).buffer);
  }
}
webidlInterface(Module, 'WebAssembly.Module');
