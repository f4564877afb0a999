// @wasmjit/text: the WebAssembly text format. WAT → binary, and WAST scripts.
export { TextError } from './errors.js';
export { parseWat, encodeModule, type EncodeOptions } from './module.js';
export { readSExprs, type SList, type SNode } from './sexpr.js';
export { tokenize, type Token } from './lexer.js';
export { parseF32, parseF64, parseInt, parseU32 } from './numbers.js';
export { INSTRUCTIONS } from './instr-table.js';
