// The CLI's own output. Written synchronously to fds 1 and 2, the same descriptors the guest
// writes through WASI, so the two never reorder and nothing is lost at exit.
import { writeSync } from 'node:fs';
import { retryAgain } from '../wasi/blocking.js';

const utf8 = new TextEncoder();

function writeAll(fd: number, text: string): void {
  const bytes = utf8.encode(text);
  try {
    for (let done = 0; done < bytes.length;) done += retryAgain(() => writeSync(fd, bytes, done));
  } catch (e) {
    // The reader went away (`wasmjit explore x.wasm | head`): nothing left to say.
    if ((e as { code?: string }).code === 'EPIPE') process.exit(0);
    throw e;
  }
}

export function out(text: string): void {
  writeAll(1, text);
}

export function err(text: string): void {
  writeAll(2, text);
}

/** Exit statuses. A trap uses 128 + SIGABRT, as wasmtime does. */
export const enum Exit {
  Ok = 0,
  Error = 1,
  Usage = 2,
  Trap = 134,
}
