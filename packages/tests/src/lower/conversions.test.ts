// Every numeric conversion involving floats against V8, on raw bits: the trapping and
// saturating truncations around each range boundary (with the trap kind asserted), int →
// float rounding (including u64 values that need round-to-odd), demote/promote with NaN
// payloads, and the reinterprets. Operand shapes: local (frame slot), register, spilled
// block result, constant (folded where the lowering folds).
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { rng } from '../util/rng.js';
import { wat, type Exports } from '../util/wat.js';
import {
  expectArith, floatConst, floatValues, ft, hex, isNaNBits, it_, ours, v8Bits, type FS,
} from './float-helpers.js';

function instantiate(bytes: Uint8Array): { ours: Exports; v8: Exports } {
  const e = new Engine();
  const inst = e.instantiate(e.compile(bytes), {});
  const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {});
  return { ours: inst.exports as Exports, v8: v8.exports as unknown as Exports };
}

const dv = new DataView(new ArrayBuffer(8));
function bitsOf(fs: FS, v: number): bigint {
  if (fs === 32) {
    dv.setFloat32(0, v);
    return BigInt(dv.getUint32(0));
  }
  dv.setFloat64(0, v);
  return dv.getBigUint64(0);
}
/** The float next to `v` in format fs, towards +inf (dir 1) or -inf (dir -1). */
function nextFloat(fs: FS, v: number, dir: 1 | -1): bigint {
  const b = bitsOf(fs, v);
  const neg = v < 0 || Object.is(v, -0);
  return (dir === 1) !== neg ? b + 1n : b - 1n;
}

/** Inputs at and around every boundary of every truncation, plus the float edge values. */
function truncInputs(fs: FS): bigint[] {
  const out = new Set<bigint>(floatValues(fs, 7, 60));
  const points = [0, 0.5, 0.9999, 1, 1.5, 2 ** 31 - 1, 2 ** 31 - 0.5, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32 - 0.5, 2 ** 32,
    2 ** 32 + 1, 2 ** 53, 2 ** 63, 2 ** 64, 2147483647.9999998, 2147483648.9];
  for (const p of points) {
    for (const v of [p, -p]) {
      const r = fs === 32 ? Math.fround(v) : v;
      out.add(bitsOf(fs, r));
      out.add(nextFloat(fs, r, 1));
      out.add(nextFloat(fs, r, -1));
    }
  }
  return [...out];
}

const TRUNCS: [string, 32 | 64, FS][] = [];
for (const t of [32, 64] as const) for (const f of [32, 64] as const) for (const s of ['s', 'u']) TRUNCS.push([s, t, f]);

function expectedTrap(fs: FS, x: bigint): string {
  return isNaNBits(fs, x) ? 'bad_conversion_to_integer' : 'integer_overflow';
}

type Out = { bits: bigint } | { trap: string };

function run(f: () => bigint): Out {
  try {
    return { bits: f() };
  } catch (e) {
    if (e instanceof RuntimeError) return { trap: e.trap };
    if (e instanceof WebAssembly.RuntimeError) return { trap: 'v8' };
    throw e;
  }
}

describe('float → int truncation matches V8', () => {
  for (const sat of [false, true]) {
    for (const [sign, t, fs] of TRUNCS) {
      const name = `i${t}.trunc${sat ? '_sat' : ''}_f${fs}_${sign}`;
      it(name, async () => {
        const f = ft(fs);
        const i = it_(fs);
        const r = `i${t}`;
        const b = instantiate(await wat(`(module
          (func (export "ref") (param ${i}) (result ${r}) local.get 0 ${f}.reinterpret_${i} ${name})
          (func (export "l") (param ${f}) (result ${r}) local.get 0 ${name})
          (func (export "r") (param ${i}) (result ${r}) local.get 0 ${f}.reinterpret_${i} ${name})
          (func (export "s") (param ${f}) (result ${r}) (block (result ${f}) local.get 0) ${name}))`));
        const inputs = truncInputs(fs);
        // Constants: one function per input so the constant path is covered too.
        const cm = instantiate(await wat(`(module ${inputs.map((x, k) => `(func (export "c${k}") (result ${r}) ${floatConst(fs, x)} ${name})`).join('\n')})`));
        inputs.forEach((x, k) => {
          const v8 = run(() => v8Bits(b.v8, 'ref', [x], [fs], t));
          const what = `${name}(${hex(x)})`;
          const shapes: [Exports, string, bigint[]][] = [[b.ours, 'l', [x]], [b.ours, 'r', [x]], [b.ours, 's', [x]], [cm.ours, `c${k}`, []]];
          for (const [ex, s, args] of shapes) {
            const got = run(() => ours(ex, s, args));
            if ('trap' in v8) {
              expect(sat, `${what}: V8 trapped on a saturating op`).to.equal(false);
              expect(got, `${what} [${s}]`).to.deep.equal({ trap: expectedTrap(fs, x) });
            } else {
              expect(got, `${what} [${s}]`).to.deep.equal(v8);
            }
          }
        });
      });
    }
  }
});

