// worker_threads entry that bumps an engine's epoch with nothing but Atomics: it never loads
// wasmjit. workerData: { epoch: SharedArrayBuffer, go: SharedArrayBuffer, delayMs }.
// It waits until the main thread stores 1 into go[0] (just before it enters wasm), sleeps
// delayMs and adds 1 to the epoch.
import { parentPort, workerData } from 'node:worker_threads';

const { epoch, go, delayMs } = workerData as { epoch: SharedArrayBuffer; go: SharedArrayBuffer; delayMs: number };
const flag = new Int32Array(go);
parentPort!.postMessage('ready');
while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 1000);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
Atomics.add(new BigInt64Array(epoch, 0, 1), 0, 1n);
parentPort!.postMessage('bumped');
