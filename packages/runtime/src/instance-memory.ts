// Linking linear memory: memory 0 imported or created, vmctx MemBase/MemSize (kept current
// by the Memory on every grow), the memory builtins, and the data segments.
//
// Guard-mode code (the module's engine has boundsChecks 'guard') has no bounds compares:
// its memory must be backed by the 8 GiB guard reservation (Memory.guarded), and the fault
// handler must be installed, with an alternate signal stack on this thread, before it runs.
// A memory whose reservation fell back (address space exhausted) is refused with a clear
// error rather than run unchecked; see docs/memory.md.
//
// Data segment state lives on the JS side, in the array the builtins close over: passive
// segments keep a view of their bytes (in the Module's copy of the wasm) until data.drop;
// active ones are applied at instantiation and then dropped, as the spec says. The vmctx's
// per-segment entries (layout.ts dataSegmentsOffset) are left zero: no generated code reads
// them, since memory.init and data.drop are builtin calls.
import { TrapCode, memoryBaseOffset, type ConstExpr, type DataSegmentTable, type Limits } from '@wasmjit/codegen';
import { LinkError, instantiationTrap } from './errors.js';
import { importValue, type InstanceBuild } from './instance-build.js';
import { Memory } from './memory.js';
import { attachVmctx, memoryBuffer, memoryGuarded, memoryIs64, memoryMaximum, memoryPages, memoryUnguardedReason } from './memory-access.js';
import { rawBits } from './global.js';
import { evalConstExpr, type ConstEnv } from './const-eval.js';
import { installMemoryBuiltins, type DataSegments } from './memory-builtins.js';
import { installMultiMemoryBuiltins } from './memory-builtins-at.js';
import { ensureGuardHandler } from './signals.js';
import { native } from './native.js';

export function linkMemories(b: InstanceBuild): void {
  const wasm = b.wasm;
  let imported = 0;
  for (const imp of wasm.imports) {
    if (imp.desc.kind !== 'memory') continue;
    b.memories[imported++] = importMemory(b, imp.module, imp.name, imp.desc.type);
  }
  for (let i = imported; i < wasm.memories.length; i++) {
    const limits = wasm.memories[i]!;
    b.memories[i] = new Memory({ initial: limits.min, maximum: limits.max, address: limits.address64 === true ? 'i64' : 'i32' });
  }
  const memory = (b.memories[0] as Memory | undefined) ?? null;
  // Guard-mode code compares nothing for a 32-bit memory (any of them, multi-memory); a
  // 64-bit one is always compared (ops/heap-address.ts).
  if (memory && b.parts.boundsChecks === 'guard') {
    for (let i = 0; i < wasm.memories.length; i++) {
      if (wasm.memories[i]!.address64 !== true) requireGuarded(b.memories[i] as Memory, i < imported);
    }
    ensureGuardHandler();
  }
  // The Instance holds its memories (instance.ts, and its member in ref-domain.ts), so a
  // Memory lives as long as the code that addresses its pages; it also holds the tracker that
  // detaches its vmctx from the memory once it is collected. Each memory keeps its own
  // { base, size } entry of the vmctx current (layout.ts memoryBaseOffset).
  for (let i = 0; i < wasm.memories.length; i++) {
    b.keep.push(attachVmctx(b.memories[i] as Memory, b.vmctx, memoryBaseOffset(b.layout, i)));
  }
  // Active segments start out dropped: by the time any code runs they have been applied.
  const table = wasm.dataSegments;
  let segments: DataSegments;
  if (table === undefined) segments = wasm.datas.map((d) => (d.mode === 'passive' ? d.bytes : null));
  else {
    // Filled natively, then the (few) passive ones set: no callback per segment.
    segments = new Array<Uint8Array | null>(table.count).fill(null);
    for (let i = 0; i < table.count; i++) if (!table.isActive(i)) segments[i] = table.bytes(i);
  }
  installMemoryBuiltins(b.builtins, memory, segments);
  installMultiMemoryBuiltins(b.builtins, b.memories as Memory[], segments);
}

/** Guard-mode code must not run against a memory without the guard reservation. */
function requireGuarded(memory: Memory, imported: boolean): void {
  if (memoryGuarded(memory)) return;
  const why = `(${memoryUnguardedReason(memory) ?? 'no guard reservation'})`;
  const fix = "compile the module with new Engine({ boundsChecks: 'explicit' })";
  if (imported) {
    throw new LinkError(`wasmjit: the imported memory has no guard region ${why}; guard-mode code cannot use it: ${fix}`);
  }
  throw new RangeError(
    `wasmjit: cannot reserve the 8 GiB guard region for this instance's memory ${why}; release memories or ${fix}`,
  );
}

function importMemory(b: InstanceBuild, module: string, name: string, want: Limits): Memory {
  const value = importValue(b, module, name);
  const where = `import "${module}" "${name}"`;
  let pages: number;
  try {
    pages = memoryPages(value as Memory);
  } catch {
    throw new LinkError(`${where}: memory import requires a wasmjit Memory`);
  }
  const maximum = memoryMaximum(value as Memory);
  if (memoryIs64(value as Memory) !== (want.address64 === true)) {
    throw new LinkError(`${where}: incompatible import type: the memory is addressed by ${memoryIs64(value as Memory) ? 'i64' : 'i32'}, the module's by ${want.address64 === true ? 'i64' : 'i32'}`);
  }
  // Import matching uses the memory's current size as its minimum (spec: extern types).
  if (pages < want.min) {
    throw new LinkError(`${where}: memory has ${pages} pages, the module needs at least ${want.min}`);
  }
  if (want.max !== undefined && (maximum === undefined || maximum > want.max)) {
    throw new LinkError(`${where}: memory maximum ${maximum ?? 'none'} exceeds the declared maximum ${want.max}`);
  }
  return value as Memory;
}

