// Part of the compile section: the persistent code cache (EngineOptions.cache) on real
// modules. Each compile is a fresh process (a user's next start): V8 with node's defaults
// (lazy compilation, what a user gets), wasmjit with an empty cache directory (cold: the
// compile plus writing the entry) and then with the entry there (warm: a cache hit).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runJob } from './child.js';
import type { CacheCompileResult } from './jobs.js';
import { locateModule } from './paths.js';
import type { Progress } from './progress.js';
import type { CompileModule, Settings } from './settings.js';
import { median } from './stats.js';
import type { CacheRow } from './types.js';

export function cacheSteps(settings: Settings): number {
  return settings.cacheModules.length * (3 * settings.cacheReps);
}

export async function runCacheSection(settings: Settings, progress: Progress): Promise<CacheRow[]> {
  const rows: CacheRow[] = [];
  for (const m of settings.cacheModules) rows.push(await measure(m, settings, progress));
  return rows;
}

async function measure(m: CompileModule, settings: Settings, progress: Progress): Promise<CacheRow> {
  let file: string;
  let origin: string;
  try {
    ({ file, origin } = locateModule(m));
  } catch (e) {
    progress.step(`cache ${m.name}: not installed`);
    return { name: m.name, origin: m.pkg, v8Ms: null, coldMs: null, warmMs: null, note: (e as Error).message };
  }
  const v8: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  let note: string | undefined;
  const run = async (what: string, job: Parameters<typeof runJob>[1], into: number[], expectHit: boolean | null) => {
    progress.step(`cache ${m.name} · ${what}`);
    const out = await runJob<CacheCompileResult>([], job, settings.compileTimeoutMs);
    if (!out.ok) note ??= `${what}: ${out.message}`;
    else if (expectHit !== null && out.value.hit !== expectHit) note ??= `${what}: expected a cache ${expectHit ? 'hit' : 'miss'}`;
    else into.push(out.value.ms);
  };
  for (let i = 0; i < settings.cacheReps; i++) {
    // A fresh directory per repetition: each cold compile writes the entry the warm ones read.
    const dir = mkdtempSync(path.join(tmpdir(), 'wasmjit-bench-cache-'));
    try {
      await run('V8 default', { kind: 'cache-compile', engine: 'v8', file, cacheDir: null }, v8, null);
      await run('wasmjit cold cache', { kind: 'cache-compile', engine: 'wasmjit', file, cacheDir: dir }, cold, false);
      await run('wasmjit warm cache', { kind: 'cache-compile', engine: 'wasmjit', file, cacheDir: dir }, warm, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const med = (xs: number[]) => (xs.length > 0 ? median(xs) : null);
  return { name: m.name, origin, v8Ms: med(v8), coldMs: med(cold), warmMs: med(warm), ...(note ? { note } : {}) };
}
