// Compiles a whole module into one position-independent code blob: every defined function,
// plus one host thunk per imported function (used when the import is a JS function).
//
// The function index space is cut into chunks (chunk-compiler.ts) that compile
// independently; link-chunks.ts places them in order and patches the calls between them.
// Small modules are one chunk compiled right here. Large ones are cut into many and
// compiled by this thread and worker threads together (parallel-compile.ts), with exactly
// the same result.
import { availableParallelism } from 'node:os';
import { canonicalTypeId } from '../layout.js';
import type { WasmModule } from '../wasm/types.js';
import { structuralKeys } from '../wasm/type-canon.js';
import type { DecodeOptions } from '../wasm/reader.js';
import { decodeModule, decodeModuleDeferringBodies } from '../wasm/module.js';
import { validateModule, validateModuleStructure } from '../validate/module.js';
import { compileChunk, type CodeChunk, type ModuleCompileOptions } from './chunk-compiler.js';
import { linkChunks } from './link-chunks.js';
import { compileLazyBase, type LazyBase } from './lazy-base.js';
import { validateFunctions } from '../validate/function.js';
import { startValidateWorkers, validateFunctionsInParallel, validateThreads } from '../validate/parallel.js';
import type { OffsetMap } from './offset-map.js';
import { compileChunksInParallel, startCompileWorkers, warmWorkerCount } from './parallel-compile.js';

export interface CompiledCode {
  code: Uint8Array;
  /** Code offset of each function's entry (imports: the host thunk). */
  funcOffsets: number[];
  /** Code offset where each defined or imported function's code ends. */
  funcEnds: number[];
  comments: { offset: number; text: string }[];
  /** Flattened (wasm offset, code offset) pairs when requested. */
  opOffsets: number[] | null;
  /** Code offset → wasm offset (always collected; trap backtraces use it). */
  offsetMap: OffsetMap;
  /**
   * Pairs (code offset of a call_indirect's signature id imm32, module type index), in code
   * order: where the code has process-specific values (ModuleEnv.typeIdSites). Absent for
   * code adopted from a registry entry made before they were recorded.
   */
  typeIdSites?: Int32Array;
}

/**
 * Below this many bytes of function bodies, parallelCompile defaults to off: handing out
 * chunks, decoding the module again in each worker and joining the results cost about what
 * the workers save (measured on esbuild.wasm cut down to 0.25-4 MiB of code, warm workers).
 */
export const PARALLEL_MIN_CODE_BYTES = 1 << 20;
/** Chunks per thread: enough that threads finish close together, few enough to be cheap. */
const CHUNKS_PER_THREAD = 12;
/** No chunk smaller than this (body bytes), except the last. */
const MIN_CHUNK_BYTES = 64 << 10;
/** Upper bound on threads, whatever is asked. */
const MAX_THREADS = 64;

/**
 * decodeModule + validateModule + compileModuleCode in one, faster: the decoder does not
 * scan function bodies, and each chunk validates its own (which rejects malformed bodies
 * too) right before compiling them, on worker threads too with parallelCompile, instead of
 * two passes over all bodies first. Throws what the three steps in sequence would throw: on
 * any error it runs them to find out which error that is.
 */
export function compileModule(
  bytes: Uint8Array, features: DecodeOptions = {}, options: ModuleCompileOptions = {},
): { module: WasmModule; compiled: CompiledCode } {
  let module: WasmModule;
  let compiled: CompiledCode;
  // Workers take a while to start: when this module will probably use them, start them now
  // (its function bodies are at most the module's size; the decode below knows better).
  const likelyThreads = threadCount(bytes.length, options.parallelCompile);
  if (likelyThreads > 1) startCompileWorkers(likelyThreads - 1);
  try {
    module = decodeModuleDeferringBodies(bytes, features);
    validateModuleStructure(module);
    compiled = compileModuleCode(module, { ...options, checkBodies: true });
  } catch (e) {
    // Errors found out of order (a body that fails to validate may precede one that fails
    // to decode, which the sequential pipeline reports first): let the pipeline decide.
    validateModule(decodeModule(bytes, features));
    // The module is valid: the error is the compiler's own.
    throw e;
  }
  return { module, compiled };
}

/**
 * Lazy compilation's part of compileModule (runtime lazy-code.ts, docs/startup.md): decode,
 * validate the structure and every function body (validation is eager: compile() of an
 * invalid module fails with the error compileModule gives), and compile only the import
 * thunks, the lazy stub and the jump slots (lazy-base.ts). Function bodies are compiled
 * later, one chunk at a time, with `typeIds`, which the chunks must share.
 */
export function compileModuleLazily(
  bytes: Uint8Array, features: DecodeOptions = {}, options: ModuleCompileOptions = {}, bodiesValidated = false,
): { module: WasmModule; base: LazyBase; typeIds: number[] } {
  // The validation workers start while this thread decodes (parallel.ts): the module's
  // bodies are at most its size; the decode below knows better.
  if (!bodiesValidated && validateThreads(bytes.length, options.parallelCompile) > 1) startValidateWorkers(validateThreads(bytes.length, options.parallelCompile) - 1);
  try {
    const module = decodeModuleDeferringBodies(bytes, features);
    validateModuleStructure(module);
    // `bodiesValidated`: a worker validated these very bytes already (compileAsync).
    if (module.codes.length > 0 && !bodiesValidated) {
      validateFunctionsInParallel(module, {}, validateThreads(bodyBytes(module, 0, module.codes.length), options.parallelCompile));
    }
    const typeIds = moduleTypeIds(module, options);
    return { module, base: compileLazyBase(module, options, typeIds), typeIds };
  } catch (e) {
    // As in compileModule: the sequential pipeline decides which error comes first.
    validateModule(decodeModule(bytes, features));
    throw e;
  }
}

