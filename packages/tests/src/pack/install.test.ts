// What a user gets: the tarballs of `pnpm pack:all` (scripts/pack.mjs), installed by plain
// `npm install --ignore-scripts --offline` into a fresh project in the OS temp directory — no
// workspace, none of the repository's node_modules on any path — then used the three ways
// the README shows: importing @wasmjit/runtime, `npx wasmjit`, `node --import .../register`.
// --ignore-scripts is what current npm and pnpm do to dependencies by default; --offline
// proves the packages need nothing but each other.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { wat } from '../util/wat.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const PACK_SCRIPT = path.join(repoRoot, 'scripts', 'pack.mjs');
const STDIN_UPPER = path.join(repoRoot, 'packages', 'tests', 'fixtures', 'wasi', 'stdin_upper.wasm');
/** npm and npx beside the running node, so the client matches the Node under test. */
const npmBin = (name: string) => {
  const beside = path.join(path.dirname(process.execPath), name);
  return existsSync(beside) ? beside : name;
};

interface Packed {
  name: string;
  version: string;
  file: string;
  packedBytes: number;
  unpackedBytes: number;
  files: string[];
}

const MODULE = `(module
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib
         local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func $down (export "recurse") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $down))`;

/**
 * 300 functions of about 700 bytes of code each: over 128 KiB, enough for the compiler to
 * split it between threads when asked to (codegen MIN_CHUNK_BYTES is 64 KiB).
 */
const BIG_MODULE = `(module
  ${Array.from({ length: 300 }, (_, i) => `(func $f${i} (param i32) (result i32)
    ${'(local.set 0 (i32.add (local.get 0) (i32.const 1)))'.repeat(100)} local.get 0)`).join('\n  ')}
  (export "last" (func $f299)))`;

/**
 * Compiles on worker threads, which load codegen's compile-worker.js by URL from the
 * installed package. A worker that cannot start makes the compiler fall back to one thread
 * silently, so the proof is the thread count: the pool's workers stay alive after compiling.
 */
const PARALLEL = `import { readFileSync, readdirSync } from 'node:fs';
import { Engine } from '@wasmjit/runtime';
const threads = () => readdirSync('/proc/self/task').length;
const before = threads();
const engine = new Engine({ parallelCompile: 3, compilation: 'eager' });
const { exports } = engine.instantiate(engine.compile(readFileSync('big.wasm')), {});
console.log(JSON.stringify({ result: exports.last(1), newThreads: threads() - before }));
`;

/**
 * A lazily compiled module from the installed (bundled) runtime: the background compile
 * worker is started by URL from the bundle, which must find threads/lazy-background-worker.js
 * beside the file it came from. Its thread staying alive and a function it compiled being
 * installed before any call are the proof.
 */
const LAZY = `import { readFileSync, readdirSync } from 'node:fs';
import { Engine } from '@wasmjit/runtime';
const threads = () => readdirSync('/proc/self/task').length;
const before = threads();
const engine = new Engine({ compilation: 'lazy', backgroundCompile: true });
const { exports } = engine.instantiate(engine.compile(readFileSync('big.wasm')), {});
await new Promise((r) => setTimeout(r, 1500));
console.log(JSON.stringify({ result: exports.last(1), newThreads: threads() - before }));
`;

/** A program using the Engine API: results, a caught stack overflow, the same instance after. */
const APP = `import { readFileSync } from 'node:fs';
import { Engine, RuntimeError } from '@wasmjit/runtime';
const engine = new Engine();
const { exports } = engine.instantiate(engine.compile(readFileSync('mod.wasm')), {});
let trap = null;
try { exports.recurse(0); } catch (e) { trap = e instanceof RuntimeError ? e.trap : String(e); }
console.log(JSON.stringify({ fib: exports.fib(20), trap, after: exports.add(2, 40) }));
`;

/** A script written for WebAssembly, run under the register hook. */
const SCRIPT = `import { readFileSync } from 'node:fs';
const { WebAssembly: ours } = await import('@wasmjit/runtime/webassembly');
const { instance } = await WebAssembly.instantiate(readFileSync('mod.wasm'));
let trap = null;
try { instance.exports.recurse(0); } catch (e) { trap = e instanceof WebAssembly.RuntimeError ? e.trap : String(e); }
console.log(JSON.stringify({ replaced: globalThis.WebAssembly === ours, fib: instance.exports.fib(15), trap }));
`;

