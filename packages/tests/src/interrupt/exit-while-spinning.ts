// Child-process entry (not a test file): the main thread calls process.exit(CODE) while a
// worker spins in wasm. Node terminates and joins every worker before it exits, so without
// host interrupts this process never ends.
//
//   node exit-while-spinning.js KIND CODE
import '@wasmjit/runtime'; // the main thread loads the add-ons first (see stack/workers.test.ts)
import { Worker } from 'node:worker_threads';

const [kind = 'loop', code = '7'] = process.argv.slice(2);
const w = new Worker(new URL('./worker-spin.js', import.meta.url), { workerData: { kind } });
w.on('message', (m) => {
  if (m !== 'spinning') return;
  setTimeout(() => {
    process.stdout.write('exiting\n');
    process.exit(Number(code));
  }, 50);
});
