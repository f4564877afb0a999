// @wasmjit/bench: the benchmarking harness. The CLI is dist/cli.js (`pnpm bench`); these are
// its pure parts, exported for the unit tests.
export { median, summarize, geomean, ratio, type Summary } from './stats.js';
export { markdownTable, cell, fmtMs, fmtSummary, fmtRatio, shorten, execTable, geomeanLines, compileTable, cacheTable, validateTable, textTable, callsTable, checksTable, packagesTable, packageGeomeanLines } from './table.js';
export { ratioChart, axisRange, escapeXml, type ChartRow } from './svg.js';
export { judgeRow, geomeans, isFailure, packageGeomeans, type RowInput } from './rows.js';
export { extractEmbeddedWasm } from './hash-wasm.js';
export { inputBytes, toHex, hashDriver, kernelDriver } from './drivers.js';
export { summarizeCompiles } from './section-compile.js';
export { packageRow } from './section-packages.js';
export { compilePartially } from './compile-partial.js';
export { errorLine } from './child.js';
export { markdownReport, chartRows } from './report.js';
export { PROGRAMS } from './programs.js';
export type * from './types.js';
// The package scenarios (src/packages): run by the package test and the benchmark's packages section.
export { SCENARIOS, scenarioNamed } from './packages/index.js';
export { runScenario, launchSettings, REGISTER_URL, type PackageEngine, type ScenarioOutcome } from './packages/launch.js';
export { compareOutputDirs, firstDifference } from './packages/compare.js';
export { judge, engineProblems, digestDiffs, type Verdict } from './packages/verdict.js';
export { prng, randomBytes, prose, typescriptSource, moduleGraph } from './packages/inputs.js';
export type { ScenarioJob, ScenarioResult, ScenarioError } from './packages/protocol.js';
export type { ProbeRecord, ProbedEngine } from './packages/probe.js';
export type { Scenario, Outputs } from './packages/scenario.js';
