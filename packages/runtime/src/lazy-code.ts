// Lazy compilation (Engine option compilation: 'lazy', docs/startup.md): a module's function
// bodies are validated when it is compiled, and each is compiled to machine code on its first
// call, or earlier by background compilation (threads/lazy-background.ts), whichever comes
// first.
//
// The code region (native/src/lazy_code.c, codegen lower/lazy-base.ts) starts with the import
// thunks, the lazy stub and one jump slot per defined function; every reference to a defined
// function (direct calls, exports, tables, ref.func, importers) is its slot, which jumps
// through its slot word. The word leads to the stub until the function is installed: its
// code is copied to fresh pages above everything installed before, by any thread (never into
// a page that may already run), and the word is pointed at it with one atomic store.
//
// Threads: a module posted to a worker (threads/module-share.ts) runs the same region there,
// with a LazyCode of that thread over it. Whether a function is compiled is read from its
// slot word, which every thread sees; two threads whose first calls race both compile and
// install it (the same bytes, at two places) and the later store wins, both codes being
// equal. A thread's backtraces find the functions it installed itself directly, and those
// installed by another thread by their slot words (see locate).
//
// Installed code is compiled exactly as an eager compile compiles it (compileChunk); only the
// rel32 of its direct calls differ: each leads to its callee's code where that is known when
// the caller is installed (same chunk, or installed before), else to the callee's slot.
import {
  compileLazyChunk, linkEagerCode, linkLazyChunk, lookupWasmOffset, JUMP_SLOT_BYTES,
  type CodeChunk, type CompiledCode, type DecodeOptions, type LazyBase, type ModuleCompileOptions, type OffsetMap, type WasmModule,
} from '@wasmjit/codegen';
import { codeSlot, installCodeAbove, loadLazyCode, readLazyCode, setCodeSlot, type CodeRegion } from './code-memory.js';
import { drainBackgroundChunks } from './threads/lazy-background.js';

const PAGE = 4096;
/** Bytes of callee bodies a first call compiles along with its function (#compileWithCallees). */
export const CALLEE_BUDGET = 4096;
/** Address space for installed code, per wasm body byte (eager code measures 2.2-3.5). */
const RESERVE_PER_BODY_BYTE = 8;
/** rel32 calls between installed code and the slots must reach: stay well within 2 GiB. */
const MAX_CAPACITY = 1.5 * 2 ** 30;

/** Where one installed function's code is, for backtraces. */
interface Placed {
  funcIndex: number;
  start: number;
  end: number;
  map: OffsetMap;
  /** The chunk start the map's offsets count from. */
  base: number;
}

export class LazyCode {
  readonly region: CodeRegion;
  readonly base: LazyBase;
  readonly module: WasmModule;
  readonly options: ModuleCompileOptions;
  readonly typeIds: readonly number[];
  /** What the module was decoded with (the background worker decodes it again). */
  readonly features: DecodeOptions;
  /** The lazy stub's address: the slot word of every function not compiled yet. */
  readonly #stub: number;
  /**
   * Per defined function: 1 once this thread knows its slot leads to code. Shared memory: the
   * background compile worker reads it to skip functions first calls compiled already.
   */
  readonly #compiled: Uint8Array;
  #known: number;
  /** Functions this thread installed, in ascending code order (installs only move up). */
  readonly #placed: Placed[] = [];
  /** Per defined function: the region offset of the code this thread installed for it, else 0. */
  readonly #codeAt: Float64Array;
  /** Functions another thread installed, found by a backtrace (see locate). */
  readonly #foreign = new Map<number, Placed>();
  /** Whether the region was made by another thread (module-share.ts), which compiles it in the background. */
  readonly adopted: boolean;
  /** With keepChunks: every chunk installed, by its first function (the eager layout's parts). */
  #chunks: Map<number, CodeChunk> | null = null;
  /** whenComplete's callback, until it runs. */
  #onComplete: (() => void) | null = null;
  /** LazyCode's CALLEE_BUDGET for this module (tests set 0: one function per first call). */
  calleeBudget = CALLEE_BUDGET;
  /** Milliseconds spent compiling and installing on first calls on this thread, and how many. */
  firstCallMs = 0;
  firstCalls = 0;

