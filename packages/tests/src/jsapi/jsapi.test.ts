// The WebAssembly JS-API tests (WebAssembly/spec test/js-api) on wasmjit's WebAssembly
// namespace, and on Node's own to check the shim: one test per file, each file run in its
// own child process (2 at a time) exactly as `pnpm test:jsapi` does. A file passes when all
// its failures are on the engine's expected-failures list (jsapi-expected-failures*.txt)
// and no listed entry for it passes now (the lists can only shrink). Skipped when the tests
// are not there (../shared/spec-latest/js-api, or WASM_JSAPI_DIR).
import { expect } from 'chai';
import { fileOfKey, loadExpectedFailures } from './expected.js';
import {
  expectedFailuresFile, findJsapiDir, isLongFile, judge, listJsapiFiles, runFile, runPool, type EngineName, type FileResult,
} from './suite.js';

const FILE_TIMEOUT_MS = 120_000;
/** limits.any.js (META: timeout=long) compiles modules of a million functions, imports, ... */
const LONG_FILE_TIMEOUT_MS = 600_000;

function jsapiSuite(engine: EngineName, title: string, opts: { skipLong: boolean }): void {
  describe(title, function () {
    const found = findJsapiDir();
    if ('absent' in found) {
      it(`is skipped: ${found.absent}`, function () {
        this.skip();
      });
      return;
    }
    const all = listJsapiFiles(found.dir);
    const files = opts.skipLong ? all.filter((f) => !isLongFile(found.dir, f)) : all;
    const list = loadExpectedFailures(expectedFailuresFile(engine));

    // Files run in a background pool started by `before`; each `it` awaits its own file.
    const pending = new Map<string, Promise<FileResult>>();
    before(function () {
      const resolvers = new Map<string, (r: FileResult) => void>();
      for (const f of files) pending.set(f, new Promise((res) => resolvers.set(f, res)));
      // The long file first, so that the other lane runs the rest meanwhile.
      const order = [...files].sort((a, b) => Number(isLongFile(found.dir, b)) - Number(isLongFile(found.dir, a)));
      void runPool(order, 2, async (f) => {
        const timeoutMs = isLongFile(found.dir, f) ? LONG_FILE_TIMEOUT_MS : FILE_TIMEOUT_MS;
        const r = await runFile(found.dir, f, { engine, timeoutMs });
        resolvers.get(f)!(r);
        return r;
      });
    });

    it('has a well-formed expected-failures list naming existing files', () => {
      expect(list.errors).to.deep.equal([]);
      const unknown = [...list.entries.keys()].filter((k) => !all.includes(fileOfKey(k)));
      expect(unknown, 'entries for files that do not exist').to.deep.equal([]);
    });

    for (const f of files) {
      it(f, async function () {
        this.timeout(LONG_FILE_TIMEOUT_MS + 60_000);
        const result = await pending.get(f)!;
        const v = judge([result], list);
        const lines = [
          `${f}: ${v.passed} passed, ${v.unexpected.length} failed, ${v.expected} expected failures`,
          ...v.unexpected.slice(0, 20).map((u) => `unexpected failure ${u.key}: ${u.message}`),
          ...(v.unexpected.length > 20 ? [`... ${v.unexpected.length - 20} more`] : []),
          ...v.stale.map((k) => `listed expected failure now passes or no longer exists (remove it): ${k}`),
        ];
        expect(v.unexpected.length + v.stale.length, lines.join('\n')).to.equal(0);
        expect(result.tests.length + result.harnessErrors.length, `${f} ran no tests`).to.be.greaterThan(0);
      });
    }
  });
}

jsapiSuite('wasmjit', 'WebAssembly JS-API tests (wasmjit namespace)', { skipLong: false });
// The same files on Node's own WebAssembly judge the shim: everything Node 20's V8 implements
// must pass. limits.any.js (over a minute on V8 too) is left to `pnpm test:jsapi --engine v8`.
jsapiSuite('v8', "WebAssembly JS-API tests (Node's WebAssembly, checking the testharness shim)", { skipLong: true });