/**
 * What compileModuleLazily checks, without compiling anything: throws the error compileModule
 * would (the lazy background worker runs it for compileAsync).
 */
export function validateModuleBytes(bytes: Uint8Array, features: DecodeOptions = {}): void {
  try {
    const module = decodeModuleDeferringBodies(bytes, features);
    validateModuleStructure(module);
    if (module.codes.length > 0) validateFunctions(module, 0, module.codes.length);
  } catch (e) {
    validateModule(decodeModule(bytes, features));
    throw e;
  }
}

/** The signature ids code of `module` compiles with (per thread, see canonicalTypeId). */
export function moduleTypeIds(module: WasmModule, options: ModuleCompileOptions = {}): number[] {
  return options.moduleLocalTypeIds ? moduleLocalTypeIds(module) : moduleCanonicalTypeIds(module);
}

/**
 * The process's canonical signature id of every type of `module` (layout.ts
 * canonicalTypeId); a (ref $t) in a signature is keyed by $t's own id (wasm/type-canon.ts).
 */
export function moduleCanonicalTypeIds(module: WasmModule): number[] {
  const ids: number[] = [];
  const keys = structuralKeys(module, (j) => ids[j]!);
  for (let i = 0; i < keys.length; i++) ids.push(canonicalTypeId(keys[i]!.params, keys[i]!.results));
  return ids;
}

/** See ModuleCompileOptions.moduleLocalTypeIds. */
function moduleLocalTypeIds(module: WasmModule): number[] {
  const ids = new Map<string, number>();
  const byIndex: number[] = [];
  for (const t of structuralKeys(module, (j) => byIndex[j]!)) {
    const key = `${t.params.join(',')}:${t.results.join(',')}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size + 1));
    byIndex.push(id);
  }
  return byIndex;
}

export function compileModuleCode(module: WasmModule, options: ModuleCompileOptions = {}): CompiledCode {
  const typeIds = moduleTypeIds(module, options);
  const numFuncs = module.funcs.length;
  const threads = threadCount(bodyBytes(module, 0, module.codes.length), options.parallelCompile);
  let chunks: CodeChunk[];
  if (threads <= 1) {
    chunks = [compileChunk(module, options, typeIds, 0, numFuncs)];
  } else {
    chunks = compileChunksInParallel(module, options, typeIds, chunkRanges(module, threads), threads);
  }
  return linkChunks(chunks, numFuncs);
}

/**
 * Threads to compile with in all (1 = this one only), for `codeBytes` of function bodies.
 *
 * The default leaves one core to V8: a cold process runs the compiler's JavaScript slowly
 * until V8 has optimised it on a background thread, and every worker is such a process of
 * its own. On a 2-core machine a cold 2-thread compile of esbuild.wasm measured slower than
 * a 1-thread one (the threads starve V8's optimising compiler of its core), while with warm
 * workers it is 1.7x faster. So: one thread per core but one, and at least as many as there
 * are warm workers (parallelCompile: true / n override this).
 */
function threadCount(codeBytes: number, setting: boolean | number | undefined): number {
  if (setting === false) return 1;
  let n: number;
  if (typeof setting === 'number') n = Math.floor(setting);
  else if (setting === true) n = availableParallelism();
  else {
    if (codeBytes < PARALLEL_MIN_CODE_BYTES) return 1;
    const cores = availableParallelism();
    n = Math.max(cores - 1, Math.min(1 + warmWorkerCount(), cores));
  }
  return Math.max(1, Math.min(n, MAX_THREADS));
}

function bodyBytes(module: WasmModule, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += module.codes[i]!.bodyEnd - module.codes[i]!.bodyStart;
  return n;
}

/**
 * Cut the function index space into ranges of about equal body size. Returned flat: chunk
 * k covers functions ranges[2k] .. ranges[2k+1]-1. The first chunk also has the imports.
 */
function chunkRanges(module: WasmModule, threads: number): Int32Array {
  const imported = module.numImportedFuncs;
  const total = bodyBytes(module, 0, module.codes.length);
  const target = Math.max(MIN_CHUNK_BYTES, Math.ceil(total / (threads * CHUNKS_PER_THREAD)));
  const bounds: number[] = [];
  let start = 0;
  let size = 0;
  for (let d = 0; d < module.codes.length; d++) {
    const body = module.codes[d]!;
    size += body.bodyEnd - body.bodyStart;
    if (size >= target) {
      bounds.push(start, imported + d + 1);
      start = imported + d + 1;
      size = 0;
    }
  }
  if (start < module.funcs.length || bounds.length === 0) bounds.push(start, module.funcs.length);
  return Int32Array.from(bounds);
}
