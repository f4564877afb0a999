// Stopping runaway wasm, runtime side: the vmctx fields of an instance (abi.ts EpochDeadline,
// Fuel) and the argument checks shared by epochs and fuel. The epoch counter itself is in
// epoch-counter.ts; codegen: packages/codegen/src/lower/interrupt-checks.ts; docs/interrupt.md.
//
// Fuel is per instance: an i64 in the vmctx that every straight run of code decrements by
// its operator count; function entries and loop headers trap `out_of_fuel` once it cannot
// pay for the run that starts there.
import { Vmctx } from '@wasmjit/codegen';
import type { DataRegion } from './code-memory.js';

/** The most fuel an instance can hold (i64 max); also the default: unlimited in practice. */
export const MAX_FUEL = (1n << 63n) - 1n;

/** What interruption needs of an Instance (structural, to keep the import graph acyclic). */
export interface Interruptible {
  readonly vmctx: DataRegion;
}

function view(i: Interruptible): DataView {
  return new DataView(i.vmctx.buffer);
}

export function readDeadline(i: Interruptible): bigint {
  return view(i).getBigInt64(Vmctx.EpochDeadline, true);
}

export function writeDeadline(i: Interruptible, deadline: bigint): void {
  view(i).setBigInt64(Vmctx.EpochDeadline, deadline, true);
}

/** A count given as a number or bigint: a non-negative integer, or Infinity (null). */
export function toCount(n: number | bigint, what: string): bigint | null {
  if (typeof n === 'bigint') {
    if (n < 0n) throw new RangeError(`${what} must not be negative`);
    return n;
  }
  if (n === Infinity) return null;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer or Infinity (got ${n})`);
  return BigInt(n);
}

export function writeFuel(i: Interruptible, fuel: number | bigint): void {
  const f = toCount(fuel, 'fuel');
  view(i).setBigInt64(Vmctx.Fuel, f === null || f > MAX_FUEL ? MAX_FUEL : f, true);
}

/** Fuel left; 0 once exhausted (the counter itself may be overdrawn, see fuel-meter.ts). */
export function readFuel(i: Interruptible): number {
  const f = view(i).getBigInt64(Vmctx.Fuel, true);
  return f <= 0n ? 0 : Number(f);
}
