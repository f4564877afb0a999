// Background compilation of lazily compiled modules (Engine option backgroundCompile,
// docs/startup.md): after compile() returns, a worker thread compiles the functions no call
// has compiled yet, in chunks, and this thread installs each chunk when its message arrives,
// in a task of its own (linking and copying one chunk: well under a millisecond), so the
// event loop is never blocked for long. A first call on this thread that comes before the
// worker's chunk compiles the function itself; the chunk's copy of it is then dropped
// (LazyCode.install). The worker compiles exactly what the first call would: same compiler,
// options and signature ids, so the machine code does not depend on who won.
//
// One worker per thread, started on first use and never keeping the process alive (unref'd):
// a program that is done exits, whatever is left uncompiled. The job holds its module only
// weakly: a module collected meanwhile has its job cancelled.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { LazyCode } from '../lazy-code.js';
import { native } from '../native.js';
import type { DecodeOptions } from '@wasmjit/codegen';
import type { LazyJobRequest, LazyReply, LazyValidateRequest } from './lazy-background-protocol.js';
import { deserializeError } from './background-compile-protocol.js';

/** Smaller modules get no background compilation (see startBackgroundCompile). */
export const BACKGROUND_MIN_BYTES = 64 * 1024;
/** Bytes of function bodies per chunk: about a millisecond to install, a few to compile. */
const CHUNK_BODY_BYTES = 32 * 1024;

const WORKER_URL = new URL('./lazy-background-worker.js', import.meta.url);

interface Job {
  readonly lazy: WeakRef<LazyCode>;
  /** The snapshot the worker reads the bytes from, held until the job ends. */
  readonly snapshot: ArrayBuffer;
  readonly resolve: () => void;
  /** Resolved when the job ends (all chunks delivered, cancelled or failed). */
  readonly done: Promise<void>;
}

let worker: Worker | null = null;
/**
 * The worker's chunk replies come on this port, not the worker's own: a first call drains it
 * synchronously (drainBackgroundChunks), so chunks the worker finished are installed even
 * while this thread never returns to the event loop (a synchronous run of wasm).
 */
let chunkPort: MessagePort | null = null;
let workerFailed = false;
const jobs = new Map<number, Job>();
let nextJob = 1;
const jobOf = new WeakMap<LazyCode, Job>();

/** What happened so far on this thread (tests, benchmarks). */
export const lazyBackgroundStats = {
  jobs: 0,
  /** Chunks the worker delivered and this thread installed. */
  chunks: 0,
  /** Milliseconds the worker spent compiling them. */
  workerMs: 0,
  /** Milliseconds this thread spent installing them. */
  installMs: 0,
  errors: 0,
};

/** Starts compiling `lazy`'s uncompiled functions on the background worker. */
export function startBackgroundCompile(lazy: LazyCode): void {
  // A small module compiles faster on first calls than a worker round trip takes; and the
  // job's WeakRef would keep each module of a synchronous compile-and-drop loop alive until
  // the loop ends (a WeakRef keeps its target for the rest of the job that made it).
  if (lazy.module.bytes.length < BACKGROUND_MIN_BYTES) return;
  const ranges = chunkRanges(lazy);
  if (ranges.length === 0) return;
  const w = startWorker();
  if (w === null) return; // first calls compile everything, as without background compilation
  const [snapshot, id] = native.snapshotBytes(lazy.module.bytes);
  const job = nextJob++;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const entry: Job = { lazy: new WeakRef(lazy), snapshot, resolve, done };
  jobs.set(job, entry);
  jobOf.set(lazy, entry);
  lazyBackgroundStats.jobs++;
  const request: LazyJobRequest = {
    kind: 'job', job, snapshot: id, features: lazy.features, options: lazy.options,
    typeIds: [...lazy.typeIds], ranges, compiled: lazy.compiledFlags,
  };
  // Not before this thread's current task ends: a program that compiles, instantiates and
  // runs in one go (the usual first run) keeps both cores to itself meanwhile, as its first
  // calls compile what they need; the worker starts on the rest when the thread yields.
  setImmediate(() => {
    if (jobs.has(job) && worker === w) w.postMessage(request);
  });
}

/**
 * Resolves when the background compile of `lazy` has ended (every function compiled by one
 * side or the other, or the job failed): tests and benchmarks wait for it.
 */
export function backgroundCompileDone(lazy: LazyCode): Promise<void> {
  return jobOf.get(lazy)?.done ?? Promise.resolve();
}

