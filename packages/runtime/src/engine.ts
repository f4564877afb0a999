// Engine: configuration shared by the modules it compiles and the instances it creates.
import { isMainThread } from 'node:worker_threads';
import { MIN_HOST_STACK_RESERVE, type DecodeOptions } from '@wasmjit/codegen';
import { Module, toBytes, type WasmBytes } from './module.js';
import { BACKGROUND_COMPILE_MIN_BYTES, compileInBackground, copyModuleBytes } from './threads/background-compile.js';
import { Instance, type Imports } from './instance.js';
import { MAX_FUEL } from './interruption.js';
import { EpochCounter } from './epoch-counter.js';

export type BoundsChecks = 'guard' | 'explicit';

export interface EngineOptions {
  /**
   * Bytes of machine stack wasm frames may use, counted from where the outermost JS→wasm call
   * on a thread enters (default 512 KiB). Nested entries (wasm → JS import → wasm) share it,
   * but the JS and native frames between them are not charged: a nested entry gets what the
   * outer wasm left (at most its own engine's maxWasmStack). The limit is never placed closer
   * than `hostStackReserve` to the thread's real stack bottom; if that leaves no room at all,
   * the call traps `stack_overflow` without running.
   * It is not clamped to V8's own JS stack limit: with a value larger than the JS stack that
   * is left (Node's --stack-size, ~984 KB on the main thread), a JS import called from deep
   * wasm gets V8's RangeError, which propagates through the wasm frames to the caller like
   * any exception from an import. See docs/stack.md.
   */
  maxWasmStack?: number;
  /**
   * Bytes always left below the wasm limit for native code that wasm calls: host-call glue,
   * N-API and V8 entering a JS import, runtime helpers, the trap unwinder (default 256 KiB).
   * At least MIN_HOST_STACK_RESERVE (64 KiB): the trap path and a JS import that V8 refuses
   * for lack of JS stack (it builds its RangeError there, a GC included) need it; see
   * docs/stack.md.
   */
  hostStackReserve?: number;
  boundsChecks?: BoundsChecks;
  /** Proposals beyond Wasm 2.0 to accept (off by default), e.g. { extendedConst: true }. */
  features?: DecodeOptions;
  /**
   * @internal Measurement only (bench/stack-check.ts): `false` compiles functions without
   * the prologue stack check, so that its cost can be measured. Unbounded recursion then
   * crashes the process instead of trapping. Never turn it off for real use.
   */
  stackChecks?: boolean;
  /**
   * Epoch interruption (default false): function entries and loop headers compare the
   * engine's epoch with the instance's deadline and trap `interrupt` once it is reached.
   * See incrementEpoch, epochBuffer, callWithTimeout and Instance.setEpochDeadline.
   */
  epochInterruption?: boolean;
  /**
   * Host interrupts (default: on in worker threads, off on the main thread): function entries
   * and loop headers get the epoch check (one check serves epochs too), and every 10 ms a
   * running wasm function briefly calls into JS, where V8 acts on what is pending for the
   * thread: `worker.terminate()` (and so `process.exit()` on the main thread while a worker
   * runs wasm), `worker.getHeapSnapshot()`, the inspector. Without it wasm that never calls
   * JS keeps its worker running until it returns. Off on the main thread because the check costs
   * tight loops up to ~25 % (docs/interrupt.md) and nothing terminates the main thread from
   * outside; turn it on there to keep the inspector responsive during long wasm runs.
   */
  hostInterrupts?: boolean;
  /**
   * Fuel (default false): every basic block costs its operator count; function entries and
   * loop headers trap `out_of_fuel` once the instance's fuel cannot pay. Deterministic: the
   * same program with the same fuel stops at the same point. See Instance.setFuel.
   */
  consumeFuel?: boolean;
  /**
   * Fuel every new instance starts with, so that a start function is bounded too (default:
   * 2^63 - 1, unlimited in practice). Only with consumeFuel.
   */
  initialFuel?: number | bigint;
  /**
   * Compile on worker threads too: true = one thread per core, a number = that many threads
   * in all (the calling one included), false = the calling thread only. Default: for modules
   * with at least 1 MiB of function bodies (codegen PARALLEL_MIN_CODE_BYTES), one thread per
   * core but one, or more once workers are warm; so on a 2-core machine only an explicit
   * setting starts workers (there a first, cold parallel compile measured slower, a later
   * one 1.7x faster). The machine code is byte-identical either way; workers are started on
   * first use and kept (unref'd) for later compiles.
   */
  parallelCompile?: boolean | number;
}

/** What an instance's vmctx takes from its engine, captured when the Engine is made. */
export interface StackSettings {
  readonly maxWasmStack: number;
  readonly hostStackReserve: number;
}

let stackSettingsOf: (e: unknown) => StackSettings | undefined;

/**
 * The stack settings of a real Engine (undefined for anything else): never read through the
 * Engine's properties, which a program can replace or shadow.
 */
export function engineStackSettings(e: unknown): StackSettings | undefined {
  return stackSettingsOf(e);
}

