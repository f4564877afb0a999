// Child process for abort.test.ts: a native import that overflows its own stack, called at
// the deepest wasm recursion, on the main thread (argv 'main') or in a worker with a 1 MB
// stack ('worker'). It must take the process down, as native code overflowing does; the
// output says how far it got.
import { writeSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { capiInstance, SLACK } from './scenarios.js';

/**
 * Writes `line` to stdout before anything else happens. A worker's process.stdout is
 * asynchronous (its writes go through the main thread), and the overflow that follows kills
 * the process at once: so the worker hands the line to the main thread, which writes it
 * synchronously, and waits until it has.
 */
function say(line: string): void {
  if (isMainThread) {
    writeSync(1, line);
    return;
  }
  const done = new Int32Array(new SharedArrayBuffer(4));
  parentPort!.postMessage({ line, done });
  Atomics.wait(done, 0, 0, 10_000);
}

async function overflow(): Promise<void> {
  const { ex } = await capiInstance();
  say(`ready ${String(ex.dive!(SLACK, 0, 0))}\n`);
  ex.dive!(SLACK, 3, 4096);
  say('returned\n');
}

if (isMainThread && process.argv[2] === 'worker') {
  const w = new Worker(fileURLToPath(import.meta.url), { resourceLimits: { stackSizeMb: 1 }, workerData: 'worker' });
  w.on('message', ({ line, done }: { line: string; done: Int32Array }) => {
    writeSync(1, line);
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  });
  w.on('error', (e) => writeSync(1, `worker error ${String(e)}\n`));
  w.on('exit', (code) => writeSync(1, `worker exit ${code}\n`));
} else if (isMainThread || workerData === 'worker') {
  overflow().catch((e: unknown) => say(`threw ${String(e)}\n`));
}
