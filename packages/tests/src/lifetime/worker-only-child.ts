// Child-process entry of workers.test.ts. The main thread never loads the runtime: only the
// workers do, each compiling and running wasm (with a guard-mode memory, so the fault handler
// and the thread's alternate signal stack are set up too) and then ending, in the orders that
// used to crash: one at a time, several at once, terminated mid-wait. Prints a JSON summary.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

// Proof that this thread has not loaded the add-on (nor anything else of the runtime's).
const loadedBefore = readFileSync('/proc/self/maps', 'utf8').includes('wasmjit_native');

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.runtime).then(async ({ Engine }) => {
  const engine = new Engine();
  const f = engine.instantiate(engine.compile(workerData.bytes)).exports.f;
  parentPort.postMessage(f(workerData.n));
  if (workerData.wait) await new Promise((r) => setTimeout(r, 60_000));
});
`;

const runtime = new URL('../../../runtime/dist/index.js', import.meta.url).href;
// Assembled here with wabt (plain JS: importing util/wat.ts would load the runtime).
const wabt = await (await import('wabt')).default();
const bytes = wabt.parseWat('f.wat', `(module (memory 1) (func (export "f") (param i32) (result i32)
  (i32.store (i32.const 0) (local.get 0)) (i32.add (i32.load (i32.const 0)) (i32.const 1))))`).toBinary({}).buffer;

function start(n: number, wait = false): { worker: Worker; answer: Promise<number>; exited: Promise<number> } {
  const worker = new Worker(WORKER, { eval: true, workerData: { runtime, bytes, n, wait } });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const answer = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, answer, exited };
}

let answers = 0;
// One at a time: each worker is the only thread that has the runtime loaded when it ends.
for (let i = 0; i < 6; i++) {
  const w = start(i);
  if ((await w.answer) === i + 1) answers++;
  await w.exited;
}
// Several at once, ending together.
const group = Array.from({ length: 4 }, (_, i) => start(100 + i));
for (const [i, w] of group.entries()) if ((await w.answer) === 101 + i) answers++;
await Promise.all(group.map((w) => w.exited));
// Terminated while alive (after running wasm).
for (let i = 0; i < 3; i++) {
  const w = start(200 + i, true);
  if ((await w.answer) === 201 + i) answers++;
  await w.worker.terminate();
}
process.stdout.write(JSON.stringify({ answers, loadedBefore }));
