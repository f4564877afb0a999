// The package scenarios, in the order the test and the benchmark run them.
import brotli from './scenarios/brotli.js';
import duckdb from './scenarios/duckdb.js';
import duckdbEh from './scenarios/duckdb-eh.js';
import esbuild from './scenarios/esbuild.js';
import ffmpeg from './scenarios/ffmpeg.js';
import hashWasm from './scenarios/hash-wasm.js';
import { quickjsProgram, quickjsRecursion } from './scenarios/quickjs.js';
import pyodide from './scenarios/pyodide.js';
import ruby from './scenarios/ruby.js';
import sqljs from './scenarios/sqljs.js';
import swc from './scenarios/swc.js';
import type { Scenario } from './scenario.js';

export const SCENARIOS: readonly Scenario[] = [sqljs, swc, hashWasm, quickjsProgram, quickjsRecursion, esbuild, brotli, ffmpeg, ruby, duckdb, duckdbEh, pyodide];

export function scenarioNamed(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no package scenario named ${JSON.stringify(name)} (have: ${SCENARIOS.map((x) => x.name).join(', ')})`);
  return s;
}
