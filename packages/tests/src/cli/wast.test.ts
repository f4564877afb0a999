// `wasmjit wast` (spec scripts) and text modules (.wat) wherever the CLI takes a module.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { tempDir } from '../cache/support.js';
import { findSpecDir } from '../spec/suite.js';
import { wasmjit } from './support.js';

const FAC = `(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))
`;

describe('wasmjit CLI: text modules and wast scripts', function () {
  this.timeout(120_000);
  let t: ReturnType<typeof tempDir>;
  const file = (name: string, text: string): string => {
    const p = path.join(t.dir, name);
    writeFileSync(p, text);
    return p;
  };
  beforeEach(() => {
    t = tempDir('wasmjit-wast-test-');
  });
  afterEach(() => t.remove());

  it('runs, compiles and explores a .wat module', () => {
    const mod = file('fac.wat', FAC);
    const run = wasmjit(['run', '--invoke', 'fac', mod, '20']);
    expect(run.stderr).to.equal('');
    expect(run.stdout.trim()).to.equal('2432902008176640000');
    // Text is recognised by content too (a module under another name, after a comment).
    const other = file('fac.txt', `;; factorial\n${FAC}`);
    expect(wasmjit(['--invoke', 'fac', other, '5']).stdout.trim()).to.equal('120');
    expect(wasmjit(['compile', mod]).stdout).to.match(/fac\.wat: ok, 1 functions, \d+ bytes of x86-64/);
    expect(wasmjit(['explore', '--func', 'fac', mod]).stdout).to.include('fac');
  });

  it('reports malformed text with file:line:column', () => {
    const bad = file('bad.wat', '(module\n  (func (i32.const)))\n');
    const r = wasmjit(['compile', bad]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.equal(`error: ${bad}:2:19: expected an i32 literal, found ")"\n`);
  });

  it('runs wast scripts: per-file counts, failures with their line, feature skips, totals', () => {
    const good = file('good.wast', `${FAC}
(assert_return (invoke "fac" (i64.const 5)) (i64.const 120))
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
`);
    const bad = file('bad.wast', `${FAC}
(assert_return (invoke "fac" (i64.const 5)) (i64.const 121))
(module (func $f (export "f") (drop (ref.eq (ref.null func) (ref.null func)))))
(assert_return (invoke "f"))
`);
    const ok = wasmjit(['wast', good]);
    expect(ok.status).to.equal(0);
    expect(ok.stdout).to.equal(`${good}: 5 passed, 0 failed, 0 skipped\nspec: 5 passed, 0 failed, 0 skipped\n`);
    const r = wasmjit(['wast', good, bad]);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.include(`${bad}: 1 passed, 1 failed, 2 skipped\n`);
    expect(r.stdout).to.match(/FAIL .*bad\.wast:7 assert_return: expected \[i64:0x0+79 \(121\)\], got \[i64:0x0+78 \(120\)\]/);
    expect(r.stdout).to.include('skipped: 2 not implemented: garbage collection\n');
    expect(r.stdout).to.match(/spec: 6 passed, 1 failed, 2 skipped\n$/);
  });

  it('runs a spec file in both bounds modes', function () {
    const spec = findSpecDir();
    if ('absent' in spec) this.skip(); // says why in the spec suite's own test
    const address = path.join(spec.dir, 'address.wast');
    for (const mode of ['guard', 'explicit']) {
      const r = wasmjit(['wast', '--standard', '2.0', '--bounds-checks', mode, address]);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/address\.wast: \d{3,} passed, 0 failed, 0 skipped/);
    }
  });
});