function i64Inputs(seed: number): bigint[] {
  const out = new Set<bigint>([0n, 1n, -1n, 2n ** 24n + 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 2n ** 64n - 1n,
    0x8000000000000400n, 0x8000000000000401n, 0x8000000000000c00n, 0x8000000000000bffn, 0xfffffffffffffc00n, 0xfffffffffffffbffn,
    0x8000008000000000n, 0x8000008000000001n, 0x8000018000000000n, 0xffffff8000000000n, 0xffffff7fffffffffn,
    0x0020000000000001n, 0x0020000000000003n, 0x7fffffbfffffffffn, 0x7fffff8000000000n, 0xc000000000000001n]);
  const r = rng(seed);
  for (let k = 0; k < 200; k++) {
    const v = (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32));
    out.add(BigInt.asUintN(64, v >> BigInt(Math.floor(r() * 40))));
    out.add(BigInt.asUintN(64, v));
  }
  return [...out].map((v) => BigInt.asUintN(64, v));
}

function i32Inputs(seed: number): bigint[] {
  const out = new Set<bigint>([0n, 1n, 0xffffffffn, 0x7fffffffn, 0x80000000n, 0x80000001n, 0x01000001n, 0x01000003n, 0xfffffff0n, 0x7fffffc0n]);
  const r = rng(seed);
  for (let k = 0; k < 200; k++) out.add(BigInt(Math.floor(r() * 2 ** 32)) >> BigInt(Math.floor(r() * 20)));
  return [...out];
}

describe('int → float conversion matches V8 (correct rounding)', () => {
  for (const fs of [32, 64] as const) {
    for (const t of [32, 64] as const) {
      for (const sign of ['s', 'u']) {
        const name = `f${fs}.convert_i${t}_${sign}`;
        it(name, async () => {
          const f = ft(fs);
          const i = it_(fs);
          const ity = `i${t}`;
          const inputs = t === 32 ? i32Inputs(fs + t) : i64Inputs(fs + t);
          const b = instantiate(await wat(`(module
            (func (export "ref") (param ${ity}) (result ${i}) local.get 0 ${name} ${i}.reinterpret_${f})
            (func (export "l") (param ${ity}) (result ${f}) local.get 0 ${name})
            (func (export "r") (param ${ity}) (result ${f}) local.get 0 ${ity}.const 0 ${ity}.or ${name})
            (func (export "s") (param ${ity}) (result ${f}) (block (result ${ity}) local.get 0) ${name})
            ${inputs.slice(0, 60).map((x, k) => `(func (export "c${k}") (result ${f}) ${ity}.const ${t === 32 ? BigInt.asIntN(32, x) : BigInt.asIntN(64, x)} ${name})`).join('\n')})`));
          inputs.forEach((x, k) => {
            const ref = v8Bits(b.v8, 'ref', [x], [t], fs);
            const what = `${name}(${hex(x)})`;
            for (const s of ['l', 'r', 's']) expect(hex(ours(b.ours, s, [x])), `${what} [${s}]`).to.equal(hex(ref));
            if (k < 60) expect(hex(ours(b.ours, `c${k}`, [])), `${what} [const]`).to.equal(hex(ref));
          });
        });
      }
    }
  }
});

describe('demote and promote match V8', () => {
  for (const [name, from, to] of [['f32.demote_f64', 64, 32], ['f64.promote_f32', 32, 64]] as const) {
    it(name, async () => {
      const inputs = floatValues(from, 99, 300);
      if (from === 64) {
        // Around the f32 range and precision: rounding to max/inf, subnormal ties, exact halves.
        for (const v of [3.4028235677973366e38, 3.4028235677973362e38, 3.402823669209385e38, 2 ** -149, 2 ** -150, 1.5 * 2 ** -149,
          2 ** -126, 1 + 2 ** -24, 1 + 2 ** -24 + 2 ** -52, 1 + 3 * 2 ** -24, -(2 ** 128)]) {
          inputs.push(bitsOf(64, v), bitsOf(64, -v));
        }
      }
      const fi = it_(from);
      const ti = it_(to);
      const f = ft(from);
      const consts = inputs.filter((_, k) => k % 9 === 0);
      const b = instantiate(await wat(`(module
        (func (export "ref") (param ${fi}) (result ${ti}) local.get 0 ${f}.reinterpret_${fi} ${name} ${ti}.reinterpret_${ft(to)})
        (func (export "l") (param ${f}) (result ${ft(to)}) local.get 0 ${name})
        (func (export "r") (param ${fi}) (result ${ft(to)}) local.get 0 ${f}.reinterpret_${fi} ${name})
        (func (export "s") (param ${f}) (result ${ft(to)}) (block (result ${f}) local.get 0) ${name})
        ${consts.map((x, k) => `(func (export "c${k}") (result ${ft(to)}) ${floatConst(from, x)} ${name})`).join('\n')})`));
      for (const x of inputs) {
        const ref = v8Bits(b.v8, 'ref', [x], [from], to);
        for (const s of ['l', 'r', 's']) expectArith(to, ours(b.ours, s, [x]), ref, [x], from, `${name}(${hex(x)}) [${s}]`);
      }
      consts.forEach((x, k) => {
        const ref = v8Bits(b.v8, 'ref', [x], [from], to);
        expectArith(to, ours(b.ours, `c${k}`, []), ref, [x], from, `${name}(${hex(x)}) [const]`);
      });
    });
  }
});

