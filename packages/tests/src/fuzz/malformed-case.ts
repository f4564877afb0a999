// One malformed-fuzzer input, run where a crash only takes a child process down: compile,
// instantiate with stub imports, call every exported function with zero arguments. What
// counts as correct: a CompileError with a reason and an offset, a LinkError, a trap
// (RuntimeError), or a RangeError from allocating a memory or table the JS API allows to
// fail. Anything else (a TypeError from inside the engine, a 'BUG:' Error, a crash, a
// hang while compiling) is a finding. V8's WebAssembly.validate is asked too: a module
// one engine accepts and the other rejects is a finding unless it uses a feature we do
// not implement (exception handling, threads). SIMD is implemented, relaxed
// SIMD too: V8 validates with --experimental-wasm-relaxed-simd so that it judges those alike.
import { CompileError, Engine, LinkError, RuntimeError, type Module } from '@wasmjit/runtime';
import { ValType } from '@wasmjit/codegen';
import { stubImports, zeroOf } from './stub-imports.js';
import { moduleInfo } from '../../../runtime/dist/module.js';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');

export interface MalformedJob {
  bytes: Uint8Array;
  boundsChecks: 'explicit' | 'guard';
}

export type MalformedResult =
  | { status: 'rejected'; reason: string; v8Accepts: boolean }
  | { status: 'ran'; stage: 'instantiate' | 'run'; calls: number; traps: number; v8Accepts: boolean }
  | { status: 'finding'; stage: string; error: string; stack?: string };

/** Run-time cap per exported function call is the pool's timeout; calls are capped in number. */
const MAX_CALLS = 50;

/**
 * Opcodes of proposals V8 (Node 20) implements and wasmjit does not: exception handling
 * (try, catch, throw, rethrow, delegate, catch_all). (Tail calls are implemented; the atomics
 * prefix 0xfe is decoded: V8 and wasmjit know the same 67 operators.)
 */
const UNSUPPORTED_OPCODES = new Set([0x06, 0x07, 0x08, 0x09, 0x18, 0x19]);

/**
 * A rejection V8 accepts is fine when it is about a proposal we do not implement, or about
 * an atomic access below its natural alignment, which V8 (Node 20) accepts and the threads
 * proposal does not ("atomic alignment must be natural").
 */
export function unsupportedFeature(reason: string, bytes: Uint8Array, offset: number): boolean {
  if (/exception|tag section|tail|extended|multi.?memory|atomic|shared/i.test(reason)) return true;
  const at = bytes[offset]!;
  if (/illegal opcode|unknown opcode/.test(reason)) return UNSUPPORTED_OPCODES.has(at);
  // A limits flag of 2 or 3 is a shared memory (threads); 13 is the tag section (exceptions).
  if (reason === 'integer too large') return at === 0x02 || at === 0x03;
  if (reason === 'malformed section id') return at === 13;
  return false;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `non-Error thrown: ${String(e)}`;
}

export function runMalformedCase(job: MalformedJob, phase: (p: string) => void): MalformedResult {
  // Exception handling off: V8 (Node 20) has only its legacy encoding, and the mutated
  // modules are 2.0 ones (the legacy opcodes count as unsupported features, as before).
  const engine = new Engine({ boundsChecks: job.boundsChecks, features: { exceptions: false } });
  phase('v8-validate');
  const v8Accepts = WebAssembly.validate(job.bytes as Uint8Array<ArrayBuffer>);
  phase('compile');
  let module: Module;
  try {
    module = engine.compile(job.bytes);
  } catch (e) {
    if (!(e instanceof CompileError)) return { status: 'finding', stage: 'compile', error: describe(e), stack: (e as Error)?.stack };
    if (!e.reason || e.offset === undefined || !Number.isInteger(e.offset) || e.offset < 0 || e.offset > job.bytes.length) {
      return { status: 'finding', stage: 'compile', error: `CompileError without a reason or a valid offset: ${e.message} (offset ${e.offset})` };
    }
    if (v8Accepts && !unsupportedFeature(e.reason, job.bytes, e.offset)) {
      return { status: 'finding', stage: 'compile', error: `V8 accepts a module wasmjit rejects: ${e.message}` };
    }
    return { status: 'rejected', reason: e.reason, v8Accepts };
  }
  if (!v8Accepts) return { status: 'finding', stage: 'compile', error: 'wasmjit accepts a module V8 rejects' };
  phase('instantiate');
  let exports: Record<string, unknown>;
  try {
    exports = engine.instantiate(module, stubImports(moduleInfo(module))).exports;
  } catch (e) {
    if (e instanceof LinkError || e instanceof RuntimeError || (e instanceof RangeError && /allocate|exceeds|limit/.test(e.message))) {
      return checkMemory({ status: 'ran', stage: 'instantiate', calls: 0, traps: 0, v8Accepts });
    }
    return { status: 'finding', stage: 'instantiate', error: describe(e), stack: (e as Error)?.stack };
  }
  let calls = 0;
  let traps = 0;
  const wasm = moduleInfo(module);
  for (const exp of wasm.exports) {
    if (exp.kind !== 'func' || calls >= MAX_CALLS) continue;
    const f = exports[exp.name] as (...a: unknown[]) => unknown;
    const type = wasm.types[wasm.funcs[exp.index]!]!;
    // v128 cannot cross to JS (a TypeError in V8 and in wasmjit alike): not called.
    if (type.params.includes(ValType.V128) || type.results.includes(ValType.V128)) continue;
    phase(`run ${exp.name}`);
    calls++;
    try {
      f(...type.params.map(zeroOf));
    } catch (e) {
      if (e instanceof RuntimeError) traps++;
      else return { status: 'finding', stage: `run ${JSON.stringify(exp.name)}`, error: describe(e), stack: (e as Error)?.stack };
    }
  }
  return checkMemory({ status: 'ran', stage: 'run', calls, traps, v8Accepts });
}

/**
 * Resident memory past this after a case means something allocated in proportion to a
 * declared count rather than to the input (the heap cap catches JS arrays; this catches
 * native allocations too). Children are recycled long before leaks get near it.
 */
const RSS_LIMIT = 1536 * 1024 * 1024;

function checkMemory(r: MalformedResult): MalformedResult {
  const rss = process.memoryUsage.rss();
  if (rss > RSS_LIMIT) return { status: 'finding', stage: 'memory', error: `resident memory ${(rss / 2 ** 20).toFixed(0)} MiB after this input` };
  return r;
}
