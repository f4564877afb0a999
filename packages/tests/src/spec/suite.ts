// Finding the testsuite, running files in child processes, and judging the
// results against the expected-failures list. Shared by the CLI and mocha.

import { fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failureKey, fileOfKey, type ExpectedFailures } from './expected.js';
import type { BoundsChecks, Compilation, SimdIsa } from '@wasmjit/runtime';
import type { Outcome } from '@wasmjit/runtime/wast';
import type { EngineName, WorkerJob, WorkerMessage } from './worker.js';

const here = dirname(fileURLToPath(import.meta.url)); // packages/tests/dist/spec
export const TESTS_DIR = resolve(here, '../..');
export const REPO_ROOT = resolve(TESTS_DIR, '../..');
export const EXPECTED_FAILURES_FILE = join(TESTS_DIR, 'spec-expected-failures.txt');
/** The same for ../shared/spec-latest/core (`--latest`): failures that are not a missing feature. */
export const LATEST_EXPECTED_FAILURES_FILE = join(TESTS_DIR, 'spec-latest-expected-failures.txt');
const WORKER = join(here, 'worker.js');

/** WASM_SPEC_DIR, else `<repo>/../shared/spec`. */
export function specDirCandidate(): string {
  return process.env.WASM_SPEC_DIR ? resolve(process.env.WASM_SPEC_DIR) : resolve(REPO_ROOT, '../shared/spec');
}

/** The spec directory, or why it cannot be used. */
export function findSpecDir(): { dir: string } | { absent: string } {
  const dir = specDirCandidate();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { absent: `spec testsuite not found at ${dir} (set WASM_SPEC_DIR)` };
  if (!readdirSync(dir).some((f) => f.endsWith('.wast'))) return { absent: `no .wast files in ${dir}` };
  return { dir };
}

export interface SpecFile {
  /** Relative to the spec dir, `/`-separated: the name used in keys. */
  name: string;
  path: string;
  proposal: boolean;
  /** Text format edition: '2.0' (../shared/spec) or '3.0' (../shared/spec-latest/core). */
  standard: '2.0' | '3.0';
}

export interface SpecFiles {
  run: SpecFile[];
}

export function listSpecFiles(dir: string, opts: { proposals?: boolean } = {}): SpecFiles {
  const run: SpecFile[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.wast')) continue;
    run.push({ name: f, path: join(dir, f), proposal: false, standard: '2.0' });
  }
  const pdir = join(dir, 'proposals');
  if (opts.proposals && existsSync(pdir)) {
    for (const p of readdirSync(pdir).sort()) {
      const sub = join(pdir, p);
      if (!statSync(sub).isDirectory()) continue;
      for (const f of readdirSync(sub).sort()) {
        if (f.endsWith('.wast')) run.push({ name: `proposals/${p}/${f}`, path: join(sub, f), proposal: true, standard: '2.0' });
      }
    }
  }
  return { run };
}

/**
 * The current suite (../shared/spec-latest/core, Wasm 3.0): the top level and every
 * subfolder, named `folder/file.wast`; each file's folder is its group in reports.
 */
export function listLatestSpecFiles(dir: string): SpecFile[] {
  const files: SpecFile[] = [];
  const walk = (sub: string): void => {
    const here = join(dir, sub);
    for (const f of readdirSync(here).sort()) {
      const rel = sub === '' ? f : `${sub}/${f}`;
      if (statSync(join(here, f)).isDirectory()) walk(rel);
      else if (f.endsWith('.wast')) files.push({ name: rel, path: join(dir, rel), proposal: false, standard: '3.0' });
    }
  };
  walk('');
  return files;
}

/** The folder of a spec-latest file ('(top level)' for the top level), for per-folder reports. */
export function folderOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '(top level)' : name.slice(0, i);
}

/** Where ../shared/spec-latest/core is: WASM_SPEC_LATEST_DIR, else beside the spec dir. */
export function findLatestSpecDir(): { dir: string } | { absent: string } {
  const env = process.env.WASM_SPEC_LATEST_DIR;
  const dir = env !== undefined && env !== '' ? join(env, 'core') : resolve(specDirCandidate(), '../spec-latest/core');
  if (!existsSync(dir)) return { absent: `no current spec suite at ${dir} (set WASM_SPEC_LATEST_DIR)` };
  return { dir };
}

/** `i32`, `i32.wast`, `proposals/tail-call/return_call` ... */
export function selectFile(files: SpecFiles, wanted: string): SpecFile | undefined {
  const w = wanted.endsWith('.wast') ? wanted : `${wanted}.wast`;
  return files.run.find((f) => f.name === w);
}

export interface FileResult {
  file: string;
  outcomes: Outcome[];
  ms: number;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
export function countOutcomes(outcomes: Outcome[]): Counts {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) c[o.status]++;
  return c;
}

export interface RunFileOptions {
  engine: EngineName;
  boundsChecks?: BoundsChecks;
  /** Engine option compilation (default: the runtime's, WASMJIT_COMPILATION or eager). */
  compilation?: Compilation;
  /** EngineOptions.simd: AVX forms or the SSE4.1 baseline (default: by the CPU). */
  simd?: SimdIsa;
  line?: number;
  timeoutMs: number;
}

let progressCounter = 0;

/** After a crash or hang at a command, rerun the file past it, at most this often. */
const MAX_RESUMES = 10;

