// worker_threads entry: runs one SPIN program export that never returns (workerData.kind),
// on an engine with the worker's default options (host interrupts on) unless
// workerData.engine overrides them. Posts 'spinning' right before entering wasm, and an
// { engine } message with the engine's resolved hostInterrupts first.
//
// workerData.kind 'work': instead, computes fib(workerData.n) workerData.rounds times in wasm
// and posts the results (a worker that must not be disturbed by another one's termination).
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, type EngineOptions } from '@wasmjit/runtime';
import { spinBytes, type SpinExports, type SpinKind } from './spin-programs.js';

interface Data {
  kind: SpinKind | 'work';
  engine?: EngineOptions;
  n?: number;
  rounds?: number;
}

const data = workerData as Data;
const engine = new Engine(data.engine ?? {});
parentPort!.postMessage({ engine: { hostInterrupts: engine.hostInterrupts } });
const bytes = await spinBytes();
let inner: SpinExports | undefined;
const instance = engine.instantiate(engine.compile(bytes), {
  // wasm -> JS -> wasm: the outer "nested" call re-enters a second instance's loop.
  js: { reenter: () => inner!.loop() },
});
const e = instance.exports as unknown as SpinExports;
inner = engine.instantiate(engine.compile(bytes), { js: { reenter: () => {} } }).exports as unknown as SpinExports;

if (data.kind === 'work') {
  const results: number[] = [];
  for (let i = 0; i < data.rounds!; i++) results.push(e.fib(data.n!));
  parentPort!.postMessage({ results });
} else {
  parentPort!.postMessage('spinning');
  e[data.kind]();
  parentPort!.postMessage('returned');
}
