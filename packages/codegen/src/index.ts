// @wasmjit/codegen: wasm bytes → validated module → x86-64 code. Pure TypeScript.
export * from './abi.js';
export * from './layout.js';
export { CompileError, UnsupportedFeatureError } from './errors.js';
export * from './wasm/index.js';
export * from './validate/index.js';
export * from './x64/index.js';
export { compileModule, compileModuleLazily, validateModuleBytes, moduleTypeIds, moduleCanonicalTypeIds, compileModuleCode, PARALLEL_MIN_CODE_BYTES, type CompiledCode } from './lower/module-compiler.js';
export { compileLazyBase, compileLazyChunk, linkEagerCode, linkLazyChunk, JUMP_SLOT_BYTES, type LazyBase } from './lower/lazy-base.js';
export type { CodeChunk, ModuleCompileOptions } from './lower/chunk-compiler.js';
export { lastParallelStats, type ParallelStats } from './lower/parallel-compile.js';
export type { CompileOptions } from './lower/module-env.js';
export { lookupWasmOffset, type OffsetMap } from './lower/offset-map.js';
export { areaSlots, callAreaSlots } from './lower/frame.js';
export { PAD_MARK } from './lower/ops/exceptions.js';
export { planShuffle, type ShufflePlan } from './lower/ops/simd-shuffle.js';
export * from './wasm/ref-types.js';
export { moduleCanon } from './wasm/type-canon.js';
