// A package scenario: a real npm package that ships wasm, used through its own public API,
// unmodified. The same scenario runs in plain node (V8's WebAssembly) and under wasmjit's
// register hook; its outputs must be identical byte for byte.

/** Named outputs of one run: file name -> contents (text is written as UTF-8). */
export type Outputs = Record<string, string | Uint8Array>;

export interface Scenario<State = unknown> {
  /** Short name: the test's and the benchmark's row name, and the expected-failures key. */
  name: string;
  /** The npm package it uses (its exact version is in packages/bench/package.json). */
  pkg: string;
  /** One line: what the run does. */
  what: string;
  /**
   * Timed by the benchmark (false for a scenario that checks one behaviour rather than
   * doing work worth timing, e.g. a deep recursion).
   */
  timed: boolean;
  /** Imports the package and makes it ready, its wasm compiled and instantiated. */
  load(): Promise<State>;
  /** The work. Every call must give the same outputs. */
  run(state: State): Promise<Outputs>;
  /** Releases what load made (a service process, a VM), if anything. */
  close?(state: State): Promise<void>;
}

/** Helper for the scenario files: keeps each file's State type while listing them together. */
export function scenario<State>(s: Scenario<State>): Scenario<unknown> {
  return s as unknown as Scenario<unknown>;
}
