// Modules across threads with the runtime API (toPostedModule / fromPostedModule): a module
// compiled here runs in a worker on the same code pages, nothing compiled there; signature
// ids agree across threads; settings travel with the code; the code stays mapped while any
// thread holds it and goes when none does; and no message can make the process run code
// wasmjit did not compile (forged ids, altered bytes, odd shapes).
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { CompileError, Engine, fromPostedModule, Instance, Module, toPostedModule, type PostedModule } from '@wasmjit/runtime';
import { collectGarbage } from '../../../runtime/dist/collect.js';
import { native } from '../../../runtime/dist/native.js';
import { POSTED_MODULE_MARK } from '../../../runtime/dist/threads/posted-module.js';
import { shareCode } from '../../../runtime/dist/code-memory.js';
import { encodeArtifact } from '../../../runtime/dist/threads/module-artifact.js';
import { compiledParts } from '../../../runtime/dist/module.js';
import { adoptModule } from '../../../runtime/dist/threads/module-share.js';
import { wat } from '../util/wat.js';
import { largeModule } from '../util/large-module.js';
import type { Call, Reply, Request } from './worker-entry.js';

class TestWorker {
  readonly worker = new Worker(new URL('./worker-entry.js', import.meta.url));
  readonly exited = new Promise<number>((resolve) => this.worker.once('exit', resolve));

  request(r: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.postMessage(r);
    });
  }

  async exit(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }
}

/** Two signatures, a table holding one function of each, and call_indirect at the first. */
const indirectModule = (): Promise<Uint8Array> => wat(`(module
  (type $a (func (param i32) (result i32)))
  (type $b (func (param i64) (result i64)))
  (table 2 funcref) (elem (i32.const 0) $fa $fb)
  (func $fa (type $a) (i32.mul (local.get 0) (i32.const 3)))
  (func $fb (type $b) (i64.add (local.get 0) (i64.const 1)))
  (func (export "callA") (param i32 i32) (result i32) (call_indirect (type $a) (local.get 1) (local.get 0))))`);

/** Signatures in another order than indirectModule's, to be registered first on a thread. */
const otherSignatures = (): Promise<Uint8Array> => wat(`(module
  (type (func (param i64) (result i64))) (type (func (param f32) (result f32)))
  (type (func (param f64 f64) (result f64))) (type (func (param i32) (result i32)))
  (table 4 funcref) (elem (i32.const 0) 0 1 2 3)
  (func (type 0) (local.get 0)) (func (type 1) (local.get 0)) (func (type 2) (local.get 0)) (func (type 3) (local.get 0)))`);

const LARGE = largeModule({ functions: 600, groupsPerFunction: 12 });

function valueOf(r: Reply, i: number): unknown {
  const x = r.results[i]!;
  if ('error' in x) throw new Error(`call ${i} failed in the worker: ${x.error}`);
  return x.value;
}

