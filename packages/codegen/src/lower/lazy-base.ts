// The code a lazily compiled module starts with (runtime lazy-code.ts, docs/startup.md):
//
//   [import thunks][lazy stub][jump slot per defined function] ... [slot words, own pages]
//
// Everything that reaches a defined function — direct calls, exports, table entries, ref.func,
// other instances importing it — uses its jump slot, whose address never changes:
//
//   mov r11d, funcIndex ; jmp qword [rip + slot word] ; int3 x4      (16 bytes)
//
// The slot word first holds the lazy stub's address; once the function is compiled it holds
// the code's (one aligned 8-byte store, native lazy_code.c). The stub, entered with the
// wasmcall state of the call (arguments in the caller's area, r14 = the callee's vmctx, r15 =
// the limit), asks the runtime to compile function r11d (Builtin.LazyCompile through
// host_call, as a builtin call from inside a function does: within the host stack reserve),
// then jumps to the slot again, which now leads to the code. The code's own prologue does the
// stack, epoch and fuel checks, so the first call keeps every guarantee a later one has.
import { Assembler } from '../x64/assembler.js';
import { RAX, RBP, RCX, RDI, RDX, RSI, RSP, R11, R14, type Gpr } from '../x64/regs.js';
import { Cond } from '../x64/cond.js';
import { AluOp, ShiftOp } from '../x64/assembler.js';
import { BUILTIN_BASE, Builtin, Vmctx } from '../abi.js';
import type { WasmModule } from '../wasm/types.js';
import { compileChunk, type CodeChunk, type ModuleCompileOptions } from './chunk-compiler.js';
import { LOCAL_HOME_XMMS } from './local-regs.js';
import { OffsetMapBuilder, type OffsetMap } from './offset-map.js';
import { linkChunks } from './link-chunks.js';
import type { CompiledCode } from './module-compiler.js';

/** Bytes per jump slot (16: slots stay aligned like function entries). */
export const JUMP_SLOT_BYTES = 16;
const PAGE = 4096;

export interface LazyBase {
  /** Import thunks, the lazy stub and the jump slots, from offset 0. */
  code: Uint8Array;
  /** Imports: the thunk; defined functions: the jump slot (as CompiledCode.funcOffsets). */
  funcOffsets: number[];
  funcEnds: number[];
  /** Offset of the lazy stub: every slot word's first value (added to the code's address). */
  stubOffset: number;
  /** Offset of defined function 0's jump slot. */
  slotsOffset: number;
  /** Page-aligned offset of the slot words (8 bytes per defined function). */
  dataOffset: number;
  dataLength: number;
  /** The import thunks' offset map (code → wasm offset); the rest maps to nothing. */
  offsetMap: OffsetMap;
  comments: { offset: number; text: string }[];
}

/** The import thunks (compileChunk's), the stub and the slots; no function body is compiled. */
export function compileLazyBase(module: WasmModule, options: ModuleCompileOptions, typeIds: readonly number[]): LazyBase {
  const imported = module.numImportedFuncs;
  const defined = module.funcs.length - imported;
  const thunks = compileChunk(module, { ...options, checkBodies: false }, typeIds, 0, imported);
  const base = thunks.code.length; // 16-aligned (chunks pad every function)
  const a = new Assembler(512 + JUMP_SLOT_BYTES * defined);
  const slotsLabel = a.newLabel();
  emitLazyStub(a, slotsLabel, imported);
  while ((base + a.offset) % JUMP_SLOT_BYTES !== 0) a.buf.put1(0xcc);
  const slotsOffset = base + a.offset;
  const dataOffset = Math.ceil((slotsOffset + JUMP_SLOT_BYTES * defined) / PAGE) * PAGE;
  a.bind(slotsLabel);
  const funcOffsets = Array.from(thunks.starts);
  const funcEnds = Array.from(thunks.ends);
  for (let d = 0; d < defined; d++) {
    const at = base + a.offset;
    funcOffsets.push(at);
    a.mov_ri(32, R11, imported + d);
    // Displacement from the end of this 6-byte jmp to slot word d.
    a.jmp_rip_m(dataOffset + 8 * d - (base + a.offset + 6));
    while ((base + a.offset) % JUMP_SLOT_BYTES !== 0) a.buf.put1(0xcc);
    funcEnds.push(base + a.offset);
  }
  const tail = a.finish();
  const code = new Uint8Array(base + tail.length);
  code.set(thunks.code, 0);
  code.set(tail, base);
  const map = new OffsetMapBuilder(thunks.mapCode.length + 1);
  map.append(thunks.mapCode, thunks.mapWasm, 0);
  return {
    code, funcOffsets, funcEnds, stubOffset: base, slotsOffset, dataOffset, dataLength: 8 * defined,
    offsetMap: map.finish(),
    comments: [...thunks.comments, ...a.comments.map((c) => ({ offset: base + c.offset, text: c.text }))],
  };
}

