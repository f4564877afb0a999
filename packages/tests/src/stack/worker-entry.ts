// worker_threads entry: runs the stack scenarios on this (small-stack) thread and posts the
// report. Started by workers.test.ts with resourceLimits.stackSizeMb.
import { parentPort, workerData } from 'node:worker_threads';
import { runAll, type RunOptions } from './scenarios.js';

const report = await runAll(workerData as RunOptions);
parentPort!.postMessage(report);
