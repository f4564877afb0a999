// An engine's epoch cells (Engine { epochInterruption } and/or { hostInterrupts }), its
// instances' deadlines and its engine-wide deadline. Codegen side:
// packages/codegen/src/lower/interrupt-checks.ts; docs/interrupt.md.
//
// Where the cells live: a 64-byte SharedArrayBuffer the engine owns (engine.epochBuffer),
// read as three i64 cells:
//   [0] W = epoch - B   every bump adds 1 here, from any thread:
//         - this thread: engine.incrementEpoch() (Atomics.add);
//         - another thread: post engine.epochBuffer to it (shared memory is shared by
//           postMessage, not copied) and `Atomics.add(new BigInt64Array(buffer, 0, 1), 0, 1n)`;
//           it needs nothing from wasmjit;
//         - native code: the add-on's timer thread (native/src/epoch.c) at the address
//           native.epochAddress() reports (a SharedArrayBuffer's backing store is outside
//           the V8 heap and never moves; the engine keeps it alive while its modules exist).
//   [1] B = min(the earliest deadline among the engine's live instances, C) (NO_DEADLINE if
//           none); only this thread writes it.
//   [2] C = the engine-wide deadline: callWithTimeout's, which every instance of the engine
//           has, including the ones created during the call; only this thread writes it.
// The epoch is W + B. The point of storing it this way: generated code tests only `W >= 0`
// ("some deadline may have come") at function entries and loop headers, one compare with
// memory. Its out-of-line slow path adds B and traps `interrupt` if the sum reached C or the
// running instance's own deadline (vmctx EpochDeadline), else carries on. So whenever a
// deadline changes, B is recomputed and W moved by the difference with an Atomics.add, which
// never loses a concurrent bump. Arming C is O(1) whatever the number of instances; the
// earliest instance deadline is cached and recomputed only when an instance deadline that was
// the earliest goes away.
//
// Host interrupts: the engine asks the native timer thread to *watch* its cells. Every 10 ms
// (after the last poll) it adds POLL_BIAS to W, which the check sees as `W >= 0`; the slow
// path sees bit 62 of W + B set and calls the native poll, which takes the bias out again
// and lets V8 act on worker.terminate() and other interrupts (see native/src/epoch.c). Epochs
// stay below 2^61 and deadlines at most NO_DEADLINE, so the bias is always recognisable and W
// never overflows.
import type { Interruptible } from './interruption.js';
import type { DataRegion } from './code-memory.js';
import { readDeadline, toCount, writeDeadline } from './interruption.js';
import { native } from './native.js';

/** No deadline. Epochs stay far below it, and W = epoch - B never overflows an i64. */
export const NO_DEADLINE = 1n << 62n;
/** Added to W while a poll is requested (native/src/epoch.c WJ_POLL_BIAS). */
export const POLL_BIAS = 1n << 62n;
/** W + B at or above this: the bias is in (the epoch itself never gets there). */
const BIASED = 1n << 61n;

const W = 0;
const B = 1;
const C = 2;

// A collected engine's cells are unwatched here, on the engine's thread (the native side
// keeps the buffer alive until then, so the timer thread never writes to freed memory).
const unwatchWhenCollected = new FinalizationRegistry<number>((address) => {
  native.unwatchEpochCell(address);
});

export interface EpochCounterOptions {
  /** Deadlines: incrementEpoch, setEpochDeadline, callWithTimeout (epochInterruption). */
  deadlines: boolean;
  /** Periodic polls for host interrupts (hostInterrupts). */
  hostInterrupts: boolean;
}

export class EpochCounter {
  /** Cells W, B and C (above); the rest of the 64 bytes is spare. */
  readonly buffer = new SharedArrayBuffer(64);
  private readonly cells = new BigInt64Array(this.buffer, 0, 3);
  /** Address of cell W: vmctx EpochPtr, compiled into the checks, bumped by the timer. */
  readonly address = native.epochAddress(new BigUint64Array(this.buffer, 0, 1));
  /**
   * The vmctx of every tracked instance. Weak references to the vmctx, not the instance: a
   * WeakRef keeps its target until the end of the job, and the vmctx is a small buffer
   * that does not hold the instance (or its memory) alive.
   */
  private readonly instances = new Set<WeakRef<DataRegion>>();
  /** The earliest deadline among `instances` (NO_DEADLINE if none): B without C. */
  private earliestInstance = NO_DEADLINE;
  /** @internal Instance deadlines read to find the earliest (tests: arming stays O(1)). */
  deadlineScans = 0;
  private readonly collected = new FinalizationRegistry<WeakRef<DataRegion>>((r) => {
    this.instances.delete(r);
    // A collected instance may have held the earliest deadline; with none set, none did.
    if (this.earliestInstance !== NO_DEADLINE) {
      this.earliestInstance = this.scanEarliest();
      this.rebase();
    }
  });

