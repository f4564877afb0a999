import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { writeSync } from 'node:fs';
if (isMainThread) {
  const mb = Number(process.argv[2]);
  const w = new Worker(new URL(import.meta.url), { resourceLimits: { stackSizeMb: mb }, workerData: { step: process.argv[3] } });
  w.on('error', (e) => console.log('error', e)); w.on('exit', (c) => console.log('exit', c));
} else {
  const S = await import('/work/main/packages/tests/dist/stack/scenarios.js');
  const { Engine } = await import('@wasmjit/runtime');
  const { native } = await import('/work/main/packages/tests/dist/stack/support.js');
  const log = (...a) => writeSync(1, a.join(' ') + '\n');
  const s = native.stackInfo();
  log('room', (s.sp - s.low) / 1024);
  const engine = new Engine();
  const step = workerData.step;
  if (step === 'native') log(JSON.stringify(await S.deepNative(engine)));
  if (step === 'js') log(JSON.stringify(await S.deepJs(engine)).slice(0, 500));
  if (step === 'storm') log(JSON.stringify(await S.overflowStorm(engine, 100)).slice(0, 300));
  if (step === 'big') log(JSON.stringify(await S.bigFrames(engine)).slice(0, 300));
}
if (!isMainThread && workerData.step === 'all') {
  const S = await import('/work/main/packages/tests/dist/stack/scenarios.js');
  const r = await S.runAll({ storm: 1000 });
  writeSync(1, JSON.stringify(r).slice(0, 200) + '\n');
}
