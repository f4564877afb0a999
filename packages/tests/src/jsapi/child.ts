// Runs one JS-API test file in this (child) process and sends its results to the parent:
// installs the engine's WebAssembly as globalThis.WebAssembly (wasmjit's through the
// register hook, or Node's own), the testharness shim, then the file's META scripts and the
// file itself as classic scripts in this realm (vm.runInThisContext), so that the tests see
// the same globals (Function.prototype, ArrayBuffer, ...) as the engine.
//
// Usage (through fork): child.js JOB_JSON, JOB = ChildJob.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { installHarness, type HarnessResults } from './testharness.js';

export type EngineName = 'wasmjit' | 'v8';

export interface ChildJob {
  /** The test file. */
  file: string;
  /** The js-api directory: `/wasm/jsapi/...` in META scripts resolves there. */
  root: string;
  engine: EngineName;
  /** Per promise_test (testharness.js times out whole files; this reports which test hung). */
  promiseTimeoutMs: number;
}

export interface ChildMessage {
  type: 'results';
  results: HarnessResults;
}

/** `// META: script=...` lines at the top of a test file, resolved to paths. */
export function metaScripts(file: string, root: string): string[] {
  const scripts: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\/\/\s*META:\s*script=(\S+)/.exec(line);
    if (m) scripts.push(m[1]!.startsWith('/wasm/jsapi/') ? join(root, m[1]!.slice('/wasm/jsapi/'.length)) : join(dirname(file), m[1]!));
  }
  return scripts;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as ChildJob;
  if (job.engine === 'wasmjit') await import('@wasmjit/runtime/register');
  // WASMJIT_JSAPI_TRACE=1: each test's outcome and time on stderr, as it ends.
  const trace = process.env.WASMJIT_JSAPI_TRACE ? (line: string) => process.stderr.write(`jsapi: ${line}\n`) : undefined;
  const harness = installHarness(job.promiseTimeoutMs, trace);
  // Errors outside tests are harness errors, as in a browser's onerror / onunhandledrejection.
  process.on('uncaughtException', (e) => harness.error(`uncaught exception: ${String(e)}`));
  process.on('unhandledRejection', (e) => harness.error(`unhandled rejection: ${String(e)}`));
  for (const script of [...metaScripts(job.file, job.root), job.file]) {
    try {
      runInThisContext(readFileSync(script, 'utf8'), { filename: script });
    } catch (e) {
      // Like a script element: the error ends this script; the next ones still run.
      harness.error(`${script.slice(job.root.length + 1)} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  }
  const results = await harness.results();
  const message: ChildMessage = { type: 'results', results };
  process.send!(message, () => process.exit(0));
}

await main();
