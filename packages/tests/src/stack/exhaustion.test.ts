// (f) The spec testsuite's assert_exhaustion commands, run through the spec runner's CLI one
// line at a time (the .wast files are read where they are; never copied into the repo).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { findSpecDir } from '../spec/suite.js';

const FILES = ['call', 'call_indirect', 'fac', 'skip-stack-guard-page'];
const cli = fileURLToPath(new URL('../spec/cli.js', import.meta.url));

describe('stack: spec assert_exhaustion', function () {
  this.timeout(300_000);
  const spec = findSpecDir();
  for (const file of FILES) {
    it(`${file}.wast: every assert_exhaustion passes`, function () {
      if (!('dir' in spec)) this.skip();
      const dir = (spec as { dir: string }).dir;
      const lines = readFileSync(path.join(dir, `${file}.wast`), 'utf8').split('\n');
      const cases = lines.flatMap((l, i) => (l.trimStart().startsWith('(assert_exhaustion') ? [i + 1] : []));
      expect(cases.length).to.be.greaterThan(0);
      for (const line of cases) {
        const r = spawnSync(process.execPath, [cli, '--file', file, '--line', String(line)], { encoding: 'utf8' });
        const summary = r.stdout.trim().split('\n').pop() ?? '';
        expect(summary, `${file}.wast:${line}\n${r.stdout}\n${r.stderr}`).to.equal('spec: 1 passed, 0 failed, 0 skipped');
      }
    });
  }
});
