// `wasmjit run --invoke`: arguments parsed by the export's parameter types, results printed
// one per line (i64 as integers, floats as the spec writes them), the same on V8.
import { expect } from 'chai';
import { watFile, wasmjit } from './support.js';

const MODULE = `(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "mul64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "f32id") (param f32) (result f32) local.get 0)
  (func (export "f64id") (param f64) (result f64) local.get 0)
  (func (export "swap") (param i64 f64) (result f64 i64) local.get 1 local.get 0)
  (func (export "none"))
  (global (export "g") i32 (i32.const 1)))`;

describe('wasmjit run --invoke', function () {
  this.timeout(60_000);
  let file: string;
  before(async () => {
    file = await watFile(MODULE);
  });
  const invoke = (name: string, ...args: string[]) => wasmjit(['run', '--invoke', name, file, ...args]);

  it('parses integers in decimal or hex, signed or unsigned, and prints i32 signed', () => {
    expect(invoke('add', '2', '40').stdout).to.equal('42\n');
    expect(invoke('add', '0xffffffff', '0').stdout).to.equal('-1\n');
    expect(invoke('add', '-2147483648', '-1').stdout).to.equal('2147483647\n');
    expect(invoke('add', '1_000', '0x10').stdout).to.equal('1016\n');
  });

  it('prints i64 results as exact integers', () => {
    expect(invoke('mul64', '4294967296', '4294967295').stdout).to.equal('-4294967296\n'); // 2^64 - 2^32 wraps
    expect(invoke('mul64', '9007199254740993', '1').stdout).to.equal('9007199254740993\n');
    expect(invoke('mul64', '0xffffffffffffffff', '1').stdout).to.equal('-1\n');
  });

  it('reads and prints floats as the spec tests write them, NaN payloads included', () => {
    const cases: [string, string, string][] = [
      ['f32id', '1.1', '1.1'], ['f32id', '0x1.8p1', '3'], ['f32id', '-0', '-0'], ['f32id', 'inf', 'inf'],
      ['f32id', '-nan', '-nan'], ['f32id', 'nan:0x200000', 'nan:0x200000'], ['f32id', '1e-45', '1e-45'],
      ['f64id', '0.1', '0.1'], ['f64id', '-1e300', '-1e+300'], ['f64id', 'nan:0x1', 'nan:0x1'],
      ['f64id', '-inf', '-inf'], ['f64id', '5e-324', '5e-324'],
    ];
    for (const [fn, arg, want] of cases) expect(invoke(fn, arg).stdout, `${fn} ${arg}`).to.equal(`${want}\n`);
  });

  it('prints multiple results one per line, and nothing for none', () => {
    expect(invoke('swap', '-5', '2.5').stdout).to.equal('2.5\n-5\n');
    const r = invoke('none');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal('');
  });

  it('gives the same output on --engine v8', () => {
    for (const [fn, ...args] of [['add', '2', '40'], ['mul64', '-3', '7'], ['swap', '1', '0.5'], ['f32id', '1.1']]) {
      const ours = invoke(fn!, ...args);
      const v8 = wasmjit(['run', '--engine', 'v8', '--invoke', fn!, file, ...args]);
      expect(v8.stdout, fn).to.equal(ours.stdout);
    }
  });

  it('a trap in the export exits 134 with the trap code', () => {
    const r = invoke('div', '1', '0');
    expect(r.status).to.equal(134);
    expect(r.stderr).to.match(/^error: wasm trap: integer_divide_by_zero\n/);
    const v8 = wasmjit(['run', '--engine', 'v8', '--invoke', 'div', file, '1', '0']);
    expect(v8.status).to.equal(134);
    expect(v8.stderr).to.equal('error: wasm trap: integer_divide_by_zero\n');
  });

  it('checks the export, the argument count and each argument against its type', () => {
    const missing = invoke('nope');
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain('no export "nope" (functions it exports: add, mul64, div, f32id, f64id, swap, none)');
    expect(invoke('g').stderr).to.contain('export "g" is a global, not a function');
    const arity = invoke('add', '1');
    expect(arity.status).to.equal(2);
    expect(arity.stderr).to.contain('takes 2 argument(s) (i32 i32), got 1');
    expect(invoke('add', '1', 'x').stderr).to.contain("'x' is not an i32");
    expect(invoke('add', '1', '4294967296').stderr).to.contain('out of range for i32');
    expect(invoke('f64id', 'pi').stderr).to.contain("'pi' is not a number");
  });
});