/**
 * Apply active data segments in order (after tables' element segments, per the spec's
 * order). Wasm 2.0 semantics: each is bounds-checked as it is applied, so an out-of-bounds
 * segment traps with the earlier segments' bytes already written.
 */
export function initDataSegments(b: InstanceBuild): void {
  const table = b.wasm.dataSegments;
  if (table !== undefined) {
    initFromTable(b, table);
    return;
  }
  const datas = b.wasm.datas;
  if (datas.length === 0) return;
  // No code runs between segments, so no memory can grow: one view per memory for all of them.
  const views = new Views(b);
  for (const d of datas) {
    if (d.mode !== 'active') continue;
    const offset = d.constOffset ?? evalOffset(b, d.offset, d.memory);
    const mem = views.of(d.memory);
    // Once: each read of `bytes` makes a new view (98,000 segments in esbuild.wasm).
    const bytes = d.bytes;
    if (offset + bytes.length > mem.length) throw instantiationTrap(TrapCode.OutOfBoundsMemory, 'data segment is out of bounds');
    mem.set(bytes, offset);
  }
}

/**
 * initDataSegments for the decoder's table of segments (no object per segment): the offsets
 * evaluated here (most are constants the decoder kept), the copying done by the add-on in one
 * call (a subarray and a set() per segment cost 25 ms of esbuild.wasm's 98,450).
 */
function initFromTable(b: InstanceBuild, table: DataSegmentTable): void {
  const n = table.count;
  if (n === 0) return;
  // Segments for another memory than 0 (multi-memory), or for a 64-bit memory (the add-on
  // takes u32 offsets): one at a time, each into its memory.
  if (b.wasm.memories[0]?.address64 === true) return initEachFromTable(b, table);
  for (let i = 0; i < n; i++) if (table.memory[i] !== 0 && table.isActive(i)) return initEachFromTable(b, table);
  const memory = b.memories[0] as Memory | undefined;
  let offsets = table.constOffset;
  for (let i = 0; i < n; i++) {
    if (!table.isActive(i)) continue;
    if (!memory) throw new Error('BUG: active data segment in a module without memory');
    if (offsets[i] !== offsets[i]) {
      // A global.get or extended-const offset (NaN in the decoder's column): evaluated now.
      if (offsets === table.constOffset) offsets = table.constOffset.slice(0, n);
      offsets[i] = evalOffset(b, table.offsetExpr(i), 0);
    }
  }
  if (!memory) return; // all passive
  const mem = new Uint8Array(memoryBuffer(memory));
  const failed = native.applyDataSegments(mem, table.source, table.start, table.length, offsets, table.offsetAt, n);
  if (failed === -2) throw new Error('BUG: the data segment table does not describe the module bytes');
  if (failed >= 0) throw instantiationTrap(TrapCode.OutOfBoundsMemory, 'data segment is out of bounds');
}

/** initFromTable for segments into several memories, in order, each copied with set(). */
function initEachFromTable(b: InstanceBuild, table: DataSegmentTable): void {
  const views = new Views(b);
  for (let i = 0; i < table.count; i++) {
    if (!table.isActive(i)) continue;
    const offset = table.constOffsetOf(i) ?? evalOffset(b, table.offsetExpr(i), table.memory[i]!);
    const mem = views.of(table.memory[i]!);
    const length = table.length[i]!;
    if (offset + length > mem.length) throw instantiationTrap(TrapCode.OutOfBoundsMemory, 'data segment is out of bounds');
    const start = table.start[i]!;
    mem.set(table.source.subarray(start, start + length), offset);
  }
}

/** A data segment's offset expression, as a u32 (u64 for memory64; evaluated by the shared const-eval.ts). */
function evalOffset(b: InstanceBuild, expr: ConstExpr | undefined, memory: number): number {
  if (!expr) throw new Error('BUG: active data segment without an offset');
  const env: ConstEnv = {
    global: (i) => {
      const g = b.globalSlots[i];
      if (!g) throw new Error(`BUG: data segment offset reads global ${i} before it exists`);
      return rawBits(g);
    },
    funcRef: () => {
      throw new Error('BUG: ref.func in a data segment offset (validation admits i32 only)');
    },
  };
  // An i64 offset (memory64) above 2^53 rounds, but stays beyond every memory: it still traps.
  const value = evalConstExpr(expr, env);
  return Number(BigInt.asUintN(b.wasm.memories[memory]?.address64 === true ? 64 : 32, value));
}

/** A byte view of each memory the data segments write, made on first use. */
class Views {
  readonly #views: (Uint8Array | undefined)[] = [];
  constructor(private readonly b: InstanceBuild) {}
  of(index: number): Uint8Array {
    let v = this.#views[index];
    if (v === undefined) {
      const memory = this.b.memories[index] as Memory | undefined;
      if (!memory) throw new Error(`BUG: active data segment for memory ${index}, which the module does not have`);
      v = this.#views[index] = new Uint8Array(memoryBuffer(memory));
    }
    return v;
  }
}

/** The export object for memory `index`: the Memory itself, so identity is preserved. */
export function exportMemory(b: InstanceBuild, index: number): unknown {
  return b.memories[index];
}
