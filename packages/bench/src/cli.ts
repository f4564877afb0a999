// `pnpm bench [--quick]`: wasmjit against V8 Liftoff-only and TurboFan-only. Prints the
// report on stdout (progress on stderr), writes bench/results/latest.{json,md,svg}, and
// exits non-zero when any output differs from V8's. It measures; it asserts nothing about
// speed.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { COLUMN_FLAGS, COMPILE_FLAGS } from './engines.js';
import { DEFAULT_RESULTS_DIR, REPO_ROOT } from './paths.js';
import { PROGRAMS } from './programs.js';
import { Progress } from './progress.js';
import { execSection, failuresSection, header, otherSections, writeResults } from './report.js';
import { geomeans, isFailure } from './rows.js';
import { runCallsSection } from './section-calls.js';
import { runChecksSection } from './section-checks.js';
import { compileSteps, runCompileSection } from './section-compile.js';
import { cacheSteps, runCacheSection } from './section-cache.js';
import { runValidateSection, validateSteps } from './section-validate.js';
import { packageSteps, runPackagesSection } from './section-packages.js';
import { runExecSection } from './section-exec.js';
import { runTextSection, textSteps } from './section-text.js';
import { settingsFor } from './settings.js';
import type { BenchResults } from './types.js';
import path from 'node:path';

const SECTIONS = ['exec', 'compile', 'calls', 'checks', 'packages', 'text'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `usage: pnpm bench [--quick] [--only exec,compile,calls,checks,packages,text] [--filter REGEX] [--out DIR]

  --quick        small inputs, few repetitions, esbuild.wasm only, one process per package
  --only LIST    run only these sections (default: all)
  --filter RE    only programs whose name matches RE (exec, checks and packages sections)
  --out DIR      where to write latest.{json,md,svg} (default: bench/results; a partial
                 run — --only or --filter — writes nothing unless --out is given)
  --help         this text

Exit status: 0 when every output matched V8, 1 on any mismatch or failure, 2 on bad usage.`;

function fail(msg: string): never {
  console.error(`${msg}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        filter: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const sections = new Set<Section>(values.only ? (values.only.split(',') as Section[]) : SECTIONS);
  for (const s of sections) if (!SECTIONS.includes(s)) fail(`unknown section ${s}`);
  let filter: RegExp | undefined;
  try {
    filter = values.filter ? new RegExp(values.filter) : undefined;
  } catch (e) {
    fail(`bad --filter: ${(e as Error).message}`);
  }
  const only = filter ? (name: string) => filter.test(name) : undefined;
  const programs = PROGRAMS.filter((p) => !only || only(p.name));
  const settings = settingsFor(values.quick ? 'quick' : 'full');
  const partial = values.only !== undefined || filter !== undefined;
  const outDir = values.out ?? (partial ? undefined : DEFAULT_RESULTS_DIR);

  const started = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  const steps = (sections.has('exec') ? programs.length * 3 : 0) + (sections.has('compile') ? compileSteps(settings) + cacheSteps(settings) + validateSteps(settings) : 0) +
    (sections.has('calls') ? 3 : 0) + (sections.has('checks') ? 1 : 0) + (sections.has('packages') ? packageSteps(settings, only) : 0) +
    (sections.has('text') ? textSteps(settings) : 0);
  const progress = new Progress(steps);
  const failures: string[] = [];

  const rows = sections.has('exec') ? await runExecSection(programs, settings, progress) : [];
  for (const r of rows) if (isFailure(r)) failures.push(`${r.name}: ${r.note}`);
  const compile = sections.has('compile') ? await runCompileSection(settings, progress) : [];
  const cache = sections.has('compile') ? await runCacheSection(settings, progress) : [];
  const validate = sections.has('compile') ? await runValidateSection(settings, progress) : [];
  const calls = sections.has('calls') ? await runCallsSection(settings, progress) : { rows: [], failures: [] };
  const v8Outputs = new Map(rows.flatMap((r) => (r.runs.liftoff.output !== null ? [[r.name, r.runs.liftoff.output] as const] : [])));
  const checks = sections.has('checks') ? await runChecksSection(settings, progress, only, v8Outputs) : { rows: [], failures: [] };
  const packages = sections.has('packages') ? await runPackagesSection(settings, progress, only) : { rows: [], failures: [] };
  const text = sections.has('text') ? await runTextSection(settings, progress) : { rows: [], failures: [] };
  failures.push(...calls.failures, ...checks.failures, ...packages.failures, ...text.failures);
  progress.finish();

  const results: BenchResults = {
    schema: 1,
    date: new Date().toISOString(),
    mode: settings.mode,
    machine: {
      node: process.version,
      v8: process.versions.v8,
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: os.cpus().length,
      platform: `${os.platform()} ${os.arch()}`,
      load: [loadAtStart, os.loadavg()[0]!],
    },
    flags: { wasmjit: [...COLUMN_FLAGS.wasmjit], liftoff: [...COLUMN_FLAGS.liftoff], turbofan: [...COLUMN_FLAGS.turbofan], compile: [...COMPILE_FLAGS] },
    exec: { rows, geomean: geomeans(rows) },
    compile,
    cache,
    validate,
    calls: calls.rows,
    text: text.rows,
    checks: checks.rows,
    packages: packages.rows,
    failures,
    durationSec: (Date.now() - started) / 1000,
  };

  console.log(header(results));
  console.log('');
  if (rows.length > 0) console.log(`${execSection(results)}\n`);
  const rest = otherSections(results);
  if (rest) console.log(rest);
  console.log(failuresSection(results));
  if (outDir) {
    const files = writeResults(results, outDir);
    console.log(`results: ${files.map((f) => path.relative(REPO_ROOT, f)).join(', ')}`);
  } else {
    console.log('results not saved (partial run; pass --out DIR to save)');
  }
  console.log(`took ${Math.round(results.durationSec)} s`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
