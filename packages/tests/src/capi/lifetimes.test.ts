// Lifetimes of the C API's handles: an import handle's descriptor is freed when the handle
// is collected, while a wasm function linked from it keeps working (the import region holds
// its own copy of what the adapter reads); nativeFunction handles and their owners go too.
import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { Engine, nativeFunction } from '@wasmjit/runtime';
import { native } from '../native/helpers.js';
import { sampleAddon } from './scenarios.js';
import { watNamed, type Exports } from '../stack/support.js';

async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ADD = `(module (import "n" "add" (func $add (param i32 i32) (result i32)))
  (func (export "f") (param i32) (result i32) (call $add (local.get 0) (i32.const 1))))`;

describe('capi: handle lifetimes', function () {
  this.timeout(60_000);
  const addon = sampleAddon();

  it('import handles are freed when collected; an instance linked from one keeps calling it', async () => {
    const engine = new Engine();
    const module = engine.compile(await watNamed(ADD));
    // Linked while its handle is alive, then only the instance holds the import.
    const f = (engine.instantiate(module, { n: { add: addon.imports().add } } as never).exports as Exports).f!;
    await collectGarbage();
    const base = native.capiLiveImports();
    for (let i = 0; i < 2000; i++) addon.imports(); // 8 handles each, dropped at once
    expect(native.capiLiveImports()).to.be.at.least(base + 16_000);
    await collectGarbage();
    expect(native.capiLiveImports()).to.be.at.most(base + 100);
    // The handle f's instance linked is gone (or going); the import still works.
    expect(f(41)).to.equal(42);
  });
});

describe('capi: threads', function () {
  this.timeout(60_000);

  it('a wj_func is only callable on the thread that made its handle', async () => {
    const engine = new Engine();
    const SQ = `(module (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))`;
    const sq = (engine.instantiate(engine.compile(await watNamed(SQ))).exports as Exports).sq!;
    const handle = nativeFunction(sq);
    native.testCapiStash(handle);
    expect(native.testCapiCallStashed(7)).to.deep.equal([0, 49]);
    const src = `
      const { parentPort } = require('node:worker_threads');
      const { createRequire } = require('node:module');
      const req = createRequire(${JSON.stringify(import.meta.url)});
      const native = req('@wasmjit/native');
      parentPort.postMessage(native.testCapiCallStashed(7));`;
    const w = new Worker(src, { eval: true });
    const got = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(got).to.deep.equal([-2, 0]);
    expect(native.testCapiCallStashed(3)).to.deep.equal([0, 9]);
    expect(handle).to.be.an('object'); // kept alive until here
  });
});
