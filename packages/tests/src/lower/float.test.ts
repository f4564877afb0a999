// f32/f64 arithmetic, comparisons, min/max, sign ops, sqrt and rounding against V8 on raw
// bit patterns (±0, ±inf, NaNs with payloads, subnormals, rounding ties, random values), in
// every operand shape the lowering distinguishes: frame slots (locals, spilled block
// results), registers, constants on either side (folded or materialised), and compares
// fused into br_if/if. NaN results are checked against the spec's canonical/arithmetic
// rules; everything else, and all sign ops, must match V8 bit for bit.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { wat, both, callBoth, type Exports } from '../util/wat.js';
import {
  expectArith, floatConst, floatLiteral, floatValues, ft, hex, it_, ours, v8Bits, type FS,
} from './float-helpers.js';

const BIN_ARITH = ['add', 'sub', 'mul', 'div', 'min', 'max'];
const UN_ARITH = ['sqrt', 'ceil', 'floor', 'trunc', 'nearest'];
const UN_EXACT = ['abs', 'neg'];
const CMP = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];

function instantiate(bytes: Uint8Array): { ours: Exports; v8: Exports } {
  const e = new Engine();
  const inst = e.instantiate(e.compile(bytes), {});
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {});
  return { ours: inst.exports as Exports, v8: v8.exports as unknown as Exports };
}

/** Compare our result with V8's for an op of kind `kind` ('arith' allows NaN freedom). */
function check(kind: 'arith' | 'exact' | 'cmp', fs: FS, got: bigint, ref: bigint, inputs: bigint[], what: string): void {
  if (kind === 'arith') expectArith(fs, got, ref, inputs, fs, what);
  else expect(hex(got), what).to.equal(hex(ref));
}

