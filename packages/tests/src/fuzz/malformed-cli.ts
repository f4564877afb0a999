// pnpm fuzz:malformed --iterations N --seed S [--jobs J] [--timeout MS] [--out DIR]
//                     [--only i,j] [--spec-files N]
// Exit code 1 when anything was found; findings are written to --out (default fuzz-out/).
import { parseArgs } from './cli-args.js';
import { runMalformed } from './malformed.js';
import { formatMs } from './report.js';

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2), {
    iterations: 'number', seed: 'number', jobs: 'number', timeout: 'number', out: 'string', only: 'list', 'spec-files': 'number',
  });
  const seed = (a.get('seed') as number | undefined) ?? 1;
  const iterations = (a.get('iterations') as number | undefined) ?? 1000;
  const out = (a.get('out') as string | undefined) ?? 'fuzz-out';
  console.log(`malformed: seed ${seed}, ${iterations} inputs`);
  const s = await runMalformed({
    iterations, seed, outDir: out,
    jobs: a.get('jobs') as number | undefined,
    timeoutMs: a.get('timeout') as number | undefined,
    only: a.get('only') as number[] | undefined,
    corpus: { maxFiles: a.get('spec-files') as number | undefined },
    progress: (l) => console.log(l),
  });
  console.log(`corpus: ${s.corpusModules} valid seed modules`);
  console.log(`inputs: ${s.iterations} in ${formatMs(s.ms)}: ${s.rejected} rejected (CompileError), ${s.uninstantiable} failed to instantiate, ${s.ran} ran (${s.calls} calls, ${s.traps} traps), ${s.runTimeouts} still running at the cap`);
  if (s.runTimeouts) console.log(`still running at the cap, e.g. cases ${s.runTimeoutCases.join(',')}`);
  console.log(`V8 accepted ${s.unsupportedByUs} of the rejected inputs (proposals wasmjit does not implement)`);
  const top = [...s.reasons].sort((x, y) => y[1] - x[1]).slice(0, 12);
  console.log(`most common rejection reasons:\n${top.map(([r, n]) => `  ${String(n).padStart(6)}  ${r}`).join('\n')}`);
  console.log(`findings: ${s.findings.length}${s.findings.length ? ` (written to ${out}/)` : ''}`);
  for (const f of s.findings.slice(0, 20)) console.log(`  ${f.id}: ${f.what}`);
  process.exitCode = s.findings.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 2;
});
