// @wasmjit/text: the WebAssembly text format. WAT → binary, and WAST scripts.
export { TextError } from './errors.js';
export { parseWat, encodeModule, encodeModuleFields, type EncodeOptions } from './module.js';
export { parseWast, encodeWastModule, type WastCommand, type WastModule, type WastModuleSource, type WastAction } from './wast.js';
export { parseWastValue, parseWastExpected, type WastValue, type WastExpected, type FloatPattern, type NanClass } from './wast-values.js';
export { readSExprs, type SList, type SNode } from './sexpr.js';
export { tokenize, type Token } from './lexer.js';
export { parseF32, parseF64, parseInt, parseU32 } from './numbers.js';
export { INSTRUCTIONS } from './instr-table.js';
