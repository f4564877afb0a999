// Public surface of the binary decoder.
export * from './types.js';
export * from './opcodes.js';
export { ALL_FEATURES, BinaryReader, isValTypeByte, featureOn, FEATURE_NAMES, WASM2_FEATURES, type DecodeOptions } from './reader.js';
export {
  decodeModule, decodeModuleDeferringBodies, decodeAcceptedModule, decodeModuleInSteps, redecodeModule, funcType, globalType, blockSignature,
} from './module.js';
export { readConstExpr } from './const-expr.js';
export { MAX_LOCALS } from './sections.js';
export { readImmediates } from './body-scan.js';
export { DataSegmentTable, dataSegmentCount } from './data-segments.js';
