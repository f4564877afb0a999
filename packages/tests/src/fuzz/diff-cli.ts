// pnpm fuzz:diff --iterations N --seed S [--jobs J] [--timeout MS] [--out DIR] [--only i,j]
// pnpm fuzz:diff --threads ...       modules with the threads proposal's atomics, memory unshared
// pnpm fuzz:diff --wasm3 ...         modules with tail calls and extended constants (Wasm 3.0)
// pnpm fuzz:diff --eh ...            --wasm3 plus exception handling (legacy-eh.ts: V8 runs the legacy encoding)
// pnpm fuzz:diff --file x.wasm       run one module (e.g. a saved finding)
// pnpm fuzz:diff --reduce x.wasm     shrink a mismatching module (writes x.reduced.wasm/.wat)
// pnpm fuzz:diff --tier optimized ...  wasmjit's side compiled by the optimizing tier
// Exit code 1 when anything was found; findings are written to --out (default fuzz-out/).
import { readFileSync } from 'node:fs';
import { parseArgs } from './cli-args.js';
import { runDiff } from './diff.js';
import { formatMs } from './report.js';
import { reduceFile } from './reduce.js';

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2), {
    iterations: 'number', seed: 'number', jobs: 'number', timeout: 'number', out: 'string', only: 'list', file: 'string', reduce: 'string', threads: 'flag', wasm3: 'flag', eh: 'flag', tier: 'string',
  });
  // The workers create their engines from the environment (diff-engines.ts wasmjitEngine).
  const tier = a.get('tier') as string | undefined;
  if (tier !== undefined && tier !== 'baseline' && tier !== 'optimized') throw new Error(`bad --tier ${tier}`);
  if (tier !== undefined) process.env.WASMJIT_TIER = tier;
  const reduce = a.get('reduce') as string | undefined;
  if (reduce) {
    await reduceFile(reduce, (l) => console.log(l));
    return;
  }
  const seed = (a.get('seed') as number | undefined) ?? 1;
  const iterations = (a.get('iterations') as number | undefined) ?? 100;
  const out = (a.get('out') as string | undefined) ?? 'fuzz-out';
  const file = a.get('file') as string | undefined;
  console.log(file ? `diff: ${file}` : `diff: seed ${seed}, ${iterations} modules${a.get('threads') ? ' with atomics (threads, memory unshared)' : a.get('eh') ? ' with exceptions, tail calls and extended constants' : a.get('wasm3') ? ' with tail calls and extended constants' : ''}`);
  const s = await runDiff({
    iterations, seed, outDir: out,
    jobs: a.get('jobs') as number | undefined,
    timeoutMs: a.get('timeout') as number | undefined,
    only: a.get('only') as number[] | undefined,
    files: file ? [new Uint8Array(readFileSync(file))] : undefined,
    progress: (l) => console.log(l),
    features: a.get('threads') ? 'threads' : a.get('eh') ? 'eh' : a.get('wasm3') ? 'wasm3' : 'simd',
  });
  console.log(`modules: ${s.iterations} in ${formatMs(s.ms)}: ${s.matched} matched V8 in both bounds-check modes (${s.exports} exports called, ${s.traps} of the calls trapped), ${s.inconclusive} inconclusive, ${s.v8Timeouts} timed out in generation or V8`);
  for (const [why, n] of s.inconclusiveWhy) console.log(`  inconclusive: ${n} × ${why}`);
  if (s.exceptions || s.caughtInJs || s.tryTables) console.log(`exceptions: ${s.exceptions} calls ended in a wasm exception reaching JS (tag and payload compared), ${s.caughtInJs} caught by the JS imports; ${s.tryTables} try_tables run as legacy try and as try_table`);
  console.log(`NaN payload differences accepted (both quiet NaNs): ${s.nanPayloadDiffs}`);
  console.log(`findings: ${s.findings.length}${s.findings.length ? ` (written to ${out}/)` : ''}`);
  for (const f of s.findings.slice(0, 20)) console.log(`  ${f.id}: ${f.what}`);
  process.exitCode = s.findings.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
