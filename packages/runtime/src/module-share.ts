// Modules across threads: a compiled Module is registered (its code pages and artifact, see
// module-artifact.ts) in the add-on's process-wide registry under a random id, and any
// thread rebuilds it from that id alone — the same code pages, nothing compiled again.
// docs/threads.md has the whole design and its security argument; in short: a thread only
// ever receives an id, and the registry gives back what wasmjit itself registered under it
// or nothing, so no message can make this process run machine code (or trust metadata
// about code) that wasmjit did not compile itself.
import { decodeModuleDeferringBodies, type CompiledCode } from '@wasmjit/codegen';
import { adoptCode, copyCode, shareCode, type CodeRegion } from './code-memory.js';
import type { Engine } from './engine.js';
import { decodeArtifact, encodeArtifact } from './module-artifact.js';
import { adoptPrebuilt, compiledParts, Module, type CodeSettings, type CompiledParts } from './module.js';

interface Registration {
  /** Keeps the registry entry alive: it goes with the module that registered it. */
  readonly entry: object;
  readonly id: string;
}

const registrations = new WeakMap<CompiledParts, Registration>();

/**
 * The registry id of `module`'s compiled code (registered on first use; the entry lives as
 * long as the module). Any thread of this process can adoptModule it while it lives.
 */
export function shareModule(module: Module): string {
  const parts = compiledParts(module);
  if (!parts) throw new TypeError('wasmjit: shareModule expects a wasmjit Module');
  let r = registrations.get(parts);
  if (r === undefined) {
    r = shareCode(parts.code, encodeArtifact({
      settings: parts.settings,
      funcOffsets: parts.compiled.funcOffsets,
      funcEnds: parts.compiled.funcEnds,
      offsetMap: parts.compiled.offsetMap,
      bytes: parts.wasm.bytes,
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
  return engine.epoch !== null && settings.epochAddress !== undefined && engine.epoch.address === settings.epochAddress;
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
 * The module registered under `id` by any thread, as a Module of `engine`: the same code
 * pages (a new reference: they stay mapped while any thread's module has them). Null when
 * the registry has no such id (never registered, or its module is gone).
 */
export function adoptModule(id: string, engine: Engine): Adopted | null {
  const found = adoptCode(id);
  if (found === null) return null;
  const artifact = decodeArtifact(found.meta);
  if (!canRunUnder(artifact.settings, engine)) {
    found.code.free();
    return { module: new Module(artifact.bytes, engine), recompiled: true };
  }
  // Registered bytes compiled with these features: decoding cannot fail, and the bodies
  // (already validated and compiled) need no scan.
  const wasm = decodeModuleDeferringBodies(artifact.bytes, artifact.settings.features);
  const compiled = lazyCodeCopy(found.code, found.length, {
    funcOffsets: artifact.funcOffsets,
    funcEnds: artifact.funcEnds,
    comments: [],
    opOffsets: null,
    offsetMap: artifact.offsetMap,
  });
  return { module: adoptPrebuilt({ wasm, compiled, code: found.code, settings: artifact.settings }, engine), recompiled: false };
}

/**
 * CompiledCode whose `code` bytes (only tools read them: the code runs from the shared
 * pages) are copied out of the pages when first asked for.
 */
function lazyCodeCopy(region: CodeRegion, length: number, rest: Omit<CompiledCode, 'code'>): CompiledCode {
  let code: Uint8Array | undefined;
  return {
    ...rest,
    get code(): Uint8Array {
      return (code ??= copyCode(region).subarray(0, length));
    },
  };
}
