import '../runtime/dist/code-memory.js';
import { Worker } from 'node:worker_threads';
const mb = Number(process.argv[2] ?? 1);
const w = new Worker('/work/main/packages/tests/dist/stack/worker-entry.js', { resourceLimits: { stackSizeMb: mb }, workerData: { storm: Number(process.argv[3] ?? 1000) } });
w.on('message', (r) => console.log('got message', JSON.stringify(r).length));
w.on('error', (e) => console.log('error', e));
w.on('exit', (c) => console.log('exit', c));
