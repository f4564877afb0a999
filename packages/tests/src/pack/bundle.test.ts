// The bundle the published @wasmjit/runtime's entry points load (scripts/bundle.mjs,
// package.json publishConfig): built from what dist/ holds now, with the same exports as the
// unbundled modules, and working where bundling could break it — files found through
// import.meta.url (worker scripts, the add-on, package.json), one copy of every class between
// the register hook and the library, the code cache across processes.
// (pack/install.test.ts runs the same bundle from installed tarballs.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { wat } from '../util/wat.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const runtimeDir = path.join(repoRoot, 'packages', 'runtime');
const manifest = JSON.parse(readFileSync(path.join(runtimeDir, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, { default: string } | string>;
  publishConfig: { exports: Record<string, { default: string } | string>; bin: Record<string, string> };
};
/** The published entry file of a subpath, and the workspace's unbundled one. */
const entryOf = (subpath: string) => {
  const pub = manifest.publishConfig.exports[subpath] as { default: string };
  const src = manifest.exports[subpath] as { default: string };
  return { bundled: path.join(runtimeDir, pub.default), unbundled: path.join(runtimeDir, src.default) };
};
const url = (f: string) => pathToFileURL(f).href;

let scripts = 0;
/** Runs `script` as an ES module file in `cwd` (after the node options `args`); its last line is JSON. */
function node(args: string[], script: string, cwd: string) {
  const file = path.join(cwd, `script-${++scripts}.mjs`);
  writeFileSync(file, script);
  args = [...args, file];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  expect(r.status, `${args.join(' ')}:\n${r.stderr}`).to.equal(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('the bundled runtime (scripts/bundle.mjs)', function () {
  this.timeout(120_000);
  let work: string;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'wasmjit-bundle-'));
    writeFileSync(path.join(work, 'big.wasm'), await wat(`(module
      ${Array.from({ length: 300 }, (_, i) => `(func $f${i} (param i32) (result i32)
        ${'(local.set 0 (i32.add (local.get 0) (i32.const 1)))'.repeat(100)} local.get 0)`).join('\n')}
      (export "last" (func $f299)))`));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('was built from the dist/ files there are now (else: pnpm build)', async () => {
    const record = JSON.parse(readFileSync(path.join(runtimeDir, 'dist', 'wasmjit-bundle.json'), 'utf8')) as { inputs: string[]; sha256: string };
    expect(record.inputs.length).to.be.greaterThan(150);
    for (const f of record.inputs) expect(existsSync(path.join(repoRoot, f)), f).to.equal(true);
    const { inputsHash } = (await import(url(path.join(repoRoot, 'scripts', 'bundle-inputs.mjs')))) as { inputsHash: (root: string, files: string[]) => string };
    expect(inputsHash(repoRoot, record.inputs), 'the bundle is older than dist/: run pnpm build').to.equal(record.sha256);
  });

  it('publishes an entry for every exported subpath, with the unbundled module\'s names', () => {
    const subpaths = Object.keys(manifest.exports).filter((s) => s !== './package.json');
    expect(Object.keys(manifest.publishConfig.exports).sort()).to.deep.equal(Object.keys(manifest.exports).sort());
    // register installs on import in both forms; that is fine in a child of its own.
    const script = `const subpaths = ${JSON.stringify(subpaths)};
      const out = {};
      for (const s of subpaths) {
        const [b, u] = ${JSON.stringify(subpaths.map((s) => [url(entryOf(s).bundled), url(entryOf(s).unbundled)]))}[subpaths.indexOf(s)];
        out[s] = [Object.keys(await import(b)).sort(), Object.keys(await import(u)).sort()];
      }
      console.log(JSON.stringify(out));`;
    const out = node([], script, work) as Record<string, [string[], string[]]>;
    for (const s of subpaths) {
      expect(out[s]![0].length, s).to.be.greaterThan(0);
      expect(out[s]![0], s).to.deep.equal(out[s]![1]);
    }
  });

  it('gives the register hook and the library one copy of the runtime', () => {
    const script = `const { WebAssembly: ns } = await import(${JSON.stringify(url(entryOf('./webassembly').bundled))});
      const lib = await import(${JSON.stringify(url(entryOf('.').bundled))});
      const m = await WebAssembly.compile(new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,42,11]));
      const i = await WebAssembly.instantiate(m);
      console.log(JSON.stringify({ same: globalThis.WebAssembly === ns, f: i.exports.f(), engine: typeof lib.Engine }));`;
    const out = node(['--import', url(entryOf('./register').bundled)], script, work);
    expect(out).to.deep.include({ same: true, f: 42, engine: 'function' });
  });

  it('starts its worker threads from bundled worker scripts', () => {
    const bundles = ['wasmjit-bundle.js', 'wasmjit-cli.js'].map((f) => readFileSync(path.join(runtimeDir, 'dist', f), 'utf8'));
    for (const text of bundles) {
      const urls = [...text.matchAll(/new URL\("([^"]*-worker\.js)"/g)].map((m) => m[1]!);
      expect(urls.sort()).to.deep.equal(['workers/background-compile-worker.js', 'workers/compile-worker.js', 'workers/lazy-background-worker.js', 'workers/validate-worker.js']);
      for (const u of urls) expect(existsSync(path.join(runtimeDir, 'dist', u)), u).to.equal(true);
    }
    const script = `import { readFileSync, readdirSync } from 'node:fs';
      const { Engine } = await import(${JSON.stringify(url(entryOf('.').bundled))});
      const threads = () => readdirSync('/proc/self/task').length;
      const bytes = readFileSync('big.wasm');
      const t0 = threads();
      const eager = new Engine({ parallelCompile: 3, compilation: 'eager' });
      const a = eager.instantiate(eager.compile(bytes), {}).exports.last(1);
      const t1 = threads();
      const lazy = new Engine({ compilation: 'lazy', backgroundCompile: true, parallelCompile: false });
      const b = lazy.instantiate(lazy.compile(bytes), {}).exports.last(2);
      await new Promise((r) => setTimeout(r, 1000));
      const t2 = threads();
      const validating = new Engine({ compilation: 'lazy', parallelCompile: 2, backgroundCompile: false });
      const d = validating.instantiate(validating.compile(bytes), {}).exports.last(4);
      await new Promise((r) => setTimeout(r, 500)); // a worker that failed to load is gone by now
      const t3 = threads();
      const later = new Engine({ compilation: 'eager', parallelCompile: false });
      const c = later.instantiate(await later.compileAsync(bytes), {}).exports.last(3);
      console.log(JSON.stringify({ a, b, c, d, compileWorkers: t1 - t0, backgroundWorker: t2 - t1, validateWorkers: t3 - t2 }));`;
    const out = node([], script, work);
    expect(out).to.deep.include({ a: 101, b: 102, c: 103, d: 104 });
    expect(out.validateWorkers, 'validation workers alive').to.be.at.least(1);
    expect(out.compileWorkers, 'compile workers alive').to.be.at.least(2);
    expect(out.backgroundWorker, 'background compile worker alive').to.be.at.least(1);
  });

  it('publishes the wasmjit command as its own bundle, which runs a module', () => {
    const bin = path.join(runtimeDir, manifest.publishConfig.bin.wasmjit!);
    expect(bin).to.match(/wasmjit-cli\.js$/);
    const run = (...args: string[]) => spawnSync(bin, args, { cwd: work, encoding: 'utf8', timeout: 60_000 });
    expect(run('--version').stdout).to.equal(`wasmjit ${manifest.version}\n`);
    const last = run('run', '--invoke', 'last', 'big.wasm', '41');
    expect(last.status, last.stderr).to.equal(0);
    expect(last.stdout).to.equal('141\n');
  });

  it('stores a module in the code cache in one process and loads it in the next', () => {
    const dir = path.join(work, 'cache');
    const script = `import { readFileSync } from 'node:fs';
      const { Engine } = await import(${JSON.stringify(url(entryOf('.').bundled))});
      const engine = new Engine({ cache: ${JSON.stringify(dir)}, compilation: 'eager' });
      const r = engine.instantiate(engine.compile(readFileSync('big.wasm')), {}).exports.last(3);
      console.log(JSON.stringify({ r, hits: engine.cacheStats.hits, writes: engine.cacheStats.writes }));`;
    expect(node([], script, work)).to.deep.include({ r: 103, hits: 0, writes: 1 });
    expect(node([], script, work)).to.deep.include({ r: 103, hits: 1, writes: 0 });
  });

  it('embeds the compiler version of the code generator it bundled: no hashing at start, the same entries as unbundled', () => {
    const dir = path.join(work, 'cache-version');
    const run = (entry: string) => node([], `import { readFileSync } from 'node:fs';
      const { Engine } = await import(${JSON.stringify(url(entry))});
      const engine = new Engine({ cache: ${JSON.stringify(dir)}, compilation: 'eager' });
      const r = engine.instantiate(engine.compile(readFileSync('big.wasm')), {}).exports.last(3);
      console.log(JSON.stringify({ r, hits: engine.cacheStats.hits, writes: engine.cacheStats.writes }));`, work);
    // The bundle never reads, hashes or memoizes the code generator's files.
    expect(run(entryOf('.').bundled)).to.deep.include({ r: 103, hits: 0, writes: 1 });
    expect(existsSync(path.join(dir, 'compiler-version.json'))).to.equal(false);
    // The unbundled runtime hashes the same files to the same version: it finds the entry.
    expect(run(entryOf('.').unbundled)).to.deep.include({ r: 103, hits: 1, writes: 0 });
    expect(existsSync(path.join(dir, 'compiler-version.json'))).to.equal(true);
  });
});
