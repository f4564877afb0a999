// The official testsuite on wasmjit: one test per .wast file, each run in its
// own child process (2 at a time) exactly as `pnpm test:spec` does. A file
// passes when all its failures are on spec-expected-failures.txt and no
// listed entry for it passes now (the list can only shrink).

import { expect } from 'chai';
import { loadExpectedFailures, fileOfKey } from './expected.js';
import {
  countOutcomes,
  EXPECTED_FAILURES_FILE,
  findSpecDir,
  judge,
  listSpecFiles,
  runFileInChild,
  runPool,
  type FileResult,
  type SpecFile,
} from './suite.js';
import type { BoundsChecks } from '@wasmjit/runtime';

const FILE_TIMEOUT_MS = 60_000;

describe('spec testsuite (wasmjit)', function () {
  const spec = findSpecDir();
  if ('absent' in spec) {
    it(`is skipped: ${spec.absent}`, function () {
      this.skip();
    });
    return;
  }
  const files = listSpecFiles(spec.dir);
  const expected = loadExpectedFailures(EXPECTED_FAILURES_FILE);
  const knownFiles = new Set(files.run.map((f) => f.name));
  const boundsChecks = process.env.WASMJIT_BOUNDS_CHECKS as BoundsChecks | undefined;

  // Files run in a background pool started by `before`; each `it` awaits its
  // own file, so per-file results appear as soon as they exist.
  const pending = new Map<string, Promise<FileResult>>();
  before(function () {
    const resolvers = new Map<string, (r: FileResult) => void>();
    for (const f of files.run) pending.set(f.name, new Promise((res) => resolvers.set(f.name, res)));
    void runPool(files.run, 2, async (f: SpecFile) => {
      const r = await runFileInChild(f, { engine: 'wasmjit', boundsChecks, timeoutMs: FILE_TIMEOUT_MS });
      resolvers.get(f.name)!(r);
      return r;
    });
  });

  it('has a well-formed expected-failures list naming existing files', () => {
    expect(expected.errors).to.deep.equal([]);
    const unknown = [...expected.entries.keys()].filter((k) => !knownFiles.has(fileOfKey(k)));
    expect(unknown, 'entries for files that are not run').to.deep.equal([]);
  });

  for (const f of files.run) {
    it(f.name, async function () {
      // Each child is bounded by FILE_TIMEOUT_MS (and a file is resumed at most
      // a few times after crashes); this only catches a runner that never settles.
      this.timeout(30 * 60_000);
      const result = await pending.get(f.name)!;
      const verdict = judge([result], expected, { fullRun: false, knownFiles });
      const c = countOutcomes(result.outcomes);
      const lines = [
        `${f.name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`,
        ...verdict.unexpected.slice(0, 20).map(({ key, outcome }) => `unexpected failure ${key} ${outcome.command}: ${outcome.reason}`),
        ...(verdict.unexpected.length > 20 ? [`... ${verdict.unexpected.length - 20} more`] : []),
        ...verdict.stale.map((k) => `listed expected failure now passes (remove it): ${k}`),
      ];
      expect(verdict.unexpected.length + verdict.stale.length, lines.join('\n')).to.equal(0);
    });
  }
});
