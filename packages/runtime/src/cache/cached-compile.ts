// The asynchronous compile through the code cache (Engine.compileAsync with EngineOptions.cache);
// the synchronous one is module.ts compileHere.
import type { Engine } from '../engine.js';
import { adoptPrebuilt, compileBytes, compiledParts, engineCodeSettings, sha256Hex, type Module } from '../module.js';
import type { CodeCache } from './code-cache.js';

/**
 * The module of `copy` (a private copy of the bytes) from the cache's entry, read without
 * blocking the thread; else compiled by `compile` (in the background) and written to the cache
 * before the promise resolves, so that a next process finds it.
 */
export async function compileAsyncCached(copy: Uint8Array, engine: Engine, cache: CodeCache, compile: (copy: Uint8Array) => Promise<Module>): Promise<Module> {
  const settings = engineCodeSettings(engine);
  const wasm = { bytes: copy, sha256: sha256Hex(copy) };
  const key = cache.keyOf(wasm, settings);
  const found = await cache.find(key, wasm, settings);
  if (found !== null) return adoptPrebuilt(found, engine);
  const module = await compile(copy);
  await cache.store(key, compiledParts(module)!);
  return module;
}

/** `copy` compiled here for `engine`, bypassing its cache (the caller looked it up already). */
export function compileUncached(copy: Uint8Array, engine: Engine): Module {
  return adoptPrebuilt(compileBytes(copy, engineCodeSettings(engine), engine.parallelCompile), engine);
}
