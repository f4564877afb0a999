import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url), { workerData: process.argv[2] });
  w.on('exit', (c) => console.log('exit', c));
} else {
  const require = createRequire(import.meta.url);
  if (workerData === 'native') require('@wasmjit/native');
  if (workerData === 'ffi') { const f = await import('/work/main/packages/runtime/node_modules/ffi-rs/index.js').catch(e => import('ffi-rs')); console.log(Object.keys(f).length); }
  if (workerData === 'cm') { const cm = await import('/work/main/packages/runtime/dist/code-memory.js'); console.log(cm.pageSize()); }
  if (workerData === 'cmload') { const cm = await import('/work/main/packages/runtime/dist/code-memory.js'); const r = cm.loadCode(new Uint8Array([0xc3])); console.log(r.address); }
}