async function binaryOp(fs: FS, op: string, kind: 'arith' | 'exact' | 'cmp', seed: number): Promise<void> {
  const f = ft(fs);
  const i = it_(fs);
  const res = kind === 'cmp' ? 'i32' : f;
  const resI = kind === 'cmp' ? 'i32' : i;
  const back = kind === 'cmp' ? '' : `${i}.reinterpret_${f}`;
  const vals = floatValues(fs, seed, 24);
  const consts = vals.filter((_, k) => k % 5 === 0);
  let m = `
    (func (export "ref") (param ${i} ${i}) (result ${resI})
      local.get 0 ${f}.reinterpret_${i} local.get 1 ${f}.reinterpret_${i} ${f}.${op} ${back})
    (func (export "ll") (param ${f} ${f}) (result ${res}) local.get 0 local.get 1 ${f}.${op})
    (func (export "rr") (param ${i} ${i}) (result ${resI})
      local.get 0 ${f}.reinterpret_${i} local.get 1 ${f}.reinterpret_${i} ${f}.${op} ${back})
    (func (export "ss") (param ${f} ${f}) (result ${res})
      (block (result ${f}) local.get 0) (block (result ${f}) local.get 1) ${f}.${op})
    (func (export "sl") (param ${f} ${f}) (result ${res}) (block (result ${f}) local.get 0) local.get 1 ${f}.${op})
    (func (export "rl") (param ${i} ${f}) (result ${res}) local.get 0 ${f}.reinterpret_${i} local.get 1 ${f}.${op})
    (func (export "lr") (param ${f} ${i}) (result ${res}) local.get 0 local.get 1 ${f}.reinterpret_${i} ${f}.${op})`;
  if (kind === 'cmp') {
    m += `
    (func (export "brif") (param ${f} ${f}) (result i32)
      (block (result i32) i32.const 1 local.get 0 local.get 1 ${f}.${op} br_if 0 drop i32.const 0))
    (func (export "if") (param ${f} ${f}) (result i32)
      local.get 0 local.get 1 ${f}.${op} (if (result i32) (then i32.const 1) (else i32.const 0)))`;
  }
  consts.forEach((c, k) => {
    m += `
    (func (export "rc${k}") (param ${f}) (result ${res}) local.get 0 ${floatConst(fs, c)} ${f}.${op})
    (func (export "cr${k}") (param ${f}) (result ${res}) ${floatConst(fs, c)} local.get 0 ${f}.${op})
    (func (export "rlit${k}") (param ${f}) (result ${res}) local.get 0 ${floatLiteral(fs, c)} ${f}.${op})
    (func (export "litr${k}") (param ${f}) (result ${res}) ${floatLiteral(fs, c)} local.get 0 ${f}.${op})`;
    if (kind === 'cmp') {
      m += `
    (func (export "brif${k}") (param ${f}) (result i32)
      (block (result i32) i32.const 1 local.get 0 ${floatConst(fs, c)} ${f}.${op} br_if 0 drop i32.const 0))
    (func (export "if${k}") (param ${f}) (result i32)
      ${floatConst(fs, c)} local.get 0 ${f}.${op} (if (result i32) (then i32.const 1) (else i32.const 0)))`;
    }
    consts.forEach((d, j) => {
      m += `
    (func (export "cc${k}_${j}") (result ${res}) ${floatConst(fs, c)} ${floatConst(fs, d)} ${f}.${op})`;
    });
  });
  const b = instantiate(await wat(`(module ${m})`));
  const sizes: FS[] = [fs, fs];
  const rsize: FS = kind === 'cmp' ? 32 : fs;
  const ref = (x: bigint, y: bigint) => v8Bits(b.v8, 'ref', [x, y], sizes, rsize);
  const shapes = kind === 'cmp' ? ['ll', 'rr', 'ss', 'sl', 'rl', 'lr', 'brif', 'if'] : ['ll', 'rr', 'ss', 'sl', 'rl', 'lr'];
  for (const x of vals) {
    for (const y of vals) {
      const r = ref(x, y);
      for (const s of shapes) check(kind, rsize, ours(b.ours, s, [x, y]), r, [x, y], `${f}.${op}[${s}](${hex(x)}, ${hex(y)})`);
    }
  }
  consts.forEach((c, k) => {
    for (const x of vals) {
      const r1 = ref(x, c);
      const r2 = ref(c, x);
      check(kind, rsize, ours(b.ours, `rc${k}`, [x]), r1, [x, c], `${f}.${op}[rc](${hex(x)}, ${hex(c)})`);
      check(kind, rsize, ours(b.ours, `rlit${k}`, [x]), r1, [x, c], `${f}.${op}[rlit](${hex(x)}, ${hex(c)})`);
      check(kind, rsize, ours(b.ours, `cr${k}`, [x]), r2, [c, x], `${f}.${op}[cr](${hex(c)}, ${hex(x)})`);
      check(kind, rsize, ours(b.ours, `litr${k}`, [x]), r2, [c, x], `${f}.${op}[litr](${hex(c)}, ${hex(x)})`);
      if (kind === 'cmp') {
        check(kind, rsize, ours(b.ours, `brif${k}`, [x]), r1, [x, c], `${f}.${op}[brif](${hex(x)}, ${hex(c)})`);
        check(kind, rsize, ours(b.ours, `if${k}`, [x]), r2, [c, x], `${f}.${op}[if](${hex(c)}, ${hex(x)})`);
      }
    }
    consts.forEach((d, j) => {
      check(kind, rsize, ours(b.ours, `cc${k}_${j}`, []), ref(c, d), [c, d], `${f}.${op}[cc](${hex(c)}, ${hex(d)})`);
    });
  });
}

async function unaryOp(fs: FS, op: string, kind: 'arith' | 'exact', seed: number): Promise<void> {
  const f = ft(fs);
  const i = it_(fs);
  const vals = floatValues(fs, seed, 200);
  const consts = vals.filter((_, k) => k % 7 === 0);
  let m = `
    (func (export "ref") (param ${i}) (result ${i}) local.get 0 ${f}.reinterpret_${i} ${f}.${op} ${i}.reinterpret_${f})
    (func (export "l") (param ${f}) (result ${f}) local.get 0 ${f}.${op})
    (func (export "r") (param ${i}) (result ${i}) local.get 0 ${f}.reinterpret_${i} ${f}.${op} ${i}.reinterpret_${f})
    (func (export "s") (param ${f}) (result ${f}) (block (result ${f}) local.get 0) ${f}.${op})
    (func (export "twice") (param ${f}) (result ${f}) local.get 0 ${f}.${op} ${f}.${op})`;
  consts.forEach((c, k) => {
    m += `
    (func (export "c${k}") (result ${f}) ${floatConst(fs, c)} ${f}.${op})
    (func (export "lit${k}") (result ${f}) ${floatLiteral(fs, c)} ${f}.${op})`;
  });
  const b = instantiate(await wat(`(module ${m})`));
  const ref = (x: bigint) => v8Bits(b.v8, 'ref', [x], [fs], fs);
  for (const x of vals) {
    const r = ref(x);
    for (const s of ['l', 'r', 's']) check(kind, fs, ours(b.ours, s, [x]), r, [x], `${f}.${op}[${s}](${hex(x)})`);
    check(kind, fs, ours(b.ours, 'twice', [x]), ref(r), [r], `${f}.${op}∘${op}(${hex(x)})`);
  }
  consts.forEach((c, k) => {
    const r = ref(c);
    check(kind, fs, ours(b.ours, `c${k}`, []), r, [c], `${f}.${op}[const](${hex(c)})`);
    check(kind, fs, ours(b.ours, `lit${k}`, []), r, [c], `${f}.${op}[literal](${hex(c)})`);
  });
}

