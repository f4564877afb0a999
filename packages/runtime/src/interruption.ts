// Stopping runaway wasm: epoch deadlines and fuel, runtime side (codegen side:
// packages/codegen/src/lower/interrupt-checks.ts; vmctx fields: abi.ts EpochPtr,
// EpochDeadline, Fuel).
//
// Where the epoch lives. An Engine created with { epochInterruption: true } owns a
// 64-byte SharedArrayBuffer (its own cache line); bytes 0..7 are the epoch, a u64.
//  - This thread: engine.incrementEpoch() (an Atomics.add).
//  - Any other thread: post engine.epochBuffer to a worker (shared memory is shared, not
//    copied) and do `Atomics.add(new BigUint64Array(buffer, 0, 1), 0, 1n)` there; the
//    worker needs nothing from wasmjit.
//  - Native code: the add-on's timer thread (native/src/epoch.c) adds 1 with an atomic add,
//    at the address native.epochAddress() reports (a SharedArrayBuffer's backing store is
//    outside the V8 heap and never moves).
// Generated code reads the counter through vmctx EpochPtr at every function entry and loop
// header and traps `interrupt` once it is >= the instance's EpochDeadline.
//
// Fuel is per instance: an i64 in the vmctx that every basic block decrements by its
// operator count; function entries and loop headers trap `out_of_fuel` once it cannot pay.
import { Vmctx } from '@wasmjit/codegen';
import type { DataRegion } from './code-memory.js';
import { native } from './native.js';

/** EpochDeadline value meaning "none": the unsigned compare never reaches it. */
export const NO_DEADLINE = (1n << 64n) - 1n;
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
  return view(i).getBigUint64(Vmctx.EpochDeadline, true);
}

export function writeDeadline(i: Interruptible, deadline: bigint): void {
  view(i).setBigUint64(Vmctx.EpochDeadline, deadline, true);
}

/** A count given as a number or bigint: a non-negative integer, or Infinity. */
function toCount(n: number | bigint, what: string): bigint {
  if (typeof n === 'bigint') {
    if (n < 0n) throw new RangeError(`${what} must not be negative`);
    return n;
  }
  if (n === Infinity) return NO_DEADLINE;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer or Infinity (got ${n})`);
  return BigInt(n);
}

/** The engine's epoch counter and the instances a timeout arms. */
export class EpochCounter {
  /** Bytes 0..7 are the epoch; 64 keeps unrelated data off most of its cache line. */
  readonly buffer = new SharedArrayBuffer(64);
  private readonly cell = new BigUint64Array(this.buffer, 0, 1);
  /** Address of the counter, for vmctx EpochPtr and the timer thread. */
  readonly address = native.epochAddress(this.cell);
  private readonly instances = new Set<WeakRef<Interruptible>>();
  private readonly collected = new FinalizationRegistry<WeakRef<Interruptible>>((r) => this.instances.delete(r));

  current(): bigint {
    return Atomics.load(this.cell, 0);
  }

  increment(): void {
    Atomics.add(this.cell, 0, 1n);
  }

  /** An instance whose code checks this counter: callWithTimeout arms it too. */
  track(i: Interruptible): void {
    const ref = new WeakRef(i);
    this.instances.add(ref);
    this.collected.register(i, ref);
  }

  /** Deadline `ticks` epochs from now (Infinity or past the u64 range: none). */
  deadlineAfter(ticks: number | bigint): bigint {
    const t = toCount(ticks, 'epoch deadline ticks');
    if (t === NO_DEADLINE) return NO_DEADLINE;
    const d = this.current() + t;
    return d >= NO_DEADLINE ? NO_DEADLINE : d;
  }

  /**
   * fn(...args) with every live instance of the engine due to trap `interrupt` at the next
   * epoch, and the timer thread set to bump the epoch after `ms` ms. Each instance gets its
   * own deadline back afterwards, however the call ends.
   */
  callWithTimeout<R>(fn: (...a: unknown[]) => R, ms: number, args: unknown[]): R {
    if (typeof fn !== 'function') throw new TypeError('callWithTimeout: fn must be a function');
    if (typeof ms !== 'number' || !(ms >= 0) || ms > 1e12) throw new RangeError(`callWithTimeout: ms must be a number >= 0 (got ${String(ms)})`);
    const next = this.current() + 1n;
    const saved: [Interruptible, bigint][] = [];
    for (const ref of this.instances) {
      const i = ref.deref();
      if (i === undefined) continue;
      const d = readDeadline(i);
      saved.push([i, d]);
      if (d > next) writeDeadline(i, next);
    }
    const timer = native.startEpochTimer(this.address, ms);
    try {
      return fn(...args);
    } finally {
      // Cancelled before anything else: afterwards the thread never touches the counter.
      native.cancelEpochTimer(timer);
      for (const [i, d] of saved) writeDeadline(i, d);
    }
  }
}

export function writeFuel(i: Interruptible, fuel: number | bigint): void {
  const f = toCount(fuel, 'fuel');
  view(i).setBigInt64(Vmctx.Fuel, f > MAX_FUEL ? MAX_FUEL : f, true);
}

/** Fuel left; 0 once exhausted (the counter itself may be overdrawn, see interrupt-checks.ts). */
export function readFuel(i: Interruptible): number {
  const f = view(i).getBigInt64(Vmctx.Fuel, true);
  return f <= 0n ? 0 : Number(f);
}
