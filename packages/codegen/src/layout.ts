// Per-module layout of the vmctx after its fixed header (see Vmctx in abi.ts). Codegen emits
// offsets from here; the runtime fills the same offsets. All entries are 8-byte aligned.
//
//   HeaderEnd                 imported functions: { code, vmctx } × numImportedFuncs
//   globalsOffset             one pointer per global (imported first) to its 16-byte cell;
//                             the cell holds the value (i32/f32 in the low bytes)
//   tablesOffset              one pointer per table to its TableDescriptor (shared when a
//                             table is imported/exported): { elements: u64*, length: u64 }
//   funcRefsOffset            one FuncRefRecord per function in the index space: what
//                             ref.func and tables point to
//   dataSegmentsOffset        per data segment: { address, length } (length 0 once dropped)
//   elemSegmentsOffset        per element segment: { address, length } (length 0 once dropped)
//   memoriesOffset            per memory after memory 0 (multi-memory): { base, byte length },
//                             the same pair as the header's MemBase/MemSize, kept current by
//                             the Memory; last, so a one-memory module's layout is unchanged
//   size                      total bytes
import { Vmctx, IMPORT_ENTRY_SIZE } from './abi.js';
import type { WasmModule } from './wasm/types.js';
import { dataSegmentCount } from './wasm/data-segments.js';

/** A funcref value is the address of one of these (0 is ref.null). */
export const enum FuncRefRecord {
  Code = 0,
  Vmctx = 8,
  /** Canonical signature id (see canonicalTypeId) as a u32, for call_indirect checks. */
  TypeId = 16,
  /** Index in the runtime's JS-side handle table, so the reference can cross into JS. */
  Handle = 20,
  Size = 24,
}

export const enum TableDescriptor {
  Elements = 0,
  Length = 8,
  Size = 16,
}

export const GLOBAL_CELL_SIZE = 16;
export const SEGMENT_ENTRY_SIZE = 16;
/** { base, byte length } of one memory; memory 0's is the vmctx header's MemBase/MemSize. */
export const MEMORY_ENTRY_SIZE = 16;

export interface VmctxLayout {
  importedFuncsOffset: number;
  globalsOffset: number;
  tablesOffset: number;
  funcRefsOffset: number;
  dataSegmentsOffset: number;
  elemSegmentsOffset: number;
  memoriesOffset: number;
  size: number;
}

export function computeLayout(m: WasmModule): VmctxLayout {
  let off: number = Vmctx.HeaderEnd;
  const importedFuncsOffset = off;
  off += IMPORT_ENTRY_SIZE * m.numImportedFuncs;
  const globalsOffset = off;
  off += 8 * (m.numImportedGlobals + m.globals.length);
  const tablesOffset = off;
  off += 8 * m.tables.length;
  const funcRefsOffset = off;
  off += FuncRefRecord.Size * m.funcs.length;
  const dataSegmentsOffset = off;
  off += SEGMENT_ENTRY_SIZE * dataSegmentCount(m);
  const elemSegmentsOffset = off;
  off += SEGMENT_ENTRY_SIZE * m.elems.length;
  const memoriesOffset = off;
  off += MEMORY_ENTRY_SIZE * Math.max(0, m.memories.length - 1);
  return { importedFuncsOffset, globalsOffset, tablesOffset, funcRefsOffset, dataSegmentsOffset, elemSegmentsOffset, memoriesOffset, size: off };
}

/** vmctx offset of memory `i`'s base; its byte length follows 8 bytes later. */
export function memoryBaseOffset(l: VmctxLayout, i: number): number {
  return i === 0 ? Vmctx.MemBase : l.memoriesOffset + MEMORY_ENTRY_SIZE * (i - 1);
}

export function globalPtrOffset(l: VmctxLayout, globalIndex: number): number {
  return l.globalsOffset + 8 * globalIndex;
}
export function tablePtrOffset(l: VmctxLayout, tableIndex: number): number {
  return l.tablesOffset + 8 * tableIndex;
}
export function funcRefOffset(l: VmctxLayout, funcIndex: number): number {
  return l.funcRefsOffset + FuncRefRecord.Size * funcIndex;
}
export function dataSegmentOffset(l: VmctxLayout, i: number): number {
  return l.dataSegmentsOffset + SEGMENT_ENTRY_SIZE * i;
}
export function elemSegmentOffset(l: VmctxLayout, i: number): number {
  return l.elemSegmentsOffset + SEGMENT_ENTRY_SIZE * i;
}

// Canonical signature ids: equal function types get equal ids, so call_indirect compares
// one u32 even across modules. By default the ids are this thread's own; the runtime makes
// them process-wide (setTypeIdSource), because its code may run on another thread than the
// one that compiled it (a module posted to a worker, compiled by a background worker).
const typeIds = new Map<string, number>();
let typeIdSource: ((key: string) => number) | null = null;

/**
 * Where new ids come from from now on (ids already handed out on this thread are kept:
 * set it before compiling anything). `source` must give every key one id, forever.
 */
export function setTypeIdSource(source: (key: string) => number): void {
  if (typeIds.size > 0 && typeIdSource !== source) {
    throw new Error('BUG: setTypeIdSource after signature ids were handed out on this thread');
  }
  typeIdSource = source;
}

export function canonicalTypeId(params: readonly number[], results: readonly number[]): number {
  const key = `${params.join(',')}:${results.join(',')}`;
  let id = typeIds.get(key);
  if (id === undefined) {
    id = typeIdSource !== null ? typeIdSource(key) : typeIds.size + 1;
    typeIds.set(key, id);
  }
  return id;
}
