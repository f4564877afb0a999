// Child-process entry: runs one .wast file and streams outcomes to the
// parent over IPC. Isolating each file in its own process means a JIT crash
// (e.g. SIGSEGV in generated code) or an infinite loop costs that file only.

import { openSync, readFileSync, writeSync } from 'node:fs';
import type { BoundsChecks, Compilation, SimdIsa } from '@wasmjit/runtime';
import { runScript, WasmjitAdapter, type EngineAdapter, type Outcome } from '@wasmjit/runtime/wast';
import { V8Adapter } from './v8-adapter.js';
import { WASM2_FEATURES } from '@wasmjit/codegen';

export type EngineName = 'wasmjit' | 'v8';

export interface WorkerJob {
  path: string;
  engine: EngineName;
  boundsChecks?: BoundsChecks;
  compilation?: Compilation;
  simd?: SimdIsa;
  line?: number;
  resumeAfter?: number;
  /** The text format edition of the file: '2.0' for ../shared/spec, '3.0' for spec-latest. */
  standard: '2.0' | '3.0';
  /** Proposal files of ../shared/spec (extended-const): the engine feature on. */
  proposal: boolean;
  /** File where the worker keeps the line of the command it is running (crash/timeout attribution). */
  progressFile?: string;
}

export type WorkerMessage = { type: 'outcomes'; outcomes: Outcome[] } | { type: 'done' };

/**
 * Build the adapter for an engine, or say why it is unavailable. `features`: '3.0' (the 3.0
 * suite: every feature, the default), 'proposal' (a 2.0-era proposal folder: 2.0 plus its
 * proposal, extended-const, as its copies of the core files expect 2.0's errors elsewhere, e.g.
 * "multiple memories"), '2.0' (the 2.0 core files: every later feature off).
 */
export function makeAdapter(engine: EngineName, boundsChecks?: BoundsChecks, features: '2.0' | 'proposal' | '3.0' = '2.0', compilation?: Compilation, simd?: SimdIsa): EngineAdapter | { error: string } {
  if (engine === 'v8') return new V8Adapter();
  try {
    const chosen = features === '3.0' ? {} : { features: features === 'proposal' ? { ...WASM2_FEATURES, extendedConst: true } : WASM2_FEATURES };
    return new WasmjitAdapter({
      ...(boundsChecks ? { boundsChecks } : {}), ...chosen, ...(compilation ? { compilation } : {}), ...(simd ? { simd } : {}),
      // The spec CLI's --tier (inherited by its child processes through the environment).
      ...(process.env.WASMJIT_TIER === 'optimized' ? { tier: 'optimized' as const } : {}),
    });
  } catch (e) {
    return { error: `cannot create Engine: ${(e as Error).message}` };
  }
}

function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send!(msg, undefined, {}, (err) => (err ? reject(err) : resolve()));
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as WorkerJob;
  const adapter = makeAdapter(job.engine, job.boundsChecks, job.standard === '3.0' ? '3.0' : job.proposal ? 'proposal' : '2.0', job.compilation, job.simd);
  if ('error' in adapter) {
    await send({ type: 'outcomes', outcomes: [{ line: 0, command: 'engine', status: 'failed', reason: `engine not available: ${adapter.error}` }] });
    await send({ type: 'done' });
    return;
  }
  const src = readFileSync(job.path, 'utf8');
  // A positioned 4-byte write per command is a cheap syscall, and unlike an
  // IPC message it is on disk before the next command can crash the process.
  const progressFd = job.progressFile !== undefined ? openSync(job.progressFile, 'w') : undefined;
  const lineBuf = new Uint8Array(4);
  const lineView = new DataView(lineBuf.buffer);
  // Batch outcomes: cheap on IPC, yet a crash loses at most one batch's worth
  // of already-finished results (each send is awaited, so it has left the
  // process before more commands run).
  let batch: Outcome[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcomes = batch;
    batch = [];
    await send({ type: 'outcomes', outcomes });
  };
  await runScript(src, adapter, {
    line: job.line,
    resumeAfter: job.resumeAfter,
    standard: job.standard,
    onCommandStart: (line) => {
      if (progressFd === undefined) return;
      lineView.setUint32(0, line, true);
      writeSync(progressFd, lineBuf, 0, 4, 0);
    },
    onOutcome: (o) => {
      batch.push(o);
      if (batch.length >= 64 || o.status === 'failed') return flush();
    },
  });
  await flush();
  await send({ type: 'done' });
}

if (process.send) {
  main().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`spec worker error: ${(e as Error)?.stack ?? e}\n`);
      process.exit(2);
    },
  );
}