interface ChildRun {
  outcomes: Outcome[];
  /** Set when the worker did not finish: where and why. */
  broken?: { line: number; why: string };
}

function runChildOnce(job: WorkerJob, timeoutMs: number, execArgv: string[]): Promise<ChildRun> {
  return new Promise((resolvePromise) => {
    const outcomes: Outcome[] = [];
    let done = false;
    let timedOut = false;
    let tail = '';
    const keepTail = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-2000);
    };
    const child = fork(WORKER, [JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv });
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'outcomes') outcomes.push(...m.outcomes);
      else if (m.type === 'done') done = true;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      tail += `\n${e.message}`;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      let broken: ChildRun['broken'];
      if (!done || timedOut) {
        let line = 0;
        try {
          const buf = readFileSync(job.progressFile!);
          if (buf.length >= 4) line = buf.readUInt32LE(0);
        } catch {
          // No progress yet: the worker died before its first command.
        }
        const t = tail.trim();
        const why =
          (timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `worker crashed (${signal ? `signal ${signal}` : `exit code ${code}`})`) +
          (t ? `; output tail: ${t.split('\n').slice(-5).join(' | ')}` : '');
        broken = { line, why };
      }
      rmSync(job.progressFile!, { force: true });
      resolvePromise({ outcomes, broken });
    });
  });
}

/**
 * Run one file in a child process. A crash or hang is a failure of the
 * command that was running; the file is then resumed past that command in a
 * fresh child, so one bad command does not hide the rest of the file.
 */
export async function runFileInChild(file: SpecFile, opts: RunFileOptions): Promise<FileResult> {
  const start = Date.now();
  // Node 20's V8 ships extended-const behind a flag; proposal files need it
  // for the reference engine to be a meaningful baseline.
  const execArgv = opts.engine === 'v8' && file.proposal ? ['--experimental-wasm-extended-const'] : [];
  const outcomes: Outcome[] = [];
  let resumeAfter: number | undefined;
  for (let attempt = 0; ; attempt++) {
    const job: WorkerJob = {
      path: file.path,
      engine: opts.engine,
      boundsChecks: opts.boundsChecks,
      compilation: opts.compilation,
      simd: opts.simd,
      line: opts.line,
      resumeAfter,
      standard: file.standard,
      proposal: file.proposal,
      progressFile: join(tmpdir(), `wasmjit-spec-${process.pid}-${progressCounter++}`),
    };
    const run = await runChildOnce(job, opts.timeoutMs, execArgv);
    outcomes.push(...run.outcomes);
    if (!run.broken) break;
    // Blame the running command, unless it already has its outcome (the
    // worker died between commands or at exit): then the file, line 0.
    let { line } = run.broken;
    if (line !== 0 && outcomes.some((o) => o.line === line)) line = 0;
    const canResume = line !== 0 && opts.line === undefined && attempt < MAX_RESUMES;
    outcomes.push({
      line,
      command: 'worker',
      status: 'failed',
      reason: `${run.broken.why}${line ? ' while running this command' : ''}${line && !canResume ? '; rest of file not run' : ''}`,
    });
    if (!canResume) break;
    resumeAfter = line;
  }
  return { file: file.name, outcomes, ms: Date.now() - start };
}

/** Run tasks with bounded concurrency; results keep the input order. */
export async function runPool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface Judgement {
  /** Failures not on the list: `file:line  reason`. */
  unexpected: { key: string; outcome: Outcome }[];
  /** Listed entries in scope. */
  listed: number;
  /** Listed entries that still fail. */
  stillFailing: number;
  /** Listed entries in scope that no longer fail (the list must shrink). */
  stale: string[];
}

/**
 * Compare results with the list. Only entries in scope count: the files
 * that ran (and only the chosen line with --line); with `fullRun`, entries
 * naming files that do not exist are stale too.
 */
export function judge(
  results: FileResult[],
  expected: ExpectedFailures,
  scope: { line?: number; fullRun: boolean; knownFiles: Set<string> },
): Judgement {
  const ran = new Set(results.map((r) => r.file));
  const failing = new Map<string, Outcome>();
  for (const r of results) for (const o of r.outcomes) if (o.status === 'failed') failing.set(failureKey(r.file, o.line), o);
  const unexpected: Judgement['unexpected'] = [];
  for (const [key, outcome] of failing) if (!expected.entries.has(key)) unexpected.push({ key, outcome });
  let listed = 0;
  let stillFailing = 0;
  const stale: string[] = [];
  for (const key of expected.entries.keys()) {
    const file = fileOfKey(key);
    const line = Number(key.slice(file.length + 1));
    const inScope = ran.has(file) ? scope.line === undefined || scope.line === line : scope.fullRun && !scope.knownFiles.has(file);
    if (!inScope) continue;
    listed++;
    if (failing.has(key)) stillFailing++;
    else stale.push(key);
  }
  return { unexpected, listed, stillFailing, stale };
}

/** Skip reasons aggregated over results (for the summary). */
export function skipReasons(results: FileResult[], category: (r: string | undefined) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of results) {
    for (const o of r.outcomes) {
      if (o.status !== 'skipped') continue;
      const c = category(o.reason);
      m.set(c, (m.get(c) ?? 0) + 1);
    }
  }
  return m;
}
