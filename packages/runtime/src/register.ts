// @wasmjit/runtime/register: `node --import @wasmjit/runtime/register app.js` runs app.js
// with globalThis.WebAssembly = wasmjit's WebAssembly namespace. Importing this module installs
// it (./install.ts says how, and which WASMJIT_* variables set the engine's options).
import { register } from './install.js';

export * from './install.js';

register();
