// The spec files that exercise linear memory, in BOTH bounds-check modes whatever
// WASMJIT_BOUNDS_CHECKS says (spec/spec.test.ts runs the whole suite in one mode; the whole
// suite in the other is `pnpm test:spec -- --bounds-checks explicit|guard`).
import { expect } from 'chai';
import { loadExpectedFailures } from '../spec/expected.js';
import { countOutcomes, EXPECTED_FAILURES_FILE, findSpecDir, judge, listSpecFiles, runFileInChild, runPool } from '../spec/suite.js';
import type { BoundsChecks } from '@wasmjit/runtime';

const MEMORY_FILES = new Set([
  'address.wast', 'align.wast', 'bulk.wast', 'data.wast', 'endianness.wast', 'float_memory.wast', 'imports.wast',
  'left-to-right.wast', 'linking.wast', 'load.wast', 'memory.wast', 'memory_copy.wast', 'memory_fill.wast',
  'memory_grow.wast', 'memory_init.wast', 'memory_redundancy.wast', 'memory_size.wast', 'memory_trap.wast',
  'store.wast', 'traps.wast',
]);

describe('guard mode: the memory spec files in both bounds-check modes', function () {
  const spec = findSpecDir();
  if ('absent' in spec) {
    it(`is skipped: ${spec.absent}`, function () {
      this.skip();
    });
    return;
  }
  const files = listSpecFiles(spec.dir).run.filter((f) => MEMORY_FILES.has(f.name));
  const expected = loadExpectedFailures(EXPECTED_FAILURES_FILE);
  const knownFiles = new Set(files.map((f) => f.name));

  for (const mode of ['explicit', 'guard'] as BoundsChecks[]) {
    it(`${mode}: ${MEMORY_FILES.size} files pass`, async function () {
      this.timeout(10 * 60_000);
      expect(files.length).to.equal(MEMORY_FILES.size);
      const results = await runPool(files, 2, (f) => runFileInChild(f, { engine: 'wasmjit', boundsChecks: mode, timeoutMs: 60_000 }));
      const verdict = judge(results, expected, { fullRun: false, knownFiles });
      const c = countOutcomes(results.flatMap((r) => r.outcomes));
      const lines = verdict.unexpected.slice(0, 20).map(({ key, outcome }) => `${key} ${outcome.command}: ${outcome.reason}`);
      expect(verdict.unexpected.length, lines.join('\n')).to.equal(0);
      expect(c.failed).to.equal(0);
      expect(c.passed).to.be.greaterThan(3000);
    });
  }
});