/** Where the project's imports resolve, and which add-on binary the process mapped. */
const WHERE = `import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
await import('@wasmjit/runtime');
const fromRuntime = createRequire(import.meta.resolve('@wasmjit/runtime'));
const resolved = ['@wasmjit/runtime', '@wasmjit/runtime/webassembly', '@wasmjit/runtime/register']
  .map((s) => import.meta.resolve(s).replace('file://', ''))
  .concat(['@wasmjit/codegen', '@wasmjit/native', '@wasmjit/text'].map((s) => fromRuntime.resolve(s)));
const mapped = [...new Set(readFileSync('/proc/self/maps', 'utf8').split('\\n')
  .map((l) => l.split(/\\s+/)[5]).filter((f) => f && f.endsWith('.node')))];
console.log(JSON.stringify({ resolved, mapped }));
`;

/** The environment without the repository's: no npm_/pnpm settings, NODE_*, or its bin dirs. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|node_options$|node_path$)/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.startsWith(repoRoot)).join(path.delimiter);
  env.npm_config_update_notifier = 'false';
  return env;
}

describe('packed packages installed by npm in a fresh project', function () {
  this.timeout(180_000);
  let work: string;
  let project: string;
  let packs: Packed[];
  let install: SpawnSyncReturns<string>;
  const env = cleanEnv();

  const inProject = (cmd: string, args: string[], input = '') => {
    const r = spawnSync(cmd, args, { cwd: project, env, input, encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw r.error;
    return r;
  };

  before(async function () {
    work = mkdtempSync(path.join(tmpdir(), 'wasmjit-install-'));
    expect(path.relative(repoRoot, work).startsWith('..'), `${work} must be outside ${repoRoot}`).to.equal(true);
    const pack = spawnSync(process.execPath, [PACK_SCRIPT, '--out', path.join(work, 'packs'), '--json'], {
      cwd: repoRoot, encoding: 'utf8', timeout: 150_000,
    });
    expect(pack.status, `pack.mjs failed:\n${pack.stderr}`).to.equal(0);
    packs = JSON.parse(pack.stdout) as Packed[];

    project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', version: '1.0.0', private: true, type: 'module' }));
    install = inProject(npmBin('npm'), [
      'install', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--cache', path.join(work, 'npm-cache'),
      ...packs.map((p) => p.file),
    ]);
    writeFileSync(path.join(project, 'mod.wasm'), await wat(MODULE));
    writeFileSync(path.join(project, 'app.mjs'), APP);
    writeFileSync(path.join(project, 'script.mjs'), SCRIPT);
    writeFileSync(path.join(project, 'where.mjs'), WHERE);
    writeFileSync(path.join(project, 'big.wasm'), await wat(BIG_MODULE));
    writeFileSync(path.join(project, 'parallel.mjs'), PARALLEL);
    writeFileSync(path.join(project, 'lazy.mjs'), LAZY);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs with npm --ignore-scripts --offline from the tarballs alone', () => {
    expect(install.status, `npm install failed:\n${install.stdout}${install.stderr}`).to.equal(0);
    expect(readdirSync(path.join(project, 'node_modules', '@wasmjit')).sort()).to.deep.equal(['codegen', 'native', 'runtime', 'text']);
  });

  it('packs the four publishable packages with real dependency versions', () => {
    expect(packs.map((p) => p.name)).to.deep.equal(['@wasmjit/native', '@wasmjit/codegen', '@wasmjit/text', '@wasmjit/runtime']);
    const runtime = packs.find((p) => p.name === '@wasmjit/runtime')!;
    const manifest = JSON.parse(readFileSync(path.join(project, 'node_modules/@wasmjit/runtime/package.json'), 'utf8'));
    expect(manifest.dependencies).to.deep.equal({ '@wasmjit/codegen': packs[1]!.version, '@wasmjit/native': packs[0]!.version, '@wasmjit/text': packs[2]!.version });
    expect(manifest.version).to.equal(runtime.version);
    expect(manifest.private).to.equal(undefined);
    expect(Object.keys(manifest.exports)).to.include.members(['.', './webassembly', './register']);
  });

  it('ships only what runs: no sources, tests, source maps or native build tree', () => {
    for (const p of packs) {
      expect(p.files, p.name).to.include.members(['package.json', 'README.md', 'LICENSE']);
      expect(p.files.filter((f) => /\.map$|\.test\.|(^|\/)(src|test|fixtures|build)\/|\.c$|binding\.gyp/.test(f)), p.name).to.deep.equal([]);
    }
    const native = packs.find((p) => p.name === '@wasmjit/native')!;
    expect(native.files).to.include('prebuilds/linux-x64-glibc/wasmjit_native.node');
    expect(existsSync(path.join(project, 'node_modules/@wasmjit/native/build'))).to.equal(false);
  });

  it('resolves everything inside the project and loads the prebuilt add-on', () => {
    const r = inProject(process.execPath, ['where.mjs']);
    expect(r.status, r.stderr).to.equal(0);
    const { resolved, mapped } = JSON.parse(r.stdout) as { resolved: string[]; mapped: string[] };
    const modules = path.join(project, 'node_modules') + path.sep;
    for (const f of resolved) expect(f.startsWith(modules), f).to.equal(true);
    // The entry points are the bundle's (scripts/bundle.mjs, package.json publishConfig).
    expect(resolved.slice(0, 3).map((f) => path.relative(path.join(modules, '@wasmjit/runtime'), f)))
      .to.deep.equal(['dist/entry/index.js', 'dist/entry/webassembly.js', 'dist/entry/register.js']);
    expect(mapped).to.deep.equal([path.join(modules, '@wasmjit/native/prebuilds/linux-x64-glibc/wasmjit_native.node')]);
  });

  it('imports @wasmjit/runtime and runs a program, a stack overflow caught', () => {
    const r = inProject(process.execPath, ['app.mjs']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ fib: 6765, trap: 'stack_overflow', after: 42 });
  });

  it('compiles on worker threads from the installed packages', () => {
    const r = inProject(process.execPath, ['parallel.mjs']);
    expect(r.status, r.stderr).to.equal(0);
    const { result, newThreads } = JSON.parse(r.stdout) as { result: number; newThreads: number };
    expect(result).to.equal(101);
    expect(newThreads, 'compile workers running').to.be.at.least(2);
  });

  it('compiles lazily with the background worker from the installed bundle', () => {
    const r = inProject(process.execPath, ['lazy.mjs']);
    expect(r.status, r.stderr).to.equal(0);
    const { result, newThreads } = JSON.parse(r.stdout) as { result: number; newThreads: number };
    expect(result).to.equal(101);
    expect(newThreads, 'background compile worker running').to.be.at.least(1);
  });

  it('runs npx wasmjit: --invoke, a trap, a WASI program', () => {
    const npx = (...args: string[]) => inProject(npmBin('npx'), ['--no', '--', 'wasmjit', ...args]);
    const version = npx('--version');
    expect(version.stdout).to.equal(`wasmjit ${packs[3]!.version}\n`);
    const add = npx('run', '--invoke', 'add', 'mod.wasm', '2', '40');
    expect(add.status, add.stderr).to.equal(0);
    expect(add.stdout).to.equal('42\n');
    // The same bin without npx's start-up (about a second a call): the link npm made.
    const bin = (...args: string[]) => inProject(path.join(project, 'node_modules', '.bin', 'wasmjit'), args, 'hello wasi\n');
    expect(bin('run', '--invoke', 'fib', 'mod.wasm', '25').stdout).to.equal('75025\n');
    const trap = bin('run', '--invoke', 'recurse', 'mod.wasm', '0');
    expect(trap.status).to.equal(134);
    expect(trap.stderr).to.include('stack_overflow');
    copyFileSync(STDIN_UPPER, path.join(project, 'upper.wasm'));
    const wasi = bin('run', 'upper.wasm');
    expect(wasi.stdout).to.equal('HELLO WASI\n');
    expect(wasi.status).to.equal(7);
  });

  it('runs a WebAssembly script under node --import @wasmjit/runtime/register', () => {
    const r = inProject(process.execPath, ['--import', '@wasmjit/runtime/register', 'script.mjs']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ replaced: true, fib: 610, trap: 'stack_overflow' });
  });
});
