import { Worker, isMainThread } from 'node:worker_threads';
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url), { workerData: process.argv[2] });
  w.on('exit', (c) => console.log('exit', c));
} else {
  const { workerData } = await import('node:worker_threads');
  const rt = await import('@wasmjit/runtime');
  if (workerData === 'compile') {
    const e = new rt.Engine();
    const m = e.compile(new Uint8Array([0,97,115,109,1,0,0,0]));
    console.log('compiled');
  }
  if (workerData === 'inst') {
    const e = new rt.Engine();
    const m = e.compile(new Uint8Array([0,97,115,109,1,0,0,0]));
    e.instantiate(m);
    console.log('instantiated');
  }
}
