// The asynchronous compile through the code cache (Engine.compileAsync with EngineOptions.cache);
// the synchronous one is module.ts compileHere.
import { engineSettings, type Engine } from '../engine.js';
import { adoptPrebuilt, compileBytes, compiledParts, engineCodeSettings, storeWhenCompiled, type Module, type Prebuilt } from '../module.js';
import type { CodeCache } from './code-cache.js';
import { wasmDigest } from './wasm-digest.js';

/** Below this many wasm bytes (~2 MB of code), compileAsync looks the cache up synchronously. */
let syncLookupMaxBytes = 1 << 20;

/** @internal Tests: the asynchronous lookup for every size (0), or the default back (undefined). */
export function setSyncLookupMaxBytes(n: number | undefined): void {
  syncLookupMaxBytes = n ?? 1 << 20;
}

/**
 * The module of `copy` (a private copy of the bytes) from the cache's entry, read without
 * blocking the thread; else compiled by `compile` (in the background) and written to the cache
 * before the promise resolves, so that a next process finds it. A lazily compiled module is
 * written once its last function is compiled (module.ts storeWhenCompiled).
 */
export async function compileAsyncCached(copy: Uint8Array, engine: Engine, cache: CodeCache, compile: (copy: Uint8Array) => Promise<Module>): Promise<Module> {
  const settings = engineCodeSettings(engine);
  const wasm = { bytes: copy, digest: wasmDigest(copy) };
  const key = cache.keyOf(wasm, settings);
  // A small module's hit is a few milliseconds of work, done in this task: the asynchronous
  // lookup's six thread-pool round trips (open, stat, read, the code, close, utimes) each
  // wait behind whatever else the loop runs, and cost sql.js's start more than the work.
  const found = copy.length < syncLookupMaxBytes ? cache.findSync(key, wasm, settings) : await cache.find(key, wasm, settings);
  if (found !== null) return adoptPrebuilt(found, engine);
  const module = await compile(copy);
  const parts = compiledParts(module)!;
  if (parts.lazy === null) await cache.store(key, parts);
  else storeWhenCompiled(parts.lazy, cache, key, parts.settings);
  return module;
}

/**
 * `copy` compiled here for `engine`, bypassing its cache (the caller looked it up already and
 * stores the result); `validated`: a worker validated the bodies already.
 */
export function compileUncached(copy: Uint8Array, engine: Engine, validated = false): Module {
  const state = engineSettings(engine)!;
  return adoptPrebuilt(compileBytes(copy, engineCodeSettings(engine), state, validated, state.cache), engine);
}

/**
 * What compileUncached(copy, engine, true) compiles, made while a worker is still validating
 * `copy` (a lazy engine's compileAsync): decoded, the stubs compiled, no function body. The
 * caller must drop it unless that validation passes. Null where it fails (invalid bytes,
 * whose error the validation gives).
 */
export function prebuildDuringValidation(copy: Uint8Array, engine: Engine): Prebuilt | null {
  const state = engineSettings(engine)!;
  try {
    return compileBytes(copy, engineCodeSettings(engine), state, true, state.cache);
  } catch {
    return null;
  }
}
