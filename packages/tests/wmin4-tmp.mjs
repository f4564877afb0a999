import { Worker, isMainThread, workerData } from 'node:worker_threads';
if (isMainThread) {
  const w = new Worker(new URL(import.meta.url), { workerData: process.argv[2] });
  w.on('exit', (c) => { console.log('exit', c); setTimeout(() => console.log('alive after 1s'), 1000); });
} else {
  const f = await import('ffi-rs').catch(() => import('/work/main/packages/runtime/node_modules/ffi-rs/index.js'));
  if (workerData === 'open') f.open({ library: 'libc', path: 'libc.so.6' });
  if (workerData === 'load') { f.open({ library: 'libc', path: 'libc.so.6' }); console.log(f.load({ library: 'libc', funcName: 'getpid', retType: f.DataType.I32, paramsType: [], paramsValue: [] })); }
}
