// `wasmjit run` as a subprocess: exit codes, stdio, options, traps, errors.
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixture, tempDir, watFile, wasmjit } from './support.js';

// depth(n) recurses n deep: each frame is a few dozen bytes of machine stack.
const DEPTH = `(module
  (func $depth (export "depth") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $depth i32.const 1 i32.add end)
  (func $forever (export "forever") (param i32) (result i32)
    local.get 0 i32.const 1 i32.add call $forever))`;

describe('wasmjit run', function () {
  this.timeout(60_000);

  it('passes arguments and the environment; the exit status is proc_exit\'s', () => {
    const r = wasmjit(['run', '--env', 'GREETING=hi', fixture('args_env'), '--', '5', '--not-an-option']);
    expect(r.status).to.equal(5);
    expect(r.stdout).to.contain('argv[1]=5\nargv[2]=--not-an-option\n');
    expect(r.stdout).to.contain('env GREETING=hi\n');
  });

  it('`wasmjit prog.wasm` runs it too, and everything after the module goes to the program', () => {
    const r = wasmjit([fixture('args_env'), '7', '--env', 'X=1']);
    expect(r.status).to.equal(7);
    expect(r.stdout).to.contain('argv[2]=--env\nargv[3]=X=1\n');
    expect(r.stdout).to.contain('GREETING=(unset)');
  });

  it('--env NAME copies the variable from the host; the rest of the host environment stays out', () => {
    const r = wasmjit(['run', '--env', 'GREETING', fixture('args_env')], { env: { ...process.env, GREETING: 'from host', OTHER: 'no' } });
    expect(r.stdout).to.contain('GREETING=from host');
    expect(r.stdout).not.to.contain('OTHER');
  });

  it('wires stdin, stdout and stderr', () => {
    const r = wasmjit(['run', fixture('stdin_upper')], { input: 'abc\nxyz\n' });
    expect(r.stdout).to.equal('ABC\nXYZ\n');
    expect(r.stderr).to.equal('8 bytes, 2 lines\n');
    expect(r.status).to.equal(7);
  });

  it('--dir HOST::GUEST preopens a directory under the guest name', () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data/in.txt'), 'a\nb\n');
    const r = wasmjit(['run', '--dir', 'data::/sandbox', fixture('copy_upper')], { cwd: root });
    expect(r.stdout).to.equal('copied 4 bytes, 2 lines\n');
    expect(r.status).to.equal(2);
  });

  it('without a preopen the program cannot open files', () => {
    const r = wasmjit(['run', fixture('copy_upper')]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/^cannot open in\.txt: /);
  });

  it('a trap prints `error: wasm trap: <code>` and the backtrace, after the output before it, and exits 134', () => {
    const r = wasmjit(['run', fixture('trap')]);
    expect(r.status).to.equal(134);
    expect(r.stdout).to.equal('before the trap\n');
    const lines = r.stderr.split('\n');
    expect(lines[0]).to.equal('error: wasm trap: unreachable');
    const names = lines.slice(1).map((l) => /<([^>]+)>/.exec(l)?.[1]).filter(Boolean);
    expect(names.slice(0, 4)).to.deep.equal(['innermost', 'middle', 'outer', 'main']);
  });

  it('a stack overflow is a trap, not a crash', async () => {
    const file = await watFile(DEPTH);
    const r = wasmjit(['run', '--invoke', 'forever', file, '0']);
    expect(r.signal).to.equal(null);
    expect(r.status).to.equal(134);
    expect(r.stderr).to.match(/^error: wasm trap: stack_overflow\n/);
  });

  it('--max-wasm-stack sets how deep wasm may recurse', async () => {
    const file = await watFile(DEPTH);
    const small = wasmjit(['run', '--max-wasm-stack', '64k', '--invoke', 'depth', file, '20000']);
    expect(small.status).to.equal(134);
    expect(small.stderr).to.match(/stack_overflow/);
    const big = wasmjit(['run', '--max-wasm-stack', '4m', '--invoke', 'depth', file, '20000']);
    expect(big.stderr).to.equal('');
    expect(big.stdout).to.equal('20000\n');
  });

  it('--bounds-checks and --engine accept their values and refuse others', async () => {
    const file = await watFile(DEPTH);
    for (const opts of [['--bounds-checks', 'explicit'], ['--bounds-checks', 'guard'], ['--engine', 'v8']]) {
      expect(wasmjit(['run', ...opts, '--invoke', 'depth', file, '10']).stdout).to.equal('10\n');
    }
    const bad = wasmjit(['run', '--bounds-checks', 'none', '--invoke', 'depth', file, '1']);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.contain('--bounds-checks must be one of explicit, guard');
  });

  it('reports bad command lines with status 2, other errors with status 1', async () => {
    expect(wasmjit(['run']).status).to.equal(2);
    expect(wasmjit(['run', '--frobnicate', 'x.wasm']).stderr).to.contain('unknown option --frobnicate');
    expect(wasmjit(['frobnicate']).status).to.equal(2);
    const missing = wasmjit(['run', '/nonexistent/x.wasm']);
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.match(/^error: cannot read \/nonexistent\/x\.wasm/);
    const noDir = wasmjit(['run', '--dir', '/nonexistent', fixture('args_env')]);
    expect(noDir.status).to.equal(1);
    expect(noDir.stderr).to.match(/^error: cannot preopen/);
    const notWasm = path.join(tempDir(), 'bad.wasm');
    writeFileSync(notWasm, 'not wasm');
    const invalid = wasmjit(['run', notWasm]);
    expect(invalid.status).to.equal(1);
    expect(invalid.stderr).to.match(/^error: invalid module: /);
    const noStart = wasmjit(['run', await watFile(DEPTH)]);
    expect(noStart.status).to.equal(1);
    expect(noStart.stderr).to.contain('not a WASI command (no _start export)');
  });

  it('--help works for every command', () => {
    for (const cmd of ['run', 'explore', 'compile']) {
      const r = wasmjit([cmd, '--help']);
      expect(r.status, cmd).to.equal(0);
      expect(r.stdout).to.contain(`usage: wasmjit ${cmd} `);
      expect(wasmjit(['help', cmd]).stdout).to.equal(r.stdout);
    }
    const top = wasmjit(['--help']);
    expect(top.status).to.equal(0);
    expect(top.stdout).to.match(/commands:\n {2}run .*\n {2}explore .*\n {2}compile /);
  });
});
