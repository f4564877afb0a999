// The assembler under test. @wasmjit/codegen's package entry does not (yet) re-export the
// x64 module and its "exports" map hides deeper paths, so the tests reach the built output
// of the referenced project directly; tsc -b builds packages/codegen first. Once the package
// index re-exports './x64/index.js' this can become `export * from '@wasmjit/codegen'`.
export * from '../../../codegen/dist/x64/index.js';
