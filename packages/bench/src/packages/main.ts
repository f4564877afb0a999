// A scenario process: `node [hook flags] dist/packages/main.js '<job json>'` loads one
// package scenario, runs it, writes its outputs and prints one PACKAGE-RESULT line (or a
// PACKAGE-ERROR line and exit status 1). Errors are reduced to one line on purpose: a
// wasmjit RuntimeError carries its frames, and printing it whole prints the module.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scenarioNamed } from './index.js';
import {
  SCENARIO_ERROR_PREFIX, SCENARIO_RESULT_PREFIX, type OutputDigest, type ScenarioError, type ScenarioJob, type ScenarioResult,
} from './protocol.js';
import type { Outputs } from './scenario.js';

const startupMs = performance.now();

function digests(outputs: Outputs): Record<string, OutputDigest> {
  const out: Record<string, OutputDigest> = {};
  for (const [name, value] of Object.entries(outputs)) {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    out[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return out;
}

function writeOutputs(dir: string, outputs: Outputs): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(outputs)) writeFileSync(path.join(dir, name), value);
}

class PhaseError extends Error {
  constructor(readonly phase: ScenarioError["phase"], readonly inner: unknown) {
    super('scenario failed');
  }
}

async function phase<T>(name: ScenarioError['phase'], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new PhaseError(name, e);
  }
}

async function main(job: ScenarioJob): Promise<ScenarioResult> {
  const s = scenarioNamed(job.scenario);
  const t0 = performance.now();
  const state = await phase('load', () => s.load());
  const loadMs = performance.now() - t0;
  let first: string | undefined;
  const runMs: number[] = [];
  let firstRunMs = 0;
  let outputs: Record<string, OutputDigest> = {};
  for (let i = 0; i < job.warmups + job.reps; i++) {
    const t = performance.now();
    const out = await phase('run', () => s.run(state));
    const ms = performance.now() - t;
    if (i === 0) firstRunMs = ms;
    if (i >= job.warmups) runMs.push(ms);
    const d = digests(out);
    const key = JSON.stringify(d);
    if (first === undefined) {
      first = key;
      outputs = d;
      if (job.outDir) writeOutputs(job.outDir, out);
    } else if (key !== first) {
      throw new PhaseError('run', new Error(`run ${i + 1} gave other outputs than run 1 (the scenario is not deterministic)`));
    }
  }
  if (s.close) await phase('close', () => s.close!(state));
  return { startupMs, loadMs, firstRunMs, runMs, outputs };
}

function describe(e: unknown): ScenarioError {
  const phaseName = e instanceof PhaseError ? e.phase : 'run';
  const cause = e instanceof PhaseError ? e.inner : e;
  const err = cause instanceof Error ? cause : new Error(String(cause));
  const trap = (err as { trap?: unknown }).trap;
  return {
    message: `${err.name}: ${err.message.split('\n')[0]}`,
    ...(typeof trap === 'string' ? { trap } : {}),
    phase: phaseName,
  };
}

const arg = process.argv[2];
if (!arg) {
  console.error("usage: main.js '<job json>' (started by the package test or the benchmark)");
  process.exit(2);
}
try {
  const result = await main(JSON.parse(arg) as ScenarioJob);
  process.stdout.write(`\n${SCENARIO_RESULT_PREFIX}${JSON.stringify(result)}\n`);
  process.exit(0);
} catch (e) {
  process.stdout.write(`\n${SCENARIO_ERROR_PREFIX}${JSON.stringify(describe(e))}\n`);
  process.exit(1);
}
