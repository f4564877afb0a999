// One mocha test per spec file, each run in its own child process (2 at a time) exactly as
// `pnpm test:spec` does. A file passes when all its failures are on the expected-failures
// list and no listed entry for it passes now (the list can only shrink).

import { expect } from 'chai';
import type { BoundsChecks } from '@wasmjit/runtime';
import { skipCategory } from '@wasmjit/runtime/wast';
import { fileOfKey, loadExpectedFailures } from './expected.js';
import { countOutcomes, judge, runFileInChild, runPool, type FileResult, type SpecFile } from './suite.js';

const FILE_TIMEOUT_MS = 60_000;

/** Inside a describe(): the tests for `files`, judged against the list in `expectedFile`. */
export function describeSpecFiles(files: SpecFile[], expectedFile: string, opts: { skipAllowed?: (reason: string) => boolean } = {}): void {
  const expected = loadExpectedFailures(expectedFile);
  const knownFiles = new Set(files.map((f) => f.name));
  const boundsChecks = process.env.WASMJIT_BOUNDS_CHECKS as BoundsChecks | undefined;

  // Files run in a background pool started by `before`; each `it` awaits its
  // own file, so per-file results appear as soon as they exist.
  const pending = new Map<string, Promise<FileResult>>();
  before(function () {
    const resolvers = new Map<string, (r: FileResult) => void>();
    for (const f of files) pending.set(f.name, new Promise((res) => resolvers.set(f.name, res)));
    void runPool(files, 2, async (f: SpecFile) => {
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

  for (const f of files) {
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
      const badSkips = result.outcomes.filter((o) => o.status === 'skipped' && opts.skipAllowed !== undefined && !opts.skipAllowed(skipCategory(o.reason)));
      expect(badSkips.map((o) => `${f.name}:${o.line} ${o.reason}`), 'skips that do not name a missing feature').to.deep.equal([]);
    });
  }
}
