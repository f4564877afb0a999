// Worker side of the code-cache measurement (section-cache.ts): one compile in a fresh
// process, of V8 with node's defaults (lazy compilation) or of wasmjit through a code cache
// directory, which is empty (cold: compile and write the entry) or holds the entry (warm).
import { readFileSync } from 'node:fs';
import { loadWasmjit } from './engines.js';
import type { CacheCompileJob, CacheCompileResult } from './jobs.js';

export async function runCacheCompileJob(job: CacheCompileJob): Promise<CacheCompileResult> {
  const bytes = new Uint8Array(readFileSync(job.file));
  if (job.engine === 'v8') {
    const t0 = performance.now();
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    return { ms: performance.now() - t0, hit: null };
  }
  const rt = await loadWasmjit();
  const engine = new rt.Engine({ cache: job.cacheDir }) as unknown as { compile(b: Uint8Array): unknown; cacheStats: { hits: number; errors: number } };
  const t0 = performance.now();
  engine.compile(bytes);
  const ms = performance.now() - t0;
  const stats = engine.cacheStats;
  if (stats.errors > 0) throw new Error(`the code cache reported ${stats.errors} errors`);
  return { ms, hit: stats.hits > 0 };
}
