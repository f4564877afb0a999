// Lazy compilation (Engine option compilation: 'lazy', docs/startup.md): a module's function
// bodies are validated when it is compiled, and each is compiled to machine code on its first
// call, or earlier by background compilation (threads/lazy-background.ts), whichever comes
// first.
//
// The code region (native/src/lazy_code.c, codegen lower/lazy-base.ts) starts with the import
// thunks, the lazy stub and one jump slot per defined function; every reference to a defined
// function (direct calls, exports, tables, ref.func, importers) is its slot, which jumps
// through its slot word. The word leads to the stub until the function is installed: its
// code is copied to fresh pages above everything installed before (never into a page that may
// already run) and the word is pointed at it with one atomic store.
//
// Installed code is compiled exactly as an eager compile compiles it (compileChunk); only the
// rel32 of its direct calls differ, which lead to the callees' slots instead of their code.
import {
  compileLazyChunk, linkLazyChunk, lookupWasmOffset, JUMP_SLOT_BYTES,
  type CodeChunk, type LazyBase, type ModuleCompileOptions, type OffsetMap, type WasmModule,
} from '@wasmjit/codegen';
import { codeSlot, installCode, loadLazyCode, readLazyCode, setCodeSlot, type CodeRegion } from './code-memory.js';

const PAGE = 4096;
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
  /** Per defined function: 1 once its slot leads to its code. */
  readonly #compiled: Uint8Array;
  #remaining: number;
  /** Where the next install goes (page-aligned). */
  #next: number;
  /** Installed functions in ascending code order (installs only move up). */
  readonly #placed: Placed[] = [];
  /** Of each defined function: its code's offset once installed (tests, listings). */
  readonly #codeStart: Int32Array;
  readonly #codeEnd: Int32Array;
  /** Milliseconds spent compiling and installing on this thread (first calls), and how many. */
  firstCallMs = 0;
  firstCalls = 0;

  constructor(module: WasmModule, base: LazyBase, options: ModuleCompileOptions, typeIds: readonly number[]) {
    this.module = module;
    this.base = base;
    this.options = options;
    this.typeIds = typeIds;
    const defined = module.codes.length;
    let bodyBytes = 0;
    for (const c of module.codes) bodyBytes += c.bodyEnd - c.bodyStart;
    const installFrom = base.dataOffset + Math.max(PAGE, roundPages(base.dataLength));
    // Every function installed on its own (a page each at worst) plus room for all the code.
    const capacity = Math.min(MAX_CAPACITY, installFrom + PAGE * (defined + 16) + RESERVE_PER_BODY_BYTE * bodyBytes);
    this.region = loadLazyCode(base.code, base.dataOffset, Math.max(8, base.dataLength), capacity);
    const stub = this.region.address + base.stubOffset;
    for (let d = 0; d < defined; d++) setCodeSlot(this.region, base.dataOffset + 8 * d, stub);
    this.#compiled = new Uint8Array(defined);
    this.#codeStart = new Int32Array(defined).fill(-1);
    this.#codeEnd = new Int32Array(defined).fill(-1);
    this.#remaining = defined;
    this.#next = installFrom;
  }

  /** Defined functions not compiled yet. */
  get remaining(): number {
    return this.#remaining;
  }

  isCompiled(funcIndex: number): boolean {
    return this.#compiled[funcIndex - this.module.numImportedFuncs] === 1;
  }

  /** The lazy stub's work on this thread: compile `funcIndex` unless something else did first. */
  compileOnFirstCall(funcIndex: number): void {
    const d = funcIndex - this.module.numImportedFuncs;
    if (!(d >= 0 && d < this.#compiled.length)) throw new RangeError(`wasmjit: lazy compile of function ${funcIndex}, which is not defined by the module`);
    if (this.#compiled[d] === 1) return; // background compilation won, or a reentrant call
    const t0 = performance.now();
    this.install(compileLazyChunk(this.module, this.options, this.typeIds, funcIndex, funcIndex + 1));
    this.firstCallMs += performance.now() - t0;
    this.firstCalls++;
  }

  /** Compiles every function not compiled yet, on this thread, as one chunk per run of them. */
  compileAll(): void {
    const imported = this.module.numImportedFuncs;
    const n = this.#compiled.length;
    for (let d = 0; d < n; ) {
      if (this.#compiled[d] === 1) {
        d++;
        continue;
      }
      let e = d;
      while (e < n && this.#compiled[e] === 0) e++;
      this.install(compileLazyChunk(this.module, this.options, this.typeIds, imported + d, imported + e));
      d = e;
    }
  }

  /**
   * Installs a chunk compiled here or by a worker (with this module's typeIds and options):
   * its functions that are still uncompiled get their slots pointed at it; the others were
   * compiled first by someone else and keep that code (this copy is never entered).
   */
  install(chunk: CodeChunk): void {
    const imported = this.module.numImportedFuncs;
    const place = this.#next;
    const slotOf = (f: number) => this.base.funcOffsets[f]!;
    const code = linkLazyChunk(chunk, place, slotOf);
    installCode(this.region, place, code);
    this.#next = roundPages(place + code.length);
    const map: OffsetMap = { code: chunk.mapCode, wasm: chunk.mapWasm };
    for (let f = chunk.from; f < chunk.to; f++) {
      const d = f - imported;
      if (d < 0 || this.#compiled[d] === 1) continue;
      const start = place + chunk.starts[f - chunk.from]!;
      const end = place + chunk.ends[f - chunk.from]!;
      this.#placed.push({ funcIndex: f, start, end, map, base: place });
      this.#codeStart[d] = start;
      this.#codeEnd[d] = end;
      setCodeSlot(this.region, this.base.dataOffset + 8 * d, this.region.address + start);
      this.#compiled[d] = 1;
      this.#remaining--;
    }
  }

  /** Function and wasm offset of installed code at `codeOffset` (region-relative); null elsewhere. */
  locate(codeOffset: number): { funcIndex: number; offset: number } | null {
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
    if (k < 0 || codeOffset >= p[k]!.end) return null;
    const { funcIndex, map, base, start } = p[k]!;
    return { funcIndex, offset: lookupWasmOffset(map, codeOffset - base, start - base) };
  }

  /**
   * The installed machine code of defined function `funcIndex` (null while uncompiled), with
   * its direct calls' rel32 as compileChunk left them (relocations): comparable byte for byte
   * with an eager compile's function once that one's rel32 are cleared the same way.
   */
  functionCode(funcIndex: number): Uint8Array | null {
    const d = funcIndex - this.module.numImportedFuncs;
    if (this.#compiled[d] !== 1) return null;
    return readLazyCode(this.region, this.#codeStart[d]!, this.#codeEnd[d]! - this.#codeStart[d]!);
  }

  /** The address the slot word of defined function `funcIndex` holds (tests). */
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
