// Entry point of a compile worker thread (parallel-compile.ts). It waits for jobs; for each
// it decodes its own copy of the module's structure (from the shared bytes, without the
// checks the caller's decode and validation already made) and compiles chunks until the
// shared counter runs out, posting each to the caller's port.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { redecodeModule } from '../wasm/module.js';
import type { WasmModule } from '../wasm/types.js';
import { compileChunk } from './chunk-compiler.js';
import { Ctl, serializeError, type ChunkMessage, type CompileJob } from './parallel-compile.js';

const results = (workerData as { results: MessagePort }).results;

parentPort!.on('message', (job: CompileJob) => run(job));

function run(job: CompileJob): void {
  const ctl = new Int32Array(job.ctl);
  const n = job.ranges.length / 2;
  let module: WasmModule | null = null;
  for (;;) {
    // Checked before taking an index, so that a job the caller has already finished costs
    // nothing (not even the decode).
    if (Atomics.load(ctl, Ctl.Next) >= n) return;
    const i = Atomics.add(ctl, Ctl.Next, 1);
    if (i >= n) return;
    let msg: ChunkMessage;
    const transfer: ArrayBuffer[] = [];
    const t0 = performance.now();
    try {
      module ??= redecodeModule(new Uint8Array(job.bytes, 0, job.byteLength), job.features);
      const chunk = compileChunk(module, job.options, job.typeIds, job.ranges[2 * i]!, job.ranges[2 * i + 1]!);
      msg = { id: job.id, index: i, chunk, ms: performance.now() - t0 };
      for (const a of [chunk.code, chunk.starts, chunk.ends, chunk.relocs, chunk.typeIdSites, chunk.mapCode, chunk.mapWasm]) {
        if (!transfer.includes(a.buffer as ArrayBuffer)) transfer.push(a.buffer as ArrayBuffer);
      }
    } catch (e) {
      msg = { id: job.id, index: i, error: serializeError(e), ms: performance.now() - t0 };
    }
    results.postMessage(msg, transfer);
    Atomics.add(ctl, Ctl.Done, 1);
    Atomics.notify(ctl, Ctl.Done);
  }
}
