// Module: decoded, validated and compiled wasm, with its code loaded into executable memory.
import { compileLazyBase, compileModule, compileModuleLazily, moduleTypeIds, type CompiledCode, type CompileOptions, type DecodeOptions, type WasmModule } from '@wasmjit/codegen';
import { loadCode, type CodeRegion } from './code-memory.js';
import { engineSettings, getDefaultEngine, type BoundsChecks, type Engine, type EngineSettings } from './engine.js';
import { compilesLazily, type Compilation } from './compilation-choice.js';
import type { EpochCounter } from './epoch-counter.js';
import { deserializeModule, memorySource, serializeModule } from './cache/serialized-module.js';
import { copyWithDigest } from './cache/wasm-digest.js';
import type { CodeCache } from './cache/code-cache.js';
import { LazyCode } from './lazy-code.js';
import { phases } from './startup-phases.js';
import { BACKGROUND_MIN_BYTES, startBackgroundCompile } from './threads/lazy-background.js';

/** Module bytes: any typed array / DataView / ArrayBuffer (the WebAssembly API's BufferSource). */
export type WasmBytes = ArrayBufferView | ArrayBufferLike;

export interface ModuleExportDescriptor { name: string; kind: 'function' | 'table' | 'memory' | 'global' | 'tag' }
export interface ModuleImportDescriptor { module: string; name: string; kind: 'function' | 'table' | 'memory' | 'global' | 'tag' }

