// `pnpm test:spec [--engine wasmjit|v8] [--file NAME] [--line N]
//   [--bounds-checks guard|explicit] [--compilation lazy|eager] [--tier baseline|optimized] [--simd avx|sse4.1] [--verbose] [--timeout S] [--jobs N]
//   [--proposals] [--latest] [--expected-failures PATH] [--print-failures]`
//
// --latest runs ../shared/spec-latest/core (Wasm 3.0: the top level and every subfolder) and
// reports per folder; features wasmjit does not implement yet are skipped by name.
//
// --print-failures prints unexpected failures as expected-failures lines
// (`file.wast:LINE  reason`) for review before adding them to the list.

import { parseArgs } from 'node:util';
import { loadExpectedFailures } from './expected.js';
import type { BoundsChecks, Compilation, SimdIsa } from '@wasmjit/runtime';
import { skipCategory } from '@wasmjit/runtime/wast';
import {
  countOutcomes,
  EXPECTED_FAILURES_FILE,
  findLatestSpecDir,
  findSpecDir,
  folderOf,
  LATEST_EXPECTED_FAILURES_FILE,
  listLatestSpecFiles,
  judge,
  listSpecFiles,
  runFileInChild,
  runPool,
  selectFile,
  skipReasons,
  type FileResult,
  type SpecFile,
} from './suite.js';
import type { EngineName } from './worker.js';

function usage(msg: string): never {
  process.stderr.write(`spec: ${msg}\n`);
  process.exit(2);
}

