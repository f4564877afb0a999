// Child process for abort.test.ts: a native import that overflows its own stack, called at
// the deepest wasm recursion, on the main thread (argv 'main') or in a worker with a 1 MB
// stack ('worker'). It must take the process down, as native code overflowing does; the
// output says how far it got.
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { capiInstance, SLACK } from './scenarios.js';

async function overflow(): Promise<void> {
  const { ex } = await capiInstance();
  process.stdout.write(`ready ${String(ex.dive!(SLACK, 0, 0))}\n`);
  ex.dive!(SLACK, 3, 4096);
  process.stdout.write('returned\n');
}

if (isMainThread && process.argv[2] === 'worker') {
  const w = new Worker(fileURLToPath(import.meta.url), { resourceLimits: { stackSizeMb: 1 }, workerData: 'worker' });
  w.on('error', (e) => process.stdout.write(`worker error ${String(e)}\n`));
  w.on('exit', (code) => process.stdout.write(`worker exit ${code}\n`));
} else if (isMainThread || workerData === 'worker') {
  overflow().catch((e: unknown) => process.stdout.write(`threw ${String(e)}\n`));
}