export class Engine {
  readonly maxWasmStack: number;
  readonly hostStackReserve: number;
  readonly boundsChecks: BoundsChecks;
  readonly features: DecodeOptions;
  /** @internal See EngineOptions.stackChecks (measurement only). */
  readonly stackChecks: boolean;
  readonly epochInterruption: boolean;
  /** EngineOptions.hostInterrupts, its default resolved on the thread that created the engine. */
  readonly hostInterrupts: boolean;
  readonly consumeFuel: boolean;
  /** @internal EngineOptions.initialFuel. */
  readonly initialFuel: number | bigint;
  /** EngineOptions.parallelCompile (undefined: by module size). */
  readonly parallelCompile: boolean | number | undefined;
  /** @internal The epoch cells (epoch-counter.ts), when epochInterruption or hostInterrupts is on. */
  readonly epoch: EpochCounter | null;
  readonly #stack: StackSettings;

  static {
    stackSettingsOf = (e) => (typeof e === 'object' && e !== null && #stack in e ? (e as Engine).#stack : undefined);
  }

  constructor(options: EngineOptions = {}) {
    this.maxWasmStack = positive(options.maxWasmStack ?? 512 * 1024, 'maxWasmStack');
    this.hostStackReserve = positive(options.hostStackReserve ?? 256 * 1024, 'hostStackReserve');
    if (this.hostStackReserve < MIN_HOST_STACK_RESERVE) {
      throw new RangeError(`hostStackReserve must be at least ${MIN_HOST_STACK_RESERVE} bytes (64 KiB): the trap path and a host call into JS run there`);
    }
    this.boundsChecks = options.boundsChecks ?? 'guard';
    this.features = { ...options.features };
    this.stackChecks = options.stackChecks ?? true;
    this.epochInterruption = options.epochInterruption ?? false;
    this.hostInterrupts = options.hostInterrupts ?? !isMainThread;
    this.consumeFuel = options.consumeFuel ?? false;
    this.initialFuel = options.initialFuel ?? MAX_FUEL;
    this.parallelCompile = options.parallelCompile;
    this.epoch = this.epochInterruption || this.hostInterrupts
      ? new EpochCounter({ deadlines: this.epochInterruption, hostInterrupts: this.hostInterrupts })
      : null;
    this.#stack = { maxWasmStack: this.maxWasmStack, hostStackReserve: this.hostStackReserve };
  }

  private epochCounter(what: string): EpochCounter {
    if (!this.epochInterruption || this.epoch === null) throw new TypeError(`wasmjit: ${what} needs an Engine created with { epochInterruption: true }`);
    return this.epoch;
  }

  /** Advances the epoch by one. From another thread: see epochBuffer. */
  incrementEpoch(): void {
    this.epochCounter('incrementEpoch').increment();
  }

  /** The current epoch. */
  currentEpoch(): bigint {
    return this.epochCounter('currentEpoch').current();
  }

  /**
   * The shared memory the epoch lives in (see epoch-counter.ts): every bump adds 1 to its
   * first 8 bytes, an i64. Post it to a worker and bump the epoch there with
   * `Atomics.add(new BigInt64Array(buffer, 0, 1), 0, 1n)`; nothing else is needed there.
   * (Those bytes hold the epoch minus the earliest deadline; read the epoch with currentEpoch.)
   */
  get epochBuffer(): SharedArrayBuffer {
    return this.epochCounter('epochBuffer').buffer;
  }

  /**
   * Calls fn(...args) (an exported wasm function, or JS that calls into this engine's
   * instances) so that it traps `interrupt` (a RuntimeError) after about `ms` milliseconds:
   * the engine gets a deadline of the next epoch that every instance of it has, including
   * the ones fn creates (their start functions too), and the add-on's timer thread bumps
   * the epoch after `ms` (so does any other incrementEpoch meanwhile). The deadline is
   * removed afterwards and the instances stay usable. Arming it costs the same whatever the
   * number of instances. Wasm of other engines and JS code are not interrupted.
   */
  callWithTimeout<R>(fn: (...args: never[]) => R, ms: number, ...args: unknown[]): R {
    return this.epochCounter('callWithTimeout').callWithTimeout(fn as (...a: unknown[]) => R, ms, args);
  }

  compile(bytes: WasmBytes): Module {
    return new Module(bytes, this);
  }

  /**
   * compile() without blocking this thread for the compile: the bytes are copied now; a
   * module of 64 KiB or more compiles on a background worker and this thread adopts the
   * code (threads/background-compile.ts, docs/threads.md), a smaller one compiles in a later task.
   * The module, and any error, are what compile() gives.
   */
  compileAsync(bytes: WasmBytes): Promise<Module> {
    let copy: Uint8Array;
    try {
      copy = copyModuleBytes(toBytes(bytes));
    } catch (e) {
      return Promise.reject(e);
    }
    if (copy.length >= BACKGROUND_COMPILE_MIN_BYTES) return compileInBackground(copy, this);
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(new Module(copy, this));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  instantiate(module: Module, imports: Imports = {}): Instance {
    return new Instance(module, imports, this);
  }
}

function positive(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`${what} must be a positive integer number of bytes`);
  return n;
}

let defaultEngine: Engine | undefined;
export function getDefaultEngine(): Engine {
  return (defaultEngine ??= new Engine());
}
