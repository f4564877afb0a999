// One guest call that used to exhaust the host, run in a process of its own (with a small
// heap, so a regression aborts this child within seconds instead of taking the test runner
// and gigabytes with it). Prints {"errno":N,"rssGrowth":BYTES} on stdout.
//
//   node flood-child.js <wasmjit|v8> <fd_write_2p28|poll_oneoff_huge>
import { SyscallGuest, type Engines } from './syscall-guest.js';

/** 2 GiB of guest memory: room for 2^28 iovecs (8 bytes each), all of them in bounds. */
const PAGES = 32768;
const MEMORY_BYTES = PAGES * 65536;
const SUBSCRIPTION_BYTES = 48;

// Each call's arrays lie wholly in guest memory (zeroed: empty iovecs, clock subscriptions
// with timeout 0), so only the count itself can make the host refuse.
const CALLS: Record<string, (g: SyscallGuest) => number> = {
  fd_write_2p28: (g) => g.call('fd_write', 1, 0, 2 ** 28, 16),
  poll_oneoff_huge: (g) => g.call('poll_oneoff', 0, 0, Math.floor(MEMORY_BYTES / SUBSCRIPTION_BYTES), 16),
};

const [engine, name] = process.argv.slice(2) as [Engines, string];
const call = CALLS[name];
if (!call) throw new Error(`flood-child: unknown call ${name}`);
const guest = await SyscallGuest.create(engine, {}, PAGES);
const rss = process.memoryUsage().rss;
const errno = call(guest);
process.stdout.write(JSON.stringify({ errno, rssGrowth: process.memoryUsage().rss - rss }));
