// The 0xFE operators of the threads proposal: memory.atomic.notify/wait32/wait64,
// atomic.fence, and the atomic loads, stores and read-modify-writes of every width, one row
// each in the operator table's format (operators.ts), by sub-opcode.
//
// wasmjit runs them on unshared memories (shared ones are still refused when the memory is
// declared): that is what @ffmpeg/core and other single-thread Emscripten builds use, since
// their C library is compiled with atomics even when no thread is started.
//
// Typing is by the row for all of them. Every memarg here must state the natural alignment
// exactly (validate/function.ts); `accessBytes` is that width, which the lowering also uses
// for the alignment trap (lower/ops/atomics.ts).
import { ImmKind, Lowering, type Operator } from './operators.js';
import type { RowBuilder } from './operators-simd.js';

export const ATOMIC_PREFIX = 0xfe;

/** The read-modify-write operations, in encoding order (each has 7 widths from its base). */
export const RMW_OPS = ['add', 'sub', 'and', 'or', 'xor', 'xchg', 'cmpxchg'] as const;
export type RmwOp = (typeof RMW_OPS)[number];

/**
 * The seven widths of a load, a store and each read-modify-write, in encoding order: the
 * value type, the access width in bytes, and the mnemonic's width part (`8_u` of
 * `i32.atomic.load8_u`, `8` of `i32.atomic.rmw8.add_u`).
 */
const WIDTHS: readonly { type: 'i32' | 'i64'; bytes: number }[] = [
  { type: 'i32', bytes: 4 },
  { type: 'i64', bytes: 8 },
  { type: 'i32', bytes: 1 },
  { type: 'i32', bytes: 2 },
  { type: 'i64', bytes: 1 },
  { type: 'i64', bytes: 2 },
  { type: 'i64', bytes: 4 },
];

/** Whether a width is the full width of its type (no `N`/`_u` in the mnemonic). */
function full(w: { type: 'i32' | 'i64'; bytes: number }): boolean {
  return w.bytes === (w.type === 'i32' ? 4 : 8);
}

export function atomicOperators(row: RowBuilder): Operator[] {
  const A = Lowering.Atomic;
  const rows: Operator[] = [];
  const mem = (code: number, name: string, sig: string, bytes: number) =>
    rows.push(row(ATOMIC_PREFIX, code, name, ImmKind.MemArg, sig, A, bytes));

  mem(0x00, 'memory.atomic.notify', 'i32 i32 -> i32', 4);
  mem(0x01, 'memory.atomic.wait32', 'i32 i32 i64 -> i32', 4);
  mem(0x02, 'memory.atomic.wait64', 'i32 i64 i64 -> i32', 8);
  // Its immediate is one reserved 0x00 byte (a memory-order field in the future).
  rows.push(row(ATOMIC_PREFIX, 0x03, 'atomic.fence', ImmKind.ZeroByte, '->', A));
  WIDTHS.forEach((w, i) => {
    const bits = w.bytes * 8;
    mem(0x10 + i, `${w.type}.atomic.load${full(w) ? '' : `${bits}_u`}`, `i32 -> ${w.type}`, w.bytes);
  });
  WIDTHS.forEach((w, i) => {
    const bits = w.bytes * 8;
    mem(0x17 + i, `${w.type}.atomic.store${full(w) ? '' : bits}`, `i32 ${w.type} ->`, w.bytes);
  });
  RMW_OPS.forEach((op, k) => {
    WIDTHS.forEach((w, i) => {
      const name = full(w) ? `${w.type}.atomic.rmw.${op}` : `${w.type}.atomic.rmw${w.bytes * 8}.${op}_u`;
      const sig = op === 'cmpxchg' ? `i32 ${w.type} ${w.type} -> ${w.type}` : `i32 ${w.type} -> ${w.type}`;
      mem(0x1e + 7 * k + i, name, sig, w.bytes);
    });
  });
  return rows;
}
