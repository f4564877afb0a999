// Validating the function bodies of a large module on worker threads while the calling
// thread validates too, for a synchronous caller (compileModuleLazily: a lazy compile() is
// mostly this validation).
//
// Everything goes through one shared Int32Array, no messages back: a counter hands out
// ranges of bodies, each range's state says who holds it and how it ended. The caller
// blocks in Atomics.wait when it has nothing left to take, and validates a range a worker
// still holds itself once it has waited for it too long (a worker that is still starting,
// or descheduled on a loaded machine): validating twice gives the same answer.
//
// Which error an invalid module reports does not depend on who found it: on any failure
// the caller validates every body again in order on this thread (validateBodies), so the
// error is exactly the sequential one (the first bad body, with body-precedence.ts's rule
// for malformed ones). Invalid modules are rare; they pay one extra pass.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WasmModule } from '../wasm/types.js';
import { validateBodies, type ValidateOptions } from './function.js';

/** Layout of the shared control array: these slots, then one state per range. */
export const enum VCtl {
  /** Next range index to hand out (Atomics.add). */
  Next = 0,
  /** Ranges finished by anyone (Atomics.notify'd by workers after each). */
  Done = 1,
  States = 2,
}

/** A range's state. */
export const enum RangeState {
  Free = 0,
  Valid = 1,
  Invalid = 2,
}

/** A job as posted to a validation worker. */
export interface ValidateJob {
  /** The module bytes (shared, not copied). */
  bytes: SharedArrayBuffer;
  byteLength: number;
  simd: boolean;
  /** Range k covers defined functions ranges[2k] .. ranges[2k+1]-1. */
  ranges: Int32Array;
  ctl: SharedArrayBuffer;
}

/**
 * Below this many bytes of function bodies, bodies are validated on the calling thread
 * only: handing out ranges and decoding the module again on a worker cost about what the
 * worker saves. (sql.js, 0.6 MB of bodies, validates in ~60 ms cold.)
 */
export const PARALLEL_VALIDATE_MIN_BYTES = 2 << 20;
/** Ranges per thread: the threads finish close together. */
const RANGES_PER_THREAD = 8;
/** The shortest wait for a range a worker holds before the caller validates it itself. */
const MIN_STEAL_MS = 50;
/** ... or this many times the caller's own average time per range, if longer. */
const STEAL_FACTOR = 3;
const WAIT_SLICE_MS = 10;

const WORKER_URL = new URL('./validate-worker.js', import.meta.url);
const pool: Worker[] = [];
const sharedBytes = new WeakMap<Uint8Array, SharedArrayBuffer>();

/** How the last parallel validation on this thread went (benchmarks, tests). */
export interface ParallelValidateStats {
  threads: number;
  ranges: number;
  /** Ranges the calling thread validated (taken back from a worker included). */
  byCaller: number;
  stolen: number;
  /** Milliseconds the caller spent waiting for workers. */
  waitMs: number;
}
export let lastValidateStats: ParallelValidateStats | null = null;

/**
 * Start the validation workers now (up to `n`, default one per core but this one), so that
 * their start overlaps with what the caller does before it validates (decoding the module).
 * They are unref'd and kept for later modules.
 */
