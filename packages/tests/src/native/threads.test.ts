// Per-env / per-thread state: worker_threads get their own call buffer and entry chain;
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
out.stack = n.stackInfo();
out.marker = Number(i64[1]);
out.exception = n.takeHostException();
parentPort.postMessage(out);
`;

describe('native threads', () => {
  it('gives each worker its own call buffer and stack, and invoke works there', async () => {
    const vm = makeVmctx();
    const add2 = loadCode(ADD2);
    const trap2 = loadCode(TRAP2);
    try {
      callI64[1] = -5n;
      const worker = new Worker(WORKER_SRC, {
        eval: true,
        workerData: { nativePath, add2: add2.address, trap2: trap2.address, vmctx: vm.address },
      });
      const out = await new Promise<{
        sums: [number, number][];
        traps: number[];
        stack: { low: number; high: number; sp: number };
        marker: number;
        exception: unknown;
      }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      expect(out.sums).to.deep.equal([
        [0, 1],
        [0, 2],
        [0, 3],
      ]);
      expect(out.traps).to.deep.equal(new Array(10).fill(Trap.Unreachable));
      expect(out.marker).to.equal(1000);
      expect(out.exception).to.equal(undefined);
      // Our buffer was not touched by the worker's calls.
      expect(callI64[1]).to.equal(-5n);
      const mine = native.stackInfo();
      expect(out.stack.high <= mine.low || out.stack.low >= mine.high).to.equal(true);
      // And the main thread still works.
      callI64[AreaStart] = 2n;
      callI64[AreaStart + 1] = 3n;
      expect(native.invoke(add2.address, vm.address, 2)).to.equal(Trap.None);
      expect(callI64[1]).to.equal(5n);
    } finally {
      add2.free();
      trap2.free();
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
