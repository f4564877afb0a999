// wasm → JS → wasm nesting: wasm runs on its own stack and a JS import call suspends it, so a
// level costs the thread's stack only JS frames (the export wrapper and the import) and the
// wasm stack only wasm bytes. Nesting goes deeper than V8's own wasm and ends cleanly.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { budgetPerLevel, nestingScenario, type NestEnd, type NestResult } from './nesting.js';
import type { StackInfo } from '../../../runtime/dist/native.js';
import { KiB, MiB } from './support.js';
import { expectNoSignals } from './signals.js';
import type { NestingDepths } from '../bench/depth-nesting.js';

const DEPTH_CHILD = fileURLToPath(new URL('../bench/depth-child.js', import.meta.url));

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
 * Ended by V8's JS stack limit (its RangeError) or by the wasm budget (our stack_overflow),
 * the innermost error reaching the caller as the same object, with only JS frames on the
 * thread's stack: well under the ~2.4 KB a level took when wasm and N-API frames were there.
 */
function expectCleanJsOnlyEnd(end: NestEnd): void {
  if (end.name === 'RuntimeError') expect(end).to.include({ trap: 'stack_overflow', same: true });
  else {
    expect(end).to.include({ name: 'RangeError', same: true });
    expect(end.message).to.match(/call stack/i);
  }
  expect(end.spanBytes / end.depth, 'thread-stack bytes per level').to.be.below(400);
}

describe('stack: wasm → JS → wasm nesting', function () {
  this.timeout(120_000);
  expectNoSignals();

  it('charges a level only its wasm-stack bytes: the budget shrinks by a few hundred bytes a level', async () => {
    // A nested entry gets what the outer wasm left: level after level, that shrinks by the
    // activation's record and entry frame, the wasm frames and the suspended host call.
    const flat = await budgetPerLevel(new Engine({ maxWasmStack: 256 * KiB }), 0, 20);
    expect(flat).to.have.length(20);
    expect(flat[0]!).to.be.within(256 * KiB - 1024, 256 * KiB);
    for (let i = 1; i < flat.length; i++) expect(flat[i - 1]! - flat[i]!).to.be.within(64, 512);
    // Wasm recursion inside a level is charged: 100 frames of $rec are at least 3 KiB.
    const deep = await budgetPerLevel(new Engine({ maxWasmStack: 256 * KiB }), 100, 5);
    for (let i = 1; i < deep.length; i++) expect(deep[i - 1]! - deep[i]!).to.be.within(3 * KiB, 16 * KiB);
  });

  it('main thread, defaults: thousands of levels, only JS frames on the thread\'s stack', async () => {
    const r = await nestingScenario(new Engine());
    expect(r.first.depth).to.be.greaterThan(2000);
    expectCleanJsOnlyEnd(r.first);
    expectSameEndTwice(r);
  });

  it('main thread, defaults, a fresh process: at least as deep as V8\'s own wasm (bench:depth\'s measurement, cold)', async () => {
    const run = (engine: 'wasmjit' | 'v8'): NestingDepths => {
      const r = spawnSync(process.execPath, [DEPTH_CHILD, JSON.stringify({ engine, nesting: true })], { encoding: 'utf8', timeout: 60_000 });
      const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`depth child (${engine}) failed: ${r.stderr}`);
      return (JSON.parse(line.slice(7)) as { nesting: NestingDepths }).nesting;
    };
    const ours = run('wasmjit');
    const v8 = run('v8');
    expect(ours.cold, `wasmjit ${JSON.stringify(ours)} vs V8 ${JSON.stringify(v8)}`).to.be.at.least(v8.cold);
    expect(ours.coldEnd).to.equal('RangeError');
  });

  it('a small budget ends with our stack_overflow, unchanged through every level', async () => {
    const r = await nestingScenario(new Engine({ maxWasmStack: 128 * KiB }));
    expect(r.first).to.include({ name: 'RuntimeError', trap: 'stack_overflow', same: true });
    // ~128 KiB at a few hundred bytes a level.
    expect(r.first.depth).to.be.within(200, 2000);
    expectSameEndTwice(r);
  });

  it('a worker with the default stack (4 MiB): more than 10,000 levels (V8\'s own wasm: ~15,000 cold)', async () => {
    const r = await runWorker({});
    expect(r.result.first.depth).to.be.greaterThan(10_000);
    expectCleanJsOnlyEnd(r.result.first);
    expectSameEndTwice(r.result);
  });

  it('a worker with a 1 MiB stack and a 64 MiB budget: V8\'s RangeError ends it, the wasm stack is not the thread\'s', async () => {
    const r = await runWorker({ maxWasmStack: 64 * MiB }, 1);
    expect(r.result.first).to.include({ name: 'RangeError', same: true });
    expectCleanJsOnlyEnd(r.result.first);
    expectSameEndTwice(r.result);
  });
});