function fmt(c: { passed: number; failed: number; skipped: number }): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    // `pnpm test:spec -- --file x` forwards the `--` itself; drop it.
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      engine: { type: 'string', default: 'wasmjit' },
      file: { type: 'string' },
      line: { type: 'string' },
      'bounds-checks': { type: 'string' },
      compilation: { type: 'string' },
      tier: { type: 'string' },
      simd: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '60' },
      jobs: { type: 'string', default: '2' },
      proposals: { type: 'boolean', default: false },
      latest: { type: 'boolean', default: false },
      'expected-failures': { type: 'string' },
      'print-failures': { type: 'boolean', default: false },
    },
  });
  const engine = values.engine as EngineName;
  if (engine !== 'wasmjit' && engine !== 'v8') usage(`unknown engine ${engine}`);
  const boundsChecks = (values['bounds-checks'] ?? process.env.WASMJIT_BOUNDS_CHECKS) as BoundsChecks | undefined;
  if (boundsChecks !== undefined && boundsChecks !== 'guard' && boundsChecks !== 'explicit') usage(`bad --bounds-checks ${boundsChecks}`);
  const compilation = (values.compilation ?? process.env.WASMJIT_COMPILATION) as Compilation | undefined;
  if (compilation !== undefined && compilation !== 'lazy' && compilation !== 'eager') usage(`bad --compilation ${compilation}`);
  // The compiler tier (EngineOptions.tier); the child processes read it from the environment.
  const tier = values.tier ?? process.env.WASMJIT_TIER;
  if (tier !== undefined && tier !== 'baseline' && tier !== 'optimized') usage(`bad --tier ${tier}`);
  if (tier !== undefined) process.env.WASMJIT_TIER = tier;
  // wasmjit's SIMD instructions: 'avx' or the 'sse4.1' baseline (default: by the CPU).
  const simd = (values.simd ?? process.env.WASMJIT_SIMD) as SimdIsa | undefined;
  if (simd !== undefined && simd !== 'avx' && simd !== 'sse4.1') usage(`bad --simd ${simd}`);
  const line = values.line !== undefined ? Number(values.line) : undefined;
  if (line !== undefined && (!Number.isInteger(line) || line <= 0)) usage(`bad --line ${values.line}`);
  if (line !== undefined && values.file === undefined) usage('--line needs --file');
  const timeoutMs = Number(values.timeout) * 1000;
  const jobs = Number(values.jobs);
  if (!(timeoutMs > 0) || !(jobs >= 1)) usage('bad --timeout or --jobs');

  const spec = values.latest ? findLatestSpecDir() : findSpecDir();
  if ('absent' in spec) {
    console.log(`spec: ${spec.absent}; skipping`);
    console.log('spec: 0 passed, 0 failed, 0 skipped');
    return 0;
  }

  const files = values.latest
    ? { run: listLatestSpecFiles(spec.dir) }
    : listSpecFiles(spec.dir, { proposals: values.proposals || (values.file?.startsWith('proposals/') ?? false) });
  let selected: SpecFile[] = files.run;
  if (values.file !== undefined) {
    const f = selectFile(files, values.file);
    if (!f) usage(`no such spec file: ${values.file}`);
    selected = [f];
  }
  // The checked-in list describes wasmjit; V8 runs use a list only on request.
  const expectedPath = values['expected-failures'] ?? (engine === 'wasmjit' ? (values.latest ? LATEST_EXPECTED_FAILURES_FILE : EXPECTED_FAILURES_FILE) : undefined);
  const expected = loadExpectedFailures(expectedPath);
  for (const e of expected.errors) console.log(`expected failures: ${e}`);

  const started = Date.now();
  const results: (FileResult | undefined)[] = new Array(selected.length);
  let printed = 0;
  // Print in file order as results arrive, so output is stable across runs.
  const printReady = () => {
    while (printed < results.length && results[printed]) {
      const r = results[printed++]!;
      console.log(`${r.file}: ${fmt(countOutcomes(r.outcomes))}`);
      if (values.verbose) {
        for (const o of r.outcomes) {
          if (o.status !== 'failed') continue;
          console.log(`  FAIL ${r.file}:${o.line} ${o.command}: ${o.reason}`);
          if (o.text) console.log(`    ${o.text.replace(/\n/g, '\n    ')}`);
        }
      }
    }
  };
  await runPool(selected, jobs, async (f, i) => {
    const r = await runFileInChild(f, { engine, boundsChecks, compilation, simd, line, timeoutMs });
    results[i] = r;
    printReady();
    return r;
  });
  const all = results as FileResult[];
  const elapsed = (Date.now() - started) / 1000;

  if (line !== undefined && all[0].outcomes.length === 0) console.log(`${all[0].file}: no command starts at line ${line}`);
  if (values.latest) {
    // Per folder, as the issue asks: where each Wasm 3.0 feature stands.
    const byFolder = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const r of all) {
      const c = countOutcomes(r.outcomes);
      const t = byFolder.get(folderOf(r.file)) ?? { passed: 0, failed: 0, skipped: 0 };
      t.passed += c.passed;
      t.failed += c.failed;
      t.skipped += c.skipped;
      byFolder.set(folderOf(r.file), t);
    }
    for (const [folder, c] of byFolder) console.log(`folder ${folder}: ${fmt(c)}`);
  }
  const reasons = skipReasons(all, skipCategory);
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`skipped: ${n} ${reason}`);

  const verdict = judge(all, expected, {
    line,
    fullRun: values.file === undefined,
    knownFiles: new Set(files.run.map((f) => f.name)),
  });
  if (expectedPath !== undefined) console.log(`expected failures: ${verdict.listed} listed, ${verdict.stillFailing} still failing`);
  if (verdict.stale.length > 0) {
    console.log(`expected failures now passing (remove them from ${expectedPath}):`);
    for (const k of verdict.stale) console.log(`  ${k}`);
  }
  if (verdict.unexpected.length > 0) {
    console.log(`unexpected failures: ${verdict.unexpected.length}`);
    const shown = values.verbose ? verdict.unexpected : verdict.unexpected.slice(0, 50);
    for (const { key, outcome } of shown) console.log(`  ${key}  ${outcome.command}: ${outcome.reason}`);
    if (shown.length < verdict.unexpected.length) console.log(`  ... ${verdict.unexpected.length - shown.length} more (use --verbose)`);
  }

  if (values['print-failures'] && verdict.unexpected.length > 0) {
    console.log('# unexpected failures in expected-failures format:');
    for (const { key, outcome } of verdict.unexpected) {
      const reason = `${outcome.command}: ${outcome.reason ?? ''}`.replace(/\s+/g, ' ').slice(0, 160);
      console.log(`${key}  ${reason}`);
    }
  }

  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const r of all) {
    const c = countOutcomes(r.outcomes);
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  console.log(`spec (${engine}): ${elapsed.toFixed(1)} s`);
  console.log(`spec: ${fmt(total)}`);
  return verdict.unexpected.length > 0 || verdict.stale.length > 0 || expected.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
