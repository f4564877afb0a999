// @wasmjit/runtime: an API shaped like the WebAssembly namespace, backed by wasmjit's JIT.
import { decodeModule, validateModule } from '@wasmjit/codegen';
import { Engine, getDefaultEngine } from './engine.js';
import { Module, toBytes, type WasmBytes } from './module.js';
import { Instance, type Imports } from './instance.js';
import './host-dispatch.js';

export { Engine, type EngineOptions, type BoundsChecks, type Compilation, type SimdIsa } from './engine.js';
export { Module } from './module.js';
export { SerializedModuleError } from './cache/serialized-module.js';
export type { CacheStats } from './cache/code-cache.js';
export { Instance, type Imports } from './instance.js';
export { CompileError, LinkError, RuntimeError } from './errors.js';
export type { WasmFrame } from './backtrace.js';
export { callRaw, globalRawBits } from './func-wrappers.js';
export { nativeApi, nativeFunction, nativeApiIncludeDir } from './native-api.js';
export { WASI, WasiExit, type WasiOptions } from './wasi/wasi.js';
export { Global, type GlobalDescriptor, type GlobalValueType } from './global.js';
export { Table, type TableDescriptorInit, type TableElementType } from './table.js';
export { Memory, type MemoryDescriptor } from './memory.js';
export { Tag, Exception, JSTag } from './exceptions.js';
export { toPostedModule, fromPostedModule, type PostedModule } from './threads/posted-module.js';

/** Like WebAssembly.validate: true when the bytes decode and validate. */
export function validate(bytes: WasmBytes): boolean {
  try {
    validateModule(decodeModule(toBytes(bytes).slice()));
    return true;
  } catch {
    return false;
  }
}

/** Like WebAssembly.compile (async: large modules compile on a worker), using the default engine. */
export function compile(bytes: WasmBytes): Promise<Module> {
  return getDefaultEngine().compileAsync(bytes);
}

/** Like WebAssembly.instantiate: bytes → { module, instance }, a Module → Instance. */
export async function instantiate(source: WasmBytes, imports?: Imports): Promise<{ module: Module; instance: Instance }>;
export async function instantiate(source: Module, imports?: Imports): Promise<Instance>;
export async function instantiate(source: WasmBytes | Module, imports: Imports = {}): Promise<unknown> {
  if (source instanceof Module) return new Instance(source, imports);
  const module = getDefaultEngine().compile(source);
  return { module, instance: new Instance(module, imports, module.engine) };
}

export { Engine as default };
void Engine;
