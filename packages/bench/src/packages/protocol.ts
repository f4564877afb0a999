// The messages between a scenario process (main.ts) and whoever started it (launch.ts): the
// job goes in as one JSON argument, the result comes back as one stdout line.

export const SCENARIO_RESULT_PREFIX = 'PACKAGE-RESULT ';
export const SCENARIO_ERROR_PREFIX = 'PACKAGE-ERROR ';

export interface ScenarioJob {
  scenario: string;
  /** Where the first run's outputs are written, one file each; null: not written. */
  outDir: string | null;
  /** Untimed runs after load, then timed ones; every run's outputs must equal the first's. */
  warmups: number;
  reps: number;
}

export interface OutputDigest {
  bytes: number;
  sha256: string;
}

export interface ScenarioResult {
  /** ms from process start to the scenario's first line (node, the hook, the harness). */
  startupMs: number;
  /** ms the scenario's load() took: importing the package, compiling and instantiating. */
  loadMs: number;
  /** ms of the first run (a warm-up when there are any): with V8's lazy compilation, the
   * compiling that load() did not do happens here. */
  firstRunMs: number;
  /** ms of each timed run. */
  runMs: number[];
  outputs: Record<string, OutputDigest>;
}

export interface ScenarioError {
  /** One line: the error's name and the first line of its message. */
  message: string;
  /** A wasm trap's kind (wasmjit's RuntimeError.trap), when it was one. */
  trap?: string;
  phase: 'load' | 'run' | 'close';
}
