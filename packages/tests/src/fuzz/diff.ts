// The differential fuzzer's driver: case i of seed S is generated, run and compared in a
// child process (diff-case.ts) with a time cap; mismatches, crashes and hangs are saved
// with the module, to be reproduced with `--seed S --only i` or `--file x.wasm`, and
// shrunk with `--reduce x.wasm`.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CasePool, type CaseOutcome } from './pool.js';
import { generateDiffModule, type DiffFeatures, type DiffJob, type DiffResult } from './diff-case.js';
import { cleanupTtf } from './ttf.js';
import { saveFinding, type Finding } from './report.js';

export const DIFF_WORKER = join(dirname(fileURLToPath(import.meta.url)), 'diff-worker.js');

export interface DiffOptions {
  iterations: number;
  seed: number;
  jobs?: number;
  /** Cap per module (generation, V8, both wasmjit modes), default 30 s. */
  timeoutMs?: number;
  only?: number[];
  /** Run these module files instead of generating (each as case 0..n-1). */
  files?: Uint8Array[];
  outDir?: string;
  progress?: (line: string) => void;
  /** What the generated modules may use (default 'simd'; 'threads' adds atomics). */
  features?: DiffFeatures;
}

export interface DiffSummary {
  seed: number;
  iterations: number;
  ms: number;
  matched: number;
  inconclusive: number;
  inconclusiveWhy: Map<string, number>;
  exports: number;
  calls: number;
  traps: number;
  /** Calls ending in a wasm exception that reached JS; such exceptions caught by the fuzz imports. */
  exceptions: number;
  caughtInJs: number;
  /** try_tables in the matched modules ('eh': each run as legacy try and as try_table). */
  tryTables: number;
  nanPayloadDiffs: number;
  /** Modules whose run in V8 itself did not finish in time (not counted as findings). */
  v8Timeouts: number;
  findings: Finding[];
}

export const diffPoolOptions = (jobs: number, timeoutMs: number) => ({
  script: DIFF_WORKER, jobs, timeoutMs, recycleAfter: 300,
  // extended-const for the 'wasm3' modules (tail calls are on by default in Node 20's V8).
  execArgv: ['--max-old-space-size=2048', '--experimental-wasm-extended-const'],
});

export async function runDiff(opts: DiffOptions): Promise<DiffSummary> {
  const started = Date.now();
  const s: DiffSummary = {
    seed: opts.seed, iterations: 0, ms: 0, matched: 0, inconclusive: 0, inconclusiveWhy: new Map(), exports: 0, calls: 0,
    traps: 0, exceptions: 0, caughtInJs: 0, tryTables: 0, nanPayloadDiffs: 0, v8Timeouts: 0, findings: [],
  };
  const pool = new CasePool<DiffJob, DiffResult>(diffPoolOptions(opts.jobs ?? 2, opts.timeoutMs ?? 30_000));
  // A file runs as case `only[0]` (default 0): the case index chooses the call arguments.
  const indexes = opts.files ? opts.files.map((_, i) => (opts.only?.[0] ?? 0) + i) : opts.only ?? Array.from({ length: opts.iterations }, (_, i) => i);
  const saving: Promise<void>[] = [];
  const addFinding = (i: number, what: string, detail?: string, bytes?: Uint8Array) => {
    if (!bytes && !opts.files) {
      // A crash or hang took the child (and the module it generated) down: make it again.
      saving.push(generateDiffModule(opts.seed, i, opts.features).then((b) => addFinding(i, what, detail, b), () => addFinding(i, what, detail, new Uint8Array())));
      return;
    }
    const threads = opts.features === 'simd' || opts.features === undefined ? '' : ` --${opts.features}`;
    const repro = `reproduce: pnpm fuzz:diff --seed ${opts.seed}${threads} --only ${i}${opts.files ? ' --file FILE' : ''}  (or --file <id>.wasm --seed ${opts.seed} --only ${i})`;
    const f: Finding = { id: `diff-${opts.seed}-${i}`, what, detail: `${repro}\n\n${detail ?? ''}`, bytes };
    s.findings.push(f);
    if (opts.outDir) saveFinding(opts.outDir, f);
    opts.progress?.(`FINDING case ${i}: ${what}`);
  };
  let lastReport = Date.now();
  const onDone = (k: number, job: DiffJob, o: CaseOutcome<DiffResult>) => {
    const i = indexes[k]!;
    s.iterations++;
    if (o.kind === 'timeout') {
      if (o.phase === 'v8' || o.phase === 'generate') s.v8Timeouts++;
      else addFinding(i, `hang: no answer within the cap in phase '${o.phase}'`, undefined, job.bytes);
    } else if (o.kind === 'crash') {
      addFinding(i, `crash (${o.exit}) in phase '${o.phase}'`, o.stderr, job.bytes);
    } else {
      const r = o.result;
      if (r.status === 'match') {
        s.matched++;
        s.exports += r.exports;
        s.calls += r.calls;
        s.traps += r.traps;
        s.exceptions += r.exceptions;
        s.caughtInJs += r.caughtInJs;
        s.tryTables += r.tryTables;
        s.nanPayloadDiffs += r.nanPayloadDiffs;
      } else if (r.status === 'inconclusive') {
        s.inconclusive++;
        s.inconclusiveWhy.set(r.why, (s.inconclusiveWhy.get(r.why) ?? 0) + 1);
      } else if (r.status === 'mismatch') {
        addFinding(i, `mismatch: ${r.differences[0]}`, r.differences.join('\n'), r.bytes);
      } else {
        addFinding(i, `harness error: ${r.error.split('\n')[0]}`, r.error, r.bytes);
      }
    }
    if (opts.progress && Date.now() - lastReport > 15_000) {
      lastReport = Date.now();
      opts.progress(`${s.iterations}/${indexes.length} modules, ${s.findings.length} findings, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  try {
    await pool.runAll(indexes.length, (k) => ({ seed: opts.seed, index: indexes[k]!, bytes: opts.files?.[k], features: opts.features }), onDone);
  } finally {
    pool.close();
  }
  await Promise.all(saving);
  cleanupTtf();
  s.ms = Date.now() - started;
  return s;
}
