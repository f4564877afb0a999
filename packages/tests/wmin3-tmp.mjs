import { Worker, isMainThread, workerData } from 'node:worker_threads';
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url), { workerData: process.argv[2] });
  w.on('exit', (c) => console.log('exit', c));
} else {
  await import('/work/main/packages/runtime/dist/' + workerData + '.js');
}
