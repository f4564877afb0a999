// The official testsuite on wasmjit: one test per .wast file, each run in its
// own child process (2 at a time) exactly as `pnpm test:spec` does. A file
// passes when all its failures are on spec-expected-failures.txt and no
// listed entry for it passes now (the list can only shrink).

import { EXPECTED_FAILURES_FILE, findSpecDir, listSpecFiles } from './suite.js';
import { describeSpecFiles } from './spec-files.js';

describe('spec testsuite (wasmjit)', function () {
  const spec = findSpecDir();
  if ('absent' in spec) {
    it(`is skipped: ${spec.absent}`, function () {
      this.skip();
    });
    return;
  }
  describeSpecFiles(listSpecFiles(spec.dir).run, EXPECTED_FAILURES_FILE);
});
