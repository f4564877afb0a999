// invokeFast(): invoke() with its target in the call buffer's descriptor slots and undefined
// for "returned normally"; the host-call target slot; both per thread.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import { expect } from 'chai';

import {
  AreaStart,
  callF64,
  callI32,
  callI64,
  callU32,
  hex,
  drive,
  HostCallTarget,
  InvokeCode,
  InvokeNslots,
  InvokeVmctx,
  loadCode,
  makeVmctx,
  native,
  Trap,
  type CodeRegion,
  type TestVmctx,
} from './helpers.js';

const nativePath = createRequire(import.meta.url).resolve('@wasmjit/native');

// add2: mov rax,[rsp+8] ; add rax,[rsp+16] ; ret
const ADD2 = hex('48 8b 44 24 08  48 03 44 24 10  c3');
// trap2: mov edi,2 ; jmp [r14+0x18]
const TRAP2 = hex('bf 02 00 00 00  41 ff 66 18');
// host7 (see host-call.test.ts): calls import 7 with its 2 params, returns slot0 + slot1.
const HOST7 = hex(`55  48 89 e5  41 56  48 83 ec 18  48 8b 45 10  48 89 04 24  48 8b 45 18  48 89 44 24 08
  4c 89 f7  be 07 00 00 00  48 89 e2  b9 02 00 00 00  41 ff 56 10  4c 8b 75 f8  85 c0  75 0b
  48 8b 04 24  48 03 44 24 08  c9  c3  89 c7  41 ff 66 18`);

function describeCall(code: number, vmctx: number, nslots: number): void {
  callF64[InvokeCode] = code;
  callF64[InvokeVmctx] = vmctx;
  callI32[2 * InvokeNslots] = nslots;
}

describe('native invokeFast', () => {
  let vm: TestVmctx;
  let add2: CodeRegion, trap2: CodeRegion, host7: CodeRegion;
  before(() => {
    vm = makeVmctx({ instanceId: 77 });
    add2 = loadCode(ADD2);
    trap2 = loadCode(TRAP2);
    host7 = loadCode(HOST7);
  });
  after(() => {
    for (const r of [add2, trap2, host7]) r.free();
    vm.region.free();
  });

  it('runs the described call: undefined when it returns, results in the buffer', () => {
    callI64[AreaStart] = 40n;
    callI64[AreaStart + 1] = 2n;
    describeCall(add2.address, vm.address, 2);
    expect(native.invokeFast()).to.equal(undefined);
    expect(callI64[1]).to.equal(42n);
    // The upper half of the nslots slot is not part of the descriptor.
    callI32[2 * InvokeNslots + 1] = -1;
    callI64[AreaStart] = 1n;
    expect(native.invokeFast()).to.equal(undefined);
    expect(callI64[1]).to.equal(3n);
  });

  it('returns the trap code, 10,000 times in a row', () => {
    for (let i = 0; i < 10_000; i++) {
      describeCall(trap2.address, vm.address, 0);
      const t = native.invokeFast();
      if (t !== Trap.Unreachable) expect.fail(`iteration ${i}: ${t}`);
    }
  });

  it('rejects a bad descriptor with a RangeError without running anything', () => {
    callI64[1] = 555n;
    for (const [code, vmctx, n] of [
      [0, vm.address, 0],
      [add2.address, -1, 0],
      [NaN, vm.address, 0],
      [add2.address, 2 ** 48, 0],
      [add2.address, vm.address, 1023],
      [add2.address, vm.address, -1],
    ] as const) {
      describeCall(code, vmctx, n);
      expect(() => native.invokeFast(), `${code} ${vmctx} ${n}`).to.throw(RangeError);
    }
    expect(callI64[1]).to.equal(555n);
  });

  it('reads the descriptor before running: nested calls may rewrite it', () => {
    const targets: [number, number][] = [];
    const dispatch = (): void => {
      targets.push([callU32[2 * HostCallTarget]!, callU32[2 * HostCallTarget + 1]!]);
      const a = callI64[AreaStart]!;
      const b = callI64[AreaStart + 1]!;
      // A nested call with another descriptor, and a nested trap.
      callI64[AreaStart] = a;
      callI64[AreaStart + 1] = 1000n;
      describeCall(add2.address, vm.address, 2);
      expect(native.invokeFast()).to.equal(undefined);
      const inner = callI64[1]!;
      describeCall(trap2.address, vm.address, 0);
      expect(native.invokeFast()).to.equal(Trap.Unreachable);
      // Results of this host call go back into the area (the descriptor stays rewritten).
      callI64[AreaStart] = inner;
      callI64[AreaStart + 1] = b;
    };
    callI64[AreaStart] = 5n;
    callI64[AreaStart + 1] = 7n;
    describeCall(host7.address, vm.address, 2);
    expect(drive(native.invokeFast(), dispatch)).to.equal(Trap.None);
    expect(callI64[1]).to.equal(1012n);
    expect(targets).to.deep.equal([[77, 7]]);
  });

  it('returns true for a host call (invoke() returns RunStatus.HostCall), and resume() finishes it', () => {
    callI64[AreaStart] = 1n;
    callI64[AreaStart + 1] = 2n;
    describeCall(host7.address, vm.address, 2);
    expect(native.invokeFast()).to.equal(true);
    expect(callU32[2 * HostCallTarget + 1]).to.equal(7);
    callI64[AreaStart + 1] = 40n;
    expect(native.resume()).to.equal(undefined);
    expect(callI64[1]).to.equal(41n);
  });

  it('uses each thread\'s own buffer and state, alongside this thread', async () => {
    // Each worker loads its own copy of the add-on state; the per-thread cache of invokeFast
    // (env -> state) must give it that, not the main thread's.
    const src = `
const { parentPort, workerData: d } = require('node:worker_threads');
const n = require(d.nativePath);
const f64 = new Float64Array(n.callBuffer), i32 = new Int32Array(n.callBuffer), i64 = new BigInt64Array(n.callBuffer);
const u32 = new Uint32Array(n.callBuffer);
let ok = 0;
for (let i = 0; i < 20000; i++) {
  const host = i % 2 === 1;
  i64[2] = BigInt(i); i64[3] = BigInt(d.k);
  f64[1024] = host ? d.host7 : d.add2; f64[1025] = d.vmctx; i32[2 * 1026] = 2;
  let t = n.invokeFast();
  while (t === true) {
    i64[2] = i64[2] + BigInt(u32[2 * 1027]) * 1000n + BigInt(u32[2 * 1027 + 1]);
    t = n.resume();
  }
  const want = BigInt(i) + BigInt(d.k) + (host ? 77007n : 0n);
  if (t === undefined && i64[1] === want) ok++;
}
parentPort.postMessage(ok);`;
    const data = { nativePath, add2: add2.address, host7: host7.address, vmctx: vm.address };
    const workers = [1, 2, 3].map((k) => new Worker(src, { eval: true, workerData: { ...data, k } }));
    const results = workers.map((w) => new Promise<number>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    }));
    // Meanwhile this thread keeps calling with its own buffer.
    let mine = 0;
    for (let i = 0; i < 20000; i++) {
      callI64[AreaStart] = BigInt(i);
      callI64[AreaStart + 1] = 1n;
      describeCall(add2.address, vm.address, 2);
      if (native.invokeFast() === undefined && callI64[1] === BigInt(i + 1)) mine++;
    }
    expect(await Promise.all(results)).to.deep.equal([20000, 20000, 20000]);
    await Promise.all(workers.map((w) => w.terminate()));
    expect(mine).to.equal(20000);
  });
});
