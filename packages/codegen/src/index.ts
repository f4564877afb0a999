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
// The optimizing tier (src/opt, docs/optimizing-tier.md): its statistics, and its passes for unit tests.
export { optimizingTierStats, compileOptimized, optimize, type OptimizingTierStats } from './opt/compile-optimized.js';
export { buildSsa, Unsupported } from './opt/build-ssa.js';
export { cleanup } from './opt/cleanup.js';
export { selectAddressing } from './opt/select.js';
export { allocateRegisters, CALLER_SAVED, CALLEE_SAVED, type Allocation } from './opt/linear-scan.js';
export { foldBin, foldCmp } from './opt/fold.js';
export { Op as IrOp, BinOp as IrBinOp, resolve as resolveValue, type IrFunction, type Value as IrValue, type Block as IrBlock } from './opt/ir.js';
