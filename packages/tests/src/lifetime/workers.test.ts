// Loading the runtime only in workers, in any order, then ending them never crashes the
// process. With ffi-rs, a worker that was the only thread to load it crashed at teardown
// (its thread-local destructor ran after the library was unloaded); the runtime no longer
// uses it. Run in a child process, whose main thread never loads the runtime.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

describe('lifetime: workers that alone load the runtime', function () {
  this.timeout(120_000);

  it('13 workers load the runtime, run wasm and end (one by one, together, terminated): exit 0', () => {
    const entry = fileURLToPath(new URL('./worker-only-child.js', import.meta.url));
    const r = spawnSync(process.execPath, [entry], { encoding: 'utf8', timeout: 110_000 });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ answers: 13, loadedBefore: false });
  });
});
