// The memory builtins that name their memory (Builtin.MemoryGrowAt .. MemoryInitAt): what
// generated code calls for any memory but a 32-bit memory 0 (multi-memory, memory64; codegen
// ops/memory-other.ts). Memory 0's own builtins (memory-builtins.ts) are untouched.
//
// An address or length argument is an i64 slot for a 64-bit memory, read as a u64, and an
// i32 slot (its low 4 bytes, unsigned) otherwise. A u64 is read as a number: exact up to
// 2^53, and anything larger is past the end of every memory here, so it traps (or fails the
// grow) exactly as its true value would.
import { Builtin, CallBuffer, TrapCode } from '@wasmjit/codegen';
import { cbI32 } from './call-buffer.js';
import { trapError } from './errors.js';
import type { Memory } from './memory.js';
import { growMemory, memoryBuffer, memoryIs64 } from './memory-access.js';
import type { DataSegments } from './memory-builtins.js';

const EMPTY = new Uint8Array(0);

function u32(i: number): number {
  return cbI32[2 * (CallBuffer.AreaStart + i)]! >>> 0;
}

function u64(i: number): number {
  const at = 2 * (CallBuffer.AreaStart + i);
  return (cbI32[at]! >>> 0) + (cbI32[at + 1]! >>> 0) * 2 ** 32;
}

function outOfBounds(): never {
  throw trapError(TrapCode.OutOfBoundsMemory);
}

export function installMultiMemoryBuiltins(builtins: (() => void)[], memories: Memory[], segments: DataSegments): void {
  if (memories.length === 0) return;
  const is64 = memories.map((m) => memoryIs64(m));
  const bytes = (i: number): Uint8Array => new Uint8Array(memoryBuffer(memories[i]!));
  /** Argument slot `slot` as an address (or length) of memory `m`. */
  const addr = (slot: number, m: number): number => (is64[m] ? u64(slot) : u32(slot));

  builtins[Builtin.MemoryGrowAt] = () => {
    const m = u32(1);
    const delta = addr(0, m);
    const old = delta > Number.MAX_SAFE_INTEGER ? -1 : growMemory(memories[m]!, delta);
    const at = 2 * CallBuffer.AreaStart;
    cbI32[at] = old;
    // i64 result: sign-extend -1, zero-extend a page count (below 2^31 here).
    cbI32[at + 1] = old < 0 ? -1 : 0;
  };
  builtins[Builtin.MemoryFillAt] = () => {
    const m = u32(3);
    const dst = addr(0, m), value = u32(1), len = addr(2, m);
    const mem = bytes(m);
    if (dst + len > mem.length) outOfBounds();
    mem.fill(value & 0xff, dst, dst + len);
  };
  builtins[Builtin.MemoryCopyAt] = () => {
    const dm = u32(3), sm = u32(4);
    const dst = addr(0, dm), src = addr(1, sm);
    const len = is64[dm] && is64[sm] ? u64(2) : u32(2);
    const to = bytes(dm);
    const from = dm === sm ? to : bytes(sm);
    if (src + len > from.length || dst + len > to.length) outOfBounds();
    if (dm === sm) to.copyWithin(dst, src, src + len);
    else to.set(from.subarray(src, src + len), dst);
  };
  builtins[Builtin.MemoryInitAt] = () => {
    const m = u32(4);
    const dst = addr(0, m), src = u32(1), len = u32(2);
    const seg = segments[u32(3)] ?? EMPTY;
    const mem = bytes(m);
    if (src + len > seg.length || dst + len > mem.length) outOfBounds();
    mem.set(seg.subarray(src, src + len), dst);
  };
}
