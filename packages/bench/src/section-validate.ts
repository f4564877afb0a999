// Part of the compile section: decoding and validating a whole module, the part of a
// compile that lazy compilation cannot put off (issue 17). Each measurement is a fresh
// process: V8's `new WebAssembly.Module` with node's defaults (lazy compilation, which
// validates every body and compiles none) against wasmjit's decodeModule + validateModule,
// cold (the validator's JavaScript not yet optimised, as in a user's first compile) and
// warm (the fourth time in that process). CPU time of all threads, on the code-cache table's
// modules.
import { runJob } from './child.js';
import type { ValidateResult } from './jobs.js';
import { locateModule } from './paths.js';
import type { Progress } from './progress.js';
import type { CompileModule, Settings } from './settings.js';
import { median } from './stats.js';
import type { ValidateRow } from './types.js';

export function validateSteps(settings: Settings): number {
  return settings.cacheModules.length * 2 * settings.cacheReps;
}

export async function runValidateSection(settings: Settings, progress: Progress): Promise<ValidateRow[]> {
  const rows: ValidateRow[] = [];
  for (const m of settings.cacheModules) rows.push(await measure(m, settings, progress));
  return rows;
}

async function measure(m: CompileModule, settings: Settings, progress: Progress): Promise<ValidateRow> {
  let file: string;
  let origin: string;
  try {
    ({ file, origin } = locateModule(m));
  } catch (e) {
    progress.step(`decode+validate ${m.name}: not installed`);
    return { name: m.name, origin: m.pkg, v8Ms: null, coldMs: null, warmMs: null, note: (e as Error).message };
  }
  const v8: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  let note: string | undefined;
  for (let i = 0; i < settings.cacheReps; i++) {
    for (const engine of ['v8', 'wasmjit'] as const) {
      progress.step(`decode+validate ${m.name} · ${engine}`);
      const out = await runJob<ValidateResult>([], { kind: 'validate', engine, file }, settings.compileTimeoutMs);
      if (!out.ok) {
        note ??= `${engine}: ${out.message}`;
      } else if (engine === 'v8') {
        v8.push(out.value.coldMs);
      } else {
        cold.push(out.value.coldMs);
        if (out.value.warmMs !== null) warm.push(out.value.warmMs);
      }
    }
  }
  const med = (xs: number[]) => (xs.length > 0 ? median(xs) : null);
  return { name: m.name, origin, v8Ms: med(v8), coldMs: med(cold), warmMs: med(warm), ...(note ? { note } : {}) };
}
