// Item 4's hook: are wasmjit's stack-check and bounds-check switches there yet? A switch
// counts as available once flipping it changes the generated code; until then its row says
// "not available yet" and nothing is timed. (EngineOptions gains `stackChecks` from the
// stack issue; `boundsChecks: 'guard'` emits the same explicit checks until the
// out-of-bounds issue lands guard pages — see codegen's lower/module-env.ts.)
import { errorMessage, loadWasmjit, type WasmjitOptions } from './engines.js';
import type { ProbeResult } from './jobs.js';
import { findProgram } from './programs.js';

async function codeOf(program: string, options: WasmjitOptions): Promise<Uint8Array> {
  const rt = await loadWasmjit();
  const module = new rt.Engine(options).compile(findProgram(program).bytes());
  // The generated code is private to the Module; the runtime's own accessor reaches it.
  const internals = await import(new URL('../../runtime/dist/module.js', import.meta.url).href) as {
    compiledParts(m: unknown): { compiled: { code: Uint8Array } } | undefined;
  };
  const code = internals.compiledParts(module)?.compiled.code;
  if (!(code instanceof Uint8Array)) throw new Error('the compiled code is not there to compare');
  return code;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function differs(program: string, on: WasmjitOptions, off: WasmjitOptions, what: string): Promise<string | null> {
  try {
    return same(await codeOf(program, on), await codeOf(program, off)) ? `not available yet (${what})` : null;
  } catch (e) {
    return `not available yet (${errorMessage(e)})`;
  }
}

export async function runProbeJob(): Promise<ProbeResult> {
  return {
    stackChecks: await differs('nqueens', { stackChecks: true }, { stackChecks: false }, 'Engine option stackChecks: false changes no code'),
    boundsChecks: await differs('sieve', { boundsChecks: 'explicit' }, { boundsChecks: 'guard' }, "boundsChecks 'guard' still emits explicit checks"),
    epochs: await differs('sieve', { epochInterruption: true }, {}, 'Engine option epochInterruption changes no code'),
    fuel: await differs('sieve', { consumeFuel: true }, {}, 'Engine option consumeFuel changes no code'),
  };
}
