// Shared by the security tests: run one attack scenario against wasmjit's and V8's
// WebAssembly-shaped API in this process and compare what each did.
import * as wasmjit from '@wasmjit/runtime';
import { wat } from '../util/wat.js';

/** The constructors a scenario uses, from wasmjit or from WebAssembly. */
export interface Api {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Table: new (descriptor: object, value?: unknown) => TableLike;
  Global: new (descriptor: object, value?: unknown) => { value: unknown };
  Memory: new (descriptor: object) => { buffer: ArrayBuffer; grow(delta: unknown): number };
}

export interface TableLike {
  readonly length: number;
  get(index: unknown): unknown;
  set(index: unknown, value?: unknown): void;
  grow(delta: unknown, value?: unknown): number;
}

export const OURS = wasmjit as unknown as Api;
export const V8 = WebAssembly as unknown as Api;

export type Outcome = { value: unknown } | { error: string };

/** What `scenario` returned (plain data), or the name of the error it threw. */
export function outcome(scenario: () => unknown): Outcome {
  try {
    return { value: scenario() };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

/** [wasmjit, V8] outcomes of the same scenario. */
export function inBoth(scenario: (api: Api) => unknown): [Outcome, Outcome] {
  return [outcome(() => scenario(OURS)), outcome(() => scenario(V8))];
}

export type Exports = Record<string, (...args: unknown[]) => unknown>;

/** Instantiates `bytes` with `imports` in the engine of `api`; returns the exports. */
export function instantiate(api: Api, bytes: Uint8Array, imports: Record<string, Record<string, unknown>> = {}): Exports {
  return new api.Instance(new api.Module(bytes), imports).exports as Exports;
}

export { wat };