interface Validation {
  readonly resolve: (validated: boolean) => void;
  readonly reject: (e: unknown) => void;
  /** The snapshot the worker reads, held until it answers. */
  readonly snapshot: ArrayBuffer;
}
const validations = new Map<number, Validation>();

/**
 * Validates a module's bytes on the worker (Engine.compileAsync of a lazy engine: its only
 * long step). Resolves true when they are valid, rejects with the CompileError compile()
 * would throw, resolves false when there is no worker (the caller validates itself). The
 * worker is referenced meanwhile: a program awaiting this must not exit.
 */
export function validateInBackground(bytes: Uint8Array, features: DecodeOptions): Promise<boolean> {
  const w = startWorker();
  if (w === null) return Promise.resolve(false);
  const [snapshot, id] = native.snapshotBytes(bytes);
  const job = nextJob++;
  return new Promise<boolean>((resolve, reject) => {
    validations.set(job, { resolve, reject, snapshot });
    w.ref();
    const request: LazyValidateRequest = { kind: 'validate', job, snapshot: id, features };
    w.postMessage(request);
  });
}

/** Ranges of about CHUNK_BODY_BYTES of bodies over the defined functions, as the protocol wants. */
function chunkRanges(lazy: LazyCode): Int32Array {
  const { codes, numImportedFuncs: imported } = lazy.module;
  const bounds: number[] = [];
  let start = 0;
  let size = 0;
  for (let d = 0; d < codes.length; d++) {
    size += codes[d]!.bodyEnd - codes[d]!.bodyStart;
    if (size >= CHUNK_BODY_BYTES || d === codes.length - 1) {
      bounds.push(imported + start, imported + d + 1);
      start = d + 1;
      size = 0;
    }
  }
  return Int32Array.from(bounds);
}

function startWorker(): Worker | null {
  if (worker !== null) return worker;
  if (workerFailed) return null;
  let w: Worker;
  const { port1, port2 } = new MessageChannel();
  try {
    w = new Worker(WORKER_URL, { execArgv: [], workerData: { chunkPort: port2 }, transferList: [port2] });
  } catch {
    workerFailed = true;
    return null;
  }
  w.on('message', (reply: LazyReply) => onReply(w, reply));
  port1.on('message', (reply: LazyReply) => onReply(w, reply));
  // After the listeners: adding a 'message' listener refs the ports again.
  w.unref();
  port1.unref();
  chunkPort = port1;
  const lost = () => {
    if (worker !== w) return;
    worker = null;
    chunkPort = null;
    port1.close();
    // The jobs end here: their functions compile on first calls, as without the worker.
    for (const job of jobs.values()) job.resolve();
    jobs.clear();
    for (const v of validations.values()) v.resolve(false);
    validations.clear();
  };
  w.on('error', lost);
  w.on('exit', lost);
  worker = w;
  return w;
}

/**
 * Installs the chunks the background worker has finished and this thread has not received
 * yet, now (LazyCode.compileOnFirstCall calls it before compiling a function itself).
 */
export function drainBackgroundChunks(): void {
  const port = chunkPort;
  const w = worker;
  if (port === null || w === null || jobs.size === 0) return;
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) onReply(w, m.message as LazyReply);
}

function onReply(w: Worker, reply: LazyReply): void {
  const v = validations.get(reply.job);
  if (v !== undefined) {
    validations.delete(reply.job);
    if (validations.size === 0) w.unref();
    if ('invalid' in reply) v.reject(deserializeError(reply.invalid));
    else v.resolve(true);
    return;
  }
  const job = jobs.get(reply.job);
  if (job === undefined) return;
  const lazy = job.lazy.deref();
  const end = () => {
    jobs.delete(reply.job);
    job.resolve();
  };
  if (lazy === undefined) {
    w.postMessage({ kind: 'cancel', job: reply.job });
    end();
    return;
  }
  if ('chunk' in reply) {
    const t0 = performance.now();
    try {
      lazy.install(reply.chunk);
    } catch {
      // Out of code space, say: what is left compiles on first calls, which report it.
      lazyBackgroundStats.errors++;
      w.postMessage({ kind: 'cancel', job: reply.job });
      end();
      return;
    }
    lazyBackgroundStats.installMs += performance.now() - t0;
    lazyBackgroundStats.workerMs += reply.ms;
    lazyBackgroundStats.chunks++;
    return;
  }
  if ('error' in reply) lazyBackgroundStats.errors++;
  end();
}