describe('threads: a Module posted to a worker', function () {
  this.timeout(60_000);
  let w: TestWorker;

  beforeEach(() => {
    w = new TestWorker();
  });
  afterEach(async () => {
    await w.exit();
  });

  it('instantiates there on the same code pages: nothing is compiled or mapped anywhere', async () => {
    const m = new Module(LARGE);
    const here = new Instance(m);
    const posted = toPostedModule(m);
    const made = native.codeStats().made;
    const calls: Call[] = [
      { module: 0, name: 'run', args: [5] },
      { module: 0, name: 'indirect', args: [17, 9] },
    ];
    const r = await w.request({ cmd: 'adopt', posted: [posted], calls });
    expect(r.error).to.equal(undefined);
    expect(r.stats).to.deep.equal({ adopted: 1, compiled: 0 });
    // Process-wide: no code mapping was made by any thread while the worker adopted.
    expect(r.after.made).to.equal(r.before.made);
    expect(native.codeStats().made).to.equal(made);
    expect(valueOf(r, 0)).to.equal((here.exports.run as (n: number) => number)(5));
    expect(valueOf(r, 1)).to.equal((here.exports.indirect as (i: number, n: number) => number)(17, 9));
  });

  it('call_indirect checks signatures with ids both threads agree on', async () => {
    const m = new Module(await indirectModule());
    const r = await w.request({
      cmd: 'adopt', posted: [toPostedModule(m)], warmup: await otherSignatures(),
      calls: [{ module: 0, name: 'callA', args: [0, 5] }, { module: 0, name: 'callA', args: [1, 5] }],
    });
    expect(r.error).to.equal(undefined);
    expect(r.stats.adopted).to.equal(1);
    expect(valueOf(r, 0)).to.equal(15);
    expect(r.results[1]).to.have.property('error').that.matches(/bad_signature/);
  });

  it('keeps the settings it was compiled with (fuel metering) under the worker\'s engine', async () => {
    const m = new Module(LARGE, new Engine({ consumeFuel: true, boundsChecks: 'explicit' }));
    const r = await w.request({ cmd: 'adopt', posted: [toPostedModule(m)], engine: 'fuel', calls: [{ module: 0, name: 'run', args: [1] }] });
    expect(r.stats).to.deep.equal({ adopted: 1, compiled: 0 });
    // The code meters fuel; the worker's engine gives instances 1000 units.
    expect(r.results[0]).to.have.property('error').that.matches(/out_of_fuel/);
  });

  it('is compiled again there when its code reads its engine\'s epoch cells', async () => {
    const m = new Module(LARGE, new Engine({ epochInterruption: true }));
    const r = await w.request({ cmd: 'adopt', posted: [toPostedModule(m)], calls: [{ module: 0, name: 'run', args: [3] }] });
    expect(r.stats).to.deep.equal({ adopted: 0, compiled: 1 });
    expect(r.after.made).to.equal(r.before.made + 1);
    expect(valueOf(r, 0)).to.equal((new Instance(new Module(LARGE)).exports.run as (n: number) => number)(3));
  });

  it('stays mapped while the worker holds it after the sender dropped it; the last holder unmaps it', async () => {
    // Earlier tests' garbage would go in the collections below: collect it first.
    collectGarbage();
    const base = native.codeStats();
    let m: Module | null = new Module(await indirectModule());
    const posted = toPostedModule(m);
    const r = await w.request({ cmd: 'adopt', posted: [posted, posted, posted], calls: [] });
    expect(r.error).to.equal(undefined);
    expect(r.stats.adopted).to.equal(3);
    expect(native.codeStats().live).to.equal(base.live + 1);
    m = null;
    collectGarbage();
    const after = await w.request({ cmd: 'call', calls: [{ module: 2, name: 'callA', args: [0, 7] }] });
    expect(valueOf(after, 0)).to.equal(21);
    expect(native.codeStats().live).to.equal(base.live + 1);
    // The worker exits holding its modules: its teardown lets go of them.
    await w.exit();
    w = new TestWorker();
    collectGarbage();
    expect(native.codeStats()).to.include({ live: base.live, shared: base.shared });
  });

  it('comes from its bytes when no thread holds the module any more', async () => {
    let m: Module | null = new Module(await indirectModule());
    const posted = toPostedModule(m);
    m = null;
    collectGarbage();
    const r = await w.request({ cmd: 'adopt', posted: [posted], calls: [{ module: 0, name: 'callA', args: [0, 2] }] });
    expect(r.stats).to.deep.equal({ adopted: 0, compiled: 1 });
    expect(valueOf(r, 0)).to.equal(6);
  });
});

