// Loaded with --import (through NODE_OPTIONS, so child processes load it too) in every
// process of a package scenario, after the register hook when there is one. It appends one
// line to the file PACKAGE_PROBE_LOG names: which WebAssembly the process has. That is how
// the harness knows the run under the hook really used wasmjit's namespace — in the
// scenario process and in any process the package starts (esbuild-wasm's service) — and the
// plain run really used V8's.
import { appendFileSync } from 'node:fs';
import { installFirstExportClock, type FirstExportTiming } from './first-export.js';

export type ProbedEngine = 'v8' | 'wasmjit' | 'none' | 'other';

export interface ProbeRecord {
  pid: number;
  /** The script the process runs (process.argv[1]). */
  script: string;
  engine: ProbedEngine;
  /** With PACKAGE_PROBE_FIRST_EXPORT set: a second record of the process, once its first export call returned. */
  timing?: FirstExportTiming;
}

const log = process.env.PACKAGE_PROBE_LOG;
/** Set in the runs under the hook: the URL of the register module whose namespace to expect. */
const registerUrl = process.env.PACKAGE_PROBE_REGISTER;

async function probe(): Promise<ProbedEngine> {
  const ns = (globalThis as { WebAssembly?: { Module?: unknown } }).WebAssembly;
  if (ns === undefined) return 'none';
  if (registerUrl) {
    // Already loaded by the hook's --import: the same module instance, so the same namespace.
    const hook = (await import(registerUrl)) as { WebAssembly: unknown };
    return ns === hook.WebAssembly ? 'wasmjit' : 'other';
  }
  const native = typeof ns.Module === 'function' && Function.prototype.toString.call(ns.Module).includes('[native code]');
  return native ? 'v8' : 'other';
}

if (log) {
  const record: ProbeRecord = { pid: process.pid, script: process.argv[1] ?? '', engine: await probe() };
  appendFileSync(log, `${JSON.stringify(record)}\n`);
  const ns = (globalThis as { WebAssembly?: Record<string, unknown> }).WebAssembly;
  if (process.env.PACKAGE_PROBE_FIRST_EXPORT && ns !== undefined) {
    installFirstExportClock(ns, (timing) => appendFileSync(log, `${JSON.stringify({ ...record, timing })}\n`));
  }
}
