// The register hook end to end: `node --import @wasmjit/runtime/register app` runs the app
// with globalThis.WebAssembly = wasmjit's namespace, configured from WASMJIT_* variables or
// by register(options).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wat } from '../util/wat.js';

const REGISTER = import.meta.resolve('@wasmjit/runtime/register');
const NAMESPACE = import.meta.resolve('@wasmjit/runtime/webassembly');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs ES module source `app` under `node --import <register>` with extra environment. */
function runApp(app: string, env: Record<string, string> = {}, hook = true): Run {
  const args = [...(hook ? ['--import', REGISTER] : []), '--input-type=module', '-e', app];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The app's last stdout line, parsed as JSON (what it reports). */
function report(r: Run): Record<string, unknown> {
  expect(r.status, `app failed: ${r.stderr}`).to.equal(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('register hook (node --import @wasmjit/runtime/register)', function () {
  this.timeout(120_000);
  // f(n) recurses n deep (~48 bytes of machine stack per frame in wasmjit).
  let recursion = '';
  before(async () => {
    const bytes = await wat(`(module (func $f (export "f") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (call $f (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))`);
    recursion = Buffer.from(bytes).toString('base64');
  });

  /** App source: instantiate the recursion module and report whether f(depth) ran or trapped. */
  const deepCall = (depth: number, prelude = '') => `${prelude}
    const bytes = Buffer.from('${recursion}', 'base64');
    const { instance } = await WebAssembly.instantiate(bytes);
    let outcome;
    try { outcome = instance.exports.f(${depth}); } catch (e) {
      outcome = (e instanceof WebAssembly.RuntimeError ? 'RuntimeError ' : 'other ') + e.trap;
    }
    console.log(JSON.stringify({ outcome }));`;

  it("installs wasmjit's namespace as globalThis.WebAssembly before the app runs, with the built-in's attributes", () => {
    const r = report(runApp(`
      const { WebAssembly: ours } = await import(${JSON.stringify(NAMESPACE)});
      const d = Object.getOwnPropertyDescriptor(globalThis, 'WebAssembly');
      const bytes = Buffer.from('${recursion}', 'base64');
      const { module, instance } = await WebAssembly.instantiate(bytes);
      console.log(JSON.stringify({
        same: globalThis.WebAssembly === ours,
        writable: d.writable, enumerable: d.enumerable, configurable: d.configurable,
        tag: Object.prototype.toString.call(WebAssembly),
        moduleIsOurs: module instanceof ours.Module,
        result: instance.exports.f(10),
      }));`));
    expect(r).to.deep.equal({
      same: true, writable: true, enumerable: false, configurable: true, tag: '[object WebAssembly]', moduleIsOurs: true, result: 10,
    });
  });

  it('leaves the built-in WebAssembly alone without the hook (the check above can tell them apart)', () => {
    const r = report(runApp(`
      const { WebAssembly: ours } = await import(${JSON.stringify(NAMESPACE)});
      console.log(JSON.stringify({ same: globalThis.WebAssembly === ours }));`, {}, false));
    expect(r).to.deep.equal({ same: false });
  });

  it('takes engine options from WASMJIT_* variables: WASMJIT_MAX_WASM_STACK bounds the wasm stack', () => {
    // 5000 frames fit in the default 512 KiB but not in 64 KiB.
    expect(report(runApp(deepCall(5000)))).to.deep.equal({ outcome: 5000 });
    expect(report(runApp(deepCall(5000), { WASMJIT_MAX_WASM_STACK: '64k' }))).to.deep.equal({ outcome: 'RuntimeError stack_overflow' });
  });

  it('takes engine options from register(options), over the environment', () => {
    const prelude = `const { register } = await import(${JSON.stringify(REGISTER)});
      register({ maxWasmStack: 65536 });`;
    expect(report(runApp(deepCall(5000, prelude)))).to.deep.equal({ outcome: 'RuntimeError stack_overflow' });
    const larger = `const { register } = await import(${JSON.stringify(REGISTER)});
      register({ maxWasmStack: 512 * 1024 });`;
    expect(report(runApp(deepCall(5000, larger), { WASMJIT_MAX_WASM_STACK: '64k' }))).to.deep.equal({ outcome: 5000 });
  });

  it('stops with an error naming the variable when a WASMJIT_* value is invalid', () => {
    for (const [name, value] of [['WASMJIT_BOUNDS_CHECKS', 'sometimes'], ['WASMJIT_MAX_WASM_STACK', '-3'], ['WASMJIT_PARALLEL_COMPILE', 'many'], ['WASMJIT_FEATURES', 'simd'],
      ['WASMJIT_CACHE', 'relative/dir'], ['WASMJIT_CACHE', 'yes'], ['WASMJIT_CACHE_MAX_BYTES', '10t']] as const) {
      const r = runApp('console.log("app ran")', { [name]: value });
      expect(r.status, `${name}=${value}`).to.not.equal(0);
      expect(r.stdout).to.not.contain('app ran');
      expect(r.stderr).to.contain(`environment variable ${name}=${JSON.stringify(value)} is invalid`);
    }
  });

  // Small modules compile on this thread, large ones (64 KiB and more) asynchronously on a
  // worker: both paths must go through the cache.
  for (const size of ['small', 'large'] as const) it(`WASMJIT_CACHE=<dir> keeps compiled modules there: a second process loads them from it (${size} module)`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wasmjit-register-cache-'));
    try {
      const wasm = size === 'small' ? recursion : Buffer.from(await wat(`(module
        (func (export "f") (param i32) (result i32) (local.get 0) ${'(i32.const 0) (i32.add) '.repeat(24_000)}))`)).toString('base64');
      expect(Buffer.from(wasm, 'base64').length).to.be[size === 'small' ? 'below' : 'above'](64 * 1024);
      // The namespace's engine is the one the hook made from the environment.
      const app = `import { namespaceEngine } from ${JSON.stringify(NAMESPACE)};
        const bytes = Buffer.from(${JSON.stringify(wasm)}, 'base64');
        const { instance } = await WebAssembly.instantiate(bytes);
        const e = namespaceEngine();
        console.log(JSON.stringify({ outcome: instance.exports.f(300), dir: e.cacheDirectory, stats: e.cacheStats }));`;
      const first = report(runApp(app, { WASMJIT_CACHE: dir, WASMJIT_CACHE_MAX_BYTES: '1g' }));
      expect(first).to.deep.include({ outcome: 300, dir });
      expect(first.stats).to.deep.include({ hits: 0, misses: 1, writes: 1 });
      expect(readdirSync(dir).filter((f) => f.endsWith('.wjcode'))).to.have.length(1);
      const second = report(runApp(app, { WASMJIT_CACHE: dir }));
      expect(second.stats).to.deep.include({ hits: 1, misses: 0, writes: 0 });
      expect(second.outcome).to.equal(300);
      // Off: no cache at all.
      expect(report(runApp(app, { WASMJIT_CACHE: '0' }))).to.deep.include({ outcome: 300, dir: null, stats: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('node:wasi under the hook', () => {
    // A WASI command that writes "hi from wasi\n" and exits with 7 (proc_exit).
    let command = '';
    before(async () => {
      const bytes = await wat(`(module
        (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (data (i32.const 16) "hi from wasi\\n")
        (func (export "_start")
          (i32.store (i32.const 0) (i32.const 16))
          (i32.store (i32.const 4) (i32.const 13))
          (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
          (call $exit (i32.const 7))))`);
      command = Buffer.from(bytes).toString('base64');
    });
    const runCommand = (how: 'import' | 'require') => `
      ${how === 'import' ? "import { WASI } from 'node:wasi';" : "import { createRequire } from 'node:module'; const { WASI } = createRequire(import.meta.url)('wasi');"}
      const wasi = new WASI({ version: 'preview1', returnOnExit: true });
      const { instance } = await WebAssembly.instantiate(Buffer.from('${'${command}'}', 'base64'), wasi.getImportObject());
      const code = wasi.start(instance);
      console.log(JSON.stringify({ code, ours: instance instanceof WebAssembly.Instance, memory: instance.exports.memory instanceof WebAssembly.Memory }));`;

    for (const how of ['import', 'require'] as const) {
      it(`runs a WASI command through node:wasi (${how}) on wasmjit's instance, as Node does on V8`, () => {
        const app = runCommand(how).replace('${command}', command);
        const ours = runApp(app);
        const v8 = runApp(app, {}, false);
        expect(ours.stdout).to.equal(v8.stdout);
        expect(report(ours)).to.deep.equal({ code: 7, ours: true, memory: true });
        expect(ours.stdout.startsWith('hi from wasi\n')).to.equal(true);
        // Node's experimental warning, once, as on V8.
        const warnings = (r: Run) => r.stderr.split('\n').filter((l) => l.includes('ExperimentalWarning'));
        expect(warnings(ours)).to.have.length(1);
        expect(warnings(ours)[0]).to.contain('WASI is an experimental feature');
        expect(warnings(v8)).to.have.length(1);
      });
    }

    it('prints no warning for a program that does not use WASI', () => {
      const r = runApp('console.log(JSON.stringify({ ok: 1 }));');
      expect(report(r)).to.deep.equal({ ok: 1 });
      expect(r.stderr).to.equal('');
    });

    it("checks WASI's options as Node does: the same error classes, codes and messages", () => {
      const app = `
        import { WASI } from 'node:wasi';
        const cases = [undefined, {}, { version: 'x' }, { version: 'preview1', args: 'a' }, { version: 'preview1', env: 3 },
          { version: 'preview1', preopens: 'p' }, { version: 'preview1', returnOnExit: 1 }, { version: 'preview1', stdin: -1 },
          { version: 'preview1', stdout: 'x' }, { version: 'preview1', stderr: 1.5 }, 'options'];
        const out = cases.map((o) => { try { new WASI(o); return 'ok'; } catch (e) { return [e.constructor.name, e.code, e.message]; } });
        const memory = new WebAssembly.Memory({ initial: 1 });
        const f = () => {};
        for (const bad of [undefined, {}, { exports: 1 }, { exports: {} }, { exports: { memory: {} } }, { exports: { memory } },
          { exports: { memory, _start: f, _initialize: f } }]) {
          for (const method of ['start', 'initialize']) {
            try { new WASI({ version: 'preview1' })[method](bad); out.push('ok'); } catch (e) { out.push([method, e.constructor.name, e.code, e.message]); }
          }
        }
        const w = new WASI({ version: 'preview1' });
        try { w.start({}); } catch {}
        try { w.start({ exports: { memory, _start: f } }); } catch (e) { out.push([e.constructor.name, e.code, e.message]); }
        out.push(Object.keys(w), Object.keys(w.getImportObject()), Object.keys(w.wasiImport).length > 40);
        console.log(JSON.stringify(out));`;
      const ours = report(runApp(app));
      expect(ours).to.deep.equal(report(runApp(app, {}, false)));
    });
  });

  it("runs Node's own fetch(), whose HTTP parser (llhttp) is wasm, on wasmjit", () => {
    const r = report(runApp(`
      import http from 'node:http';
      let instantiated = 0;
      const instantiate = WebAssembly.instantiate;
      WebAssembly.instantiate = (...args) => instantiate(...args).then((r) => {
        if (r instanceof WebAssembly.Instance || r.instance instanceof WebAssembly.Instance) instantiated++;
        return r;
      });
      const server = http.createServer((req, res) => res.end('hello ' + req.url));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      const response = await fetch('http://127.0.0.1:' + server.address().port + '/from-wasmjit');
      const text = await response.text();
      server.close();
      console.log(JSON.stringify({ status: response.status, text, instantiated }));`));
    expect(r).to.deep.equal({ status: 200, text: 'hello /from-wasmjit', instantiated: 1 });
  });
});
