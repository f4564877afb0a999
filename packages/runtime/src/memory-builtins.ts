// The memory builtins generated code calls through host_call (see Builtin in abi.ts and
// ops/memory.ts, ops/bulk-memory.ts): memory.grow and the bulk-memory operators, done on the
// Memory's aliasing buffer with typed-array operations (memmove-speed, no per-byte JS).
//
// Arguments are i32s in the call buffer's area slots (the low 4 bytes of each; the upper
// bytes are unspecified) and are read as unsigned, as the spec does. A trap is a thrown
// RuntimeError: host_call parks it and the entry rethrows it to the JS caller as it is.
import { Builtin, CallBuffer, TrapCode } from '@wasmjit/codegen';
import { cbI32 } from './call-buffer.js';
import { trapError } from './errors.js';
import type { Memory } from './memory.js';
import { growMemory, memoryBuffer } from './memory-access.js';

/** Data segment bytes for memory.init, by segment index; null once dropped. */
export type DataSegments = (Uint8Array | null)[];

const EMPTY = new Uint8Array(0);

/** Area slot i as a u32. */
function arg(i: number): number {
  return cbI32[2 * (CallBuffer.AreaStart + i)]! >>> 0;
}

function setResult(v: number): void {
  cbI32[2 * CallBuffer.AreaStart] = v;
}

function outOfBounds(): never {
  throw trapError(TrapCode.OutOfBoundsMemory);
}

/**
 * Install the builtins of an instance into `builtins` (indexed by Builtin). `memory` is null
 * for a module without memory, which may still use data.drop on passive segments.
 */
export function installMemoryBuiltins(builtins: (() => void)[], memory: Memory | null, segments: DataSegments): void {
  // data.drop(segment)
  builtins[Builtin.DataDrop] = () => {
    segments[arg(0)] = null;
  };
  if (memory === null) return;
  // Held strongly: builtins live in the instance's reference domain (ref-domain.ts), which
  // goes with the instance. (A WeakRef here would keep every Memory made in a synchronous
  // loop alive until the loop ends: creating or dereferencing one keeps its target alive for
  // the rest of the job.)
  const bytes = (): Uint8Array => new Uint8Array(memoryBuffer(memory));

  // memory.grow(delta) → old pages, or -1
  builtins[Builtin.MemoryGrow] = () => {
    setResult(growMemory(memory, arg(0)));
  };
  // memory.fill(dst, value, len): the whole range is checked before any byte is written.
  builtins[Builtin.MemoryFill] = () => {
    const dst = arg(0), value = arg(1), len = arg(2);
    const mem = bytes();
    if (dst + len > mem.length) outOfBounds();
    mem.fill(value & 0xff, dst, dst + len);
  };
  // memory.copy(dst, src, len): copyWithin has memmove semantics for overlapping ranges.
  builtins[Builtin.MemoryCopy] = () => {
    const dst = arg(0), src = arg(1), len = arg(2);
    const mem = bytes();
    if (src + len > mem.length || dst + len > mem.length) outOfBounds();
    mem.copyWithin(dst, src, src + len);
  };
  // memory.init(dst, src, len, segment): a dropped segment behaves as an empty one.
  builtins[Builtin.MemoryInit] = () => {
    const dst = arg(0), src = arg(1), len = arg(2);
    const seg = segments[arg(3)] ?? EMPTY;
    const mem = bytes();
    if (src + len > seg.length || dst + len > mem.length) outOfBounds();
    mem.set(seg.subarray(src, src + len), dst);
  };
}
