// Entry point of the lazy background compile worker (lazy-background.ts): compiles the chunks
// of each job in order, one chunk per task (so that a cancel or a new job is seen between
// chunks), skipping functions its sender has compiled meanwhile, and posts each chunk back.
// The chunks are what the sender's own first calls would compile: same compiler, options and
// signature ids.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { compileLazyChunk, decodeModuleDeferringBodies, validateModuleBytes, type WasmModule } from '@wasmjit/codegen';
import { serializeError } from './background-compile-protocol.js';
import { native } from '../native.js';
import type { LazyJobRequest, LazyReply, LazyRequest } from './lazy-background-protocol.js';

/** The worker thread's nice value (0 = the default; 19 = the lowest priority). */
const BACKGROUND_NICE = 10;

interface Running {
  request: LazyJobRequest;
  module: WasmModule;
  next: number;
}

/** Chunk, done and error replies of jobs (lazy-background.ts drains it synchronously too). */
const chunkPort = (workerData as { chunkPort: MessagePort }).chunkPort;
let lowered = false;

const queue: Running[] = [];
let scheduled = false;

parentPort!.on('message', (request: LazyRequest) => {
  if (request.kind === 'cancel') {
    const i = queue.findIndex((r) => r.request.job === request.job);
    if (i >= 0) queue.splice(i, 1);
    return;
  }
  if (request.kind === 'validate') {
    // Ahead of the queue of chunks: the caller waits for this one.
    try {
      const snapshot = native.openSnapshot(request.snapshot);
      if (snapshot === null) throw new Error('BUG: the module bytes to validate are gone');
      validateModuleBytes(new Uint8Array(snapshot), request.features);
      post({ job: request.job, validated: true });
    } catch (e) {
      post({ job: request.job, invalid: serializeError(e) });
    }
    return;
  }
  if (!lowered) {
    // Below the threads running wasm: on a machine with few cores, a first call compiling on
    // its own thread must not wait for this one (its work is a head start, never on the
    // critical path). From the first compile job on: a validation (compileAsync) is awaited,
    // and a thread's priority cannot be raised again.
    lowered = true;
    native.lowerThreadPriority(BACKGROUND_NICE);
  }
  try {
    const snapshot = native.openSnapshot(request.snapshot);
    if (snapshot === null) throw new Error('BUG: the module bytes to compile are gone');
    const module = decodeModuleDeferringBodies(new Uint8Array(snapshot), request.features);
    queue.push({ request, module, next: 0 });
    schedule();
  } catch (e) {
    post({ job: request.job, error: String((e as Error).stack ?? e) });
  }
});

function post(reply: LazyReply): void {
  if ('chunk' in reply || 'done' in reply || 'error' in reply) chunkPort.postMessage(reply);
  else parentPort!.postMessage(reply);
}

function schedule(): void {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  setImmediate(step);
}

/** One chunk of the oldest job. */
function step(): void {
  scheduled = false;
  const run = queue[0];
  if (run === undefined) return;
  const { request, module } = run;
  const { ranges, compiled, job } = request;
  const imported = module.numImportedFuncs;
  try {
    while (run.next < ranges.length / 2) {
      let from = ranges[2 * run.next]!;
      let to = ranges[2 * run.next + 1]!;
      run.next++;
      // Trim what the sender compiled already (functions in the middle are compiled again:
      // the sender keeps its own code for them).
      while (from < to && Atomics.load(compiled, from - imported) === 1) from++;
      while (to > from && Atomics.load(compiled, to - 1 - imported) === 1) to--;
      if (from === to) continue;
      const t0 = performance.now();
      const chunk = compileLazyChunk(module, request.options, request.typeIds, from, to);
      // finishView's bytes alias the assembler's buffer: a copy of exactly the code goes.
      post({ job, chunk: { ...chunk, code: chunk.code.slice() }, ms: performance.now() - t0 });
      schedule();
      return;
    }
    queue.shift();
    post({ job, done: true });
  } catch (e) {
    queue.shift();
    post({ job, error: String((e as Error).stack ?? e) });
  }
  schedule();
}
