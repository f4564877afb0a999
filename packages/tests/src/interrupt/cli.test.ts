// `wasmjit run --timeout DURATION` and `--fuel N` as subprocesses.
import { expect } from 'chai';
import { wasmjit, watFile } from '../cli/support.js';

const RUNAWAY = `(module
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (br $l)))
  (func (export "spin") (loop $l (br $l)))
  ;; sum(n): a bounded loop, 1 + 0 + ... , returns n*(n-1)/2 as i64
  (func (export "sum") (param $n i64) (result i64) (local $i i64) (local $s i64)
    (block $done (loop $l
      (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i64.add (local.get $s) (local.get $i)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br $l)))
    (local.get $s)))`;

const START_LOOPS = `(module (memory (export "memory") 1) (func $s (loop $l (br $l))) (start $s) (func (export "_start")))`;
// A start function that runs for seconds (2^33 rounds) but ends: a --timeout that does not
// cover it lets the program finish with status 0 instead of hanging the test.
const START_RUNS_LONG = `(module (memory (export "memory") 1)
  (func $s (local $i i64)
    (loop $l
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) (i64.const 0x200000000)))))
  (start $s)
  (func (export "_start"))
  (func (export "answer") (result i32) (i32.const 42)))`;

describe('wasmjit run --timeout / --fuel', function () {
  this.timeout(60_000);

  it('--timeout stops a runaway _start: interrupt trap, exit status 134', async () => {
    const file = await watFile(RUNAWAY);
    const t0 = Date.now();
    const r = wasmjit(['run', '--timeout', '300ms', file]);
    const ms = Date.now() - t0;
    expect(r.status).to.equal(134);
    expect(r.stderr).to.match(/^error: wasm trap: interrupt\n {4}at func\[0\]/);
    expect(ms).to.be.within(300, 20_000);
  });

  it('--timeout 2s with --invoke: a quick call returns, a runaway one is interrupted', async () => {
    const file = await watFile(RUNAWAY);
    const ok = wasmjit(['run', '--timeout', '2s', '--invoke', 'sum', file, '1000']);
    expect(ok.stderr).to.equal('');
    expect(ok.stdout).to.equal('499500\n');
    expect(ok.status).to.equal(0);
    const t0 = Date.now();
    const r = wasmjit(['run', '--timeout', '2s', '--invoke', 'spin', file]);
    expect(Date.now() - t0).to.be.at.least(2000);
    expect(r.status).to.equal(134);
    expect(r.stderr).to.match(/^error: wasm trap: interrupt\n/);
  });

  it('--timeout covers the start function, with _start and with --invoke', async () => {
    const file = await watFile(START_RUNS_LONG);
    for (const extra of [[], ['--invoke', 'answer']]) {
      const t0 = Date.now();
      const r = wasmjit(['run', '--timeout', '300ms', ...extra, file]);
      const ms = Date.now() - t0;
      expect(r.status, extra.join(' ')).to.equal(134);
      expect(r.stderr, extra.join(' ')).to.match(/^error: wasm trap: interrupt\n {4}at func\[0\]/);
      expect(r.stdout).to.equal('');
      expect(ms).to.be.within(300, 20_000);
    }
  });

  it('--fuel N: out_of_fuel when N operators are not enough, the same every time', async () => {
    const file = await watFile(RUNAWAY);
    const r = wasmjit(['run', '--fuel', '1000000', '--invoke', 'spin', file]);
    expect(r.status).to.equal(134);
    expect(r.stderr).to.match(/^error: wasm trap: out_of_fuel\n/);
    // sum(n) uses 13n + 8 operators, but its last loop header must be able to pay for a
    // whole round (13) before the exit refunds 9: 13n + 15 is just enough.
    expect(wasmjit(['run', '--fuel', '1315', '--invoke', 'sum', file, '100']).stdout).to.equal('4950\n');
    const short = wasmjit(['run', '--fuel', '1314', '--invoke', 'sum', file, '100']);
    expect(short.status).to.equal(134);
    expect(short.stderr).to.match(/out_of_fuel/);
  });

  it('--fuel bounds the start function too', async () => {
    const r = wasmjit(['run', '--fuel', '100000', await watFile(START_LOOPS)]);
    expect(r.status).to.equal(134);
    expect(r.stderr).to.match(/^error: wasm trap: out_of_fuel\n/);
  });

  it('rejects bad values, and the v8 engine', async () => {
    const file = await watFile(RUNAWAY);
    for (const args of [['--timeout', 'soon'], ['--timeout', '0'], ['--fuel', '-5'], ['--fuel', '1e6'], ['--engine', 'v8', '--timeout', '1s']]) {
      const r = wasmjit(['run', ...args, file]);
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.match(/^error: --(timeout|fuel)/);
    }
  });

  it('--help lists both', () => {
    const r = wasmjit(['run', '--help']);
    expect(r.stdout).to.match(/--timeout DURATION/);
    expect(r.stdout).to.match(/--fuel N/);
  });
});
