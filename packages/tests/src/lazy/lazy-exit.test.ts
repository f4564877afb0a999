// Background compilation never keeps a process alive: a program that is done exits, whatever
// is left uncompiled (a regression: the worker's port was ref'd again by the listener added
// after unref(), and such a process never exited).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

describe('lazy compilation: background compilation and process exit', function () {
  this.timeout(60_000);
  it('a process that compiled lazily exits by itself', () => {
    const child = fileURLToPath(new URL('./exit-child.js', import.meta.url));
    const r = spawnSync(process.execPath, [child], { encoding: 'utf8', timeout: 30_000 });
    expect(r.error, 'the child did not exit within 30 s').to.equal(undefined);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.match(/^-?\d+$/);
  });
});
