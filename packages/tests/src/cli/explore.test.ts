// `wasmjit explore`: every operator listed in order with its code; the code ranges tile the
// function exactly; objdump text when installed, hex otherwise; --func; --html.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from '@wasmjit/runtime';
import { objdumpAvailable } from '../../../runtime/dist/cli/disasm.js';
import { tempDir, watFile, wasmjit } from './support.js';

const MODULE = `(module
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib
         local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func $load (export "load") (param i32) (result i64) local.get 0 i64.load offset=8))`;

const FIB_OPS = [
  'local.get 0', 'i32.const 2', 'i32.lt_s', 'if (result i32)', 'local.get 0', 'else', 'local.get 0',
  'i32.const 1', 'i32.sub', 'call 0 <fib>', 'local.get 0', 'i32.const 2', 'i32.sub', 'call 0 <fib>',
  'i32.add', 'end', 'end',
];

/** The operator lines ("  0x0012  i32.add") of a one-function listing, before its stubs. */
function opsOf(listing: string): string[] {
  const body = listing.split('; out-of-line code')[0]!;
  return [...body.matchAll(/^ {2}0x[0-9a-f]{4} {2}(.*)$/gm)].map((m) => m[1]!);
}

describe('wasmjit explore', function () {
  this.timeout(60_000);
  let file: string;
  before(async () => {
    file = await watFile(MODULE, 'explore.wasm');
  });

  it('lists each operator of a function, in order, with immediates', () => {
    const r = wasmjit(['explore', '--hex', '--func', 'fib', file]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.contain('func[0] <fib> (param i32) (result i32)\n');
    expect(opsOf(r.stdout)).to.deep.equal(FIB_OPS);
    const prologue = r.stdout.split('(prologue)\n')[1]!.split(/^ {2}0x/m)[0]!;
    expect(prologue).to.contain('        ; stack check\n');
    expect(r.stdout).not.to.contain('<load>');
  });

  it('the hex rows of a function add up to exactly its code size, each address once, in order', () => {
    const r = wasmjit(['explore', '--hex', file]);
    const sections = r.stdout.split(/^(?=func\[)/m).slice(1);
    expect(sections).to.have.length(2);
    for (const section of sections) {
      const [, name, size] = /^func\[\d+\] <(\w+)>.*\n {2}; \d+ wasm bytes -> (\d+) bytes/.exec(section)!;
      const rows = [...section.matchAll(/^ {8}([0-9a-f]{6}) {2}((?:[0-9a-f]{2} ?)+)$/gm)];
      const bytes = rows.reduce((n, m) => n + m[2]!.trim().split(' ').length, 0);
      expect(bytes, name).to.equal(Number(size));
      const addrs = rows.map((m) => parseInt(m[1]!, 16));
      expect(addrs, name).to.deep.equal([...addrs].sort((a, b) => a - b));
      // Each row starts where the previous one ended.
      rows.forEach((m, i) => i > 0 && expect(addrs[i]).to.equal(addrs[i - 1]! + rows[i - 1]![2]!.trim().split(' ').length));
    }
  });

  it('shows the out-of-line trap stub of a memory access under that access', () => {
    const r = wasmjit(['explore', '--hex', '--bounds-checks', 'explicit', '--func', 'load', file]);
    const ool = r.stdout.split('; out-of-line code\n')[1]!;
    expect(ool).to.contain('i64.load offset=8 align=8');
    expect(ool).to.contain('; trap: out_of_bounds_memory');
  });

  (objdumpAvailable() ? it : it.skip)('disassembles with objdump when it is installed', () => {
    const r = wasmjit(['explore', '--func', '0', file]);
    expect(r.stdout).to.contain('x86-64 disassembly by objdump (Intel syntax)');
    expect(r.stdout).to.match(/^ {8}[0-9a-f]{6} {2}55 +push rbp$/m);
    expect(r.stdout).to.match(/^ {8}[0-9a-f]{6} {2}c3 +ret$/m);
    expect(r.stdout).to.match(/call 0 <fib>\n(?: {8}.*\n)*? {8}[0-9a-f]{6} {2}e8 [0-9a-f ]+ +call /);
    expect(opsOf(r.stdout)).to.deep.equal(FIB_OPS);
  });

  it("compiles with the Engine's defaults: guard-page bounds checks unless told otherwise", () => {
    const guard = wasmjit(['explore', '--hex', '--func', 'load', file]).stdout;
    expect(new Engine().boundsChecks).to.equal('guard');
    expect(guard).not.to.contain('out_of_bounds_memory');
    expect(guard).to.equal(wasmjit(['explore', '--hex', '--bounds-checks', 'guard', '--func', 'load', file]).stdout);
  });

  it('--html writes the listing as a side-by-side page', () => {
    const html = path.join(tempDir(), 'out.html');
    const r = wasmjit(['explore', '--html', html, file]);
    expect(r.status).to.equal(0);
    const page = readFileSync(html, 'utf8');
    expect(page).to.match(/^<!doctype html>/);
    expect(page).to.contain('func[0] &lt;fib&gt;');
    expect(page).to.contain('<td class="wasm">call 0 &lt;fib&gt;</td>');
    expect((page.match(/<tr/g) ?? []).length).to.be.greaterThan(FIB_OPS.length);
  });

  it('shows SIMD immediates: v128.const words, shuffle lanes, lane indices, memarg + lane', async () => {
    const simd = await watFile(`(module (memory 1)
      (func (export "s") (param v128) (result i32)
        (i8x16.shuffle 0 17 2 3 4 5 6 7 8 9 10 11 12 13 14 31
          (local.get 0) (v128.const i32x4 1 0x80000000 -1 0x0102))
        (v128.load8_lane offset=4 7 (i32.const 0) (local.get 0))
        i8x16.add
        i32x4.extract_lane 3))`, 'explore-simd.wasm');
    expect(opsOf(wasmjit(['explore', '--hex', simd]).stdout)).to.deep.equal([
      'local.get 0', 'v128.const i32x4 0x00000001 0x80000000 0xffffffff 0x00000102',
      'i8x16.shuffle 0 17 2 3 4 5 6 7 8 9 10 11 12 13 14 31', 'i32.const 0', 'local.get 0',
      'v128.load8_lane offset=4 align=1 7', 'i8x16.add', 'i32x4.extract_lane 3', 'end',
    ]);
  });

  it('--func takes a name or an index and refuses unknown ones', () => {
    expect(opsOf(wasmjit(['explore', '--hex', '--func', '1', file]).stdout)).to.deep.equal(['local.get 0', 'i64.load offset=8 align=8', 'end']);
    expect(opsOf(wasmjit(['explore', '--hex', '--func', '$load', file]).stdout)).to.have.length(3);
    const r = wasmjit(['explore', '--func', 'nope', file]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("no defined function 'nope'");
  });
});
