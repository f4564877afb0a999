// worker_threads entry: runs the nesting scenario on this thread and posts the result.
// Started by nesting.test.ts, with resourceLimits.stackSizeMb when it tests a small stack.
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '@wasmjit/runtime';
import { nestingScenario } from './nesting.js';
import { native } from './support.js';

const { maxWasmStack } = workerData as { maxWasmStack?: number };
const result = await nestingScenario(new Engine({ maxWasmStack }));
parentPort!.postMessage({ result, stack: native.stackInfo() });