/**
 * The stub every uncompiled function's slot leads to, r11d = the function index. Its frame
 * (rbp-linked, so a trap's backtrace walks through it to the caller) holds the builtin's
 * argument and xmm8..13, which wasmcall preserves across calls and C does not.
 */
function emitLazyStub(a: Assembler, slots: ReturnType<Assembler['newLabel']>, imported: number): void {
  const xmms = LOCAL_HOME_XMMS.length;
  const frame = 8 * (1 + xmms + ((1 + xmms) % 2)); // argument + xmms, 16-byte multiple
  a.comment('lazy stub: compile function r11d, then enter it through its slot');
  a.push_r(RBP);
  a.mov_rr(64, RBP, RSP);
  a.alu_ri(AluOp.Sub, 64, RSP, frame);
  a.mov_mr(64, { base: RSP, disp: 0 }, R11);
  LOCAL_HOME_XMMS.forEach((x, i) => a.movs_mr(64, { base: RSP, disp: 8 + 8 * i }, x));
  a.mov_rr(64, RDI, R14);
  a.mov_ri(32, RSI, BUILTIN_BASE + Builtin.LazyCompile);
  a.mov_rr(64, RDX, RSP);
  a.mov_ri(32, RCX, 1);
  a.call_m({ base: R14, disp: Vmctx.HostCall });
  LOCAL_HOME_XMMS.forEach((x, i) => a.movs_rm(64, x, { base: RSP, disp: 8 + 8 * i }));
  a.mov_rm(32, R11, { base: RSP, disp: 0 });
  a.mov_rr(64, RSP, RBP);
  a.test_rr(32, RAX, RAX);
  const failed = a.newLabel();
  a.jcc_label(Cond.NE, failed);
  a.pop_r(RBP);
  // r11 = slots + 16 * (index - imported): the slot leads to the code now.
  a.alu_ri(AluOp.Sub, 32, R11, imported);
  a.shift_ri(ShiftOp.Shl, 64, R11, 4); // JUMP_SLOT_BYTES
  a.lea_rip(RAX, slots);
  a.alu_rr(AluOp.Add, 64, R11, RAX);
  a.jmp_r(R11);
  a.bind(failed);
  // The compile failed or the thread is being terminated: a host failure (eax), like an
  // import's, with no trap site of its own (rsi = 0); rbp is the stub's frame, which links
  // to the caller.
  a.mov_rr(32, RDI as Gpr, RAX);
  a.mov_ri(32, RSI, 0);
  a.jmp_m({ base: R14, disp: Vmctx.TrapUnwind });
}

/**
 * Compile defined functions from..to-1 (their bodies validated already) for a lazy module:
 * the chunk's direct calls are relocations (pairs site, callee) that linkLazyChunk resolves.
 */
export function compileLazyChunk(
  module: WasmModule, options: ModuleCompileOptions, typeIds: readonly number[], from: number, to: number,
): CodeChunk {
  return compileChunk(module, { ...options, checkBodies: false }, typeIds, from, to);
}

/**
 * The chunk's code as placed at `placeOffset` of the module's code, every direct call going
 * to `targetOffset(callee)`: the callee's code or its jump slot (always there, compiled or not).
 */
export function linkLazyChunk(chunk: CodeChunk, placeOffset: number, targetOffset: (funcIndex: number) => number): Uint8Array {
  const code = chunk.code.slice();
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  const relocs = chunk.relocs;
  for (let j = 0; j < relocs.length; j += 2) {
    const site = relocs[j]!;
    view.setInt32(site, targetOffset(relocs[j + 1]!) - (placeOffset + site + 4), true);
  }
  return code;
}

/**
 * The module's code in the eager layout (what compileModuleCode gives, byte for byte: chunks
 * link to the same bytes however the index space is cut), from the chunks a lazy module
 * installed (`byStart`: chunk by its first function) and chunks compiled here for the
 * functions none of them starts a run of. The code cache stores this for a lazy module.
 */
export function linkEagerCode(
  module: WasmModule, options: ModuleCompileOptions, typeIds: readonly number[], byStart: ReadonlyMap<number, CodeChunk>,
): CompiledCode {
  const numFuncs = module.funcs.length;
  const chunks: CodeChunk[] = [];
  for (let f = 0; f < numFuncs; ) {
    const kept = f === 0 ? undefined : byStart.get(f);
    if (kept !== undefined && kept.to <= numFuncs) {
      chunks.push(kept);
      f = kept.to;
      continue;
    }
    let g = f + 1;
    while (g < numFuncs && !(g >= module.numImportedFuncs && byStart.has(g))) g++;
    chunks.push(compileChunk(module, { ...options, checkBodies: false }, typeIds, f, g));
    f = g;
  }
  return linkChunks(chunks, numFuncs);
}