export function startValidateWorkers(n = availableParallelism() - 1): void {
  while (pool.length < n) {
    const worker = new Worker(WORKER_URL);
    worker.unref();
    // A worker that dies leaves the pool; the caller validates its ranges (stealing below).
    const drop = () => {
      const i = pool.indexOf(worker);
      if (i >= 0) pool.splice(i, 1);
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    pool.push(worker);
  }
}

/**
 * Threads (this one included) a module with `codeBytes` of bodies is validated with: true =
 * one per core, a number = that many, false = this one. Default, as for parallel compiles
 * (module-compiler.ts threadCount): one per core but one, from PARALLEL_VALIDATE_MIN_BYTES
 * on. So on 2 cores only an explicit setting uses a worker: there, in a cold process, 2
 * threads measured slower than 1 (docs/startup.md, "Parallel validation"): the worker's
 * start, its decode and its cold validator cost more than its share saves.
 */
export function validateThreads(codeBytes: number, setting?: boolean | number): number {
  if (setting === false) return 1;
  if (typeof setting === 'number') return Math.max(1, Math.min(64, Math.floor(setting)));
  if (setting === true) return Math.max(1, Math.min(64, availableParallelism()));
  if (codeBytes < PARALLEL_VALIDATE_MIN_BYTES) return 1;
  return Math.max(1, Math.min(64, availableParallelism() - 1));
}

/** For tests: make the workers validate every range (the caller only waits, and steals late). */
export interface ValidateTuning {
  /** The caller takes ranges too (default true). */
  callerTakes?: boolean;
  /** Shortest wait before the caller validates a range a worker holds (default MIN_STEAL_MS). */
  minStealMs?: number;
}

/**
 * validateBodies(m, 0, n, options, n) for all n defined functions, on `threads` threads in
 * all (this one and threads - 1 workers): throws exactly what it throws.
 */
export function validateFunctionsInParallel(m: WasmModule, options: ValidateOptions, threads: number, tuning: ValidateTuning = {}): void {
  const n = m.codes.length;
  if (threads <= 1 || n < 2) {
    validateBodies(m, 0, n, options, n);
    return;
  }
  startValidateWorkers(threads - 1);
  const ranges = bodyRanges(m, threads * RANGES_PER_THREAD);
  const count = ranges.length / 2;
  const ctl = new Int32Array(new SharedArrayBuffer((VCtl.States + count) * 4));
  const job: ValidateJob = {
    bytes: shared(m.bytes), byteLength: m.bytes.length, simd: options.simd !== false, ranges, ctl: ctl.buffer as SharedArrayBuffer,
  };
  for (const w of pool.slice(0, threads - 1)) w.postMessage(job);

  const stats: ParallelValidateStats = { threads, ranges: count, byCaller: 0, stolen: 0, waitMs: 0 };
  let failed = false;
  let ownMs = 0;
  const validateHere = (k: number): void => {
    const t0 = performance.now();
    let state = RangeState.Valid;
    try {
      validateBodies(m, ranges[2 * k]!, ranges[2 * k + 1]!, options, ranges[2 * k + 1]!);
    } catch {
      state = RangeState.Invalid;
    }
    ownMs += performance.now() - t0;
    stats.byCaller++;
    // A worker may have finished it meanwhile: the first answer stays (both are the same).
    if (Atomics.compareExchange(ctl, VCtl.States + k, RangeState.Free, state) === RangeState.Free) Atomics.add(ctl, VCtl.Done, 1);
  };

  while (tuning.callerTakes !== false) {
    const k = Atomics.add(ctl, VCtl.Next, 1);
    if (k >= count) break;
    validateHere(k);
    if (Atomics.load(ctl, VCtl.States + k) === RangeState.Invalid) {
      failed = true;
      break;
    }
  }

  const waitFrom = performance.now();
  const stealAfter = Math.max(tuning.minStealMs ?? MIN_STEAL_MS, stats.byCaller > 0 ? (STEAL_FACTOR * ownMs) / stats.byCaller : 0);
  let waitingFor = -1;
  let waitStart = 0;
  while (!failed) {
    const seen = Atomics.load(ctl, VCtl.Done);
    if (seen >= count) break;
    let missing = -1;
    for (let k = 0; k < count; k++) {
      const s = Atomics.load(ctl, VCtl.States + k);
      if (s === RangeState.Invalid) failed = true;
      else if (s === RangeState.Free && missing < 0) missing = k;
    }
    if (failed || missing < 0) break;
    const now = performance.now();
    if (missing !== waitingFor) {
      waitingFor = missing;
      waitStart = now;
    } else if (now - waitStart > stealAfter) {
      validateHere(missing);
      stats.stolen++;
      continue;
    }
    Atomics.wait(ctl, VCtl.Done, seen, WAIT_SLICE_MS);
  }
  // Workers still holding ranges of this job stop at their next range (none are left).
  Atomics.store(ctl, VCtl.Next, count);
  stats.waitMs = performance.now() - waitFrom;
  lastValidateStats = stats;
  for (let k = 0; k < count && !failed; k++) if (Atomics.load(ctl, VCtl.States + k) === RangeState.Invalid) failed = true;
  // The sequential pass decides which error this is (see the top of this file).
  if (failed) validateBodies(m, 0, n, options, n);
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

/** Cut the defined functions into at most `parts` ranges of about equal body size (flat pairs). */
export function bodyRanges(m: WasmModule, parts: number): Int32Array {
  const n = m.codes.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += m.codes[i]!.bodyEnd - m.codes[i]!.bodyStart;
  const target = Math.max(1, Math.ceil(total / parts));
  const bounds: number[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < n; i++) {
    size += m.codes[i]!.bodyEnd - m.codes[i]!.bodyStart;
    if (size >= target || i === n - 1) {
      bounds.push(start, i + 1);
      start = i + 1;
      size = 0;
    }
  }
  return Int32Array.from(bounds);
}
