// The package suite's own parts: seeded inputs, the byte comparison, the expected-failures
// list, the verdict rules and the probe that tells which WebAssembly a process had.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  compareOutputDirs, digestDiffs, engineProblems, firstDifference, judge, launchSettings, moduleGraph, packageGeomeanLines,
  packageGeomeans, packageRow, packagesTable, prng, prose, randomBytes, typescriptSource, type ProbeRecord, type ScenarioOutcome,
} from '@wasmjit/bench';
import { parseExpectedFailures } from './expected.js';

describe('packages: generated inputs', () => {
  it('prng: one seed, one sequence in [0, 1); other seeds, other sequences', () => {
    const take = (seed: number) => { const r = prng(seed); return Array.from({ length: 1000 }, r); };
    expect(take(7)).to.deep.equal(take(7));
    expect(take(7)).to.not.deep.equal(take(8));
    for (const x of take(9)) expect(x).to.be.at.least(0).and.below(1);
    // Spread over the range, not stuck in a corner.
    const xs = take(10);
    expect(Math.min(...xs)).to.be.below(0.01);
    expect(Math.max(...xs)).to.be.above(0.99);
  });

  it('randomBytes, prose and typescriptSource are deterministic and as large as asked', () => {
    expect(randomBytes(1, 4096)).to.deep.equal(randomBytes(1, 4096));
    expect(new Set(randomBytes(1, 4096)).size).to.be.above(250);
    expect(prose(3, 10_000)).to.equal(prose(3, 10_000));
    expect(prose(3, 10_000).length).to.be.within(10_000, 10_200);
    const ts = typescriptSource(1, 50);
    expect(ts).to.equal(typescriptSource(1, 50));
    expect(ts).to.not.equal(typescriptSource(2, 50));
    expect(ts.match(/^export class /gm)).to.have.length(50);
  });

  it('moduleGraph: every import names a generated module', () => {
    const files = moduleGraph(3, 40);
    expect(files.size).to.equal(40);
    for (const [, text] of files) {
      for (const m of text.matchAll(/from '\.\/(m\d+)'/g)) expect(files.has(`/src/${m[1]}.ts`)).to.equal(true);
    }
  });
});