for (const fs of [32, 64] as const) {
  const f = ft(fs);
  describe(`${f} ops match V8 (raw bits)`, () => {
    BIN_ARITH.forEach((op, k) => it(`${f}.${op}`, () => binaryOp(fs, op, 'arith', 10 + k)));
    it(`${f}.copysign`, () => binaryOp(fs, 'copysign', 'exact', 20));
    CMP.forEach((op, k) => it(`${f}.${op}`, () => binaryOp(fs, op, 'cmp', 30 + k)));
    UN_ARITH.forEach((op, k) => it(`${f}.${op}`, () => unaryOp(fs, op, 'arith', 40 + k)));
    UN_EXACT.forEach((op, k) => it(`${f}.${op}`, () => unaryOp(fs, op, 'exact', 50 + k)));
  });
}

describe('float semantics the spec pins down', () => {
  it('min/max of signed zeros and NaNs', async () => {
    const b = instantiate(await wat(`(module
      (func (export "min32") (param f32 f32) (result f32) local.get 0 local.get 1 f32.min)
      (func (export "max32") (param f32 f32) (result f32) local.get 0 local.get 1 f32.max)
      (func (export "min64") (param f64 f64) (result f64) local.get 0 local.get 1 f64.min)
      (func (export "max64") (param f64 f64) (result f64) local.get 0 local.get 1 f64.max))`));
    expect(ours(b.ours, 'min32', [0n, 0x80000000n])).to.equal(0x80000000n);
    expect(ours(b.ours, 'min32', [0x80000000n, 0n])).to.equal(0x80000000n);
    expect(ours(b.ours, 'max32', [0n, 0x80000000n])).to.equal(0n);
    expect(ours(b.ours, 'max32', [0x80000000n, 0n])).to.equal(0n);
    expect(ours(b.ours, 'min64', [0n, 0x8000000000000000n])).to.equal(0x8000000000000000n);
    expect(ours(b.ours, 'max64', [0x8000000000000000n, 0n])).to.equal(0n);
    // A NaN on either side wins, quieted (minss/maxss alone would return the other operand).
    expect(ours(b.ours, 'min32', [0x3f800000n, 0x7f800001n])).to.equal(0x7fc00001n);
    expect(ours(b.ours, 'max32', [0x7fa00000n, 0x3f800000n])).to.equal(0x7fe00000n);
    expect(ours(b.ours, 'max64', [0x3ff0000000000000n, 0x7ff8000000000000n])).to.equal(0x7ff8000000000000n);
  });
  it('eq is false and ne true on NaN (ucomis parity)', async () => {
    const b = instantiate(await wat(`(module
      (func (export "eq") (param f64 f64) (result i32) local.get 0 local.get 1 f64.eq)
      (func (export "ne") (param f64 f64) (result i32) local.get 0 local.get 1 f64.ne)
      (func (export "eqs") (param f32) (result i32) local.get 0 local.get 0 f32.eq))`));
    const nan = 0x7ff8000000000000n;
    expect(ours(b.ours, 'eq', [nan, nan])).to.equal(0n);
    expect(ours(b.ours, 'ne', [nan, nan])).to.equal(1n);
    expect(ours(b.ours, 'eq', [0n, 0x8000000000000000n])).to.equal(1n);
    expect(ours(b.ours, 'ne', [0n, 0x8000000000000000n])).to.equal(0n);
    expect(ours(b.ours, 'eqs', [0x7f800001n])).to.equal(0n);
  });
  it('neg/abs/copysign keep signalling NaN payloads bit for bit', async () => {
    const b = instantiate(await wat(`(module
      (func (export "neg") (param f32) (result f32) local.get 0 f32.neg)
      (func (export "abs") (param f64) (result f64) local.get 0 f64.abs)
      (func (export "cs") (param f32 f32) (result f32) local.get 0 local.get 1 f32.copysign))`));
    expect(ours(b.ours, 'neg', [0x7f800001n])).to.equal(0xff800001n);
    expect(ours(b.ours, 'abs', [0xfff0000000000001n])).to.equal(0x7ff0000000000001n);
    expect(ours(b.ours, 'cs', [0x7fa00001n, 0x80000000n])).to.equal(0xffa00001n);
    expect(ours(b.ours, 'cs', [0xffa00001n, 0x7fc00000n])).to.equal(0x7fa00001n);
  });
  it('nearest rounds ties to even; ceil/floor/trunc keep the sign of zero', async () => {
    const b = both(await wat(`(module
      (func (export "nearest") (param f64) (result f64) local.get 0 f64.nearest)
      (func (export "ceil") (param f32) (result f32) local.get 0 f32.ceil)
      (func (export "trunc") (param f64) (result f64) local.get 0 f64.trunc))`));
    for (const x of [0.5, 1.5, 2.5, -0.5, -2.5, 4503599627370495.5, -4503599627370497]) {
      expect(b.ours.nearest!(x), `nearest(${x})`).to.equal(b.v8.nearest!(x));
    }
    expect(Object.is(b.ours.nearest!(-0.4), -0)).to.equal(true);
    expect(Object.is(b.ours.ceil!(-0.5), -0)).to.equal(true);
    expect(Object.is(b.ours.trunc!(-0.9), -0)).to.equal(true);
  });
});

