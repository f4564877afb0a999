// The Engine whose settings the namespace compiles with (register.ts sets it from the
// WASMJIT_* variables or register(options)). A module keeps the engine it was compiled
// with; changing the engine affects only later compiles.
import { Engine, getDefaultEngine } from '../engine.js';

let current: Engine | undefined;

export function namespaceEngine(): Engine {
  return current ?? getDefaultEngine();
}

export function setNamespaceEngine(engine: Engine): void {
  current = engine;
}
