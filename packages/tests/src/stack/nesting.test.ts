// wasm → JS → wasm nesting: only wasm frames count against maxWasmStack, so nesting goes as
// deep as the thread's stack and V8's JS stack limit allow, and ends cleanly either way.
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { budgetPerLevel, nestingScenario, type NestEnd, type NestResult } from './nesting.js';
import type { StackInfo } from '../../../runtime/dist/native.js';
import { KiB, MiB } from './support.js';
import { expectNoSignals } from './signals.js';

function runWorker(data: { maxWasmStack?: number }, stackSizeMb?: number): Promise<{ result: NestResult; stack: StackInfo }> {
  const w = new Worker(new URL('./nesting-worker-entry.js', import.meta.url), {
    workerData: data,
    ...(stackSizeMb === undefined ? {} : { resourceLimits: { stackSizeMb } }),
  });
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)));
  });
}

/** Both runs ended the same clean way, and the thread went on working. */
function expectSameEndTwice(r: NestResult): void {
  expect(r.second.name).to.equal(r.first.name);
  expect(r.second.trap).to.equal(r.first.trap);
  expect(r.second.same).to.equal(true);
  expect(r.second.depth).to.be.greaterThan(r.first.depth / 2);
  expect(r.after).to.equal(50);
}

/**
 * In a worker, V8's JS limit sits 192 KiB above the bottom of the stack Node asked for, below
 * the wasm limit's low + 256 KiB: the nest ends with our stack_overflow, the deepest import
 * having run within a level or two of that. (glibc may hand a thread a larger cached stack
 * than asked for; Node's JS limit is then higher up, and V8's RangeError ends the nest.)
 */
function expectWorkerEnd(r: { result: NestResult; stack: StackInfo }, stackSizeMb: number): void {
  const end = r.result.first;
  const v8Limit = r.stack.high - (stackSizeMb * MiB - 192 * KiB);
  if (v8Limit < r.stack.low + 256 * KiB) {
    expect(end).to.include({ name: 'RuntimeError', trap: 'stack_overflow', same: true });
    expect(end.bottomAboveLow).to.be.within(256 * KiB, 272 * KiB);
  } else {
    expect(end).to.include({ name: 'RangeError', same: true });
  }
  // The nest used (nearly) the whole stack, far more than any wasm budget of 512 KiB.
  expect(end.spanBytes).to.be.greaterThan(stackSizeMb * MiB - 512 * KiB);
  expectSameEndTwice(r.result);
}

describe('stack: wasm → JS → wasm nesting', function () {
  this.timeout(120_000);
  expectNoSignals();

  it('does not charge the JS and native frames between levels to the wasm budget', async () => {
    // A nested entry gets what the outer wasm left: level after level, that shrinks by the
    // wasm frames of a level (~130 bytes), not by the ~2 KB of JS and N-API frames between.
    const flat = await budgetPerLevel(new Engine({ maxWasmStack: 256 * KiB }), 0, 20);
    expect(flat).to.have.length(20);
    expect(flat[0]!).to.be.within(256 * KiB - 1024, 256 * KiB);
    for (let i = 1; i < flat.length; i++) expect(flat[i - 1]! - flat[i]!).to.be.within(1, 512);
    // Wasm recursion inside a level is charged: 100 frames of $rec are at least 3 KiB.
    const deep = await budgetPerLevel(new Engine({ maxWasmStack: 256 * KiB }), 100, 5);
    for (let i = 1; i < deep.length; i++) expect(deep[i - 1]! - deep[i]!).to.be.within(3 * KiB, 16 * KiB);
  });

  it('main thread: goes on until V8\'s JS stack limit and ends with its RangeError, unchanged through every level', async () => {
    for (const maxWasmStack of [128 * KiB, 512 * KiB]) {
      const r = await nestingScenario(new Engine({ maxWasmStack }));
      // V8's limit (~984 KB below where JS started) comes long before the wasm budget does.
      expect(r.first).to.include({ name: 'RangeError', same: true });
      expect(r.first.message).to.match(/call stack/i);
      expect(r.first.spanBytes, `maxWasmStack ${maxWasmStack}`).to.be.greaterThan(maxWasmStack);
      expectSameEndTwice(r);
    }
  });

  it('a worker with a 1 MiB stack and a budget larger than it: goes on until the thread\'s stack is used up', async () => {
    expectWorkerEnd(await runWorker({ maxWasmStack: 64 * MiB }, 1), 1);
  });

  it('a worker with the default stack (4 MiB): the same', async () => {
    expectWorkerEnd(await runWorker({}), 4);
  });
});
