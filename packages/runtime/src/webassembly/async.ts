// WebAssembly.validate, compile, instantiate, compileStreaming and instantiateStreaming.
// Arguments are converted and bytes copied when the call is made (a TypeError becomes a
// rejected promise); compiling and instantiating run in a later task, as in V8, so the
// caller's synchronous code is never blocked by them.
import { CompileError as DecodeError, decodeModule, validateModule } from '@wasmjit/codegen';
import type { Module as RuntimeModule } from '../module.js';
import { bufferSourceView } from './bytes.js';
import { copyModuleBytes } from '../threads/background-compile.js';
import { namespaceEngine } from './engine.js';
import { CompileError } from './errors.js';
import { checkEmbeddingLimits, checkEmbeddingLimitsEarly, EMBEDDING_LIMITS } from './limits.js';
import { compileBytesLater, isModule, runtimeModule, wrapModule, type Module } from './module.js';
import { checkImportObject, readImports } from './imports.js';
import { instantiateCore, wrapInstance, type Instance } from './instance.js';

/** Runs `work` in a later task; its result or exception settles the promise. */
function later<T>(work: () => T): Promise<T> {
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

/** A promise rejected with `e` in a later task (as a failed compile would be). */
function rejectLater(e: unknown): Promise<never> {
  return later(() => {
    throw e;
  });
}

/** Calls `start` now; an exception it throws becomes a rejected promise. */
function promiseFrom<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (e) {
    return Promise.reject(e);
  }
}

export function validate(bytes: unknown): boolean {
  const view = bufferSourceView(bytes, 'WebAssembly.validate()');
  try {
    checkEmbeddingLimitsEarly(view);
    const copy = view.slice();
    const m = decodeModule(copy, namespaceEngine().features);
    validateModule(m);
    checkEmbeddingLimits(copy, m);
    return true;
  } catch (e) {
    // Only an invalid module is false; anything else (a bug, memory exhausted) propagates.
    if (e instanceof DecodeError) return false;
    throw e;
  }
}

/**
 * The bytes of an asynchronous compile, copied now; a module over the size limit is not
 * copied at all (the promise rejects with a CompileError).
 */
function copyForLater(source: unknown, what: string): Uint8Array | CompileError {
  const view = bufferSourceView(source, what);
  if (view.length > EMBEDDING_LIMITS.moduleSize) {
    return new CompileError(`${what}: module size in bytes: ${view.length} exceeds the limit of ${EMBEDDING_LIMITS.moduleSize}`);
  }
  return copyModuleBytes(view);
}

export function compile(bytes: unknown): Promise<Module> {
  return promiseFrom(() => {
    const copy = copyForLater(bytes, 'WebAssembly.compile()');
    if (copy instanceof CompileError) return rejectLater(copy);
    return compileBytesLater(copy).then(wrapModule);
  });
}

export interface InstantiatedSource {
  module: Module;
  instance: Instance;
}

function instantiateBytes(copy: Uint8Array | CompileError, importObject: unknown, what: string): Promise<InstantiatedSource> {
  const compiled = copy instanceof CompileError ? rejectLater(copy) : compileBytesLater(copy);
  return compiled.then((rt: RuntimeModule) => {
    // Imports are read once compiled, when the module says what it imports.
    const imports = readImports(rt, importObject, what);
    return later(() => ({ module: wrapModule(rt), instance: wrapInstance(instantiateCore(rt, imports, what)) }));
  });
}

export function instantiate(source: unknown, importObject?: unknown): Promise<InstantiatedSource | Instance> {
  return promiseFrom<InstantiatedSource | Instance>(() => {
    const what = 'WebAssembly.instantiate()';
    checkImportObject(importObject, what);
    if (isModule(source)) {
      // A module: the imports are read now, synchronously; instantiation runs later.
      const rt = runtimeModule(source, what);
      const imports = readImports(rt, importObject, what);
      return later(() => wrapInstance(instantiateCore(rt, imports, what)));
    }
    return instantiateBytes(copyForLater(source, what), importObject, what);
  });
}

/**
 * The bytes of a fetch Response (or a promise of one) after the checks Node applies to
 * WebAssembly.compileStreaming: a Response, MIME type application/wasm (parameters
 * allowed), an ok status, a body not used yet. Any failure is a TypeError.
 */
async function responseBytes(source: unknown, what: string): Promise<Uint8Array> {
  const response = await source;
  const ResponseClass = (globalThis as { Response?: new () => unknown }).Response;
  if (ResponseClass === undefined || !(response instanceof ResponseClass)) {
    throw new TypeError(`${what}: argument must be a Response or a Promise resolving to a Response`);
  }
  const r = response as Response;
  const contentType = r.headers.get('Content-Type');
  const essence = contentType?.split(';')[0]!.trim().toLowerCase();
  if (essence !== 'application/wasm') throw new TypeError(`${what}: the response has MIME type '${contentType}', not 'application/wasm'`);
  if (!r.ok) throw new TypeError(`${what}: the response has status ${r.status}`);
  if (r.bodyUsed) throw new TypeError(`${what}: the response body has already been used`);
  return bufferSourceView(await r.arrayBuffer(), what);
}

export function compileStreaming(source: unknown): Promise<Module> {
  return responseBytes(source, 'WebAssembly.compileStreaming()').then((bytes) => compileBytesLater(bytes).then(wrapModule));
}

export function instantiateStreaming(source: unknown, importObject?: unknown): Promise<InstantiatedSource> {
  return promiseFrom(() => {
    const what = 'WebAssembly.instantiateStreaming()';
    checkImportObject(importObject, what);
    return responseBytes(source, what).then((bytes) => instantiateBytes(bytes, importObject, what));
  });
}
