// Worker side of the text section (section-text.ts): in a fresh process, load a parser (timed:
// wasmjit's @wasmjit/text, or wabt.js with its wasm compiled), then parse and encode the same
// inputs several times: the first pass is the cold figure, the median of the rest the warm one.
// Wall-clock ms. The inputs were gathered by the parent (text-modules.ts), so neither parser
// has run in this process before its first timed pass.
import { readFileSync } from 'node:fs';
import type { TextJob, TextResult } from './jobs.js';
import { median } from './stats.js';
import { WABT_FEATURES, type TextInputs } from './text-modules.js';

export async function runTextJob(job: TextJob): Promise<TextResult> {
  const inputs = JSON.parse(readFileSync(job.inputs, 'utf8')) as TextInputs;
  // Scripts are read before any timer: file reading is neither parser's work.
  const sources = job.what === 'scripts' ? inputs.scripts.map((f) => readFileSync(f, 'utf8')) : [];
  const t0 = performance.now();
  const pass = await loadPass(job, inputs, sources);
  const loadMs = performance.now() - t0;
  const times: number[] = [];
  let encoded = 0;
  let rejected = 0;
  for (let i = 0; i < 1 + job.warmRuns; i++) {
    const start = performance.now();
    const counts = pass();
    times.push(performance.now() - start);
    [encoded, rejected] = counts;
  }
  return { loadMs, coldMs: times[0]!, warmMs: job.warmRuns > 0 ? median(times.slice(1)) : null, encoded, rejected };
}

type Pass = () => [encoded: number, rejected: number];

async function loadPass(job: TextJob, inputs: TextInputs, sources: string[]): Promise<Pass> {
  if (job.engine === 'wabt') {
    if (job.what !== 'modules') throw new Error('wabt.js reads modules, not scripts');
    const wabt = await (await import('wabt')).default();
    return () => {
      let encoded = 0;
      for (const t of inputs.modules) {
        const m = wabt.parseWat('m.wat', t, WABT_FEATURES);
        m.toBinary({});
        m.destroy();
        encoded++;
      }
      return [encoded, 0];
    };
  }
  const text = await import('@wasmjit/text');
  if (job.what === 'modules') {
    return () => {
      for (const t of inputs.modules) text.parseWat(t);
      return [inputs.modules.length, 0];
    };
  }
  // The whole scripts: every command read, every module encoded (a malformed one is rejected,
  // which is work too: the suite holds over a thousand).
  return () => {
    let encoded = 0;
    let rejected = 0;
    for (const src of sources) {
      for (const cmd of text.parseWast(src)) {
        if (!('module' in cmd) || typeof cmd.module !== 'object') continue;
        try {
          text.encodeWastModule(cmd.module);
          encoded++;
        } catch {
          rejected++;
        }
      }
    }
    return [encoded, rejected];
  };
}
