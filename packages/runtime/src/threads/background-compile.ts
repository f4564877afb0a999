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
import type { Engine } from '../engine.js';
import { native } from '../native.js';
import { engineCodeSettings, Module } from '../module.js';
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
  /** The module bytes: the snapshot the worker compiles. */
  readonly bytes: Uint8Array;
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

/** Snapshots made by copyModuleBytes: their buffer and registry id. */
const snapshotIds = new WeakMap<ArrayBuffer, string>();

/**
 * A private copy of `view` for an asynchronous compile, made now (the caller may change its
 * bytes as soon as the call returns). A module that compiles in the background is copied
 * into a snapshot (native/src/snapshot.c), memory the worker reads too, without a copy of its
 * own: in huge pages, which makes the copy itself ~25x cheaper than into a new ArrayBuffer
 * (page faults dominate: ~2 ms against ~50 ms for 18 MB on the development machine).
 */
export function copyModuleBytes(view: Uint8Array): Uint8Array {
  if (view.length < BACKGROUND_COMPILE_MIN_BYTES) return view.slice();
  const [buffer, id] = native.snapshotBytes(view);
  snapshotIds.set(buffer, id);
  return new Uint8Array(buffer);
}

/** `bytes` as a snapshot (itself when copyModuleBytes made it) and the snapshot's id. */
function snapshotOf(bytes: Uint8Array): { view: Uint8Array; id: string } {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const id = whole ? snapshotIds.get(bytes.buffer as ArrayBuffer) : undefined;
  if (id !== undefined) return { view: bytes, id };
  const [buffer, newId] = native.snapshotBytes(bytes);
  return { view: new Uint8Array(buffer), id: newId };
}

/**
 * Compiles `bytes` as `new Module(bytes, engine)` would, on the background worker, and
 * rejects with what that constructor would throw. `bytes` must not change until the promise
 * settles: pass copyModuleBytes' copy (anything else is copied here).
 */
export function compileInBackground(bytes: Uint8Array, engine: Engine): Promise<Module> {
  return new Promise<Module>((resolve, reject) => {
    const w = startWorker();
    if (w === null) {
      setImmediate(() => {
        try {
          const m = new Module(bytes, engine);
          backgroundCompileStats.compiledHere++;
          resolve(m);
        } catch (e) {
          reject(e);
        }
      });
      return;
    }
    const job = nextJob++;
    const { view, id } = snapshotOf(bytes);
    // The job holds the snapshot (its buffer) until the module does.
    jobs.set(job, { engine, bytes: view, resolve, reject });
    w.ref();
    const request: CompileRequest = { kind: 'compile', job, snapshot: id, settings: engineCodeSettings(engine), parallelCompile: engine.parallelCompile };
    w.postMessage(request);
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
    // Not expected to happen: nothing else knows this worker.
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
    // The bytes the worker compiled: the snapshot, which nothing else has.
    pending = adoptBackgroundCompile(reply.id, job.bytes, job.engine);
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
