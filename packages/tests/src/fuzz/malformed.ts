// The malformed-input fuzzer: seeded mutations of valid modules (corpus.ts, mutate.ts),
// each run in a child process (malformed-case.ts) with a time cap. Case i of seed S is a
// pure function of (S, i) and the corpus, so any finding is reproduced with
// `--seed S --only i`.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Rng } from './rng.js';
import { mutate } from './mutate.js';
import { loadCorpus, type CorpusOptions } from './corpus.js';
import { CasePool, type CaseOutcome } from './pool.js';
import type { MalformedJob, MalformedResult } from './malformed-case.js';
import { saveFinding, type Finding } from './report.js';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'malformed-worker.js');

export interface MalformedOptions {
  iterations: number;
  seed: number;
  jobs?: number;
  /** Cap per input (compile + instantiate + calls), default 5 s. */
  timeoutMs?: number;
  corpus?: CorpusOptions;
  /** Run only these case indexes (reproduction). */
  only?: number[];
  /** Where findings are written (none when undefined). */
  outDir?: string;
  progress?: (line: string) => void;
}

export interface MalformedSummary {
  seed: number;
  iterations: number;
  corpusModules: number;
  ms: number;
  rejected: number;
  /** Compiled; instantiation failed with a LinkError, trap or allowed RangeError. */
  uninstantiable: number;
  ran: number;
  calls: number;
  traps: number;
  /** Inputs whose exports were still running at the cap (legitimate infinite loops). */
  runTimeouts: number;
  /** The first few of those, to check by hand that V8 loops on them too. */
  runTimeoutCases: number[];
  /** Rejections of modules V8 accepts, explained by a proposal we do not implement. */
  unsupportedByUs: number;
  findings: Finding[];
  reasons: Map<string, number>;
}

/** Case i of a run: which seed module, which mutations, which bounds-check mode. */
export function makeMalformedCase(corpus: readonly Uint8Array[], seed: number, i: number): MalformedJob {
  const rng = new Rng(seed, i);
  const base = rng.pick(corpus);
  return { bytes: mutate(base, rng, corpus), boundsChecks: i % 2 === 0 ? 'guard' : 'explicit' };
}

export async function runMalformed(opts: MalformedOptions): Promise<MalformedSummary> {
  const started = Date.now();
  const { modules } = await loadCorpus(opts.corpus);
  const s: MalformedSummary = {
    seed: opts.seed, iterations: 0, corpusModules: modules.length, ms: 0, rejected: 0, uninstantiable: 0, ran: 0,
    calls: 0, traps: 0, runTimeouts: 0, runTimeoutCases: [], unsupportedByUs: 0, findings: [], reasons: new Map(),
  };
  const pool = new CasePool<MalformedJob, MalformedResult>({
    script: WORKER, jobs: opts.jobs ?? 2, timeoutMs: opts.timeoutMs ?? 5000, recycleAfter: 2000,
    // A heap cap turns "allocates for a huge count" into a crash we see instead of swapping.
    // Tail calls are on in both engines (V8's default in Node 20, wasmjit's since Wasm 3.0);
    // extended constants are wasmjit's default, V8 needs the flag.
    execArgv: ['--max-old-space-size=1024', '--experimental-wasm-extended-const'],
  });
  const indexes = opts.only ?? Array.from({ length: opts.iterations }, (_, i) => i);
  const addFinding = (i: number, job: MalformedJob, what: string, detail?: string) => {
    const repro = `reproduce: pnpm fuzz:malformed --seed ${opts.seed} --only ${i}`;
    const f: Finding = { id: `malformed-${opts.seed}-${i}`, what: `${what} [${job.boundsChecks} bounds checks]`, detail: `${repro}\n\n${detail ?? ''}`, bytes: job.bytes };
    s.findings.push(f);
    if (opts.outDir) saveFinding(opts.outDir, f);
    opts.progress?.(`FINDING case ${i}: ${what}`);
  };
  let lastReport = Date.now();
  const onDone = (k: number, job: MalformedJob, o: CaseOutcome<MalformedResult>) => {
    const i = indexes[k]!;
    s.iterations++;
    if (o.kind === 'timeout') {
      if (o.phase.startsWith('run ')) {
        s.runTimeouts++;
        if (s.runTimeoutCases.length < 10) s.runTimeoutCases.push(i);
      }
      else addFinding(i, job, `hang: no answer within the cap while in phase '${o.phase}'`);
    } else if (o.kind === 'crash') {
      addFinding(i, job, `crash (${o.exit}) in phase '${o.phase}'`, o.stderr);
    } else {
      const r = o.result;
      if (r.status === 'finding') addFinding(i, job, `${r.stage}: ${r.error}`, r.stack);
      else if (r.status === 'rejected') {
        s.rejected++;
        if (r.v8Accepts) s.unsupportedByUs++;
        const key = r.reason.replace(/\d+/g, 'N').slice(0, 60);
        s.reasons.set(key, (s.reasons.get(key) ?? 0) + 1);
      } else if (r.stage === 'instantiate') s.uninstantiable++;
      else {
        s.ran++;
        s.calls += r.calls;
        s.traps += r.traps;
      }
    }
    if (opts.progress && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      opts.progress(`${s.iterations}/${indexes.length} inputs, ${s.findings.length} findings, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  try {
    await pool.runAll(indexes.length, (k) => makeMalformedCase(modules, opts.seed, indexes[k]!), onDone);
  } finally {
    pool.close();
  }
  s.ms = Date.now() - started;
  return s;
}
