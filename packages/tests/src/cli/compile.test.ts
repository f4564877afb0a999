// `wasmjit compile [--stats]`, and the progress bar it draws on terminals.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { Progress } from '../../../runtime/dist/cli/progress.js';
import { fixture, wasmjit } from './support.js';

describe('wasmjit compile', function () {
  this.timeout(60_000);

  it('--stats prints functions, sizes, phase times and MB/s', () => {
    const r = wasmjit(['compile', '--stats', fixture('fs_ops')]);
    expect(r.status).to.equal(0);
    expect(r.stderr).to.equal(''); // no progress bar when stderr is not a terminal
    const row = (k: string) => new RegExp(`^${k}: +(.*)$`, 'm').exec(r.stdout)?.[1];
    expect(row('functions')).to.match(/^\d+ defined, \d+ imported$/);
    expect(row('wasm bytes')).to.match(/^[\d,]+ \(function bodies: [\d,]+\)$/);
    expect(row('code bytes')).to.match(/^[\d,]+ \([\d.]+x the body bytes\)$/);
    for (const phase of ['decode', 'validate', 'compile', 'total']) expect(row(phase), phase).to.match(/^[\d.]+ ms$/);
    expect(row('throughput')).to.match(/^[\d.]+ MB\/s of wasm$/);
    const [defined, imported] = row('functions')!.match(/\d+/g)!.map(Number);
    expect(defined).to.be.greaterThan(50);
    expect(imported).to.be.greaterThan(5); // the WASI imports
  });

  it("compiles with the Engine's defaults: guard-page bounds checks unless told otherwise", () => {
    const bytes = (args: string[]) => /([\d,]+) bytes of x86-64/.exec(wasmjit(['compile', ...args, fixture('fs_ops')]).stdout)?.[1];
    const byDefault = bytes([]);
    expect(byDefault).to.be.a('string');
    expect(byDefault).to.equal(bytes(['--bounds-checks', 'guard']));
    expect(byDefault).not.to.equal(bytes(['--bounds-checks', 'explicit']));
  });

  it('without --stats prints one line; an invalid module fails with status 1', () => {
    const r = wasmjit(['compile', fixture('trap')]);
    expect(r.stdout).to.match(/trap\.wasm: ok, \d+ functions, [\d,]+ bytes of x86-64\n$/);
    const bad = wasmjit(['compile', fileURLToPath(import.meta.url)]); // JavaScript is not wasm
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/^error: invalid module: /);
  });
});

describe('compile progress bar', () => {
  function fake(tty: boolean) {
    let t = 0;
    const drawn: string[] = [];
    const p = new Progress(200, 'compiling', { tty, now: () => t, write: (s) => drawn.push(s) });
    return { p, drawn, at: (ms: number) => (t = ms) };
  }

  it('stays silent during the first second, then redraws at most every 100 ms', () => {
    const { p, drawn, at } = fake(true);
    at(500); p.update(10);
    expect(drawn).to.deep.equal([]);
    at(1000); p.update(100);
    at(1050); p.update(110);
    at(1100); p.update(150);
    expect(drawn).to.have.length(2);
    expect(drawn[0]).to.equal(`\rcompiling [${'#'.repeat(15)}${'-'.repeat(15)}] 50% 100/200 1.0s`);
    p.finish();
    expect(drawn[2]).to.equal('\r\x1b[2K');
  });

  it('never draws when the output is not a terminal', () => {
    const { p, drawn, at } = fake(false);
    at(5000); p.update(100);
    p.finish();
    expect(drawn).to.deep.equal([]);
  });
});
