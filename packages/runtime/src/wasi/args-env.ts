// args_* and environ_*: the same two-call protocol for both lists. *_sizes_get reports the
// count and the total bytes; *_get writes the pointer array and the packed strings.
import type { GuestMemory } from './guest-memory.js';
import type { SyscallTable, WasiContext } from './context.js';

function sizesGet(mem: GuestMemory, list: readonly Uint8Array[], countPtr: number, bytesPtr: number): void {
  mem.setU32(countPtr, list.length);
  mem.setU32(bytesPtr, list.reduce((n, s) => n + s.length, 0));
}

function listGet(mem: GuestMemory, list: readonly Uint8Array[], ptrs: number, buf: number): void {
  let at = buf >>> 0;
  list.forEach((s, i) => {
    mem.setU32((ptrs >>> 0) + 4 * i, at);
    mem.write(at, s);
    at += s.length;
  });
}

export function argsEnvSyscalls(ctx: WasiContext): SyscallTable {
  const { mem } = ctx;
  return {
    args_sizes_get: (count: number, bytes: number) => sizesGet(mem, ctx.args, count, bytes),
    args_get: (ptrs: number, buf: number) => listGet(mem, ctx.args, ptrs, buf),
    environ_sizes_get: (count: number, bytes: number) => sizesGet(mem, ctx.env, count, bytes),
    environ_get: (ptrs: number, buf: number) => listGet(mem, ctx.env, ptrs, buf),
  };
}
