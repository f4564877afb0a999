// An engine's epoch (Engine { epochInterruption: true }) and its instances' deadlines.
// Codegen side: packages/codegen/src/lower/interrupt-checks.ts; docs/interrupt.md.
//
// Where the counter lives: a 64-byte SharedArrayBuffer the engine owns (engine.epochBuffer),
// read as two i64 cells:
//   [0] W = epoch - B   every bump adds 1 here, from any thread:
//         - this thread: engine.incrementEpoch() (Atomics.add);
//         - another thread: post engine.epochBuffer to it (shared memory is shared by
//           postMessage, not copied) and `Atomics.add(new BigInt64Array(buffer, 0, 1), 0, 1n)`;
//           it needs nothing from wasmjit;
//         - native code: the add-on's timer thread (native/src/epoch.c) at the address
//           native.epochAddress() reports (a SharedArrayBuffer's backing store is outside
//           the V8 heap and never moves; the engine keeps it alive while its modules exist).
//   [1] B = the earliest deadline among the engine's live instances (NO_DEADLINE if none);
//           only this thread writes it.
// The epoch is W + B. The point of storing it this way: generated code tests only `W >= 0`
// ("some instance's deadline may have come") at function entries and loop headers, one
// compare with memory. Its out-of-line slow path adds B and traps `interrupt` if the sum
// reached the running instance's own deadline (vmctx EpochDeadline), else carries on. So
// whenever a deadline changes, B is recomputed and W moved by the difference with an
// Atomics.add, which never loses a concurrent bump.
import type { Interruptible } from './interruption.js';
import { readDeadline, toCount, writeDeadline } from './interruption.js';
import { native } from './native.js';

/** No deadline. Epochs stay far below it, and W = epoch - B never overflows an i64. */
export const NO_DEADLINE = 1n << 62n;

export class EpochCounter {
  /** Cells W and B (above); the rest of the 64 bytes is spare. */
  readonly buffer = new SharedArrayBuffer(64);
  private readonly cells = new BigInt64Array(this.buffer, 0, 2);
  /** Address of cell W: vmctx EpochPtr, compiled into the checks, bumped by the timer. */
  readonly address = native.epochAddress(new BigUint64Array(this.buffer, 0, 1));
  private readonly instances = new Set<WeakRef<Interruptible>>();
  private readonly collected = new FinalizationRegistry<WeakRef<Interruptible>>((r) => {
    this.instances.delete(r);
    // A collected instance may have held the earliest deadline.
    this.rebase();
  });

  constructor() {
    this.cells[1] = NO_DEADLINE;
    this.cells[0] = -NO_DEADLINE;
  }

  current(): bigint {
    return Atomics.load(this.cells, 0) + this.cells[1]!;
  }

  increment(): void {
    Atomics.add(this.cells, 0, 1n);
  }

  /** An instance whose code checks this counter (its deadline starts as NO_DEADLINE). */
  track(i: Interruptible): void {
    const ref = new WeakRef(i);
    this.instances.add(ref);
    this.collected.register(i, ref);
  }

  /** The deadline `ticks` epochs from now (Infinity, or beyond NO_DEADLINE: none). */
  deadlineAfter(ticks: number | bigint): bigint {
    const t = toCount(ticks, 'epoch deadline ticks');
    if (t === null) return NO_DEADLINE;
    const d = this.current() + t;
    return d > NO_DEADLINE ? NO_DEADLINE : d;
  }

  setDeadline(i: Interruptible, deadline: bigint): void {
    writeDeadline(i, deadline);
    this.rebase();
  }

  /** B := the earliest live deadline, keeping W + B (the epoch) unchanged. */
  private rebase(): void {
    let earliest = NO_DEADLINE;
    for (const ref of this.instances) {
      const i = ref.deref();
      if (i === undefined) continue;
      const d = readDeadline(i);
      if (d < earliest) earliest = d;
    }
    const b = this.cells[1]!;
    if (earliest === b) return;
    Atomics.add(this.cells, 0, b - earliest);
    this.cells[1] = earliest;
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
    this.rebase();
    const timer = native.startEpochTimer(this.address, ms);
    try {
      return fn(...args);
    } finally {
      // Cancelled before anything else: afterwards the thread never touches the counter.
      native.cancelEpochTimer(timer);
      for (const [i, d] of saved) writeDeadline(i, d);
      this.rebase();
    }
  }
}
