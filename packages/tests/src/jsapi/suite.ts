// Finding the JS-API tests (WebAssembly/spec test/js-api), running each file in a child
// process (child.ts), and judging the results against an expected-failures list. Shared by
// the CLI (`pnpm test:jsapi`) and the mocha test (jsapi.test.ts).
import { fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildJob, ChildMessage, EngineName } from './child.js';
import { failureKey, fileOfKey, HARNESS, type ExpectedFailures } from './expected.js';
import type { TestResult } from './testharness.js';

export type { EngineName } from './child.js';

const here = dirname(fileURLToPath(import.meta.url)); // packages/tests/dist/jsapi
export const TESTS_DIR = resolve(here, '../..');
export const REPO_ROOT = resolve(TESTS_DIR, '../..');
const CHILD = join(here, 'child.js');

/** The expected-failures list of each engine (see expected.ts). */
export function expectedFailuresFile(engine: EngineName): string {
  return join(TESTS_DIR, engine === 'wasmjit' ? 'jsapi-expected-failures.txt' : 'jsapi-expected-failures-v8.txt');
}

/** WASM_JSAPI_DIR, else `<repo>/../shared/spec-latest/js-api`. */
export function jsapiDirCandidate(): string {
  return process.env.WASM_JSAPI_DIR ? resolve(process.env.WASM_JSAPI_DIR) : resolve(REPO_ROOT, '../shared/spec-latest/js-api');
}

/** The js-api directory, or why it cannot be used. */
export function findJsapiDir(): { dir: string } | { absent: string } {
  const dir = jsapiDirCandidate();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { absent: `JS-API tests not found at ${dir} (set WASM_JSAPI_DIR)` };
  if (!existsSync(join(dir, 'wasm-module-builder.js'))) return { absent: `no wasm-module-builder.js in ${dir}` };
  return { dir };
}

/**
 * The test files, `/`-separated and relative to the js-api directory: every `*.any.js`, and
 * error-interfaces-no-symbol-tostringtag.js, which holds tests too (wpt runs it elsewhere).
 */
export function listJsapiFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.any.js') || f === 'error-interfaces-no-symbol-tostringtag.js') files.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return files;
}

/** Files with a long-running test (META: timeout=long) get more time. */
export function isLongFile(dir: string, file: string): boolean {
  return /^\/\/\s*META:\s*timeout=long/m.test(readFileSync(join(dir, file), 'utf8'));
}

export interface FileResult {
  file: string;
  tests: TestResult[];
  /** Errors outside tests, and a crash or timeout of the child. */
  harnessErrors: string[];
  ms: number;
}

export interface RunOptions {
  engine: EngineName;
  timeoutMs: number;
}

/** Runs one file in a child process; a crash or timeout becomes a harness error. */
export function runFile(dir: string, file: string, opts: RunOptions): Promise<FileResult> {
  const start = Date.now();
  return new Promise((resolvePromise) => {
    const job: ChildJob = { file: join(dir, file), root: dir, engine: opts.engine, promiseTimeoutMs: opts.timeoutMs / 2 };
    let results: ChildMessage['results'] | undefined;
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-2000);
    };
    const child = fork(CHILD, [JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'results') results = m.results;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const harnessErrors = [...(results?.harnessErrors ?? [])];
      if (!results) {
        const why = timedOut ? `timed out after ${opts.timeoutMs / 1000} s` : `child ${signal ? `killed by ${signal}` : `exited with ${code}`}`;
        const t = tail.trim().split('\n').slice(-5).join(' | ');
        harnessErrors.push(`${why}${t ? `; output tail: ${t}` : ''}`);
      }
      resolvePromise({ file, tests: results?.tests ?? [], harnessErrors, ms: Date.now() - start });
    });
  });
}

/** Runs tasks with bounded concurrency; results keep the input order. */
export async function runPool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface Failure {
  key: string;
  message: string;
}

/** The failures of a file: tests that did not pass, and harness errors (one key). */
export function failuresOf(r: FileResult): Failure[] {
  const failures = r.tests
    .filter((t) => t.status !== 'PASS')
    .map((t) => ({ key: failureKey(r.file, t.name), message: `${t.status}${t.message ? `: ${t.message}` : ''}` }));
  if (r.harnessErrors.length > 0) failures.push({ key: failureKey(r.file, HARNESS), message: r.harnessErrors.join('; ') });
  return failures;
}

export interface Judgement {
  passed: number;
  /** Failures not on the list. */
  unexpected: Failure[];
  /** Failures on the list. */
  expected: number;
  /** Listed entries for these files that passed or no longer exist (the list must shrink). */
  stale: string[];
}

/**
 * Compares results with the list. Only entries for the files that ran count, unless
 * `allFiles` (the names of every file there is) is given: then entries for unknown files
 * are stale too.
 */
export function judge(results: FileResult[], list: ExpectedFailures, allFiles?: Set<string>): Judgement {
  const ran = new Set(results.map((r) => r.file));
  const failing = new Map<string, Failure>();
  let passed = 0;
  for (const r of results) {
    passed += r.tests.filter((t) => t.status === 'PASS').length;
    for (const f of failuresOf(r)) failing.set(f.key, f);
  }
  const unexpected = [...failing.values()].filter((f) => !list.entries.has(f.key));
  const stale: string[] = [];
  let expected = 0;
  for (const key of list.entries.keys()) {
    const file = fileOfKey(key);
    if (!ran.has(file) && !(allFiles && !allFiles.has(file))) continue;
    if (failing.has(key)) expected++;
    else stale.push(key);
  }
  return { passed, unexpected, expected, stale };
}

/** A failure as a line for the expected-failures list (reason to be edited by hand). */
export function asListLine(f: Failure): string {
  return `${f.key} | ${f.message.replace(/\s+/g, ' ').replace(/ \| /g, ' / ').slice(0, 200)}`;
}