describe('float lowering under register pressure', () => {
  it('more live f64 values than xmm registers spill and reload exactly', async () => {
    const n = 40;
    let body = '';
    for (let k = 0; k < n; k++) body += `local.get 0 f64.const ${k + 0.25} f64.mul local.get 1 f64.add\n`;
    const ops = ['f64.add', 'f64.sub', 'f64.mul', 'f64.min', 'f64.max', 'f64.copysign', 'f64.div'];
    for (let k = 0; k < n - 1; k++) body += `${ops[k % ops.length]}\n`;
    const b = both(await wat(`(module (func (export "f") (param f64 f64) (result f64) ${body}))`));
    for (const [x, y] of [[1.5, -2], [0, -0], [1e300, 1e-300], [-3.75, 12], [NaN, 1]]) {
      const [o, v] = callBoth(b, 'f', [x, y]);
      expect(o, `f(${x}, ${y})`).to.deep.equal(v);
    }
  });
  it('floats live across calls, in select, and mixed with integer compares', async () => {
    const b = both(await wat(`(module
      (func $g (param f32 f64) (result f64) local.get 1 local.get 0 f64.promote_f32 f64.sub)
      (func (export "f") (param f32 f64 i32) (result f64)
        local.get 1 f64.sqrt
        local.get 0 local.get 1 call $g
        local.get 0 f32.neg local.get 0 f32.abs local.get 2 select f64.promote_f32
        f64.add f64.mul
        local.get 1 local.get 1 f64.lt
        f64.convert_i32_u f64.add))`));
    for (const [x, y, c] of [[1.5, 4, 0], [-2.25, 9, 1], [0, 0, 7], [NaN, 2, 1], [3, -1, 0]] as const) {
      const [o, v] = callBoth(b, 'f', [x, y, c]);
      expect(o, `f(${x}, ${y}, ${c})`).to.deep.equal(v);
    }
  });
  it('a compare feeding br_if that must move block results (trampoline path)', async () => {
    const b = both(await wat(`(module (func (export "f") (param f64 f64) (result f64)
      (block (result f64) f64.const 7 f64.const 1 local.get 0 local.get 1 f64.ge br_if 0 drop drop local.get 1)))`));
    for (const [x, y] of [[1, 2], [2, 1], [NaN, 1], [3, 3]]) {
      const [o, v] = callBoth(b, 'f', [x, y]);
      expect(o, `f(${x}, ${y})`).to.deep.equal(v);
    }
  });
});
