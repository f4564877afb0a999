// Running WAST scripts (spec tests): `wasmjit wast`, and the test suite's spec runner.
export { runScript, skipCategory, SKIP, type Outcome, type RunOptions, type Status } from './script-runner.js';
export { WasmjitAdapter } from './wasmjit-adapter.js';
export { makeSpectestFrom, printStub, SPECTEST_FUNCS, type EngineAdapter, type Imports } from './adapter.js';
export { fromJS, toJS } from './js-values.js';
export { trapCodesFor } from './traps.js';
export { HostRefs, matches, formatValue, formatExpected, toValue, expectedType, v128Bits, UnsupportedValueError, type Value, type ValType } from './values.js';
export * from './float-bits.js';
