// Engine: configuration shared by the modules it compiles and the instances it creates.
import { defaultMaxWasmStack } from './default-stack.js';
import { isMainThread } from 'node:worker_threads';
import { FEATURE_NAMES, MIN_HOST_STACK_RESERVE, featureOn, type DecodeOptions } from '@wasmjit/codegen';
import { adoptPrebuilt, compileValidated, Module, toBytes, type WasmBytes } from './module.js';
import { compileAsyncCached, compileUncached, prebuildDuringValidation } from './cache/cached-compile.js';
import { validateInBackground } from './threads/lazy-background.js';
import { compilesLazily } from './compilation-choice.js';
import { BACKGROUND_COMPILE_MIN_BYTES, compileInBackground, copyModuleBytes } from './threads/background-compile.js';
import { Instance, type Imports } from './instance.js';
import { MAX_FUEL } from './interruption.js';
import { EpochCounter } from './epoch-counter.js';
import { CodeCache, DEFAULT_CACHE_MAX_BYTES, type CacheStats } from './cache/code-cache.js';
import { defaultCacheDir } from './cache/cache-dir.js';

export type BoundsChecks = 'guard' | 'explicit';

export interface EngineOptions {
  /**
   * Bytes of stack wasm frames may use. wasm runs on a stack of its own per thread (the JS
   * frames of imports stay on the thread's stack), and all activations of a thread share
   * this budget: a nested entry (wasm → JS import → wasm) gets what the outer wasm left, at
   * most its own engine's maxWasmStack. Default: twice the JS stack V8 allows on the thread
   * that creates the Engine (Node's --stack-size, 984 KB, on the main thread: 1.92 MiB; a
   * worker's stackSizeMb minus 192 KiB: 7.6 MiB with the default 4 MiB), which gives at least
   * V8's depth (default-stack.ts). Exceeding it traps `stack_overflow`. See docs/stack.md.
   */
  maxWasmStack?: number;
  /**
   * Bytes always left below the wasm limit, on the wasm stack, for native code that wasm
   * calls: native imports, host-call glue, the trap unwinder (default 256 KiB). At least
   * MIN_HOST_STACK_RESERVE (64 KiB); see docs/stack.md.
   */
  hostStackReserve?: number;
  boundsChecks?: BoundsChecks;
  /**
   * Which compiler makes the code (default 'baseline', the single-pass compiler):
   * 'optimized' compiles every function the optimizing tier supports with it (SSA, GVN, loop
   * invariant code motion, linear-scan registers; docs/optimizing-tier.md) and the others with
   * the single-pass compiler. With fuel or interrupts on, every function stays baseline.
   */
  tier?: Tier;
  /**
   * Wasm 3.0 features beyond 2.0 (extendedConst, tailCalls, typedFunctionReferences,
   * multiMemory, memory64, exceptions): each is on unless set to false, e.g. { tailCalls: false }.
   */
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
   * first use and kept (unref'd) for later compiles. A lazy compile compiles on first calls and
   * the background worker (backgroundCompile); for it this option sets the threads that
   * validate the function bodies (codegen validate/parallel.ts; by default as many as for an
   * eager compile: none but this one on 2 cores, where more measured slower, docs/startup.md).
   */
  parallelCompile?: boolean | number;
  /**
   * SIMD instructions (default 'auto'): 'avx' emits the VEX (AVX) forms, 'sse4.1' the SSE4.1
   * baseline V8 also requires; 'auto' picks AVX when the CPU reports it. The results are the
   * same; the option exists to test and measure both paths.
   */
  simd?: 'auto' | SimdIsa;
  /**
   * Persistent code cache (default off): `true` keeps compiled modules in
   * $XDG_CACHE_HOME/wasmjit (else ~/.cache/wasmjit), a string in that directory. A module
   * whose bytes were compiled before with the same wasmjit and code options is loaded from
   * it instead of compiled; a corrupt, truncated, foreign or stale entry is ignored and
   * replaced, never run. Cache failures (read-only, full disk) never fail a compile: they
   * are counted (cacheStats.errors) and reported by one warning. With epochInterruption or
   * hostInterrupts, the engine's modules read the epoch cell's address from vmctx rather than
   * having it compiled in (so that their code can be stored). See docs/cache.md.
   */
  cache?: boolean | string;
  /** Bound on the cache directory's entries, in bytes (default 1 GiB): oldest access evicted first. */
  cacheMaxBytes?: number;
  /**
   * When function bodies become machine code (default 'auto'). 'lazy': compile() decodes
   * and validates the whole module but compiles each function on its first call, or before,
   * on a background worker thread (backgroundCompile); see docs/startup.md. 'eager': compile()
   * compiles every function. 'auto': lazy for modules of LAZY_MIN_BYTES or more, eager below
   * (what measured faster to a first result on the benchmark's packages, docs/startup.md).
   * The machine code of a function is the same either way.
   */
  compilation?: Compilation;
  /**
   * With lazy compilation: compile the functions not called yet on a worker thread, after
   * compile() returns, never blocking this thread (default true). The first call of a
   * function the worker has not delivered yet compiles it here; whichever finishes first wins.
   */
  backgroundCompile?: boolean;
}

import type { Compilation } from './compilation-choice.js';
export type { Compilation };
/** The SIMD instruction forms code is compiled with: AVX (VEX) or the SSE4.1 baseline. */
export type SimdIsa = 'avx' | 'sse4.1';
const COMPILATIONS: readonly Compilation[] = ['lazy', 'eager', 'auto'];

/** What an instance's vmctx takes from its engine, captured when the Engine is made. */
export interface StackSettings {
  readonly maxWasmStack: number;
  readonly hostStackReserve: number;
}

/**
 * Everything compiling and instantiating take from an Engine, fixed when it is made and
 * kept in a private field: the getters below show it, but assigning, shadowing or deleting
 * them (or passing a look-alike object as an engine) changes nothing the code is compiled
 * with. Before, a program could set `engine.stackChecks = false` and crash the process.
 */
export interface EngineSettings extends StackSettings {
  readonly boundsChecks: BoundsChecks;
  readonly tier: Tier;
  readonly features: Readonly<DecodeOptions>;
  readonly stackChecks: boolean;
  readonly epochInterruption: boolean;
  readonly hostInterrupts: boolean;
  readonly consumeFuel: boolean;
  readonly initialFuel: number | bigint;
  readonly parallelCompile: boolean | number | undefined;
  readonly compilation: Compilation;
  readonly backgroundCompile: boolean;
  /** EngineOptions.simd: true = AVX forms, false = SSE4.1, undefined = by the CPU. */
  readonly simdAvx: boolean | undefined;
  /** The epoch cells (epoch-counter.ts), when epochInterruption or hostInterrupts is on. */
  readonly epoch: EpochCounter | null;
  /** EngineOptions.cache, when on. */
  readonly cache: CodeCache | null;
}

let settingsOf: (e: unknown) => EngineSettings | undefined;

/** The settings of a real Engine (undefined for anything else, a Proxy of one included). */
let compileCopyAsyncOf: (e: Engine, copy: Uint8Array) => Promise<Module>;

/**
 * Engine#compileAsync of bytes that are already the caller's private copy (copyModuleBytes),
 * which no one changes later: the WebAssembly namespace's asynchronous compiles, which copied
 * them when called. A function, not a method, so nothing new is reachable from an Engine
 * (docs/surface.md).
 */
export function compileCopyAsync(engine: Engine, copy: Uint8Array): Promise<Module> {
  return compileCopyAsyncOf(engine, copy);
}

export function engineSettings(e: unknown): EngineSettings | undefined {
  return settingsOf(e);
}

/** The stack settings of a real Engine (undefined for anything else). */
export function engineStackSettings(e: unknown): StackSettings | undefined {
  return settingsOf(e);
}

/** @internal The epoch counter of an engine (tests and tools; not exported by index.ts). */
export function engineEpoch(e: Engine): EpochCounter | null {
  return settingsOf(e)?.epoch ?? null;
}

/**
 * The default of EngineOptions.compilation: 'auto', or what WASMJIT_COMPILATION=eager|lazy|auto
 * says for the whole process (the benchmark's lazy column, the spec suite in either mode).
 */
function defaultCompilation(): Compilation {
  const v = process.env.WASMJIT_COMPILATION;
  if (v === undefined || v === '') return 'auto';
  if (!COMPILATIONS.includes(v as Compilation)) throw new TypeError(`WASMJIT_COMPILATION must be "lazy", "eager" or "auto", got ${JSON.stringify(v)}`);
  return v as Compilation;
}

const BOUNDS_CHECKS: readonly BoundsChecks[] = ['guard', 'explicit'];
export type Tier = 'baseline' | 'optimized';
const TIERS: readonly Tier[] = ['baseline', 'optimized'];

function simdAvxOf(simd: EngineOptions['simd']): boolean | undefined {
  if (simd === undefined || simd === 'auto') return undefined;
  if (simd === 'avx') return true;
  if (simd === 'sse4.1') return false;
  throw new TypeError(`simd must be 'auto', 'avx' or 'sse4.1', got ${String(simd)}`);
}

export class Engine {
  readonly #settings: EngineSettings;