describe('threads: forged and altered posted modules', () => {
  const made = () => native.codeStats().made;
  const forged = (id: string, bytes: Uint8Array): PostedModule => {
    const sab = new SharedArrayBuffer(bytes.length);
    new Uint8Array(sab).set(bytes);
    return { [POSTED_MODULE_MARK]: 1, kind: 'Module', id, bytes: sab };
  };

  it('an unknown id with machine code for bytes maps nothing: the bytes are compiled, and fail', () => {
    // int3; ret; and a mov rax, imm64 that would be a gadget
    const code = new Uint8Array([0xcc, 0xc3, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xe0]);
    const before = made();
    for (const id of ['0'.repeat(32), 'f'.repeat(32), 'not an id', '']) {
      expect(() => fromPostedModule(forged(id, code))).to.throw(CompileError, /magic header/);
    }
    expect(made()).to.equal(before);
  });

  it('a real id with other bytes gives the registered module: the bytes cannot re-describe its code', async () => {
    const m = new Module(await indirectModule());
    const real = toPostedModule(m);
    const other = await wat('(module (func (export "evil") (param i32) (result i32) (local.get 0)))');
    const before = made();
    const got = fromPostedModule(forged(real.id, other));
    expect(made()).to.equal(before);
    expect(Module.exports(got).map((e) => e.name)).to.deep.equal(['callA']);
    expect((new Instance(got).exports.callA as (i: number, n: number) => number)(0, 4)).to.equal(12);
  });

  it('an altered id (one digit changed) selects nothing', async () => {
    const m = new Module(await indirectModule());
    const real = toPostedModule(m);
    const altered = real.id.slice(0, -1) + (real.id.endsWith('0') ? '1' : '0');
    expect(native.adoptCode(altered)).to.equal(null);
    expect(native.adoptCode(real.id.toUpperCase())).to.equal(null);
    expect(native.adoptCode(real.id + '0')).to.equal(null);
  });

  it('an entry registered without its bytes (a background compile\'s) is not adoptable from a message', async () => {
    // What the background compile worker registers: code and offsets, no module bytes (its
    // caller has them). A message naming such an entry must not pair the code with bytes
    // of its own choosing.
    const m = new Module(await indirectModule());
    const parts = compiledParts(m)!;
    const { id } = shareCode(parts.code, encodeArtifact({
      settings: parts.settings, funcOffsets: parts.compiled.funcOffsets, funcEnds: parts.compiled.funcEnds,
      offsetMap: parts.compiled.offsetMap, bytes: null,
    }));
    expect(adoptModule(id, new Engine())).to.equal(null);
    const other = await wat('(module (func (export "evil") (param i32) (result i32) (local.get 0)))');
    const before = made();
    const got = fromPostedModule(forged(id, other));
    // Compiled from the message's bytes, as any module: its own code, validated.
    expect(made()).to.equal(before + 1);
    expect(Module.exports(got).map((e) => e.name)).to.deep.equal(['evil']);
  });

  it('other shapes are a TypeError', () => {
    const sab = new SharedArrayBuffer(8);
    for (const bad of [null, 1, 'x', {}, { [POSTED_MODULE_MARK]: 1, id: 5, bytes: sab }, { [POSTED_MODULE_MARK]: 1, id: 'a'.repeat(32), bytes: new ArrayBuffer(8) },
      { [POSTED_MODULE_MARK]: 2, id: 'a'.repeat(32), bytes: sab }]) {
      expect(() => fromPostedModule(bad), JSON.stringify(bad)).to.throw(TypeError);
    }
  });

  it('an entry released by its owner goes at once (the idle background worker does not wait for a collection)', async () => {
    const m = new Module(await indirectModule());
    const parts = compiledParts(m)!;
    const before = native.codeStats().shared;
    const { entry, id } = shareCode(parts.code, encodeArtifact({
      settings: parts.settings, funcOffsets: parts.compiled.funcOffsets, funcEnds: parts.compiled.funcEnds,
      offsetMap: parts.compiled.offsetMap, bytes: parts.wasm.bytes,
    }));
    expect(native.codeStats().shared).to.equal(before + 1);
    native.releaseEntry(entry);
    native.releaseEntry(entry);
    expect(native.codeStats().shared).to.equal(before);
    expect(native.adoptCode(id)).to.equal(null);
    expect(() => native.readShared(entry, 0, 1)).to.throw(/released/);
  });

  it('registry reads stay inside the entry', async () => {
    const m = new Module(await indirectModule());
    const adopted = native.adoptCode(toPostedModule(m).id)!;
    const [, , , entry, metaLength] = adopted;
    expect(native.readShared(entry, 0, metaLength).byteLength).to.equal(metaLength);
    for (const [offset, length] of [[metaLength, 1], [0, metaLength + 1], [-1, 1], [1.5, 1], [2 ** 53, 1]]) {
      expect(() => native.readShared(entry, offset!, length!)).to.throw(RangeError);
    }
    expect(() => native.readShared({}, 0, 1)).to.throw(TypeError);
  });
});
