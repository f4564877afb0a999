// @wasmjit/runtime/webassembly: a namespace with exactly the shape of the WebAssembly
// global (JS API), backed by wasmjit. `import { WebAssembly } from
// '@wasmjit/runtime/webassembly'` gives it without touching the global; the register hook
// (../register.ts) installs it as globalThis.WebAssembly.
//
// Each class is a thin layer over the runtime's (../module.ts, ../instance.ts, ...): WebIDL
// argument conversion and checks, brand checks, property attributes and @@toStringTag live
// here; compiling, linking and running are the runtime's.
import '../host-dispatch.js';
import { Module } from './module.js';
import { Instance } from './instance.js';
import { Memory } from './memory.js';
import { Table } from './table.js';
import { Global } from './global.js';
import { CompileError, LinkError, RuntimeError } from './errors.js';
import { Exception, JSTag, Tag } from '../exceptions.js';
import * as operations from './async.js';
import { webidlOperations } from './webidl.js';

export { Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError, Tag, Exception, JSTag };
export { namespaceEngine, setNamespaceEngine } from './engine.js';
export { EMBEDDING_LIMITS } from './limits.js';

// Operations are methods of an object literal: named, with the declared length, and (as
// WebIDL operations) not constructors.
const ops = {
  validate(bytes: unknown): boolean {
    return operations.validate(bytes);
  },
  compile(bytes: unknown): Promise<Module> {
    return operations.compile(bytes);
  },
  instantiate(source: unknown, ...rest: unknown[]): Promise<unknown> {
    return operations.instantiate(source, rest[0]);
  },
  compileStreaming(source: unknown): Promise<Module> {
    return operations.compileStreaming(source);
  },
  instantiateStreaming(source: unknown, ...rest: unknown[]): Promise<unknown> {
    return operations.instantiateStreaming(source, rest[0]);
  },
};
webidlOperations(ops);

/** The namespace object's type: what the built-in WebAssembly offers, as wasmjit implements it. */
export interface WebAssemblyNamespace {
  readonly Module: typeof Module;
  readonly Instance: typeof Instance;
  readonly Memory: typeof Memory;
  readonly Table: typeof Table;
  readonly Global: typeof Global;
  readonly CompileError: typeof CompileError;
  readonly LinkError: typeof LinkError;
  readonly RuntimeError: typeof RuntimeError;
  readonly Tag: typeof Tag;
  readonly Exception: typeof Exception;
  readonly JSTag: Tag;
  validate(bytes: unknown): boolean;
  compile(bytes: unknown): Promise<Module>;
  instantiate(source: unknown, importObject?: unknown): Promise<unknown>;
  compileStreaming(source: unknown): Promise<Module>;
  instantiateStreaming(source: unknown, importObject?: unknown): Promise<unknown>;
}

function makeNamespace(): WebAssemblyNamespace {
  const ns = {};
  const interfaces = { Module, Instance, Memory, Table, Global, CompileError, LinkError, RuntimeError, Tag, Exception, JSTag };
  // Interface objects: writable, configurable, not enumerable (WebIDL namespace members).
  for (const [name, value] of Object.entries(interfaces)) {
    Object.defineProperty(ns, name, { value, writable: true, enumerable: false, configurable: true });
  }
  // Operations: writable, enumerable, configurable.
  Object.defineProperties(ns, Object.getOwnPropertyDescriptors(ops));
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'WebAssembly', writable: false, enumerable: false, configurable: true });
  return ns as WebAssemblyNamespace;
}

export const WebAssembly: WebAssemblyNamespace = makeNamespace();
export default WebAssembly;