describe('packages: byte comparison', () => {
  it('firstDifference: null when equal, else where and how', () => {
    expect(firstDifference(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).to.equal(null);
    expect(firstDifference(new Uint8Array([1, 2, 3]), new Uint8Array([1, 9, 3]))).to.match(/^byte 1 differs/);
    expect(firstDifference(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).to.contain('lengths 2 vs 3');
  });

  it('compareOutputDirs names missing files and differing ones', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'wasmjit-compare-'));
    try {
      const a = path.join(root, 'a');
      const b = path.join(root, 'b');
      mkdirSync(a);
      mkdirSync(b);
      writeFileSync(path.join(a, 'same.txt'), 'x');
      writeFileSync(path.join(b, 'same.txt'), 'x');
      expect(compareOutputDirs(a, b)).to.deep.equal([]);
      writeFileSync(path.join(a, 'data.bin'), 'abc');
      writeFileSync(path.join(b, 'data.bin'), 'abd');
      writeFileSync(path.join(a, 'extra.txt'), '');
      const diffs = compareOutputDirs(a, b, ['V8', 'wasmjit']);
      expect(diffs).to.have.length(2);
      expect(diffs[0]).to.equal("extra.txt: only in V8's outputs");
      expect(diffs[1]).to.match(/^data\.bin: byte 2 differs/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('packages: expected-failures list', () => {
  it('parses entries and reports malformed and duplicate lines', () => {
    const list = parseExpectedFailures('# comment\n\nfoo | trap: x | because\nbad line\nfoo | y | again\n');
    expect(list.entries.get('foo')).to.deep.equal({ symptom: 'y', reason: 'again' });
    expect(list.errors).to.have.length(2);
    expect(list.errors[0]).to.contain('line 4');
    expect(list.errors[1]).to.contain('duplicate entry foo');
  });
});

describe('packages: verdict', () => {
  const main = (engine: ProbeRecord['engine']): ProbeRecord => ({ pid: 1, script: '/x/main.js', engine });
  const ok = (processes: ProbeRecord[]): ScenarioOutcome => ({ ok: true, result: { startupMs: 1, loadMs: 1, firstRunMs: 1, runMs: [1], outputs: {} }, processes });
  const failed = (message: string, processes: ProbeRecord[]): ScenarioOutcome => ({ ok: false, error: { message, phase: 'run' }, processes });

  it('identical when both ran on their engines and no byte differs', () => {
    expect(judge(ok([main('v8')]), ok([main('wasmjit')]), () => [])).to.deep.equal({ kind: 'identical' });
  });

  it('different when wasmjit fails or its bytes differ', () => {
    expect(judge(ok([main('v8')]), failed('RuntimeError: wasm trap: unreachable', [main('wasmjit')]), () => [])).to.deep.equal(
      { kind: 'different', symptom: 'wasmjit failed (run): RuntimeError: wasm trap: unreachable' });
    expect(judge(ok([main('v8')]), ok([main('wasmjit')]), () => ['a.txt: byte 3 differs'])).to.deep.equal(
      { kind: 'different', symptom: 'outputs differ: a.txt: byte 3 differs' });
  });

  it('digestDiffs: missing outputs and differing digests', () => {
    const d = (sha256: string, bytes = 1) => ({ sha256, bytes });
    expect(digestDiffs({ a: d('x') }, { a: d('x') })).to.deep.equal([]);
    expect(digestDiffs({ a: d('x', 3), b: d('y') }, { a: d('z', 4), c: d('y') })).to.deep.equal([
      'a: differs (3 vs 4 bytes)', "b: only in V8's outputs", "c: only in wasmjit's outputs"]);
  });

  it('invalid, never identical, when a run was not on its engine or V8 failed', () => {
    expect(judge(ok([main('v8')]), ok([main('v8')]), () => []).kind).to.equal('invalid');
    expect(judge(ok([main('wasmjit')]), ok([main('wasmjit')]), () => []).kind).to.equal('invalid');
    expect(judge(ok([]), ok([main('wasmjit')]), () => []).kind).to.equal('invalid');
    expect(judge(failed('Error: boom', [main('v8')]), ok([main('wasmjit')]), () => []).kind).to.equal('invalid');
    // A child process that escaped the hook shows up as one more V8 process.
    const child = (engine: ProbeRecord['engine']): ProbeRecord => ({ pid: 2, script: '/x/bin/esbuild', engine });
    expect(engineProblems([main('v8'), child('v8')], [main('wasmjit')])[0]).to.contain('different processes');
    expect(engineProblems([main('v8'), child('v8')], [main('wasmjit'), child('v8')])[0]).to.contain('/x/bin/esbuild had WebAssembly = v8');
    // wasmjit's own background compile worker is not a process of the program's.
    const compiler: ProbeRecord = { pid: 1, script: '/x/node_modules/@wasmjit/runtime/dist/threads/background-compile-worker.js', engine: 'wasmjit' };
    expect(engineProblems([main('v8')], [main('wasmjit'), compiler])).to.deep.equal([]);
    // ... nor are the published bundle's workers (dist/workers/), but other scripts there are.
    const bundled: ProbeRecord = { pid: 1, script: '/x/node_modules/@wasmjit/runtime/dist/workers/compile-worker.js', engine: 'wasmjit' };
    expect(engineProblems([main('v8')], [main('wasmjit'), bundled])).to.deep.equal([]);
    const other: ProbeRecord = { pid: 1, script: '/x/node_modules/@wasmjit/runtime/dist/workersx/a.js', engine: 'wasmjit' };
    expect(engineProblems([main('v8')], [main('wasmjit'), other])[0]).to.contain('different processes');
  });
});

describe('packages: launch settings and the probe', function () {
  this.timeout(60_000);

  it('wasmjit runs get --no-expose-wasm and the hook in NODE_OPTIONS; V8 runs neither', () => {
    const w = launchSettings('wasmjit', '/tmp/log', { PATH: '/bin', NODE_OPTIONS: '--import=/elsewhere.js' });
    expect(w.args).to.deep.equal(['--no-expose-wasm']);
    expect(w.env.NODE_OPTIONS).to.match(/^--import=file:\S+register\.js --import=file:\S+probe\.js$/);
    expect(w.env.PACKAGE_PROBE_LOG).to.equal('/tmp/log');
    const v = launchSettings('v8', '/tmp/log', { PACKAGE_PROBE_REGISTER: 'x' });
    expect(v.args).to.deep.equal([]);
    expect(v.env.NODE_OPTIONS).to.match(/^--import=file:\S+probe\.js$/);
    expect(v.env.PACKAGE_PROBE_REGISTER).to.equal(undefined);
  });

  it('wasmjit-lazy runs are wasmjit runs with WASMJIT_COMPILATION=lazy; wasmjit runs are eager', () => {
    const e = launchSettings('wasmjit-lazy', '/tmp/log', { PATH: '/bin', WASMJIT_COMPILATION: 'eager' });
    expect(e.args).to.deep.equal(['--no-expose-wasm']);
    expect(e.env.WASMJIT_COMPILATION).to.equal('lazy');
    expect(e.env.NODE_OPTIONS).to.match(/register\.js/);
    expect(launchSettings('wasmjit', '/tmp/log', { WASMJIT_COMPILATION: 'lazy' }).env.WASMJIT_COMPILATION).to.equal('eager');
    expect(launchSettings('v8', '/tmp/log', { WASMJIT_COMPILATION: 'lazy' }).env.WASMJIT_COMPILATION).to.equal(undefined);
  });

  it('wasmjit-cached runs are wasmjit runs with WASMJIT_CACHE set to the directory given; others get no cache', () => {
    const c = launchSettings('wasmjit-cached', '/tmp/log', { PATH: '/bin', WASMJIT_COMPILATION: 'lazy' }, '/tmp/cache-dir');
    expect(c.args).to.deep.equal(['--no-expose-wasm']);
    expect(c.env.WASMJIT_CACHE).to.equal('/tmp/cache-dir');
    expect(c.env.WASMJIT_COMPILATION).to.equal(undefined);
    expect(c.env.NODE_OPTIONS).to.match(/register\.js/);
    expect(() => launchSettings('wasmjit-cached', '/tmp/log', {})).to.throw(/cache directory/);
    expect(launchSettings('wasmjit', '/tmp/log', { WASMJIT_CACHE: '1' }, '/tmp/cache-dir').env.WASMJIT_CACHE).to.equal(undefined);
    expect(launchSettings('v8', '/tmp/log', { WASMJIT_CACHE: '1' }).env.WASMJIT_CACHE).to.equal(undefined);
  });

  // The probe is what keeps the suite from passing on V8 twice: check that it tells the two
  // apart, in the process and in a child `node` the process starts (as esbuild-wasm does).
  for (const engine of ['v8', 'wasmjit'] as const) {
    it(`the probe records ${engine} in the process and in its child processes`, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wasmjit-probe-test-'));
      try {
        const log = path.join(dir, 'probe.jsonl');
        const { args, env } = launchSettings(engine, log);
        const app = `require('node:child_process').execFileSync(process.execPath, ['-e', '0']);
          console.log(typeof WebAssembly === 'object' ? String(WebAssembly.Module).slice(0, 15) : typeof WebAssembly)`;
        const r = spawnSync(process.execPath, [...args, '-e', app], { env, encoding: 'utf8', timeout: 30_000 });
        expect(r.status, r.stderr).to.equal(0);
        // wasmjit's Module is a class (bundled: `class {` with its name set in a static block).
        if (engine === 'v8') expect(r.stdout.trim()).to.equal('function Module');
        else expect(r.stdout.trim()).to.match(/^class[ {]/);
        const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ProbeRecord);
        expect(records.map((p) => p.engine)).to.deep.equal([engine, engine]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('packages: the startup clock (compile -> first export)', function () {
  this.timeout(60_000);
  // (import "m" "cb" (func)) (func (export "inner")) (func (export "outer") call 0)
  const wasm = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 8, 1, 1, 109, 2, 99, 98, 0, 0, 3, 3, 2, 0, 0,
    7, 17, 2, 5, 105, 110, 110, 101, 114, 0, 1, 5, 111, 117, 116, 101, 114, 0, 2, 10, 9, 2, 2, 0, 11, 4, 0, 16, 0, 11];
  for (const engine of ['v8', 'wasmjit'] as const) {
    it(`times the outermost first export on ${engine}; instanceof holds; later instances are left alone`, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wasmjit-clock-test-'));
      try {
        const log = path.join(dir, 'probe.jsonl');
        const { args, env } = launchSettings(engine, log);
        env.PACKAGE_PROBE_FIRST_EXPORT = '1';
        // The import calls back into "inner": that nested return must not stop the clock.
        const app = `(async () => {
          const bytes = new Uint8Array(${JSON.stringify(wasm)});
          let inner;
          const { module, instance } = await WebAssembly.instantiate(bytes, { m: { cb: () => inner() } });
          inner = instance.exports.inner;
          if (!(module instanceof WebAssembly.Module) || !(instance instanceof WebAssembly.Instance)) throw new Error('instanceof');
          const spin = Date.now() + 30; while (Date.now() < spin);
          instance.exports.outer();
          const again = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { cb() {} } });
          if (!(again instanceof WebAssembly.Instance)) throw new Error('instanceof 2');
          new WebAssembly.Table({ element: 'anyfunc', initial: 1 }).set(0, again.exports.inner);
          console.log('ok');
        })().catch((e) => { console.error(e); process.exit(1); })`;
        const r = spawnSync(process.execPath, [...args, '-e', app], { env, encoding: 'utf8', timeout: 30_000 });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout.trim()).to.equal('ok');
        const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ProbeRecord);
        const timed = records.filter((p) => p.timing !== undefined);
        expect(timed.length).to.equal(1);
        const t = timed[0]!.timing!;
        expect(t.firstExport).to.equal('outer');
        expect(t.instanceMs).to.be.a('number');
        expect(t.firstExportMs).to.be.at.least(30).and.at.least(t.instanceMs!);
        expect(timed[0]!.engine).to.equal(engine);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('packages: the wasm-bindgen codec', () => {
  it('brotli-wasm is a Rust wasm-bindgen build: its Node glue imports __wbindgen_* functions', () => {
    const require = createRequire(import.meta.resolve('@wasmjit/bench'));
    const glue = path.join(path.dirname(require.resolve('brotli-wasm')), 'pkg.node', 'brotli_wasm.js');
    const text = readFileSync(glue, 'utf8');
    expect(text).to.match(/__wbindgen_placeholder__/);
    expect(text.match(/__wbindgen_\w+/g)!.length).to.be.above(5);
  });
});

describe('packages: benchmark rows', () => {
  const meta = { name: 'pkg', origin: 'pkg@1.2.3', what: 'does things' };
  const out = { 'a.txt': { bytes: 3, sha256: 'aa' } };
  const proc = (engine: ProbeRecord['engine']): ProbeRecord[] => [{ pid: 1, script: '/x/main.js', engine }];
  const ok = (engine: 'v8' | 'wasmjit', loadMs: number, runMs: number[], outputs = out): ScenarioOutcome =>
    ({ ok: true, result: { startupMs: 100, loadMs, firstRunMs: runMs[0]!, runMs, outputs }, processes: proc(engine) });

  it('ratios of load medians and run medians, over all processes', () => {
    const row = packageRow(meta, [ok('v8', 10, [5, 6]), ok('v8', 30, [7])], [ok('wasmjit', 40, [12, 14]), ok('wasmjit', 60, [13])]);
    expect(row.status).to.equal('ok');
    expect(row.loadMs).to.deep.equal({ wasmjit: 50, v8: 20 });
    expect(row.ratios.load).to.equal(2.5);
    // load + first run per process: V8 15 and 37, wasmjit 52 and 73.
    expect(row.firstResultMs).to.deep.equal({ wasmjit: 62.5, v8: 26 });
    expect(row.ratios.firstResult).to.equal(62.5 / 26);
    expect(row.run.wasmjit!.median).to.equal(13);
    expect(row.ratios.run).to.equal(13 / 6);
    const table = packagesTable([row]);
    expect(table).to.contain('| pkg ').and.contain('1.2.3').and.contain('2.50').and.contain('2.17');
    expect(row.ratios.lazyFirstResult).to.equal(null);
  });

  it('the lazy column: its load + first run against V8\'s', () => {
    const row = packageRow(meta, [ok('v8', 10, [5])], [ok('wasmjit', 20, [5])], [ok('wasmjit', 70, [5]), ok('wasmjit', 90, [5])]);
    expect(row.lazyFirstResultMs).to.equal(85); // (70 + 5, 90 + 5)
    expect(row.ratios.lazyFirstResult).to.equal(85 / 15);
    expect(packagesTable([row])).to.contain('5.67');
    const differing = packageRow(meta, [ok('v8', 10, [5])], [ok('wasmjit', 20, [5])], [ok('wasmjit', 70, [5], { 'a.txt': { bytes: 3, sha256: 'bb' } })]);
    expect(differing.ratios.lazyFirstResult).to.equal(null);
  });

  it('the warm-cache column: its load + first run against V8\'s, none when a process failed', () => {
    const row = packageRow(meta, [ok('v8', 10, [5])], [ok('wasmjit', 20, [5])], [], [ok('wasmjit', 1, [2]), ok('wasmjit', 3, [2])]);
    expect(row.cachedFirstResultMs).to.equal(4); // (1 + 2, 3 + 2)
    expect(row.ratios.cachedFirstResult).to.equal(4 / 15);
    expect(row.ratios.lazyFirstResult).to.equal(null);
    expect(packagesTable([row])).to.contain('0.27');
    const failed: ScenarioOutcome = { ok: false, error: { message: 'x', phase: 'load' }, processes: proc('wasmjit') };
    expect(packageRow(meta, [ok('v8', 10, [5])], [ok('wasmjit', 20, [5])], [], [ok('wasmjit', 1, [2]), failed]).ratios.cachedFirstResult).to.equal(null);
  });

  it('the warm-start column: the startup clocks\' medians, cached against V8; none when a process has no clock', () => {
    const timing = (firstExportMs: number) => ({ instanceMs: firstExportMs / 2, firstExportMs, firstExport: 'f' });
    const clocked = (engine: 'v8' | 'wasmjit', ms: number): ScenarioOutcome => ({ ...ok(engine, 1, [1]), timings: [timing(ms)] });
    const row = packageRow(meta, [ok('v8', 10, [5])], [ok('wasmjit', 20, [5])], [], [],
      { v8: [clocked('v8', 100), clocked('v8', 140)], cached: [clocked('wasmjit', 10), clocked('wasmjit', 30), clocked('wasmjit', 14)] });
    expect(row.firstExportMs).to.deep.equal({ cached: 14, v8: 120 });
    expect(row.instanceMs).to.deep.equal({ cached: 7, v8: 60 });
    expect(row.ratios.cachedFirstExport).to.equal(14 / 120);
    expect(packagesTable([row])).to.contain('0.12').and.contain('(120');
    const missing = packageRow(meta, [ok('v8', 10, [5])], [ok('wasmjit', 20, [5])], [], [], { v8: [clocked('v8', 100)], cached: [ok('wasmjit', 1, [1])] });
    expect(missing.ratios.cachedFirstExport).to.equal(null);
  });

  it('a differing output, a failure or a run on the wrong engine gives no ratios', () => {
    const other = { 'a.txt': { bytes: 3, sha256: 'bb' } };
    const mismatch = packageRow(meta, [ok('v8', 1, [1])], [ok('wasmjit', 1, [1], other)]);
    expect(mismatch.status).to.equal('mismatch');
    expect(mismatch.note).to.contain('a.txt: differs');
    expect(mismatch.ratios).to.deep.equal({ load: null, firstResult: null, run: null });
    const trap: ScenarioOutcome = { ok: false, error: { message: 'RuntimeError: wasm trap: unreachable', phase: 'run' }, processes: proc('wasmjit') };
    expect(packageRow(meta, [ok('v8', 1, [1])], [trap]).note).to.equal('wasmjit failed (run): RuntimeError: wasm trap: unreachable');
    const onV8 = packageRow(meta, [ok('v8', 1, [1])], [{ ...ok('wasmjit', 1, [1]), processes: proc('v8') }]);
    expect(onV8.status).to.equal('failed');
    expect(onV8.note).to.contain('had WebAssembly = v8');
    expect(packagesTable([mismatch])).to.contain('mismatch: outputs differ');
    const g = packageGeomeans([mismatch, packageRow(meta, [ok('v8', 2, [4])], [ok('wasmjit', 8, [4])])]);
    expect(g).to.deep.equal({ load: 4, firstResult: 2, run: 1, count: 1, total: 2 });
    expect(packageGeomeanLines(g)).to.deep.equal([
      'geomean package load wasmjit/V8: 4.00 (over 1 of 2 packages)',
      'geomean package load+first run wasmjit/V8: 2.00 (over 1 of 2 packages)',
      'geomean package run wasmjit/V8: 1.00 (over 1 of 2 packages)']);
  });
});
