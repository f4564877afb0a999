// Clocks, sleeping (poll_oneoff), sched_yield and random_get.
//
// poll_oneoff is synchronous like the rest of the syscalls: clock subscriptions block the
// thread (Atomics.wait) until the earliest deadline; descriptor subscriptions are reported
// ready at once, which is what POSIX says of regular files and what a single-threaded guest
// that is about to read or write needs.
import { randomFillSync } from 'node:crypto';
import { fstatSync } from 'node:fs';
import { ClockId, EventType, FileType, Layout, SubClockFlags } from './abi.js';
import { Errno, WasiError, errnoOf } from './errno.js';
import type { SyscallTable, WasiContext } from './context.js';
import { sleepMs } from './blocking.js';
import { MAX_SUBSCRIPTIONS } from './limits.js';

const NS_PER_MS = 1_000_000n;
/** random_get fills at most this much per host call (randomFillSync takes < 2 GiB). */
const RANDOM_CHUNK = 1 << 20;

/** Current value of clock `id` in nanoseconds. */
export function clockNow(id: number): bigint {
  switch (id) {
    case ClockId.Realtime:
      // timeOrigin + now() keeps sub-millisecond digits, unlike Date.now().
      return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
    case ClockId.Monotonic:
      return process.hrtime.bigint();
    case ClockId.ProcessCputime:
    case ClockId.ThreadCputime: {
      // Node has no per-thread CPU clock; the process one is the closest it offers.
      const u = process.cpuUsage();
      return BigInt(u.user + u.system) * 1000n;
    }
    default:
      throw new WasiError(Errno.Inval);
  }
}

function clockResolution(id: number): bigint {
  switch (id) {
    case ClockId.Monotonic: return 1n;
    case ClockId.Realtime: case ClockId.ProcessCputime: case ClockId.ThreadCputime: return 1000n;
    default: throw new WasiError(Errno.Inval);
  }
}

/** Blocks the thread until the monotonic clock reaches `deadline`. */
function sleepUntil(deadline: bigint): void {
  for (;;) {
    const left = deadline - process.hrtime.bigint();
    if (left <= 0n) return;
    sleepMs(Number(left) / Number(NS_PER_MS));
  }
}

interface Pending { userdata: bigint; type: number; deadline?: bigint; errno?: number; nbytes?: bigint }

export function clockSyscalls(ctx: WasiContext): SyscallTable {
  const { mem, fds } = ctx;

  /** Reads one subscription into what its event will need. */
  function subscription(at: number): Pending {
    const userdata = mem.u64(at + Layout.SubUserdata);
    const type = mem.u8At(at + Layout.SubTag);
    if (type === EventType.Clock) {
      const id = mem.u32(at + Layout.SubClockId);
      const timeout = mem.u64(at + Layout.SubClockTimeout);
      const flags = mem.u16(at + Layout.SubClockFlags);
      let relative = timeout;
      if (flags & SubClockFlags.Abstime) relative = timeout - clockNow(id);
      else clockNow(id); // validates the clock id
      return { userdata, type, deadline: process.hrtime.bigint() + relative };
    }
    if (type === EventType.FdRead || type === EventType.FdWrite) {
      const fd = mem.u32(at + Layout.SubFd);
      try {
        const entry = fds.get(fd);
        let nbytes = 0n;
        if (type === EventType.FdRead && entry.type === FileType.RegularFile && entry.position !== null) {
          const size = fstatSync(entry.hostFd, { bigint: true }).size;
          nbytes = size > entry.position ? size - entry.position : 0n;
        }
        return { userdata, type, nbytes };
      } catch (e) {
        return { userdata, type, errno: errnoOf(e) ?? Errno.Io };
      }
    }
    throw new WasiError(Errno.Inval);
  }

  return {
    clock_res_get: (id: number, out: number) => mem.setU64(out, clockResolution(id)),
    clock_time_get: (id: number, _precision: bigint, out: number) => mem.setU64(out, clockNow(id)),

    poll_oneoff(inPtr: number, outPtr: number, count: number, neventsPtr: number) {
      const n = count >>> 0;
      // The list below is as long as the guest says: bounded first, then checked against the
      // memory (as node:wasi does) before anything is read or written.
      if (n === 0 || n > MAX_SUBSCRIPTIONS) throw new WasiError(Errno.Inval);
      mem.checkArray(inPtr, n, Layout.SubscriptionBytes);
      mem.checkArray(outPtr, n, Layout.EventBytes);
      const subs: Pending[] = [];
      for (let i = 0; i < n; i++) subs.push(subscription((inPtr >>> 0) + i * Layout.SubscriptionBytes));
      const ready = subs.filter((s) => s.deadline === undefined);
      if (ready.length === 0) {
        const first = subs.reduce((m, s) => (s.deadline! < m ? s.deadline! : m), subs[0]!.deadline!);
        sleepUntil(first);
        const now = process.hrtime.bigint();
        ready.push(...subs.filter((s) => s.deadline! <= now));
      }
      ready.forEach((s, i) => {
        const at = (outPtr >>> 0) + i * Layout.EventBytes;
        mem.bytes(at, Layout.EventBytes).fill(0);
        mem.setU64(at + Layout.EventUserdata, s.userdata);
        mem.setU16(at + Layout.EventError, s.errno ?? Errno.Success);
        mem.setU8(at + Layout.EventType, s.type);
        if (s.nbytes !== undefined) mem.setU64(at + Layout.EventNbytes, s.nbytes);
      });
      mem.setU32(neventsPtr, ready.length);
    },

    sched_yield: () => {},
    random_get(buf: number, len: number) {
      const all = mem.bytes(buf, len);
      for (let at = 0; at < all.length; at += RANDOM_CHUNK) randomFillSync(all.subarray(at, at + RANDOM_CHUNK));
    },
  };
}
