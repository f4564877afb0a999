// Runs the C API scenarios (scenarios.ts) on a worker thread and posts the report.
import { parentPort } from 'node:worker_threads';
import { runCapiScenarios } from './scenarios.js';

runCapiScenarios().then(
  (report) => parentPort!.postMessage(report),
  (e: unknown) => parentPort!.postMessage({ error: String((e as Error)?.stack ?? e) }),
);
