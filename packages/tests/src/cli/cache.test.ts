// `wasmjit cache` (show, --list, clear) and `wasmjit run --cache`, on temporary directories
// (XDG_CACHE_HOME pointed at one for the default directory, never the user's cache).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { wat } from '../util/wat.js';
import { tempDir } from '../cache/support.js';
import { wasmjit } from './support.js';

describe('wasmjit cache', function () {
  this.timeout(120_000);
  let t: ReturnType<typeof tempDir>;
  let mod: string;
  beforeEach(async () => {
    t = tempDir();
    mod = path.join(t.dir, 'add.wasm');
    writeFileSync(mod, await wat('(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))'));
  });
  afterEach(() => t.remove());

  it('run --cache fills the default directory ($XDG_CACHE_HOME/wasmjit); show, --list and clear report it', () => {
    const env = { ...process.env, XDG_CACHE_HOME: path.join(t.dir, 'xdg') };
    const dir = path.join(t.dir, 'xdg', 'wasmjit');
    const empty = wasmjit(['cache'], { env });
    expect(empty.status).to.equal(0);
    expect(empty.stdout).to.include(`directory: ${dir}\n`).and.include('entries:   0\n');
    for (let i = 0; i < 2; i++) {
      const r = wasmjit(['run', '--cache', '--invoke', 'add', mod, '2', '40'], { env });
      expect(r.stderr).to.equal('');
      expect(r.stdout.trim()).to.equal('42');
    }
    const shown = wasmjit(['cache', 'show', '--list'], { env });
    expect(shown.stdout).to.include('entries:   1\n');
    const size = Number(/size: +([\d,]+) bytes/.exec(shown.stdout)![1]!.replace(/,/g, ''));
    expect(size).to.be.greaterThan(100);
    expect(shown.stdout).to.match(/^[0-9a-f]{64} +[\d,]+ +\d{4}-\d\d-\d\dT/m);
    const cleared = wasmjit(['cache', 'clear'], { env });
    expect(cleared.stdout).to.include(`${dir}: removed 1 entries, ${size.toLocaleString('en-US')} bytes`);
    expect(wasmjit(['cache'], { env }).stdout).to.include('entries:   0\n');
  });

  it('--dir and --cache-dir name another directory; bad actions are usage errors', () => {
    const dir = path.join(t.dir, 'mine');
    expect(wasmjit(['run', '--cache', '--cache-dir', dir, '--invoke', 'add', mod, '1', '2']).stdout.trim()).to.equal('3');
    expect(wasmjit(['cache', '--dir', dir]).stdout).to.include('entries:   1\n');
    const bad = wasmjit(['cache', 'purge', '--dir', dir]);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include("unknown action 'purge'");
    expect(wasmjit(['cache', '--dir', dir]).stdout).to.include('entries:   1\n');
  });
});
