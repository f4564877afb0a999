import '@wasmjit/runtime';
import { Worker } from 'node:worker_threads';
for (const mb of (process.argv[2] ?? "0.5").split(",").map(Number)) {
  const w = new Worker('/work/main/packages/tests/dist/stack/worker-entry.js', { resourceLimits: { stackSizeMb: mb }, workerData: { storm: 1000 } });
  const r = await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); w.once('exit', (c) => rej(new Error('exit ' + c))); });
  await w.terminate();
  const s = r.stack;
  console.log(mb, 'MiB', 'room sp-low', ((s.sp - s.low)/1024).toFixed(0), 'K', JSON.stringify({ small: r.small, native: r.native, js: r.js && { depth: r.js.depth, result: r.js.result, thrown: r.js.thrown.same, caught: r.js.caught?.outcome, inner: r.js.caught?.innerTrap, after: r.js.after }, storm: r.storm && { traps: r.storm.traps, down: r.storm.down }, big: r.big?.levels?.map((l) => l.kind + ':' + (l.trap ?? l.value)) }, null, 0));
}
