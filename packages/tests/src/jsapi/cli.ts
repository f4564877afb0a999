// `pnpm test:jsapi [--engine wasmjit|v8] [--file PATH] [--jobs N] [--timeout S]
//   [--verbose] [--print-failures]`
//
// Runs the WebAssembly JS-API tests (see suite.ts) against wasmjit's WebAssembly namespace
// (or, with --engine v8, Node's own, which shows that the shim is faithful), one line per
// file, then `jsapi: N passed, N failed, N expected failures`. Exits non-zero on any failure
// not on the engine's expected-failures list and on any listed entry that passes now.
// --print-failures prints the unexpected failures as list lines, for review.
import { parseArgs } from 'node:util';
import { fileOfKey, loadExpectedFailures } from './expected.js';
import {
  asListLine, expectedFailuresFile, failuresOf, findJsapiDir, isLongFile, judge, listJsapiFiles, runFile, runPool,
  type EngineName, type FileResult,
} from './suite.js';

function usage(msg: string): never {
  process.stderr.write(`jsapi: ${msg}\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      engine: { type: 'string', default: 'wasmjit' },
      file: { type: 'string', multiple: true },
      jobs: { type: 'string', default: '2' },
      timeout: { type: 'string', default: '120' },
      verbose: { type: 'boolean', default: false },
      'print-failures': { type: 'boolean', default: false },
    },
  });
  const engine = values.engine as EngineName;
  if (engine !== 'wasmjit' && engine !== 'v8') usage(`unknown engine ${engine}`);
  const jobs = Number(values.jobs);
  const timeoutMs = Number(values.timeout) * 1000;
  if (!(jobs >= 1) || !(timeoutMs > 0)) usage('bad --jobs or --timeout');

  const found = findJsapiDir();
  if ('absent' in found) {
    console.log(`jsapi: ${found.absent}; skipping`);
    console.log('jsapi: 0 passed, 0 failed, 0 expected failures');
    return 0;
  }
  const all = listJsapiFiles(found.dir);
  let files = all;
  if (values.file) {
    files = values.file.map((f) => all.find((a) => a === f || a === `${f}.any.js`) ?? usage(`no test file ${f}`));
  }
  const listPath = expectedFailuresFile(engine);
  const list = loadExpectedFailures(listPath);
  for (const e of list.errors) console.log(`${listPath}: ${e}`);

  const results: FileResult[] = await runPool(files, jobs, async (file) => {
    const r = await runFile(found.dir, file, { engine, timeoutMs: timeoutMs * (isLongFile(found.dir, file) ? 5 : 1) });
    const v = judge([r], list);
    const failures = failuresOf(r);
    console.log(`${file}: ${v.passed} passed, ${v.unexpected.length} failed, ${v.expected} expected failures (${(r.ms / 1000).toFixed(1)} s)`);
    for (const f of v.unexpected) console.log(`  FAIL ${f.key}: ${f.message}`);
    for (const k of v.stale) console.log(`  STALE (passes now or no longer exists; remove it from the list) ${k}`);
    if (values.verbose) for (const f of failures.filter((x) => list.entries.has(x.key))) console.log(`  expected ${f.key}: ${f.message}`);
    return r;
  });

  const v = judge(results, list, values.file ? undefined : new Set(all));
  for (const k of v.stale.filter((key) => !files.includes(fileOfKey(key)))) console.log(`STALE (no such file; remove it from the list) ${k}`);
  if (values['print-failures']) for (const f of v.unexpected) console.log(asListLine(f));
  const failed = v.unexpected.length + v.stale.length + list.errors.length;
  console.log(`jsapi: ${v.passed} passed, ${failed} failed, ${v.expected} expected failures`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
