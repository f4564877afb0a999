// `pnpm bench --only text`: wasmjit's text format parser (@wasmjit/text) against wabt.js's
// (parseWat + toBinary, wabt compiled to wasm and run by V8) on the current spec suite
// (../shared/spec-latest/core, issue 19). Both read the same module texts and make their
// binaries; each measurement is a fresh process, cold (its first pass) and warm (median of
// later passes). A second row times wasmjit on the whole scripts (every command read, every
// module encoded or rejected), which wabt.js cannot read, against wabt's time on the modules.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runJob } from './child.js';
import type { TextJob, TextResult } from './jobs.js';
import type { Progress } from './progress.js';
import type { Settings } from './settings.js';
import { median } from './stats.js';
import { SPEC_LATEST_CORE, writeTextInputs, type TextInputs } from './text-modules.js';
import type { TextRow } from './types.js';

export function textSteps(settings: Settings): number {
  return 1 + 3 * settings.textProcesses;
}

type Side = { loadMs: number | null; coldMs: number | null; warmMs: number | null };

export async function runTextSection(settings: Settings, progress: Progress): Promise<{ rows: TextRow[]; failures: string[] }> {
  progress.step('text: gathering the module texts of spec-latest/core');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wasmjit-bench-text-'));
  try {
    let inputs: TextInputs;
    const file = path.join(dir, 'inputs.json');
    try {
      inputs = await writeTextInputs(SPEC_LATEST_CORE, file);
    } catch (e) {
      const note = `inputs unavailable: ${(e as Error).message}`;
      const none: Side = { loadMs: null, coldMs: null, warmMs: null };
      return { rows: [{ name: 'modules', what: '–', wasmjit: none, wabt: none, note }], failures: [] };
    }
    const samples = { modules: { wasmjit: [] as TextResult[], wabt: [] as TextResult[] }, scripts: [] as TextResult[] };
    const failures: string[] = [];
    const notes: string[] = [];
    const run = async (engine: 'wasmjit' | 'wabt', what: 'modules' | 'scripts'): Promise<TextResult | undefined> => {
      progress.step(`text: ${what} · ${engine}`);
      const job: TextJob = { kind: 'text', engine, what, inputs: file, warmRuns: settings.textWarmRuns };
      const out = await runJob<TextResult>([], job, settings.compileTimeoutMs);
      if (!out.ok) {
        notes.push(`${engine} ${what}: ${out.message}`);
        return undefined;
      }
      return out.value;
    };
    // Alternate the sides, so that both see the same machine noise.
    for (let i = 0; i < settings.textProcesses; i++) {
      const ours = await run('wasmjit', 'modules');
      if (ours) samples.modules.wasmjit.push(ours);
      const theirs = await run('wabt', 'modules');
      if (theirs) samples.modules.wabt.push(theirs);
      const scripts = await run('wasmjit', 'scripts');
      if (scripts) samples.scripts.push(scripts);
    }
    for (const r of samples.modules.wasmjit) {
      if (r.encoded !== inputs.modules.length) failures.push(`text: wasmjit encoded ${r.encoded} of ${inputs.modules.length} modules`);
    }
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const scriptsDone = samples.scripts[0];
    const rows: TextRow[] = [
      {
        name: 'modules',
        what: `${inputs.modules.length.toLocaleString('en-US')} module texts, ${mb(inputs.moduleBytes)} MB; ${inputs.notBoth} not encoded by both`,
        wasmjit: summarize(samples.modules.wasmjit),
        wabt: summarize(samples.modules.wabt),
      },
      {
        name: 'whole scripts',
        what: `${inputs.scripts.length} .wast files, ${mb(inputs.scriptBytes)} MB` +
          (scriptsDone ? `: ${scriptsDone.encoded.toLocaleString('en-US')} modules encoded, ${scriptsDone.rejected.toLocaleString('en-US')} rejected` : ''),
        wasmjit: summarize(samples.scripts),
        wabt: summarize(samples.modules.wabt),
      },
    ];
    if (notes.length > 0) rows[0]!.note = notes.join('; ');
    return { rows, failures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(rs: TextResult[]): Side {
  const med = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length > 0 ? median(v) : null;
  };
  return { loadMs: med(rs.map((r) => r.loadMs)), coldMs: med(rs.map((r) => r.coldMs)), warmMs: med(rs.map((r) => r.warmMs)) };
}