  static {
    compileCopyAsyncOf = (e, copy) => e.#compileCopyAsync(copy);
    settingsOf = (e) => (typeof e === 'object' && e !== null && #settings in e ? (e as Engine).#settings : undefined);
  }

  constructor(options: EngineOptions = {}) {
    const maxWasmStack = positive(options.maxWasmStack ?? defaultMaxWasmStack(), 'maxWasmStack');
    const hostStackReserve = positive(options.hostStackReserve ?? 256 * 1024, 'hostStackReserve');
    if (hostStackReserve < MIN_HOST_STACK_RESERVE) {
      throw new RangeError(`hostStackReserve must be at least ${MIN_HOST_STACK_RESERVE} bytes (64 KiB): the trap path and native host calls run there`);
    }
    const boundsChecks = options.boundsChecks ?? 'guard';
    if (!BOUNDS_CHECKS.includes(boundsChecks)) throw new TypeError(`boundsChecks must be 'guard' or 'explicit', got ${String(boundsChecks)}`);
    const tier = options.tier ?? 'baseline';
    if (!TIERS.includes(tier)) throw new TypeError(`tier must be 'baseline' or 'optimized', got ${String(tier)}`);
    const compilation = options.compilation ?? defaultCompilation();
    if (!COMPILATIONS.includes(compilation)) throw new TypeError(`compilation must be 'lazy', 'eager' or 'auto', got ${String(compilation)}`);
    const epochInterruption = Boolean(options.epochInterruption ?? false);
    const hostInterrupts = Boolean(options.hostInterrupts ?? !isMainThread);
    this.#settings = Object.freeze({
      maxWasmStack,
      hostStackReserve,
      boundsChecks,
      tier,
      features: resolveFeatures(options.features),
      stackChecks: Boolean(options.stackChecks ?? true),
      epochInterruption,
      hostInterrupts,
      consumeFuel: Boolean(options.consumeFuel ?? false),
      initialFuel: options.initialFuel ?? MAX_FUEL,
      parallelCompile: options.parallelCompile,
      compilation,
      backgroundCompile: Boolean(options.backgroundCompile ?? true),
      simdAvx: simdAvxOf(options.simd),
      epoch: epochInterruption || hostInterrupts ? new EpochCounter({ deadlines: epochInterruption, hostInterrupts }) : null,
      cache: codeCacheOf(options),
    });
  }

