// Compiling chunks (chunk-compiler.ts) on worker threads while the calling thread compiles
// too, for compileModuleCode, which is synchronous.
//
// The calling thread blocks in Atomics.wait while waiting, and picks up results with
// receiveMessageOnPort; neither needs its event loop, so this works inside any synchronous
// caller (the Module constructor). Workers are started on first use, kept for later
// compiles, and unref'd, so they never keep the process alive.
//
// Work distribution is dynamic: a shared counter hands out chunk indexes, and every thread,
// the caller included, takes the next one until none are left. A worker that is slow to
// start (the first compile) or descheduled (a loaded machine) simply takes fewer chunks, and
// the caller compiles a chunk a worker still holds itself when it has waited for it too long.
// The result does not depend on who compiled what: chunks are placed in index order.
import type { DecodeOptions } from '../wasm/reader.js';
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { CompileError } from '../errors.js';
import type { WasmModule } from '../wasm/types.js';
import { compileChunk, type CodeChunk, type ModuleCompileOptions } from './chunk-compiler.js';

/** Indexes into the shared control array. */
export const enum Ctl {
  /** The next chunk index to hand out (Atomics.add). */
  Next = 0,
  /** Chunks finished by workers (Atomics.notify'd after each result is posted). */
  Done = 1,
  Size = 2,
}

/** A job as posted to a worker (structured-cloneable). */
export interface CompileJob {
  id: number;
  /** The module bytes (shared, not copied). */
  bytes: SharedArrayBuffer;
  byteLength: number;
  /** The features the module was decoded with: the worker validates bodies under them. */
  features: DecodeOptions;
  options: ModuleCompileOptions;
  typeIds: number[];
  /** Chunk k covers functions ranges[2k] .. ranges[2k+1]-1. */
  ranges: Int32Array;
  ctl: SharedArrayBuffer;
}

/** A worker's answer for one chunk. */
export type ChunkMessage =
  | { id: number; index: number; chunk: CodeChunk; ms: number }
  | { id: number; index: number; error: SerializedError; ms: number };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** CompileError fields. */
  reason?: string;
  offset?: number;
  funcIndex?: number;
}

interface PoolWorker {
  worker: Worker;
  /** Where this worker posts its chunks (never started: read with receiveMessageOnPort). */
  results: MessagePort;
  /** Chunks it has delivered so far: once it has, V8 has optimised its copy of the compiler. */
  delivered: number;
}

const WORKER_URL = new URL('./compile-worker.js', import.meta.url);
/** The shortest wait for a chunk a worker holds before the caller compiles it itself. */
const MIN_STEAL_MS = 100;
/** ... or this many times the caller's own average time per chunk, if longer. */
const STEAL_FACTOR = 4;
/** Atomics.wait slices: how often the caller re-checks while waiting. */
const WAIT_SLICE_MS = 20;

/** How the last parallel compile on this thread went (for the compile-speed benchmark). */
export interface ParallelStats {
  threads: number;
  chunks: number;
  /** Chunks the calling thread compiled (stolen ones included). */
  byCaller: number;
  /** Chunks the calling thread took back from a worker that was too slow. */
  stolen: number;
  /** Milliseconds the calling thread spent waiting for workers after the queue ran out. */
  waitMs: number;
  /** Milliseconds the calling thread spent compiling chunks. */
  callerMs: number;
  /** Milliseconds workers spent compiling the chunks they delivered (their sum). */
  workerMs: number;
}
export let lastParallelStats: ParallelStats | null = null;

const pool: PoolWorker[] = [];
let nextJobId = 1;
/** Module bytes already copied to shared memory (a module may be compiled again). */
const sharedBytes = new WeakMap<Uint8Array, SharedArrayBuffer>();

/**
 * Start (up to) n compile workers now, if they are not running yet, so that their start-up
 * overlaps with whatever the caller does before it has chunks to hand out.
 */
export function startCompileWorkers(n: number): void {
  workers(n);
}

function workers(n: number): PoolWorker[] {
  while (pool.length < n) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_URL, { workerData: { results: port2 }, transferList: [port2] });
    worker.unref();
    // A worker that dies leaves the pool; its chunks are taken back by the stealing below.
    worker.on('error', () => drop(worker));
    worker.on('exit', () => drop(worker));
    pool.push({ worker, results: port1, delivered: 0 });
  }
  return pool.slice(0, n);
}

/**
 * Workers that have compiled before. A worker starts with its own cold copy of the compiler,
 * which V8 runs slowly (and optimises on yet another thread) for the first several hundred
 * milliseconds; a warm one is as fast as the caller from its first chunk.
 */
export function warmWorkerCount(): number {
  let n = 0;
  for (const p of pool) if (p.delivered >= WARM_AFTER_CHUNKS) n++;
  return n;
}

/** Chunks a worker must have compiled to count as warm. */
const WARM_AFTER_CHUNKS = 4;

