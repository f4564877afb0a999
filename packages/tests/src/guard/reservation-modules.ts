// A guard-mode instance over a given memory (reservations.test.ts).
import { Engine, type Memory } from '@wasmjit/runtime';
import { wat, type Exports } from './support.js';

const IMPORTING = `(module (import "env" "mem" (memory 1))
  (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))`;

const engine = new Engine({ boundsChecks: 'guard' });
let module: ReturnType<Engine['compile']> | undefined;

export async function guardInstance(mem: Memory): Promise<Exports> {
  module ??= engine.compile(await wat(IMPORTING));
  return engine.instantiate(module, { env: { mem } }).exports as Exports;
}
