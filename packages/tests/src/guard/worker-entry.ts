// worker_threads entry of workers.test.ts: runs the thread scenario here and posts the result.
import { parentPort, workerData } from 'node:worker_threads';
import { threadScenario } from './thread-scenario.js';

const { iterations, seed } = workerData as { iterations: number; seed: number };
parentPort!.postMessage(await threadScenario(iterations, seed));
