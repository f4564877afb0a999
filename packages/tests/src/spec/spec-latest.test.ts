// The current official testsuite (../shared/spec-latest/core: Wasm 3.0, the top level and
// every subfolder) on wasmjit, one test per file as for the 2.0 suite. Every assertion passes,
// or is skipped naming a wasm feature wasmjit does not implement yet (or a script thread,
// which the runner does not run) — never for another reason; what fails for another reason
// is listed, counted, in spec-latest-expected-failures.txt.

import { SKIP } from '@wasmjit/runtime/wast';
import { findLatestSpecDir, LATEST_EXPECTED_FAILURES_FILE, listLatestSpecFiles } from './suite.js';
import { describeSpecFiles } from './spec-files.js';

describe('spec testsuite, current (wasmjit)', function () {
  const spec = findLatestSpecDir();
  if ('absent' in spec) {
    it(`is skipped: ${spec.absent}`, function () {
      this.skip();
    });
    return;
  }
  describeSpecFiles(listLatestSpecFiles(spec.dir), LATEST_EXPECTED_FAILURES_FILE, {
    skipAllowed: (reason) => reason.startsWith('not implemented: ') || reason === SKIP.threads,
  });
});
