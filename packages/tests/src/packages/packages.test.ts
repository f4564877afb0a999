// The real-package suite (issue 13 item 9): each npm package of packages/bench/src/packages
// runs unmodified, once in plain node (V8) and once under wasmjit's register hook, and the
// outputs must be the same bytes. Scenarios on packages-expected-failures.txt must fail
// exactly as listed (the list can only shrink). `pnpm test:packages` runs this file alone.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SCENARIOS, compareOutputDirs, judge, runScenario, type ScenarioOutcome } from '@wasmjit/bench';
import { loadExpectedFailures } from './expected.js';

const TIMEOUT_MS = 300_000;

describe('real packages: unmodified under the register hook, byte for byte as on V8', function () {
  this.timeout(2 * TIMEOUT_MS + 10_000);
  const expected = loadExpectedFailures();

  it('the expected-failures list parses and names existing scenarios', () => {
    expect(expected.errors).to.deep.equal([]);
    const names = SCENARIOS.map((s) => s.name);
    for (const name of expected.entries.keys()) expect(names, `listed scenario ${name}`).to.include(name);
  });

  for (const s of SCENARIOS) {
    const listed = expected.entries.get(s.name);
    it(`${s.name} (${s.pkg}): ${s.what}${listed ? ' [expected failure]' : ''}`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), `wasmjit-packages-${s.name.replace(/\W+/g, '-')}-`));
      const run = (engine: 'v8' | 'wasmjit'): Promise<ScenarioOutcome> =>
        runScenario(engine, { scenario: s.name, outDir: path.join(dir, engine), warmups: 0, reps: 1 }, TIMEOUT_MS);
      const v8 = await run('v8');
      const wasmjit = await run('wasmjit');
      const verdict = judge(v8, wasmjit, () => compareOutputDirs(path.join(dir, 'v8'), path.join(dir, 'wasmjit'), ['V8', 'wasmjit']));
      const keep = `(outputs kept in ${dir})`;
      if (verdict.kind === 'invalid') expect.fail(`${verdict.problem} ${keep}`);
      if (listed) {
        expect(verdict.kind, `${s.name} is on packages-expected-failures.txt but now gives V8's output: remove its line`).to.equal('different');
        if (verdict.kind === 'different') expect(verdict.symptom, `${s.name} fails otherwise than listed ${keep}`).to.contain(listed.symptom);
      } else if (verdict.kind === 'different') {
        expect.fail(`${verdict.symptom} ${keep}`);
      }
      rmSync(dir, { recursive: true, force: true });
    });
  }
});
