// Recursion depth under defaults is at least V8's (issue: quickjs-emscripten recursing 1,000
// deep trapped on wasmjit and ran on V8). Measured as `pnpm bench:depth` does, in fresh
// processes (depth-child.ts), on the main thread and in a worker with a 1 MiB stack.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { DepthJob, DepthJobResult } from '../bench/depth-child.js';

const CHILD = fileURLToPath(new URL('../bench/depth-child.js', import.meta.url));

function depths(job: DepthJob): Record<string, number> {
  const r = spawnSync(process.execPath, [CHILD, JSON.stringify(job)], { encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`depth child ${JSON.stringify(job)} failed: ${r.signal ?? r.status}\n${r.stderr}`);
  return (JSON.parse(line.slice(7)) as DepthJobResult).depths;
}

describe('stack: default recursion depth against V8', function () {
  this.timeout(300_000);
  const programs = ['fib', 'descent', 'linked'];

  for (const worker of [undefined, 1]) {
    it(`${worker === undefined ? 'main thread' : `worker with stackSizeMb ${worker}`}: every program at least as deep as V8's default tiers`, () => {
      const ours = depths({ engine: 'wasmjit', programs, ...(worker !== undefined ? { worker } : {}) });
      const v8 = depths({ engine: 'v8', programs, ...(worker !== undefined ? { worker } : {}) });
      for (const p of programs) expect(ours[p], `${p}: wasmjit ${ours[p]} vs V8 ${v8[p]}`).to.be.at.least(v8[p]!);
    });
  }
});
