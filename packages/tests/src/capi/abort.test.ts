// A native import that overflows its own stack is a native stack overflow: it runs off the
// wasm stack's host reserve into the guard below it, the fault is not wasm's, and the process
// dies by the signal, as it would for native code overflowing the thread's stack. Nothing
// turns it into a trap (there is no safe way back from a C frame that overflowed).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

function runChild(mode: 'main' | 'worker') {
  const entry = fileURLToPath(new URL('./overflow-child.js', import.meta.url));
  return spawnSync(process.execPath, [entry, mode], { encoding: 'utf8', timeout: 60_000 });
}

describe('capi: a native import that overflows its own stack', () => {
  for (const mode of ['main', 'worker'] as const) {
    it(`kills the process with SIGSEGV (${mode === 'main' ? 'main thread' : 'worker with a 1 MB stack'})`, function () {
      this.timeout(60_000);
      const r = runChild(mode);
      // It got to the deepest point and called the import, which never returned.
      expect(r.stdout, r.stderr).to.match(/^ready \d+/);
      expect(r.stdout).to.not.match(/returned|threw|worker exit/);
      expect(r.status).to.equal(null);
      expect(r.signal, r.stderr).to.equal('SIGSEGV');
    });
  }
});
