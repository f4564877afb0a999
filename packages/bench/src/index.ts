// @wasmjit/bench: the benchmarking harness. The CLI is dist/cli.js (`pnpm bench`); these are
// its pure parts, exported for the unit tests.
export { median, summarize, geomean, ratio, type Summary } from './stats.js';
export { markdownTable, cell, fmtMs, fmtSummary, fmtRatio, shorten, execTable, geomeanLines, compileTable, callsTable, checksTable } from './table.js';
export { ratioChart, axisRange, escapeXml, type ChartRow } from './svg.js';
export { judgeRow, geomeans, isFailure, type RowInput } from './rows.js';
export { extractEmbeddedWasm } from './hash-wasm.js';
export { inputBytes, toHex, hashDriver, kernelDriver } from './drivers.js';
export { summarizeCompiles } from './section-compile.js';
export { compilePartially } from './compile-partial.js';
export { errorLine } from './child.js';
export { markdownReport, chartRows } from './report.js';
export { PROGRAMS } from './programs.js';
export type * from './types.js';
