// A compiled Module as a structured-cloneable value, for postMessage to another thread of
// this process (docs/threads.md). Structured clone cannot carry a class instance, so a
// Module travels as a plain object (PostedModule): its registry id (module-share.ts) and
// its bytes. The receiver rebuilds the Module from the id, on the very code pages the
// sender compiled; only when the registry no longer has the id (every module made from it
// is gone) does it compile the bytes, as a new module would be.
//
// Nothing in a PostedModule is trusted: the id only selects what wasmjit itself registered
// (an id that is not in the registry selects nothing), and the bytes are compiled, so
// validated, like any module's. A forged or altered PostedModule gives a module compiled
// from its bytes, a CompileError, or a TypeError, never code that wasmjit did not compile.
import { getDefaultEngine, type Engine } from '../engine.js';
import { compiledParts, Module } from '../module.js';
import { adoptModule, shareModule } from './module-share.js';

/** The property that marks a PostedModule (strings survive structured clone; symbols do not). */
export const POSTED_MODULE_MARK = '__wasmjitPostedModule';

/** Which API the module belongs to: the runtime's Module or a WebAssembly.Module. */
export type PostedKind = 'Module' | 'WebAssembly.Module';

export interface PostedModule {
  readonly [POSTED_MODULE_MARK]: 1;
  readonly kind: PostedKind;
  /** The registry id of the compiled code. */
  readonly id: string;
  /** The module bytes, shared by every message that posts this module (never written). */
  readonly bytes: SharedArrayBuffer;
}

const sharedBytes = new WeakMap<object, SharedArrayBuffer>();

/** `module` as a PostedModule (registered in the registry on first use). */
export function toPostedModule(module: Module, kind: PostedKind = 'Module'): PostedModule {
  const parts = compiledParts(module);
  if (!parts) throw new TypeError('wasmjit: expected a wasmjit Module');
  let bytes = sharedBytes.get(parts);
  if (bytes === undefined) {
    bytes = new SharedArrayBuffer(parts.wasm.bytes.length);
    new Uint8Array(bytes).set(parts.wasm.bytes);
    sharedBytes.set(parts, bytes);
  }
  return { [POSTED_MODULE_MARK]: 1, kind, id: shareModule(module), bytes };
}

/** Whether `value` claims to be a PostedModule (it is checked by fromPostedModule). */
export function isPostedModule(value: unknown): value is PostedModule {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, POSTED_MODULE_MARK);
}

/** Outcomes, per thread, for tests: how many PostedModules were adopted and compiled. */
export const postedModuleStats = { adopted: 0, compiled: 0 };

/**
 * The Module a PostedModule stands for, as a module of `engine` (default: the default
 * engine). `compile` compiles the bytes when the registry has no module under the id
 * (default: new Module(bytes, engine)); the WebAssembly namespace passes its own, which
 * applies the JS API's limits. TypeError for anything that is not a PostedModule.
 */
export function fromPostedModule(value: unknown, engine: Engine = getDefaultEngine(), compile?: (bytes: Uint8Array) => Module): Module {
  const what = 'wasmjit: a posted module';
  if (!isPostedModule(value)) throw new TypeError(`${what} must be an object made by toPostedModule`);
  // Read each field once: a getter could answer differently the second time.
  const { [POSTED_MODULE_MARK]: mark, id, bytes } = value;
  if (mark !== 1 || typeof id !== 'string' || !(bytes instanceof SharedArrayBuffer)) {
    throw new TypeError(`${what} has an unexpected shape`);
  }
  const adopted = adoptModule(id, engine);
  if (adopted !== null) {
    postedModuleStats[adopted.recompiled ? 'compiled' : 'adopted']++;
    return adopted.module;
  }
  // The sender's module is gone (or the id is not one): compile the bytes, from a private
  // copy (the shared buffer can change under the compile).
  postedModuleStats.compiled++;
  const copy = new Uint8Array(bytes).slice();
  return compile !== undefined ? compile(copy) : new Module(copy, engine);
}
