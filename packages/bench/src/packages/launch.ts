// Parent side: run one package scenario in a fresh node process on one engine and read back
// its result and the probe's records. 'v8' is plain node; 'wasmjit' is node with the register
// hook, and with V8's own WebAssembly switched off (--no-expose-wasm) in the scenario process
// so nothing there can reach it. NODE_OPTIONS carries the hook (and the probe) into every
// child process the package starts; --no-expose-wasm is not allowed there, so for those the
// probe's record is the evidence.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FirstExportTiming } from './first-export.js';
import type { ProbeRecord } from './probe.js';
import {
  SCENARIO_ERROR_PREFIX, SCENARIO_RESULT_PREFIX, type ScenarioError, type ScenarioJob, type ScenarioResult,
} from './protocol.js';

/**
 * 'wasmjit' runs with eager compilation (WASMJIT_COMPILATION=eager: the default, 'auto',
 * compiles modules of 16 MiB or more lazily); 'wasmjit-lazy' with WASMJIT_COMPILATION=lazy:
 * the two sides of the default's choice; 'wasmjit-cached' with the persistent code cache in a directory
 * the caller gives (WASMJIT_CACHE), which an earlier run filled: a user's next start.
 */
export type PackageEngine = 'v8' | 'wasmjit' | 'wasmjit-lazy' | 'wasmjit-cached';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.join(HERE, 'main.js');
const PROBE_URL = pathToFileURL(path.join(HERE, 'probe.js')).href;
const require = createRequire(import.meta.url);
/**
 * The hook a user gets: @wasmjit/runtime/register as published, i.e. the entry that package.json's
 * publishConfig gives it (the bundle of scripts/bundle.mjs), not the workspace's unbundled file.
 */
export const REGISTER_URL = publishedEntryUrl('./register');

function publishedEntryUrl(subpath: string): string {
  const manifest = require.resolve('@wasmjit/runtime/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { publishConfig?: { exports?: Record<string, { default?: string }> } };
  const entry = pkg.publishConfig?.exports?.[subpath]?.default;
  if (entry === undefined) throw new Error(`@wasmjit/runtime publishes no ${subpath} entry`);
  return pathToFileURL(path.join(path.dirname(manifest), entry)).href;
}

/**
 * `processes`: the probe's record of each process; `timings`: with `firstExport`, the
 * startup clock of each process that made a wasm instance (first-export.ts).
 */
export type ScenarioOutcome =
  | { ok: true; result: ScenarioResult; processes: ProbeRecord[]; timings?: FirstExportTiming[] }
  | { ok: false; error: ScenarioError; processes: ProbeRecord[]; timings?: FirstExportTiming[] };

/** The node arguments and environment of a scenario process on `engine`. */
export function launchSettings(
  engine: PackageEngine, probeLog: string, env: NodeJS.ProcessEnv = process.env, cacheDir: string | null = null,
): { args: string[]; env: NodeJS.ProcessEnv } {
  if (engine === 'wasmjit-lazy') {
    const s = launchSettings('wasmjit', probeLog, env);
    return { args: s.args, env: { ...s.env, WASMJIT_COMPILATION: 'lazy' } };
  }
  if (engine === 'wasmjit-cached') {
    if (cacheDir === null) throw new Error('wasmjit-cached needs a cache directory');
    const s = launchSettings('wasmjit', probeLog, env);
    const cached: NodeJS.ProcessEnv = { ...s.env, WASMJIT_CACHE: cacheDir };
    delete cached.WASMJIT_COMPILATION; // the default
    return { args: s.args, env: cached };
  }
  const imports = engine === 'wasmjit' ? [`--import=${REGISTER_URL}`, `--import=${PROBE_URL}`] : [`--import=${PROBE_URL}`];
  const childEnv: NodeJS.ProcessEnv = { ...env, NODE_OPTIONS: imports.join(' '), PACKAGE_PROBE_LOG: probeLog };
  if (engine === 'wasmjit') childEnv.WASMJIT_COMPILATION = 'eager';
  else delete childEnv.WASMJIT_COMPILATION;
  delete childEnv.WASMJIT_CACHE; // and no cache
  delete childEnv.PACKAGE_PROBE_FIRST_EXPORT; // the caller asks for the clock (runScenario)
  if (engine === 'wasmjit') childEnv.PACKAGE_PROBE_REGISTER = REGISTER_URL;
  else delete childEnv.PACKAGE_PROBE_REGISTER;
  return { args: engine === 'wasmjit' ? ['--no-expose-wasm'] : [], env: childEnv };
}

/**
 * Runs `job` in a fresh process on `engine`. `firstExport`: the probe also times each
 * process's compile → first instance → first export return (first-export.ts). `extraEnv`:
 * set in the scenario process on top of the engine's settings.
 */
export function runScenario(
  engine: PackageEngine, job: ScenarioJob, timeoutMs: number, cacheDir: string | null = null, firstExport = false,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ScenarioOutcome> {
  const probeDir = mkdtempSync(path.join(os.tmpdir(), 'wasmjit-probe-'));
  const probeLog = path.join(probeDir, 'probe.jsonl');
  const settings = launchSettings(engine, probeLog, process.env, cacheDir);
  const args = settings.args;
  const env = { ...settings.env, ...extraEnv };
  if (firstExport) env.PACKAGE_PROBE_FIRST_EXPORT = '1';
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args, MAIN, JSON.stringify(job)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const records = readProbeLog(probeLog);
      const processes = records.filter((r) => r.timing === undefined);
      const timings = records.flatMap((r) => (r.timing === undefined ? [] : [r.timing]));
      rmSync(probeDir, { recursive: true, force: true });
      const line = (prefix: string) => stdout.split('\n').find((l) => l.startsWith(prefix))?.slice(prefix.length);
      const result = line(SCENARIO_RESULT_PREFIX);
      if (result !== undefined && code === 0) {
        resolve({ ok: true, result: JSON.parse(result) as ScenarioResult, processes, timings });
        return;
      }
      const reported = line(SCENARIO_ERROR_PREFIX);
      if (reported !== undefined) {
        resolve({ ok: false, error: JSON.parse(reported) as ScenarioError, processes, timings });
        return;
      }
      const why = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : signal ? `killed by ${signal}` : `exited with code ${code}`;
      const tail = stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 400);
      resolve({ ok: false, error: { message: `scenario process ${why}${tail ? `: ${tail}` : ''}`, phase: 'run' }, processes, timings });
    });
  });
}

function readProbeLog(file: string): ProbeRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ProbeRecord);
}
