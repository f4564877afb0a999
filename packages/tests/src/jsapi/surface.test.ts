// Issue 13 item 3: nothing internal is reachable. For the WebAssembly namespace and for the
// runtime API, a child process (surface-child.ts) walks every own property, symbols
// included, of every exported class, prototype and live object: each must be a standard
// WebAssembly member or a documented extra (surface-extras.ts, docs/surface.md). It then
// assigns junk to every writable one and uses everything again: no crash (the child would
// die of a signal), and each use gives a value or a clean error. Before, junk in
// `engine.stackChecks` (0 or false) made the next deep recursion crash the process, and
// Global.fromCell, Table.create, Instance.funcRef, Module.funcAddress, module.wasm/compiled/
// code, engine.epoch and Memory's address/attachVmctx were all reachable.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const CHILD = fileURLToPath(new URL('./surface-child.js', import.meta.url));
const JUNK_KINDS = ['zero', 'false', 'address', 'string', 'object', 'function', 'null'];

interface Report {
  unexpected: string[];
  assigned: number;
  outcomes: Record<string, string>;
}

function runChild(api: string, junk: string): Report {
  const r = spawnSync(process.execPath, [CHILD, api, junk], { encoding: 'utf8', timeout: 120_000 });
  expect(r.signal, `${api}/${junk} died: ${r.stderr}`).to.equal(null);
  expect(r.status, `${api}/${junk}: ${r.stderr}`).to.equal(0);
  return JSON.parse(r.stdout) as Report;
}

for (const api of ['namespace', 'runtime']) {
  describe(`surface: ${api === 'namespace' ? 'the WebAssembly namespace' : 'the runtime API'}`, () => {
    for (const junk of JUNK_KINDS) {
      it(`only standard members and documented extras; junk (${junk}) in every writable property crashes nothing`, function () {
        this.timeout(120_000);
        const r = runChild(api, junk);
        expect(r.unexpected).to.deep.equal([]);
        expect(r.assigned).to.be.greaterThan(20);
        const unclean = Object.entries(r.outcomes).filter(([, o]) => !/^(value|error (TypeError|RangeError|CompileError|LinkError|RuntimeError))/.test(o));
        expect(unclean).to.deep.equal([]);
        // What goes through references taken before the junk still works as before.
        expect(r.outcomes['fresh seven']).to.equal('value number');
        expect(r.outcomes['fresh deep recursion']).to.equal('error RuntimeError');
        expect(r.outcomes['fresh callAt 0']).to.equal('value number');
        expect(r.outcomes['fresh i64']).to.equal('value bigint');
        expect(r.outcomes['junked module seven']).to.equal('value number');
        expect(r.outcomes['junked instance deep recursion']).to.equal('error RuntimeError');
      });
    }
  });
}
