// Blocking waits for the synchronous syscalls (and the CLI's own output): the guest is
// stopped in a host call, so sleeping means blocking this thread.

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds (fractions allowed). */
export function sleepMs(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

/** Retries a host read/write on EAGAIN: an inherited non-blocking stream must not fail the guest. */
export function retryAgain<T>(op: () => T): T {
  for (;;) {
    try {
      return op();
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') throw e;
      sleepMs(1);
    }
  }
}
