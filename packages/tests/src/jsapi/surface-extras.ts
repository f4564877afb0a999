// The documented wasmjit extras (docs/surface.md): properties that are not on the standard
// WebAssembly objects but are part of wasmjit's API. surface.test.ts fails on any property
// of an exported class, its prototype or a live object that is neither standard (the V8
// object's keys) nor listed here — so nothing internal can become reachable unnoticed.

/** Extras of the WebAssembly namespace (@wasmjit/runtime/webassembly), by walked path. */
export const NAMESPACE_EXTRAS: Readonly<Record<string, readonly string[]>> = {
  // A trap's code and its wasm frames (README, Traps).
  'trap error': ['trap', 'frames'],
  // Exception handling's JSTag (docs/exceptions.md), which Node 20's V8 does not have yet.
  WebAssembly: ['JSTag'],
};

/** What every class and function has, and every prototype, and an exported function. */
export const RUNTIME_STANDARD = {
  function: ['length', 'name', 'prototype'],
  prototype: ['constructor'],
  exportedFunction: ['length', 'name'],
} as const;

/** Extras of the runtime API (@wasmjit/runtime), by walked path. */
export const RUNTIME_EXTRAS: Readonly<Record<string, readonly string[]>> = {
  '@wasmjit/runtime': [
    'Engine', 'Module', 'Instance', 'Memory', 'Table', 'Global', 'CompileError', 'LinkError', 'RuntimeError',
    'validate', 'compile', 'instantiate', 'callRaw', 'globalRawBits', 'WASI', 'WasiExit', 'default', '[Symbol.toStringTag]',
    // Modules across threads (docs/threads.md).
    'toPostedModule', 'fromPostedModule',
    // Module.deserialize's refusals (docs/cache.md).
    'SerializedModuleError',
    // The C API for native add-ons (docs/native-api.md).
    'nativeApi', 'nativeFunction', 'nativeApiIncludeDir',
    // Exception handling (docs/exceptions.md).
    'Tag', 'Exception', 'JSTag',
  ],
  'Tag.prototype': ['type', '[Symbol.toStringTag]'],
  'Exception.prototype': ['getArg', 'is', '[Symbol.toStringTag]'],
  'Engine.prototype': [
    // EngineOptions as resolved, read-only
    'maxWasmStack', 'hostStackReserve', 'boundsChecks', 'features', 'stackChecks', 'epochInterruption', 'hostInterrupts',
    'consumeFuel', 'initialFuel', 'parallelCompile', 'compilation', 'backgroundCompile',
    'incrementEpoch', 'currentEpoch', 'epochBuffer', 'callWithTimeout', 'compile', 'compileAsync', 'instantiate',
    // The code cache (docs/cache.md).
    'cacheDirectory', 'cacheStats',
    // Whether compile() of a module of a given size is lazy under `compilation` (docs/startup.md).
    'compilesLazily',
  ],
  // Serialized modules (docs/cache.md).
  Module: ['deserialize'],
  'Module.prototype': ['engine', 'serialize'],
  'Instance.prototype': ['module', 'setEpochDeadline', 'setFuel', 'fuelRemaining', 'dispose', '[Symbol.dispose]'],
  'Memory.prototype': ['guarded', 'unguardedReason', 'dispose', '[Symbol.dispose]'],
  // The decoder's CompileError: the reason without the location, and the location.
  'compile error': ['name', 'reason', 'offset', 'funcIndex'],
  'trap error': ['trap', 'frames'],
  'WASI.prototype': ['getImportObject', 'start', 'initialize'],
  wasi: ['wasiImport'],
  'wasi exit': ['name', 'code'],
};