describe('reinterpret keeps every bit', () => {
  for (const fs of [32, 64] as const) {
    const f = ft(fs);
    const i = it_(fs);
    it(`${i}.reinterpret_${f} and ${f}.reinterpret_${i}`, async () => {
      const inputs = floatValues(fs, 5, 100);
      const consts = inputs.filter((_, k) => k % 6 === 0);
      const b = instantiate(await wat(`(module
        (func (export "toI_l") (param ${f}) (result ${i}) local.get 0 ${i}.reinterpret_${f})
        (func (export "toI_r") (param ${f}) (result ${i}) local.get 0 ${f}.abs local.get 0 ${f}.copysign ${i}.reinterpret_${f})
        (func (export "toI_s") (param ${f}) (result ${i}) (block (result ${f}) local.get 0) ${i}.reinterpret_${f})
        (func (export "toF_l") (param ${i}) (result ${f}) local.get 0 ${f}.reinterpret_${i})
        (func (export "toF_r") (param ${i}) (result ${f}) local.get 0 ${i}.const 0 ${i}.or ${f}.reinterpret_${i})
        (func (export "toF_s") (param ${i}) (result ${f}) (block (result ${i}) local.get 0) ${f}.reinterpret_${i})
        (func (export "round") (param ${i}) (result ${i}) local.get 0 ${f}.reinterpret_${i} ${i}.reinterpret_${f})
        (func (export "spill") (param ${i}) (result ${i})
          (block (result ${f}) local.get 0 ${f}.reinterpret_${i}) ${i}.reinterpret_${f}
          (block (result ${i}) local.get 0) ${f}.reinterpret_${i} (block (result ${f}) local.get 0 ${f}.reinterpret_${i}) ${f}.copysign
          ${i}.reinterpret_${f} ${i}.xor)
        ${consts.map((x, k) => `(func (export "cI${k}") (result ${i}) ${floatConst(fs, x)} ${i}.reinterpret_${f})
          (func (export "cF${k}") (result ${f}) ${i}.const ${BigInt.asIntN(fs, x)} ${f}.reinterpret_${i})`).join('\n')})`));
      for (const x of inputs) {
        for (const s of ['toI_l', 'toI_r', 'toI_s', 'toF_l', 'toF_r', 'toF_s', 'round']) {
          expect(hex(ours(b.ours, s, [x])), `${s}(${hex(x)})`).to.equal(hex(x));
        }
        expect(hex(ours(b.ours, 'spill', [x])), `spill(${hex(x)})`).to.equal('0x0');
      }
      consts.forEach((x, k) => {
        expect(hex(ours(b.ours, `cI${k}`, [])), `const ${i}(${hex(x)})`).to.equal(hex(x));
        expect(hex(ours(b.ours, `cF${k}`, [])), `const ${f}(${hex(x)})`).to.equal(hex(x));
      });
    });
  }
});

describe('conversion traps', () => {
  it('name the trap the spec expects', async () => {
    const e = new Engine();
    const inst = e.instantiate(e.compile(await wat(`(module
      (func (export "a") (param f32) (result i32) local.get 0 i32.trunc_f32_s)
      (func (export "b") (param f64) (result i64) local.get 0 i64.trunc_f64_u))`)), {});
    const ex = inst.exports as Exports;
    const trapOf = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (err) {
        return (err as RuntimeError).trap;
      }
    };
    expect(trapOf(() => ex.a!(NaN))).to.equal('bad_conversion_to_integer');
    expect(trapOf(() => ex.a!(2147483648))).to.equal('integer_overflow');
    expect(trapOf(() => ex.a!(-2147483904))).to.equal('integer_overflow');
    expect(ex.a!(-2147483648)).to.equal(-2147483648);
    expect(trapOf(() => ex.b!(-1))).to.equal('integer_overflow');
    expect(ex.b!(-0.99)).to.equal(0n);
    expect(trapOf(() => ex.b!(2 ** 64))).to.equal('integer_overflow');
    expect(ex.b!(2 ** 64 - 2048)).to.equal(-2048n); // u64 2^64 - 2048, seen as a signed BigInt by JS
    expect(trapOf(() => ex.b!(-NaN))).to.equal('bad_conversion_to_integer');
  });
});
