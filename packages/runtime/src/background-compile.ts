// Asynchronous compiles that leave the event loop free: the module is decoded, validated
// and compiled on a worker thread (background-compile-worker.ts), which maps the code and
// registers it (module-share.ts); this thread then adopts the same pages by their registry
// id. What is left here is small and cut into tasks of a few milliseconds: reading the
// function offsets out of the registry and decoding the module's sections (not its function
// bodies) in steps. docs/threads.md has the measurements.
//
// One worker per thread that compiles asynchronously, started on first use, referenced
// (keeping the process alive) only while it has jobs; jobs run one after another. The result
// is what `new Module(bytes, engine)` gives on this thread: the worker compiles with this
// engine's settings (its epoch cell address included), and a CompileError comes back with
// the same reason, offset and function index. If the worker cannot be started, the module
// is compiled here instead (in a later task).
import { Worker } from 'node:worker_threads';
import type { Engine } from './engine.js';
import { engineCodeSettings, Module } from './module.js';
import { adoptBackgroundCompile, type PendingAdoption } from './module-share.js';
import { deserializeError, type CompileReply, type CompileRequest, type ReleaseRequest } from './background-compile-protocol.js';

/**
 * Smaller modules compile on the calling thread, in a later task: a worker round trip
 * (~1 ms, and ~100 ms to start the worker once) costs more than their compile, which
 * blocks the event loop for well under the 50 ms this path is about.
 */
export const BACKGROUND_COMPILE_MIN_BYTES = 64 * 1024;

/** Longest stretch of adoption work in one task (it stops after the step that crosses it). */
const SLICE_MS = 4;

interface Job {
  readonly engine: Engine;
  readonly resolve: (m: Module) => void;
  readonly reject: (e: unknown) => void;
}

const WORKER_URL = new URL('./background-compile-worker.js', import.meta.url);

let worker: Worker | null = null;
const jobs = new Map<number, Job>();
let nextJob = 1;

/** What happened so far on this thread (tests, benchmarks). */
export const backgroundCompileStats = {
  /** Modules compiled by the worker and adopted here. */
  adopted: 0,
  /** Modules compiled on this thread because the worker could not be started. */
  compiledHere: 0,
};

/**
 * Compiles `bytes` as `new Module(bytes, engine)` would, on the background worker, and
 * rejects with what that constructor would throw. `bytes` must be the caller's private copy:
 * its buffer is handed to the worker (when it is exactly the bytes, else they are copied).
 */
export function compileInBackground(bytes: Uint8Array, engine: Engine): Promise<Module> {
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : bytes.slice().buffer;
  return new Promise<Module>((resolve, reject) => {
    const job = nextJob++;
    const w = startWorker();
    if (w === null) {
      setImmediate(() => {
        try {
          const m = new Module(new Uint8Array(owned), engine);
          backgroundCompileStats.compiledHere++;
          resolve(m);
        } catch (e) {
          reject(e);
        }
      });
      return;
    }
    jobs.set(job, { engine, resolve, reject });
    w.ref();
    const request: CompileRequest = { kind: 'compile', job, bytes: owned, settings: engineCodeSettings(engine), parallelCompile: engine.parallelCompile };
    w.postMessage(request, [owned]);
  });
}

function startWorker(): Worker | null {
  if (worker !== null) return worker;
  let w: Worker;
  try {
    // No execArgv: the worker needs none of the program's flags or --import hooks.
    w = new Worker(WORKER_URL, { execArgv: [] });
  } catch {
    return null;
  }
  w.unref();
  w.on('message', (reply: CompileReply) => onReply(w, reply));
  const lost = (why: unknown) => {
    if (worker !== w) return;
    worker = null;
    // The bytes went with it. Not expected to happen: nothing else knows this worker.
    const error = new Error(`wasmjit: the background compile worker stopped (${why instanceof Error ? why.message : `exit code ${String(why)}`})`);
    for (const job of jobs.values()) job.reject(error);
    jobs.clear();
  };
  w.on('error', lost);
  w.on('exit', lost);
  worker = w;
  return w;
}

function onReply(w: Worker, reply: CompileReply): void {
  const job = jobs.get(reply.job);
  if (job === undefined) return;
  jobs.delete(reply.job);
  if (jobs.size === 0) w.unref();
  if ('error' in reply) {
    job.reject(deserializeError(reply.error));
    return;
  }
  let pending: PendingAdoption | null;
  try {
    // The bytes the worker compiled, handed back: nothing else has had them.
    pending = adoptBackgroundCompile(reply.id, new Uint8Array(reply.bytes), job.engine);
  } catch (e) {
    job.reject(e);
    return;
  } finally {
    const release: ReleaseRequest = { kind: 'release', job: reply.job };
    w.postMessage(release);
  }
  if (pending === null) {
    job.reject(new Error('BUG: the background compile worker\'s module is not in the registry'));
    return;
  }
  finishInSlices(pending, job);
}

/** Runs the adoption in tasks of about SLICE_MS each, then settles the job. */
function finishInSlices(pending: PendingAdoption, job: Job): void {
  const slice = () => {
    try {
      const until = performance.now() + SLICE_MS;
      for (;;) {
        const step = pending.decode.next();
        if (step.done) {
          const module = pending.finish(step.value);
          backgroundCompileStats.adopted++;
          job.resolve(module);
          return;
        }
        if (performance.now() >= until) break;
      }
    } catch (e) {
      job.reject(e);
      return;
    }
    setImmediate(slice);
  };
  setImmediate(slice);
}
