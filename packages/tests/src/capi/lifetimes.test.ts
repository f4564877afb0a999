// Lifetimes of the C API's handles: an import handle's descriptor is freed when the handle
// is collected, while a wasm function linked from it keeps working (the import region holds
// its own copy of what the adapter reads); nativeFunction handles and their owners go too.
import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine } from '@wasmjit/runtime';
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
