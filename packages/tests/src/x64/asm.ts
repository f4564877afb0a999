// The assembler under test, through the package's public entry point (one place to change if
// the x64 module ever moves).
export * from '@wasmjit/codegen';
