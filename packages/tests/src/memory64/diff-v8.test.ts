// Runs the memory64 differential check against V8 (diff-v8.ts) for a few seeds, in a child
// node with --experimental-wasm-memory64; skipped when this node's V8 lacks the flag.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FLAG = '--experimental-wasm-memory64';

function v8HasMemory64(): boolean {
  const r = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  return r.stdout.includes(FLAG);
}

describe('memory64: differential check against V8', function () {
  this.timeout(300_000);
  before(function () {
    if (!v8HasMemory64()) this.skip();
  });

  for (const seed of [11, 12]) {
    it(`agrees with V8 on every outcome and memory state (seed ${seed})`, () => {
      const script = fileURLToPath(new URL('./diff-v8.js', import.meta.url));
      const r = spawnSync(process.execPath, [FLAG, script, String(seed), '1500'], { encoding: 'utf8', timeout: 240_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`seed ${seed}: 1500 steps x 2 modes, \\d+ out-of-bounds traps in V8's run, 0 differences`));
    });
  }
});
