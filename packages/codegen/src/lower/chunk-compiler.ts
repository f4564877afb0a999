// One chunk: a range of the function index space compiled into its own code buffer starting
// at offset 0. Everything in a chunk is position independent except the rel32 of direct
// calls, which are left as relocations (ModuleEnv.callRelocs) for link-chunks.ts to patch
// once every function's final offset is known. So chunks can be compiled in any order, on
// any thread, and concatenated in index order give exactly the code of one sequential pass.
import { cpuFeatures } from '../x64/cpu-features.js';
import { Assembler, type Label } from '../x64/assembler.js';
import { computeLayout } from '../layout.js';
import type { WasmModule } from '../wasm/types.js';
import { bodyValidator } from '../validate/function.js';
import { LocalUses } from './local-uses.js';
import { compileFunction } from './compile-function.js';
import { compileOptimized } from '../opt/compile-optimized.js';
import { emitHostThunk } from './host-thunk.js';
import type { CompileOptions, ModuleEnv } from './module-env.js';
import { OffsetMapBuilder } from './offset-map.js';
import { FRAMES } from './control.js';

/** CompileOptions as module-compiler.ts receives them (plain data: they go to workers too). */
export type ModuleCompileOptions = CompileOptions & {
  collectOffsets?: boolean;
  /**
   * @internal The function bodies have not been scanned or validated yet (compileModule):
   * each chunk validates its own functions (which rejects malformed ones too) before
   * compiling them.
   */
  checkBodies?: boolean;
  /**
   * @internal For listings of code that never runs (`wasmjit explore`, the disassembly
   * fixtures): signature ids numbered within the module (equal types share one, from 1 in
   * type order) instead of the canonical ids, which depend on everything the process
   * compiled before and so would make a listing differ from run to run.
   */
  moduleLocalTypeIds?: boolean;
};

/** A compiled chunk; every code offset in it is relative to the chunk's start. */
export interface CodeChunk {
  /** The function index range [from, to). */
  from: number;
  to: number;
  code: Uint8Array;
  /** Entry and end offset of each function of the range, in order. */
  starts: Int32Array;
  ends: Int32Array;
  /** Pairs (offset of a call's rel32 field, callee function index). */
  relocs: Int32Array;
  /** Pairs (offset of a signature id's imm32, module type index): ModuleEnv.typeIdSites. */
  typeIdSites: Int32Array;
  /** This chunk's part of the code → wasm offset map (see offset-map.ts). */
  mapCode: Uint32Array;
  mapWasm: Uint32Array;
  comments: { offset: number; text: string }[];
  /** Pairs (wasm offset, code offset) with collectOffsets, else null. */
  opOffsets: number[] | null;
}

/**
 * Machine-code bytes per wasm body byte to reserve: about 2.2 for large toolchain output
 * with guard-mode bounds checks and 3.5 with explicit ones, rounded up so that a chunk's
 * buffer seldom grows (memory that is reserved but never written costs next to nothing).
 */
const CODE_PER_BODY_BYTE = 4;
/** Offset map entries per wasm body byte (about 0.3, one per operator that emits code). */
const MAP_ENTRIES_PER_BODY_BYTE = 0.35;
/** Bytes per host thunk, rounded up. */
const THUNK_BYTES = 128;

/**
 * Compile functions from..to-1 of the index space (imports get their host thunk). With
 * options.checkBodies each body is validated (which rejects malformed ones too) just before
 * it is compiled; which error a module with several bad bodies reports is compileModule's
 * business (it runs the sequential pipeline on any error).
 */
export function compileChunk(
  module: WasmModule, options: ModuleCompileOptions, typeIds: readonly number[], from: number, to: number,
): CodeChunk {
  const body = bodyBytes(module, from, to);
  const thunks = Math.max(0, Math.min(to, module.numImportedFuncs) - from);
  const asm = new Assembler(256 + THUNK_BYTES * thunks + Math.ceil(CODE_PER_BODY_BYTE * body));
  // Only this range's labels exist: calls to other functions are relocations.
  const funcLabels: Label[] = [];
  for (let i = from; i < to; i++) funcLabels[i] = asm.newLabel();
  const callRelocs: number[] = [];
  const typeIdSites: number[] = [];
  const offsetMap = new OffsetMapBuilder(16 + thunks + Math.ceil(MAP_ENTRIES_PER_BODY_BYTE * body));
  const env: ModuleEnv = {
    module,
    asm,
    funcLabels,
    layout: computeLayout(module),
    trace: options.trace ?? false,
    boundsChecks: options.boundsChecks ?? 'explicit',
    opOffsets: options.collectOffsets ? [] : null,
    stackChecks: options.stackChecks ?? true,
    offsetMap,
    epochInterruption: options.epochInterruption ?? false,
    epochCounterAddress: options.epochCounterAddress,
    hostInterrupts: options.hostInterrupts ?? false,
    consumeFuel: options.consumeFuel ?? false,
    simdAvx: options.simdAvx ?? cpuFeatures().avx,
    callRelocs,
    typeIds,
    typeIdSites,
    ...(options.tier === 'optimized' ? { tier: 'optimized' as const } : {}),
  };
  const n = to - from;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  // checkBodies: each body is validated right before it is compiled (while its bytes are in
  // the cache), and the validator records its local uses for the compiler's register homes.
  const imported = module.numImportedFuncs;
  const validate = options.checkBodies ? bodyValidator(module) : null;
  const uses = validate !== null ? new LocalUses() : null;
  try {
    for (let i = from; i < to; i++) {
      if (i < imported) emitHostThunk(asm, funcLabels[i]!, i, module);
      else {
        if (validate !== null) validate(i - imported, uses, to - imported);
        if (env.tier !== 'optimized' || !compileOptimized(env, i)) compileFunction(env, i, uses);
      }
      starts[i - from] = asm.labelOffset(funcLabels[i]!)!;
      ends[i - from] = asm.offset;
      // Every function starts 16-byte aligned (so its code lands on the same fetch and
      // op-cache boundaries whatever precedes it); padded after each function, every chunk
      // ends aligned too, and concatenated chunks keep the alignment.
      padWithInt3(asm, FUNCTION_ALIGN);
    }
  } finally {
    // The reused control frames would otherwise keep this chunk's code buffer alive.
    FRAMES.release();
  }
  const map = offsetMap.finish();
  return {
    from,
    to,
    code: asm.finishView(),
    starts,
    ends,
    relocs: Int32Array.from(callRelocs),
    typeIdSites: Int32Array.from(typeIdSites),
    mapCode: map.code,
    mapWasm: map.wasm,
    comments: asm.comments,
    opOffsets: env.opOffsets,
  };
}

const FUNCTION_ALIGN = 16;
const INT3 = 0xcc;

/** Never executed: traps if it ever is. */
function padWithInt3(asm: Assembler, align: number): void {
  while (asm.offset % align !== 0) asm.buf.put1(INT3);
}

/** Bytes of function bodies among functions from..to-1 of the index space. */
function bodyBytes(module: WasmModule, from: number, to: number): number {
  const imported = module.numImportedFuncs;
  let bytes = 0;
  for (let i = Math.max(from, imported); i < to; i++) {
    const b = module.codes[i - imported]!;
    bytes += b.bodyEnd - b.bodyStart;
  }
  return bytes;
}
