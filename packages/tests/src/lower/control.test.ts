// Control flow: blocks with params and results, br/br_if/br_table carrying values,
// multi-value functions, loops, select, unreachable, calls with many arguments.
import { expect } from 'chai';
import { RuntimeError } from '@wasmjit/runtime';
import { wat, both, callBoth, type Both } from '../util/wat.js';

function same(b: Both, name: string, ...args: unknown[]): void {
  const [ours, v8] = callBoth(b, name, args);
  expect(ours, `${name}(${args.join(', ')})`).to.deep.equal(v8);
}

describe('control flow matches V8', () => {
  it('br_table with values and a default, inside nested blocks', async () => {
    const b = both(await wat(`(module (func (export "f") (param i32) (result i32)
      (block (result i32) (block (result i32) (block (result i32)
        i32.const 100 local.get 0 br_table 0 1 2 1) i32.const 1 i32.add) i32.const 10 i32.add)))`));
    for (const x of [-1, 0, 1, 2, 3, 4, 100]) same(b, 'f', x);
  });
  it('br_table through a jump table: 20 entries, values moved, default and huge indexes', async () => {
    // Block i adds 10^i-ish weights, so each target is distinguishable; entries repeat.
    const depth = 6;
    let src = '(module (func (export "f") (param i32) (result i32) (local i32) i32.const 7 ';
    for (let i = 0; i < depth; i++) src += '(block (result i32) ';
    src += 'i32.const 1000 local.get 0 br_table ' + Array.from({ length: 20 }, (_, i) => (i * 7) % depth).join(' ') + ' 2';
    for (let i = 0; i < depth; i++) src += `) i32.const ${3 ** i} i32.add `;
    src += 'i32.add))';
    const b = both(await wat(src));
    for (const x of [0, 1, 2, 3, 5, 8, 13, 19, 20, 21, 100, -1, 0x7fffffff, -0x80000000]) same(b, 'f', x);
  });
  it('br_if carrying a value out of a block that has more values below', async () => {
    const b = both(await wat(`(module (func (export "f") (param i32) (result i32)
      i32.const 7
      (block (result i32) i32.const 1 i32.const 2 local.get 0 br_if 0 drop) i32.add))`));
    for (const x of [0, 1, -5]) same(b, 'f', x);
  });
  it('blocks with params (multi-value)', async () => {
    const b = both(await wat(`(module (type $t (func (param i32 i32) (result i32 i32)))
      (func (export "f") (param i32 i32) (result i32)
        local.get 0 local.get 1 (block (type $t) (param i32 i32) (result i32 i32) local.get 1 br_if 0) i32.sub))`));
    for (const [x, y] of [[5, 3], [3, 0], [0, 0], [-1, 7]]) same(b, 'f', x, y);
  });
  it('multi-value functions and calls', async () => {
    const b = both(await wat(`(module
      (func $swap (param i32 i64 i32) (result i32 i64 i32) local.get 2 local.get 1 local.get 0)
      (func (export "f") (param i32 i64 i32) (result i32 i64 i32) local.get 0 local.get 1 local.get 2 call $swap)
      (func (export "g") (param i32) (result i32 i64) local.get 0 i64.const 5 local.get 0 call $swap drop
        i64.const 3 i64.mul (local.get 0) i64.extend_i32_s i64.add))`));
    same(b, 'f', 1, 2n, 3);
    same(b, 'g', 9);
  });
  it('loops with params', async () => {
    const b = both(await wat(`(module (func (export "sum") (param i32) (result i32)
      i32.const 0 local.get 0
      (loop (param i32 i32) (result i32)
        local.tee 0 i32.add local.get 0 i32.const 1 i32.sub
        local.get 0 i32.const 1 i32.gt_s br_if 0 drop)))`));
    for (const x of [1, 2, 10, 1000]) same(b, 'sum', x);
  });
  it('if/else with results, nested, both arms and early return', async () => {
    const b = both(await wat(`(module (func (export "f") (param i32 i32) (result i32)
      local.get 0 (if (result i32) (then local.get 1 (if (result i32) (then i32.const 1) (else local.get 0 return)))
        (else i32.const 3)) i32.const 10 i32.mul))`));
    for (const [x, y] of [[0, 0], [1, 0], [1, 1], [5, 0]]) same(b, 'f', x, y);
  });
  it('select on i32 and i64, with const and register operands', async () => {
    const b = both(await wat(`(module
      (func (export "s32") (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 select)
      (func (export "s64") (param i64 i64 i32) (result i64) local.get 0 i64.const 99 local.get 2 select))`));
    for (const c of [0, 1, -1]) {
      same(b, 's32', 4, 5, c);
      same(b, 's64', 4n, 5n, c);
    }
  });
  it('local.tee and lazy local reads see the value at the time of local.get', async () => {
    const b = both(await wat(`(module (func (export "f") (param i32) (result i32)
      local.get 0 (local.set 0 (i32.const 100)) local.get 0 i32.sub
      local.get 0 (local.tee 0 (i32.const 7)) i32.add i32.add))`));
    same(b, 'f', 5);
  });
  it('calls with more arguments than registers, and deep call chains', async () => {
    const params = Array.from({ length: 20 }, () => 'i64').join(' ');
    const gets = Array.from({ length: 20 }, (_, i) => `local.get ${i} i64.const ${i + 1} i64.mul i64.add`).join(' ');
    const args = Array.from({ length: 20 }, (_, i) => `(i64.const ${i * 3 - 7})`).join(' ');
    const b = both(await wat(`(module
      (func $many (param ${params}) (result i64) i64.const 0 ${gets})
      (func (export "f") (result i64) ${args} call $many)
      (func $a (param i32) (result i32) local.get 0 i32.const 1 i32.add call $b)
      (func $b (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
      (func (export "chain") (param i32) (result i32) local.get 0 call $a local.get 0 call $a i32.sub))`));
    same(b, 'f');
    same(b, 'chain', 21);
  });
  it('unreachable traps with trap = "unreachable"; code after it is skipped', async () => {
    const b = both(await wat(`(module (func (export "f") (param i32) (result i32)
      local.get 0 if unreachable i32.const 1 drop end local.get 0))`));
    same(b, 'f', 0);
    let err: unknown;
    try { b.ours.f!(1); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(RuntimeError);
    expect((err as RuntimeError).trap).to.equal('unreachable');
  });
  it('division traps are named', async () => {
    const b = both(await wat(`(module
      (func (export "d") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
      (func (export "r") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s))`));
    const trapOf = (f: () => unknown) => { try { f(); return 'none'; } catch (e) { return (e as RuntimeError).trap; } };
    expect(trapOf(() => b.ours.d!(1, 0))).to.equal('integer_divide_by_zero');
    expect(trapOf(() => b.ours.d!(-0x80000000, -1))).to.equal('integer_overflow');
    expect(b.ours.r!(-0x8000000000000000n, -1n)).to.equal(0n);
  });
});
