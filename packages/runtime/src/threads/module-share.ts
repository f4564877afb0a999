// Modules across threads: a compiled Module is registered (its code pages and artifact, see
// module-artifact.ts) in the add-on's process-wide registry under a random id, and any
// thread rebuilds it from that id alone — the same code pages, nothing compiled again.
// docs/threads.md has the whole design and its security argument; in short: a thread only
// ever receives an id, and the registry gives back what wasmjit itself registered under it
// or nothing, so no message can make this process run machine code (or trust metadata
// about code) that wasmjit did not compile itself.
import { decodeModuleDeferringBodies, decodeModuleInSteps, type CompiledCode, type OffsetMap, type WasmModule } from '@wasmjit/codegen';
import { adoptCode, copyCode, readShared, shareCode, type CodeRegion } from '../code-memory.js';
import type { Engine } from '../engine.js';
import { engineEpoch, engineSettings } from '../engine.js';
import { encodeArtifact, readArtifact, type ArtifactReader } from './module-artifact.js';
import { adoptLazy, adoptPrebuilt, compiledParts, Module, type CodeSettings, type CompiledParts } from '../module.js';

interface Registration {
  /** Keeps the registry entry alive: it goes with the last module that holds it. */
  readonly entry: object;
  readonly id: string;
}

/** Modules registered (by shareModule) or adopted from an entry with the module bytes. */
const registrations = new WeakMap<CompiledParts, Registration>();

/**
 * The registry id of `module`'s compiled code (registered on first use; the entry lives as
 * long as the module or a module adopted from it). Any thread of this process can
 * adoptModule it meanwhile.
 */
export function shareModule(module: Module): string {
  const parts = compiledParts(module);
  if (!parts) throw new TypeError('wasmjit: expected a wasmjit Module');
  let r = registrations.get(parts);
  if (r === undefined) {
    r = shareCode(parts.code, encodeArtifact({
      settings: parts.settings,
      funcOffsets: parts.compiled.funcOffsets,
      funcEnds: parts.compiled.funcEnds,
      typeIdSites: parts.compiled.typeIdSites ?? null,
      offsetMap: parts.compiled.offsetMap,
      bytes: parts.wasm.bytes,
      lazy: parts.lazy !== null,
    }));
    registrations.set(parts, r);
  }
  return r.id;
}

/**
 * Code compiled with `settings` may run as a module of `engine`: its epoch checks, if it has
 * any, read the cell whose address is compiled in, which must be this engine's (an engine's
 * epoch cells belong to the thread that made it). Everything else travels with the code.
 */
export function canRunUnder(settings: CodeSettings, engine: Engine): boolean {
  if (!settings.epochInterruption && !settings.hostInterrupts) return true;
  const epoch = engineEpoch(engine);
  if (epoch === null) return false;
  if (settings.epochAddress !== undefined) return epoch.address === settings.epochAddress;
  // Code that reads the address from vmctx (an engine with a code cache compiled it) runs
  // under any engine with the same epoch checks: the instance writes that engine's address.
  const s = engineSettings(engine)!;
  return s.epochInterruption === settings.epochInterruption && s.hostInterrupts === settings.hostInterrupts;
}

export interface Adopted {
  readonly module: Module;
  /**
   * The code could not run under `engine` (canRunUnder): the module was compiled here,
   * from the bytes registered with it.
   */
  readonly recompiled: boolean;
}

/**
 * The module registered under `id` by any thread (shareModule), as a Module of `engine`:
 * the same code pages (a new reference: they stay mapped while any thread's module has
 * them), nothing compiled. Null when the registry has no such id (never registered, or all
 * its modules are gone) or the entry was registered without its module bytes.
 */
export function adoptModule(id: string, engine: Engine): Adopted | null {
  const found = adoptCode(id);
  if (found === null) return null;
  const artifact = readArtifact((offset, length) => readShared(found.entry, offset, length), found.metaLength);
  if (!artifact.bytesIncluded) {
    found.code.free();
    return null;
  }
  const bytes = artifact.readBytes();
  if (!canRunUnder(artifact.settings, engine)) {
    found.code.free();
    return { module: new Module(bytes, engine), recompiled: true };
  }
  const module = build(found.code, found.length, found.entry, artifact, bytes, engine);
  // Posting it on reuses the entry.
  registrations.set(compiledParts(module)!, { entry: found.entry, id });
  return { module, recompiled: false };
}

/** A background compile being adopted: the module's sections are decoded in steps. */
export interface PendingAdoption {
  /** Decodes the module (decodeModuleInSteps); run it to the end, then call finish. */
  readonly decode: Generator<void, WasmModule, void>;
  finish(wasm: WasmModule): Module;
}

/** Code or data section entries decoded per step: well under 1 ms when the decoder is warm. */
const ENTRIES_PER_STEP = 64;

/**
 * The module a background compile worker registered without its bytes (background-compile.ts
 * only: `bytes` must be exactly what the worker compiled, which only that caller knows), as
 * a Module of `engine`, whose settings the worker compiled with. Null when `id` is unknown.
 */
export function adoptBackgroundCompile(id: string, bytes: Uint8Array, engine: Engine): PendingAdoption | null {
  const found = adoptCode(id);
  if (found === null) return null;
  const artifact = readArtifact((offset, length) => readShared(found.entry, offset, length), found.metaLength);
  if (artifact.bytesIncluded || !canRunUnder(artifact.settings, engine)) {
    found.code.free();
    throw new Error('BUG: a background compile registered an artifact its caller cannot adopt');
  }
  return {
    decode: decodeModuleInSteps(bytes, artifact.settings.features, ENTRIES_PER_STEP),
    finish: (wasm) => {
      const compiled = lazyCompiled(found.code, found.length, found.entry, artifact);
      return adoptPrebuilt({ wasm, compiled, code: found.code, settings: artifact.settings }, engine);
    },
  };
}

function build(code: CodeRegion, length: number, entry: object, artifact: ArtifactReader, bytes: Uint8Array, engine: Engine): Module {
  // Bytes that compiled with these features: decoding cannot fail, and the bodies (already
  // validated and compiled) need no scan.
  const wasm = decodeModuleDeferringBodies(bytes, artifact.settings.features);
  if (artifact.lazy) return adoptPrebuilt(adoptLazy(wasm, code, artifact.settings), engine);
  const compiled = lazyCompiled(code, length, entry, artifact);
  return adoptPrebuilt({ wasm, compiled, code, settings: artifact.settings }, engine);
}

/**
 * CompiledCode whose large parts are read when first asked for: the offset map (trap
 * backtraces) out of the registry entry, which the getter keeps alive, and the code bytes
 * (only tools read them: the code runs from the shared pages) out of the pages.
 */
function lazyCompiled(region: CodeRegion, length: number, entry: object, artifact: ArtifactReader): CompiledCode {
  let code: Uint8Array | undefined;
  let offsetMap: OffsetMap | undefined;
  return {
    funcOffsets: artifact.funcOffsets,
    funcEnds: artifact.funcEnds,
    typeIdSites: artifact.typeIdSites ?? undefined,
    comments: [],
    opOffsets: null,
    get code(): Uint8Array {
      return (code ??= copyCode(region).subarray(0, length));
    },
    get offsetMap(): OffsetMap {
      void entry;
      return (offsetMap ??= artifact.readOffsetMap());
    },
  };
}