  /**
   * A new region for `module` (its slot words all leading to the stub), or, with `adopt`,
   * the region another thread made for it (module-share.ts).
   */
  constructor(
    module: WasmModule, base: LazyBase, options: ModuleCompileOptions, typeIds: readonly number[], features: DecodeOptions, adopt?: CodeRegion,
  ) {
    this.module = module;
    this.features = features;
    this.base = base;
    this.options = options;
    this.typeIds = typeIds;
    this.adopted = adopt !== undefined;
    const defined = module.codes.length;
    if (adopt !== undefined) {
      this.region = adopt;
    } else {
      let bodyBytes = 0;
      for (const c of module.codes) bodyBytes += c.bodyEnd - c.bodyStart;
      const installFrom = base.dataOffset + Math.max(PAGE, roundPages(base.dataLength));
      // Every function installed on its own (a page each at worst) plus room for all the code.
      const capacity = Math.min(MAX_CAPACITY, installFrom + PAGE * (defined + 16) + RESERVE_PER_BODY_BYTE * bodyBytes);
      this.region = loadLazyCode(base.code, base.dataOffset, Math.max(8, base.dataLength), capacity);
    }
    this.#stub = this.region.address + base.stubOffset;
    if (adopt === undefined) for (let d = 0; d < defined; d++) setCodeSlot(this.region, base.dataOffset + 8 * d, this.#stub);
    this.#compiled = new Uint8Array(new SharedArrayBuffer(Math.max(1, defined)), 0, defined);
    this.#codeAt = new Float64Array(defined);
    this.#known = 0;
  }

  /** The flags behind isCompiled (1: compiled), by defined function index, in shared memory. */
  get compiledFlags(): Uint8Array {
    return this.#compiled;
  }

  /** Defined functions not known (to this thread) to be compiled. */
  get remaining(): number {
    return this.#compiled.length - this.#known;
  }

  /** Whether defined function `funcIndex`'s slot leads to its code (installed by any thread). */
  isCompiled(funcIndex: number): boolean {
    const d = funcIndex - this.module.numImportedFuncs;
    if (this.#compiled[d] === 1) return true;
    if (this.slotTarget(funcIndex) === this.#stub) return false;
    this.#compiled[d] = 1;
    this.#known++;
    return true;
  }

  /** Keep every chunk installed from now on, for eagerCode (a module the code cache will store). */
  keepChunks(): void {
    this.#chunks ??= new Map();
  }

  /**
   * Calls `done` (in a task of its own) once every function is known to be compiled on this
   * thread: the code cache's lazy compilation hook (module.ts storeWhenCompiled).
   */
  whenComplete(done: () => void): void {
    if (this.remaining === 0) setImmediate(done);
    else this.#onComplete = done;
  }

  /**
   * The module's code in the eager layout (as compileModuleCode gives it, byte for byte),
   * from the chunks kept since keepChunks, every other function compiled here (not
   * installed): what Module.serialize and the code cache write. The kept chunks are released
   * once every function is compiled.
   */
  eagerCode(): CompiledCode {
    const code = linkEagerCode(this.module, this.options, this.typeIds, this.#chunks ?? new Map());
    if (this.remaining === 0) this.#chunks = null;
    return code;
  }

  /** The lazy stub's work on this thread: compile `funcIndex` unless someone did first. */
  compileOnFirstCall(funcIndex: number): void {
    const d = funcIndex - this.module.numImportedFuncs;
    if (!(d >= 0 && d < this.#compiled.length)) throw new RangeError(`wasmjit: lazy compile of function ${funcIndex}, which is not defined by the module`);
    // Chunks the background worker finished while this thread ran (it may never have
    // returned to the event loop since): installing one costs far less than compiling.
    drainBackgroundChunks();
    if (this.isCompiled(funcIndex)) return; // background compilation or another thread won
    const t0 = performance.now();
    this.installAll(this.#compileWithCallees(funcIndex));
    this.firstCallMs += performance.now() - t0;
    this.firstCalls++;
  }

  /**
   * `funcIndex` compiled, and with it, breadth first, the direct callees no one has compiled
   * yet, while their bodies fit in CALLEE_BUDGET bytes: a function's callees are likely its
   * next first calls, and compiling them now saves each a trip through the lazy stub and an
   * install of its own (installAll installs them all with one pair of mprotect calls).
   */
  #compileWithCallees(funcIndex: number): CodeChunk[] {
    const { module, options, typeIds } = this;
    const imported = module.numImportedFuncs;
    const first = compileLazyChunk(module, options, typeIds, funcIndex, funcIndex + 1);
    const chunks = [first];
    let budget = this.calleeBudget;
    if (budget <= 0) return chunks;
    const taken = new Set<number>([funcIndex]);
    for (let k = 0; k < chunks.length && budget > 0; k++) {
      const relocs = chunks[k]!.relocs;
      for (let j = 1; j < relocs.length && budget > 0; j += 2) {
        const callee = relocs[j]!;
        if (taken.has(callee) || callee < imported || this.#compiled[callee - imported] === 1) continue;
        taken.add(callee);
        const body = module.codes[callee - imported]!;
        const size = body.bodyEnd - body.bodyStart;
        if (size > budget) continue;
        budget -= size;
        chunks.push(compileLazyChunk(module, options, typeIds, callee, callee + 1));
      }
    }
    return chunks;
  }

  /** Compiles every function not compiled yet, on this thread, one chunk per run of them. */
  compileAll(): void {
    const imported = this.module.numImportedFuncs;
    const n = this.#compiled.length;
    for (let d = 0; d < n; ) {
      if (this.isCompiled(imported + d)) {
        d++;
        continue;
      }
      let e = d + 1;
      while (e < n && !this.isCompiled(imported + e)) e++;
      this.install(compileLazyChunk(this.module, this.options, this.typeIds, imported + d, imported + e));
      d = e;
    }
  }

  /**
   * Installs a chunk compiled here or by a worker (with this module's typeIds and options):
   * its functions still uncompiled get their slots pointed at it; the others were compiled
   * first by someone else and keep that code (this copy of them is never entered).
   */
  install(chunk: CodeChunk): void {
    this.installAll([chunk]);
  }

  /** install() of several chunks at once, placed one after another: one pair of mprotect calls. */
  installAll(chunks: readonly CodeChunk[]): void {
    const imported = this.module.numImportedFuncs;
    // Where each chunk goes, from the start of the installed block (chunks end 16-aligned).
    const bases: number[] = [];
    let total = 0;
    for (const c of chunks) {
      bases.push(total);
      total += c.code.length;
    }
    // A direct call goes straight to its callee when the callee's code is known now: in these
    // chunks, or installed before by this thread; only the others go through the callee's
    // jump slot (a `jmp [slot word]` more per call, which call-heavy code notices). Known
    // from this thread's own records: reading slot words costs a native call per callee.
    const inBlock = new Map<number, number>();
    chunks.forEach((c, k) => {
      for (let f = c.from; f < c.to; f++) if (!inBlock.has(f)) inBlock.set(f, bases[k]! + c.starts[f - c.from]!);
    });
    const codeAt = this.#codeAt;
    const link = (place: number): Uint8Array => {
      const target = (f: number) => {
        const at = inBlock.get(f);
        if (at !== undefined) return place + at;
        const known = f >= imported ? codeAt[f - imported]! : 0;
        return known !== 0 ? known : this.base.funcOffsets[f]!;
      };
      if (chunks.length === 1) return linkLazyChunk(chunks[0]!, place, target);
      const block = new Uint8Array(total);
      chunks.forEach((c, k) => block.set(linkLazyChunk(c, place + bases[k]!, target), bases[k]!));
      return block;
    };
    const place = installCodeAbove(this.region, link);
    chunks.forEach((chunk, k) => {
      const at = place + bases[k]!;
      const map: OffsetMap = { code: chunk.mapCode, wasm: chunk.mapWasm };
      for (let f = chunk.from; f < chunk.to; f++) {
        const d = f - imported;
        // Compiled before by this thread: that code stays. (Another thread's install of it
        // may be replaced by this one: the same code, and the later store wins.)
        if (d < 0 || this.#compiled[d] === 1) continue;
        const start = at + chunk.starts[f - chunk.from]!;
        this.#codeAt[d] = start;
        const end = at + chunk.ends[f - chunk.from]!;
        this.#placed.push({ funcIndex: f, start, end, map, base: at });
        setCodeSlot(this.region, this.base.dataOffset + 8 * d, this.region.address + start);
        this.#compiled[d] = 1;
        this.#known++;
      }
      const kept = this.#chunks;
      if (kept !== null && (kept.get(chunk.from)?.to ?? -1) < chunk.to) {
        // A chunk compiled here may be a view of its assembler's larger buffer: keep exactly the code.
        kept.set(chunk.from, { ...chunk, code: chunk.code.slice() });
      }
    });
    const done = this.#onComplete;
    if (done !== null && this.remaining === 0) {
      this.#onComplete = null;
      // Not inside a first call's compile (the lazy stub waits): in a task of its own.
      setImmediate(done);
    }
  }

  /**
   * Function and wasm offset of installed code at `codeOffset` (region-relative); null
   * outside installed code. Code another thread installed is found by the slot words: the
   * function whose code starts last at or before the address, compiled again here for its
   * length and offset map (the same bytes: compiling is deterministic). Only backtraces ask.
   */
  locate(codeOffset: number): { funcIndex: number; offset: number } | null {
    if (codeOffset < this.base.dataOffset) return null;
    const p = this.#placed;
    let lo = 0;
    let hi = p.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (p[mid]!.start <= codeOffset) {
        k = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    const hit = k >= 0 && codeOffset < p[k]!.end ? p[k]! : this.#foreignAt(codeOffset);
    if (hit === null) return null;
    const { funcIndex, map, base, start } = hit;
    return { funcIndex, offset: lookupWasmOffset(map, codeOffset - base, start - base) };
  }

  /**
   * Exception handling: the installed function's code at `codeOffset` (its range and offset
   * map, whose code offsets are relative to `base`), or null.
   */
  placedAt(codeOffset: number): { funcIndex: number; start: number; end: number; map: OffsetMap; base: number } | null {
    const located = this.locate(codeOffset);
    if (located === null) return null;
    const p = this.#placed;
    for (let i = p.length - 1; i >= 0; i--) if (p[i]!.start <= codeOffset && codeOffset < p[i]!.end) return p[i]!;
    return this.#foreignAt(codeOffset);
  }

  #foreignAt(codeOffset: number): Placed | null {
    const imported = this.module.numImportedFuncs;
    let best = -1;
    let bestStart = -1;
    for (let d = 0; d < this.#compiled.length; d++) {
      const target = this.slotTarget(imported + d) - this.region.address;
      if (target !== this.base.stubOffset && target <= codeOffset && target > bestStart) {
        best = d;
        bestStart = target;
      }
    }
    if (best < 0) return null;
    let placed = this.#foreign.get(best);
    if (placed === undefined) {
      const chunk = compileLazyChunk(this.module, this.options, this.typeIds, imported + best, imported + best + 1);
      const base = bestStart - chunk.starts[0]!;
      placed = { funcIndex: imported + best, start: bestStart, end: base + chunk.ends[0]!, map: { code: chunk.mapCode, wasm: chunk.mapWasm }, base };
      this.#foreign.set(best, placed);
    }
    return codeOffset < placed.end ? placed : null;
  }

  /**
   * The machine code the slot of defined function `funcIndex` leads to (null while it is
   * uncompiled), as installed: its direct calls' rel32 lead to the callees' slots.
   */
  functionCode(funcIndex: number): Uint8Array | null {
    if (!this.isCompiled(funcIndex)) return null;
    const start = this.slotTarget(funcIndex) - this.region.address;
    const own = this.#placed.find((p) => p.funcIndex === funcIndex && p.start === start);
    const end = own?.end ?? this.#foreignAt(start)?.end;
    if (end === undefined) return null;
    return readLazyCode(this.region, start, end - start);
  }

  /** The address the slot word of defined function `funcIndex` holds. */
  slotTarget(funcIndex: number): number {
    return codeSlot(this.region, this.base.dataOffset + 8 * (funcIndex - this.module.numImportedFuncs));
  }

  /** Offset of function `funcIndex`'s jump slot. */
  slotOffset(funcIndex: number): number {
    return this.base.slotsOffset + JUMP_SLOT_BYTES * (funcIndex - this.module.numImportedFuncs);
  }
}

function roundPages(n: number): number {
  return Math.ceil(n / PAGE) * PAGE;
}