function drop(worker: Worker): void {
  const i = pool.findIndex((p) => p.worker === worker);
  if (i >= 0) pool.splice(i, 1)[0]!.results.close();
}

function shared(bytes: Uint8Array): SharedArrayBuffer {
  let sab = sharedBytes.get(bytes);
  if (!sab) {
    sab = new SharedArrayBuffer(bytes.length);
    new Uint8Array(sab).set(bytes);
    sharedBytes.set(bytes, sab);
  }
  return sab;
}

/**
 * Compile the chunks `ranges` describes with `threads` threads in all (the caller and
 * threads - 1 workers) and return them in index order; throws the error of the first chunk
 * that failed, as a sequential compile would.
 */
export function compileChunksInParallel(
  module: WasmModule, options: ModuleCompileOptions, typeIds: number[],
  ranges: Int32Array, threads: number,
): CodeChunk[] {
  const n = ranges.length / 2;
  const ctl = new Int32Array(new SharedArrayBuffer(Ctl.Size * 4));
  const id = nextJobId++;
  const helpers = workers(threads - 1);
  const job: CompileJob = {
    id, bytes: shared(module.bytes), byteLength: module.bytes.length, features: { ...module.features }, options, typeIds, ranges, ctl: ctl.buffer as SharedArrayBuffer,
  };
  for (const h of helpers) h.worker.postMessage(job);

  const chunks: (CodeChunk | null)[] = new Array<CodeChunk | null>(n).fill(null);
  const errors: (Error | null)[] = new Array<Error | null>(n).fill(null);
  const compileHere = (i: number) => {
    try {
      chunks[i] = compileChunk(module, options, typeIds, ranges[2 * i]!, ranges[2 * i + 1]!);
    } catch (e) {
      errors[i] = e as Error;
    }
  };

  let ownTime = 0;
  let own = 0;
  for (;;) {
    const i = Atomics.add(ctl, Ctl.Next, 1);
    if (i >= n) break;
    const t0 = performance.now();
    compileHere(i);
    ownTime += performance.now() - t0;
    own++;
  }

  // Every chunk has been handed out; collect the workers' ones.
  const stats: ParallelStats = { threads, chunks: n, byCaller: own, stolen: 0, waitMs: 0, callerMs: ownTime, workerMs: 0 };
  const waitFrom = performance.now();
  const stealAfter = Math.max(MIN_STEAL_MS, own > 0 ? (STEAL_FACTOR * ownTime) / own : 0);
  const finished = (i: number) => chunks[i] !== null || errors[i] !== null;
  let waitingFor = -1;
  let waitStart = 0;
  for (;;) {
    const seen = Atomics.load(ctl, Ctl.Done);
    for (const h of helpers) stats.workerMs += collect(h, id, chunks, errors);
    let missing = -1;
    for (let i = 0; i < n; i++) {
      if (!finished(i)) {
        missing = i;
        break;
      }
    }
    if (missing < 0) break;
    const now = performance.now();
    if (missing !== waitingFor) {
      waitingFor = missing;
      waitStart = now;
    } else if (now - waitStart > stealAfter) {
      // Its worker is slow, stuck or gone: the result is the same whoever computes it.
      const t0 = performance.now();
      compileHere(missing);
      stats.callerMs += performance.now() - t0;
      stats.byCaller++;
      stats.stolen++;
      continue;
    }
    Atomics.wait(ctl, Ctl.Done, seen, WAIT_SLICE_MS);
  }

  stats.waitMs = performance.now() - waitFrom;
  lastParallelStats = stats;
  for (let i = 0; i < n; i++) if (errors[i]) throw errors[i];
  return chunks as CodeChunk[];
}

/**
 * Take this job's results waiting on a worker's port (older jobs' late results are
 * dropped); returns the worker time they took.
 */
function collect(from: PoolWorker, id: number, chunks: (CodeChunk | null)[], errors: (Error | null)[]): number {
  let ms = 0;
  for (;;) {
    const m = receiveMessageOnPort(from.results);
    if (m === undefined) return ms;
    const msg = m.message as ChunkMessage;
    if (msg.id !== id || chunks[msg.index] !== null || errors[msg.index] !== null) continue;
    if ('chunk' in msg) chunks[msg.index] = msg.chunk;
    else errors[msg.index] = deserializeError(msg.error);
    ms += msg.ms;
    from.delivered++;
  }
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof CompileError) {
    return { name: e.name, message: e.message, stack: e.stack, reason: e.reason, offset: e.offset, funcIndex: e.funcIndex };
  }
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

function deserializeError(s: SerializedError): Error {
  if (s.name === 'CompileError') return new CompileError(s.reason ?? s.message, s.offset, s.funcIndex);
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack) e.stack = `${s.stack}\n    (on a compile worker)`;
  return e;
}
