// Per-env / per-thread state: worker_threads get their own call buffer, entry chain and wasm stack;
// testCrash really crashes (checked in a child process).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import { expect } from 'chai';

import { AreaStart, callI64, hex, loadCode, makeVmctx, native, Trap } from './helpers.js';

const nativePath = createRequire(import.meta.url).resolve('@wasmjit/native');

// add2: mov rax,[rsp+8] ; add rax,[rsp+16] ; ret
const ADD2 = hex('48 8b 44 24 08  48 03 44 24 10  c3');
// trap2: mov edi,2 ; jmp [r14+0x18]
const TRAP2 = hex('bf 02 00 00 00  41 ff 66 18');
// host7 (see host-call.test.ts): calls import 7 with its 2 params, returns slot0 + slot1,
// traps with the host_call result if nonzero.
const HOST7 = hex(`55  48 89 e5  41 56  48 83 ec 18  48 8b 45 10  48 89 04 24  48 8b 45 18  48 89 44 24 08
  4c 89 f7  be 07 00 00 00  48 89 e2  b9 02 00 00 00  41 ff 56 10  4c 8b 75 f8  85 c0  75 0b
  48 8b 04 24  48 03 44 24 08  c9  c3  89 c7  41 ff 66 18`);

// Runs in the worker (CommonJS, eval): code and vmctx are process-wide memory, so the
// main thread's addresses work there; everything else must be the worker's own.
const WORKER_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const n = require(workerData.nativePath);
const i64 = new BigInt64Array(n.callBuffer);
const out = { sums: [], traps: [] };
for (let i = 0; i < 1000; i++) {
  i64[2] = BigInt(i); i64[3] = 1n;
  const t = n.invoke(workerData.add2, workerData.vmctx, 2);
  if (i < 3) out.sums.push([t, Number(i64[1])]);
  if (i % 100 === 0) out.traps.push(n.invoke(workerData.trap2, workerData.vmctx, 0));
}
// Host calls suspend to this worker's own JS; exceptions stay on this thread.
const tag = workerData.tag;
const u32 = new Uint32Array(n.callBuffer);
const f64 = new Float64Array(n.callBuffer);
const dispatch = () => {
  const instanceId = u32[2 * 1027], importIndex = u32[2 * 1027 + 1]; // CallBuffer.HostCallTarget
  if (i64[2] === 13n) throw tag;
  i64[2] = i64[2] * 10n + BigInt(importIndex);
  i64[3] = BigInt(instanceId);
};
out.hostSums = 0;
out.hostThrows = 0;
for (let i = 0; i < 2000; i++) {
  i64[2] = BigInt(i % 20); i64[3] = 0n;
  let t = n.invoke(workerData.host7, workerData.vmctx, 2);
  try {
    while (t === 256 || t === true) {
      const serial = f64[1028];
      try { dispatch(); } catch (e) { f64[1028] = serial; n.abandon(); throw e; }
      f64[1028] = serial;
      t = n.resume() ?? 0;
    }
    if (t === 0 && i64[1] === BigInt((i % 20) * 10 + 7 + workerData.instanceId)) out.hostSums++;
  } catch (e) {
    if (e === tag) out.hostThrows++;
  }
}
out.wasmStack = n.wasmStackInfo();
i64[2] = 1n; i64[3] = 2n;
n.invoke(workerData.add2, workerData.vmctx, 2);
out.stack = n.stackInfo();
out.marker = Number(i64[1]);
parentPort.postMessage(out);
`;

interface WorkerResult {
  sums: [number, number][];
  traps: number[];
  stack: { low: number; high: number; sp: number };
  marker: number;
  wasmStack: { low: number; high: number; limit: number };
  hostSums: number;
  hostThrows: number;
}

describe('native threads', () => {
  it('gives each worker its own call buffer, entry chain and wasm stack; invoke works there', async () => {
    const vm = makeVmctx({ instanceId: 5 });
    const add2 = loadCode(ADD2);
    const trap2 = loadCode(TRAP2);
    const host7 = loadCode(HOST7);
    try {
      callI64[1] = -5n;
      const workerData = { nativePath, add2: add2.address, trap2: trap2.address, host7: host7.address, vmctx: vm.address, instanceId: 5 };
      // Four at once: the entry chains, trap records and dispatchers must not mix.
      const workers = [0, 1, 2, 3].map((k) => new Worker(WORKER_SRC, { eval: true, workerData: { ...workerData, tag: `w${k}` } }));
      const outs = await Promise.all(
        workers.map(
          (w) =>
            new Promise<WorkerResult>((resolve, reject) => {
              w.once('message', resolve);
              w.once('error', reject);
            }),
        ),
      );
      await Promise.all(workers.map((w) => w.terminate()));
      const mine = native.stackInfo();
      for (const out of outs) {
        expect(out.sums).to.deep.equal([
          [0, 1],
          [0, 2],
          [0, 3],
        ]);
        expect(out.traps).to.deep.equal(new Array(10).fill(Trap.Unreachable));
        expect(out.wasmStack.limit).to.equal(0);
        expect(out.wasmStack.high - out.wasmStack.low).to.be.at.least(8 * 1024 * 1024);
        expect(out.hostThrows).to.equal(100);
        expect(out.hostSums).to.equal(1900);
        expect(out.marker).to.equal(3);
        expect(out.stack.high <= mine.low || out.stack.low >= mine.high).to.equal(true);
      }
      // The workers' wasm stacks are not this thread's (a worker that has exited may have
      // left its address range to a later one, so they are not compared with each other).
      const ours = native.wasmStackInfo();
      for (const o of outs) expect(o.wasmStack.high <= ours.low || o.wasmStack.low >= ours.high).to.equal(true);
      // Our buffer was not touched by the workers' calls.
      expect(callI64[1]).to.equal(-5n);
      // And the main thread still works.
      callI64[AreaStart] = 2n;
      callI64[AreaStart + 1] = 3n;
      expect(native.invoke(add2.address, vm.address, 2)).to.equal(Trap.None);
      expect(callI64[1]).to.equal(5n);
    } finally {
      add2.free();
      trap2.free();
      host7.free();
      vm.region.free();
    }
  });

  it('testCrash dies with SIGSEGV (in a child process)', function () {
    this.timeout(20_000);
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(nativePath)}).testCrash()`], {
      encoding: 'utf8',
    });
    expect(r.signal).to.equal('SIGSEGV');
  });
});