const KIND_NAMES = { func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag' } as const;

export function toBytes(src: WasmBytes): Uint8Array {
  // A Buffer's slice() is a view, not a copy: callers that copy with slice() get a plain Uint8Array.
  if (src instanceof Uint8Array) return src.constructor === Uint8Array ? src : new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (ArrayBuffer.isView(src)) return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  if (src instanceof ArrayBuffer || src instanceof SharedArrayBuffer) return new Uint8Array(src as ArrayBuffer);
  throw new TypeError('wasmjit: expected a WasmBytes (ArrayBuffer or typed array) with the module bytes');
}

/**
 * What instantiation uses of a Module, captured when it is compiled: a program can replace or
 * shadow any property or method of the Module, never these (see compiledParts).
 */
export interface CompiledParts {
  readonly wasm: WasmModule;
  readonly compiled: CompiledCode;
  readonly code: CodeRegion;
  readonly engine: Engine;
  /** The settings the code was compiled with (read from the engine once, for the compile). */
  readonly boundsChecks: BoundsChecks;
  readonly epoch: EpochCounter | null;
  /** Of the epoch counter's cell, as compiled into the code (vmctx EpochPtr gets it too). */
  readonly epochAddress: number | undefined;
  readonly epochInterruption: boolean;
  readonly hostInterrupts: boolean;
  readonly consumeFuel: boolean;
  readonly initialFuel: number | bigint;
  /** Everything the code was compiled with (threads/module-share.ts sends it along with the code). */
  readonly settings: CodeSettings;
  /**
   * Lazy compilation (lazy-code.ts): the function bodies compiled so far and the way to the
   * others; null for eagerly compiled code. `compiled` then describes the import thunks and
   * the jump slots only (funcOffsets: each defined function's slot, its address for good).
   */
  readonly lazy: LazyCode | null;
}

let partsOf: (m: unknown) => CompiledParts | undefined;

/** The parts of a real Module (undefined for anything else, a Proxy of a Module included). */
export function compiledParts(m: unknown): CompiledParts | undefined {
  return partsOf(m);
}

/** Absolute address of function `index`'s entry (its import thunk for an imported one). */
export function funcAddress(parts: CompiledParts, index: number): number {
  return parts.code.address + parts.compiled.funcOffsets[index]!;
}

/**
 * The code-affecting settings a module was compiled with. Compiled code carries them: a
 * module built from code compiled elsewhere (threads/module-share.ts) keeps its own, whatever the
 * engine it is adopted by says.
 */
export interface CodeSettings {
  readonly boundsChecks: BoundsChecks;
  readonly stackChecks: boolean;
  readonly epochInterruption: boolean;
  readonly hostInterrupts: boolean;
  readonly consumeFuel: boolean;
  readonly features: DecodeOptions;
  /** The epoch cell address compiled into the code (engines with epoch checks), else undefined. */
  readonly epochAddress: number | undefined;
  /** SIMD forms (EngineOptions.simd): true AVX, false SSE4.1, absent: by the CPU. */
  readonly simdAvx?: boolean;
  /** EngineOptions.tier; absent means 'baseline'. */
  readonly tier?: 'baseline' | 'optimized';
}

/** What a Module is made of when its code was compiled elsewhere (see adoptPrebuilt). */
export interface Prebuilt {
  readonly wasm: WasmModule;
  readonly compiled: CompiledCode;
  readonly code: CodeRegion;
  readonly settings: CodeSettings;
  readonly lazy?: LazyCode | null;
}

/** The settings a real Engine compiles with (what its modules' code embeds), read from its private state. */
export function engineCodeSettings(engine: Engine): CodeSettings {
  return codeSettingsOf(settingsOrThrow(engine));
}

function settingsOrThrow(engine: unknown): EngineSettings {
  const settings = engineSettings(engine);
  if (!settings) throw new TypeError('Module: argument 1 must be a wasmjit Engine');
  return settings;
}

function codeSettingsOf(s: EngineSettings): CodeSettings {
  const { boundsChecks, stackChecks, epochInterruption, hostInterrupts, consumeFuel, features } = s;
  // With a code cache, no address is compiled in (the code reads vmctx EpochPtr): code that
  // holds one cannot be loaded in another process (cache/serialized-module.ts).
  const epochAddress = s.cache !== null ? undefined : s.epoch?.address;
  return {
    boundsChecks, stackChecks, epochInterruption, hostInterrupts, consumeFuel, features: { ...features }, epochAddress, simdAvx: s.simdAvx,
    ...(s.tier === 'optimized' ? { tier: s.tier } : {}),
  };
}

/** The decoded module of a real Module (tools, the namespace, the CLI), or TypeError. */
export function moduleInfo(m: unknown, what = 'Module'): WasmModule {
  const parts = partsOf(m);
  if (!parts) throw new TypeError(`${what}: argument must be a wasmjit Module`);
  return parts.wasm;
}

/** Set only while compileValidated runs the constructor. */
let pendingValidated = false;

/**
 * `new Module(bytes, engine)` for bytes a worker has validated with the engine's features
 * (lazy compileAsync, threads/lazy-background.ts): the bodies are not validated again.
 */
export function compileValidated(bytes: Uint8Array, engine: Engine): Module {
  pendingValidated = true;
  try {
    return new Module(bytes, engine);
  } finally {
    pendingValidated = false;
  }
}

/** Set only while adoptPrebuilt runs the constructor. */
let pendingPrebuilt: Prebuilt | undefined;

/**
 * A Module of `engine` over code compiled elsewhere, nothing compiled here. The caller has
 * checked that the code may run under this engine (threads/module-share.ts canRunUnder): its epoch
 * checks, if any, must use this engine's epoch cell.
 */
export function adoptPrebuilt(prebuilt: Prebuilt, engine: Engine): Module {
  pendingPrebuilt = prebuilt;
  try {
    return new Module(EMPTY, engine);
  } finally {
    pendingPrebuilt = undefined;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * A compiled module. What instantiation uses of it (the decoded module, the code, the
 * engine settings it was compiled with) is in a private field, never on a property: a
 * program cannot change what a later instantiation does by changing the Module.
 */
export class Module {
  readonly #parts: CompiledParts;

  static {
    partsOf = (m) => (typeof m === 'object' && m !== null && #parts in m ? (m as Module).#parts : undefined);
  }

  constructor(bytes: WasmBytes, engine: Engine = getDefaultEngine()) {
    const engineState = settingsOrThrow(engine);
    const prebuilt = pendingPrebuilt;
    const validated = pendingValidated;
    pendingPrebuilt = undefined;
    pendingValidated = false;
    const built = prebuilt ?? compileHere(bytes, engineState, validated);
    const { wasm, compiled, code, settings } = built;
    const lazy = built.lazy ?? null;
    const { boundsChecks, epochInterruption, hostInterrupts, consumeFuel, epochAddress } = settings;
    // Code with epoch checks reads this engine's cells (adoptPrebuilt's caller checked).
    const epoch = epochInterruption || hostInterrupts ? engineState.epoch : null;
    this.#parts = {
      wasm, compiled, code, engine, boundsChecks, epoch, epochAddress: epoch?.address ?? epochAddress,
      epochInterruption, hostInterrupts, consumeFuel, initialFuel: engineState.initialFuel, settings, lazy,
    };
    // A region adopted from another thread is that thread's to finish (its first calls here compile too).
    if (lazy !== null && !lazy.adopted && engineState.backgroundCompile) startBackgroundCompile(lazy);
  }

  /**
   * The compiled module as bytes that Module.deserialize loads, in this or another process,
   * without compiling (cache/serialized-module.ts, docs/cache.md): the machine code, what
   * it needs to run and the module's wasm bytes, checksummed. Error for a module whose code
   * has its engine's epoch cell address compiled in (see EngineOptions.cache).
   */
  serialize(): Uint8Array {
    const parts = this.#parts;
    // A lazily compiled module is written in the eager layout: the functions no call has
    // compiled yet are compiled now, on this thread (LazyCode.eagerCode).
    if (parts.lazy !== null && parts.settings.epochAddress === undefined) return serializeModule({ wasm: parts.wasm, compiled: parts.lazy.eagerCode(), settings: parts.settings });
    return serializeModule(parts);
  }

  /**
   * The Module that Module.serialize wrote `bytes` from, as a module of `engine`, nothing
   * compiled. Refuses (an Error naming the mismatch, before anything is mapped executable)
   * bytes of another format or wasmjit version, compiled with code options other than
   * `engine`'s, corrupt or truncated. Only load bytes from a trusted place: the checksum
   * detects accidents, not tampering.
   */
  static deserialize(bytes: WasmBytes, engine: Engine = getDefaultEngine()): Module {
    const settings = codeSettingsOf(settingsOrThrow(engine));
    return adoptPrebuilt(deserializeModule(memorySource(toBytes(bytes)), settings), engine);
  }

  /** The Engine the module was compiled with. */
  get engine(): Engine {
    return this.#parts.engine;
  }

  static exports(m: Module): ModuleExportDescriptor[] {
    return moduleInfo(m, 'Module.exports()').exports.map((e) => ({ name: e.name, kind: KIND_NAMES[e.kind] }));
  }

  static imports(m: Module): ModuleImportDescriptor[] {
    return moduleInfo(m, 'Module.imports()').imports.map((i) => ({ module: i.module, name: i.name, kind: KIND_NAMES[i.desc.kind] }));
  }
}

/**
 * Decodes, validates and compiles `bytes` on this thread (worker threads helping), or loads
 * them from the engine's code cache when it has them. `validated`: a worker validated the
 * bodies already (lazy compileAsync).
 */
function compileHere(bytes: WasmBytes, engine: EngineSettings, validated = false): Prebuilt {
  const settings = codeSettingsOf(engine);
  const cache = engine.cache;
  // Copy: the caller may reuse its buffer, and the decoder keeps views into it. With a cache,
  // into huge pages and hashed in the same pass (copyWithDigest): a hit does little else, and
  // 14 MB copied into fresh 4 KiB pages cost ~40 ms of page faults.
  phases?.begin();
  if (cache === null) return compileBytes(toBytes(bytes).slice(), settings, engine, validated);
  const wasm = copyWithDigest(toBytes(bytes));
  const copy = wasm.bytes;
  phases?.mark('copy and hash');
  const key = cache.keyOf(wasm, settings);
  phases?.mark('key');
  const found = cache.findSync(key, wasm, settings);
  phases?.mark('touch');
  if (found !== null) return found;
  const built = compileBytes(copy, settings, engine, validated, cache);
  if (built.lazy == null) cache.storeSync(key, built);
  else storeWhenCompiled(built.lazy, cache, key, settings);
  return built;
}

/** What compileBytes takes from an engine. */
export interface CompileChoices {
  readonly compilation: Compilation;
  readonly parallelCompile: boolean | number | undefined;
  readonly backgroundCompile: boolean;
}

/**
 * Decodes, validates and compiles `bytes` (a private copy) on this thread (worker threads
 * helping), eagerly or lazily as `engine` says. With a code cache (`cache`), a module too
 * small for background compilation compiles eagerly: a lazy one would be stored only once
 * every function was called, and compiling it all costs a few milliseconds.
 */
export function compileBytes(bytes: Uint8Array, settings: CodeSettings, engine: CompileChoices, validated = false, cache: CodeCache | null = null): Prebuilt {
  const lazy = compilesLazily(engine.compilation, bytes.length) && (cache === null || (engine.backgroundCompile && bytes.length >= BACKGROUND_MIN_BYTES));
  if (lazy) return compileLazily(bytes, settings, validated, cache !== null, engine.parallelCompile);
  // Decode, validate and compile in one (function bodies are validated by the code
  // generator's chunks, on worker threads too); errors are those of the three in sequence.
  const { module, compiled } = compileModule(bytes, settings.features, compileOptions(settings, engine.parallelCompile));
  return { wasm: module, compiled, code: loadCode(compiled.code), settings };
}

/**
 * The code cache's lazy compilation hook (docs/cache.md): once every function of `lazy` is
 * compiled (background compilation ending, or first calls), the module is written to the
 * cache in its eager layout, asynchronously; a failure is counted by the cache, never thrown.
 */
export function storeWhenCompiled(lazy: LazyCode, cache: CodeCache, key: string, settings: CodeSettings): void {
  pendingStores.set(lazy, new Promise<void>((resolve) => {
    lazy.whenComplete(() => {
      let compiled: CompiledCode;
      try {
        compiled = lazy.eagerCode();
      } catch {
        resolve(); // out of memory, say: the next process compiles it again
        return;
      }
      cache.store(key, { wasm: lazy.module, compiled, settings }).then(resolve, resolve);
    });
  }));
}

const pendingStores = new WeakMap<LazyCode, Promise<void>>();

/**
 * @internal Resolves once the code cache entry of a lazily compiled module is written (at
 * once for any other module): tests and tools wait for it before a next process looks it up.
 */
export function cacheStoreDone(m: Module): Promise<void> {
  const lazy = partsOf(m)?.lazy;
  const pending = lazy ? pendingStores.get(lazy) : undefined;
  if (pending === undefined) return Promise.resolve();
  // The background worker never keeps the process alive; whoever waits for the entry does.
  const alive = setInterval(() => {}, 1 << 30);
  return pending.finally(() => clearInterval(alive));
}

/**
 * Lazy compilation: bodies validated now, only the import thunks, the stub and the jump slots
 * compiled (lazy-code.ts); `compiled` describes those. `keepChunks`: the installed chunks are
 * kept for the eager layout the code cache stores (LazyCode.eagerCode).
 */
function compileLazily(
  bytes: Uint8Array, settings: CodeSettings, validated: boolean, keepChunks: boolean, parallelValidate: boolean | number | undefined,
): Prebuilt {
  const options = compileOptions(settings, false);
  // parallelCompile, for a lazy compile: the threads that validate the bodies.
  const { module, base, typeIds } = compileModuleLazily(bytes, settings.features, { ...options, parallelCompile: parallelValidate }, validated);
  const lazy = new LazyCode(module, base, options, typeIds, settings.features);
  if (keepChunks) lazy.keepChunks();
  return lazyPrebuilt(module, lazy, settings);
}

/**
 * A lazily compiled module whose region another thread made (threads/module-share.ts):
 * `module` decoded from the same bytes, compiled with `settings`.
 */
export function adoptLazy(module: WasmModule, region: CodeRegion, settings: CodeSettings): Prebuilt {
  const options = compileOptions(settings, false);
  const typeIds = moduleTypeIds(module, options);
  // The same thunks, stub and slots as the region starts with (compiling them is deterministic).
  return lazyPrebuilt(module, new LazyCode(module, compileLazyBase(module, options, typeIds), options, typeIds, settings.features, region), settings);
}

function lazyPrebuilt(module: WasmModule, lazy: LazyCode, settings: CodeSettings): Prebuilt {
  const { base } = lazy;
  const compiled: CompiledCode = {
    code: base.code, funcOffsets: base.funcOffsets, funcEnds: base.funcEnds, comments: base.comments,
    opOffsets: null, offsetMap: base.offsetMap,
  };
  return { wasm: module, compiled, code: lazy.region, settings, lazy };
}

/** The code generator's options for code with `settings`. */
export function compileOptions(settings: CodeSettings, parallelCompile: boolean | number | undefined): CompileOptions {
  return {
    stackChecks: settings.stackChecks,
    boundsChecks: settings.boundsChecks,
    epochInterruption: settings.epochInterruption,
    // Decided by the engine, not by the thread that happens to compile (compile workers).
    hostInterrupts: settings.hostInterrupts,
    // The code embeds the address: a Module belongs to its engine (epoch-counter.ts).
    epochCounterAddress: settings.epochAddress,
    consumeFuel: settings.consumeFuel,
    parallelCompile,
    simdAvx: settings.simdAvx,
    ...(settings.tier === 'optimized' ? { tier: settings.tier } : {}),
  };
}