  /** The code cache's directory (EngineOptions.cache), or null without a cache. */
  get cacheDirectory(): string | null {
    return this.#settings.cache?.dir ?? null;
  }

  /** A snapshot of the code cache's counters (hits, misses, rejected entries, ...), or null without a cache. */
  get cacheStats(): CacheStats | null {
    const cache = this.#settings.cache;
    return cache === null ? null : { ...cache.stats };
  }

  /** EngineOptions.maxWasmStack, as resolved (read-only). */
  get maxWasmStack(): number {
    return this.#settings.maxWasmStack;
  }

  /** EngineOptions.hostStackReserve, as resolved (read-only). */
  get hostStackReserve(): number {
    return this.#settings.hostStackReserve;
  }

  get boundsChecks(): BoundsChecks {
    return this.#settings.boundsChecks;
  }

  /** A copy of EngineOptions.features. */
  get features(): DecodeOptions {
    return { ...this.#settings.features };
  }

  /** @internal See EngineOptions.stackChecks (measurement only). */
  get stackChecks(): boolean {
    return this.#settings.stackChecks;
  }

  get epochInterruption(): boolean {
    return this.#settings.epochInterruption;
  }

  /** EngineOptions.hostInterrupts, its default resolved on the thread that created the engine. */
  get hostInterrupts(): boolean {
    return this.#settings.hostInterrupts;
  }

  get consumeFuel(): boolean {
    return this.#settings.consumeFuel;
  }

  /** EngineOptions.initialFuel, as resolved. */
  get initialFuel(): number | bigint {
    return this.#settings.initialFuel;
  }

  /** EngineOptions.parallelCompile (undefined: by module size). */
  get parallelCompile(): boolean | number | undefined {
    return this.#settings.parallelCompile;
  }

  /** EngineOptions.compilation, as resolved. */
  get compilation(): Compilation {
    return this.#settings.compilation;
  }

  /** Whether compile() of a module of `byteLength` bytes compiles it lazily (see `compilation`). */
  compilesLazily(byteLength: number): boolean {
    return compilesLazily(this.#settings.compilation, byteLength);
  }

  /** EngineOptions.backgroundCompile, as resolved. */
  get backgroundCompile(): boolean {
    return this.#settings.backgroundCompile;
  }

  #epochCounter(what: string): EpochCounter {
    const { epochInterruption, epoch } = this.#settings;
    if (!epochInterruption || epoch === null) throw new TypeError(`wasmjit: ${what} needs an Engine created with { epochInterruption: true }`);
    return epoch;
  }

  /** Advances the epoch by one. From another thread: see epochBuffer. */
  incrementEpoch(): void {
    this.#epochCounter('incrementEpoch').increment();
  }

  /** The current epoch. */
  currentEpoch(): bigint {
    return this.#epochCounter('currentEpoch').current();
  }

  /**
   * The shared memory the epoch lives in (see epoch-counter.ts): every bump adds 1 to its
   * first 8 bytes, an i64. Post it to a worker and bump the epoch there with
   * `Atomics.add(new BigInt64Array(buffer, 0, 1), 0, 1n)`; nothing else is needed there.
   * (Those bytes hold the epoch minus the earliest deadline; read the epoch with currentEpoch.)
   */
  get epochBuffer(): SharedArrayBuffer {
    return this.#epochCounter('epochBuffer').buffer;
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
    return this.#epochCounter('callWithTimeout').callWithTimeout(fn as (...a: unknown[]) => R, ms, args);
  }

  compile(bytes: WasmBytes): Module {
    return new Module(bytes, this);
  }

  /**
   * compile() without blocking this thread for the compile: the bytes are copied now; a
   * module of 64 KiB or more compiles on a background worker and this thread adopts the
   * code (threads/background-compile.ts, docs/threads.md) — with lazy compilation, a worker
   * validates it and this thread makes the lazy module in a later task (docs/startup.md) —
   * a smaller one compiles in a later task.
   * The module, and any error, are what compile() gives.
   */
  compileAsync(bytes: WasmBytes): Promise<Module> {
    let copy: Uint8Array;
    try {
      copy = copyModuleBytes(toBytes(bytes));
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#compileCopyAsync(copy);
  }

  /** compileAsync of the caller's private copy (see compileCopyAsync). */
  #compileCopyAsync(copy: Uint8Array): Promise<Module> {
    const cache = this.#settings.cache;
    if (cache !== null) return compileAsyncCached(copy, this, cache, (c) => this.#compileAsyncUncached(c, true));
    return this.#compileAsyncUncached(copy, false);
  }

  /** `copy` (private) compiled in the background or in a later task; `uncached`: never through the cache. */
  #compileAsyncUncached(copy: Uint8Array, uncached: boolean): Promise<Module> {
    if (copy.length >= BACKGROUND_COMPILE_MIN_BYTES) {
      // Lazy: only validation takes long, and it runs on the lazy background worker; the
      // rest (decoding the sections, the jump slots) is a short task here. Eager: the whole
      // compile runs on the background compile worker.
      if (compilesLazily(this.#settings.compilation, copy.length)) return this.#compileLazilyAsync(copy, uncached);
      return compileInBackground(copy, this);
    }
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(uncached ? compileUncached(copy, this) : new Module(copy, this));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  async #compileLazilyAsync(copy: Uint8Array, uncached: boolean): Promise<Module> {
    const validation = validateInBackground(copy, this.#settings.features);
    await new Promise((resolve) => setImmediate(resolve));
    // While the worker validates, this thread decodes the module and compiles its stubs,
    // which it did after the validation before (DuckDB's 39 MB: ~0.7 s of decoding, which
    // ~2 s of validation now hides). Kept only if the bytes are valid.
    const built = prebuildDuringValidation(copy, this);
    const validated = await validation;
    if (validated && built !== null) return adoptPrebuilt(built, this);
    if (uncached) return compileUncached(copy, this, validated);
    return validated ? compileValidated(copy, this) : new Module(copy, this);
  }

  instantiate(module: Module, imports: Imports = {}): Instance {
    return new Instance(module, imports, this);
  }
}

function codeCacheOf(options: EngineOptions): CodeCache | null {
  const { cache, cacheMaxBytes } = options;
  if (cache === undefined || cache === false) return null;
  if (cache !== true && (typeof cache !== 'string' || cache === '')) throw new TypeError('cache must be a boolean or a directory path');
  const max = cacheMaxBytes === undefined ? DEFAULT_CACHE_MAX_BYTES : positive(cacheMaxBytes, 'cacheMaxBytes');
  return new CodeCache(cache === true ? defaultCacheDir() : cache, max);
}

function positive(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`${what} must be a positive integer number of bytes`);
  return n;
}

let defaultEngine: Engine | undefined;
export function getDefaultEngine(): Engine {
  return (defaultEngine ??= new Engine());
}

/** Every feature wasmjit implements, each on unless `asked` sets it to false. */
function resolveFeatures(asked: DecodeOptions | undefined): Readonly<DecodeOptions> {
  const features: DecodeOptions = {};
  for (const name of FEATURE_NAMES) features[name] = featureOn(asked ?? {}, name);
  return Object.freeze(features);
}