  constructor(options: EpochCounterOptions) {
    this.cells[C] = NO_DEADLINE;
    this.cells[B] = NO_DEADLINE;
    this.cells[W] = -NO_DEADLINE;
    if (options.hostInterrupts) {
      native.watchEpochCell(new BigUint64Array(this.buffer, 0, 1));
      unwatchWhenCollected.register(this, this.address);
    }
  }

  current(): bigint {
    const e = Atomics.load(this.cells, W) + this.cells[B]!;
    return e >= BIASED ? e - POLL_BIAS : e;
  }

  increment(): void {
    Atomics.add(this.cells, W, 1n);
  }

  /** Polls run for this engine so far (hostInterrupts; -1 without). */
  polls(): number {
    return native.epochPolls(this.address);
  }

  /** An instance whose code checks this counter (its deadline starts as NO_DEADLINE). */
  track(i: Interruptible): void {
    const ref = new WeakRef(i.vmctx);
    this.instances.add(ref);
    this.collected.register(i.vmctx, ref);
  }

  /** The deadline `ticks` epochs from now (Infinity, or beyond NO_DEADLINE: none). */
  deadlineAfter(ticks: number | bigint): bigint {
    const t = toCount(ticks, 'epoch deadline ticks');
    if (t === null) return NO_DEADLINE;
    const d = this.current() + t;
    return d > NO_DEADLINE ? NO_DEADLINE : d;
  }

  setDeadline(i: Interruptible, deadline: bigint): void {
    const old = readDeadline(i);
    writeDeadline(i, deadline);
    if (deadline <= this.earliestInstance) this.earliestInstance = deadline;
    else if (old === this.earliestInstance) this.earliestInstance = this.scanEarliest();
    this.rebase();
  }

  private scanEarliest(): bigint {
    let earliest = NO_DEADLINE;
    for (const ref of this.instances) {
      const vmctx = ref.deref();
      if (vmctx === undefined) continue;
      this.deadlineScans++;
      const d = readDeadline({ vmctx });
      if (d < earliest) earliest = d;
    }
    return earliest;
  }

  /** B := min(earliest instance deadline, C), keeping W + B (the epoch) unchanged. */
  private rebase(): void {
    const c = this.cells[C]!;
    const earliest = this.earliestInstance < c ? this.earliestInstance : c;
    const b = this.cells[B]!;
    if (earliest === b) return;
    Atomics.add(this.cells, W, b - earliest);
    this.cells[B] = earliest;
  }

  /**
   * fn(...args) with the engine-wide deadline at the next epoch (an earlier one is kept), so
   * that every instance of the engine, including those fn creates, traps `interrupt` once
   * the timer thread bumps the epoch after `ms` ms. The old engine-wide deadline is back
   * afterwards, however the call ends. O(1): no instance is visited.
   */
  callWithTimeout<R>(fn: (...a: unknown[]) => R, ms: number, args: unknown[]): R {
    if (typeof fn !== 'function') throw new TypeError('callWithTimeout: fn must be a function');
    if (typeof ms !== 'number' || !(ms >= 0) || ms > 1e12) throw new RangeError(`callWithTimeout: ms must be a number >= 0 (got ${String(ms)})`);
    const saved = this.cells[C]!;
    const next = this.current() + 1n;
    if (next < saved) this.cells[C] = next;
    this.rebase();
    const timer = native.startEpochTimer(this.address, ms);
    try {
      return fn(...args);
    } finally {
      // Cancelled before anything else: afterwards the thread never touches the counter.
      native.cancelEpochTimer(timer);
      this.cells[C] = saved;
      this.rebase();
    }
  }
}
