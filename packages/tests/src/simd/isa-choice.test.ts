// The SIMD instruction path is the one asked for: CompileOptions.simdAvx false emits the
// legacy SSE encodings only, true the VEX ones (EngineOptions.simd maps onto it), and the
// default follows the CPU. Checked on the code bytes of one operator: f32x4.mul of two
// params, whose operands are distinct registers.
import { expect } from 'chai';
import { compileModule } from '@wasmjit/codegen';
import { wat } from '../util/wat.js';
import { readFileSync } from 'node:fs';

function count(code: Uint8Array, pattern: (c: Uint8Array, i: number) => boolean): number {
  let n = 0;
  for (let i = 0; i + 3 < code.length; i++) if (pattern(code, i)) n++;
  return n;
}

/** mulps in legacy form: 0F 59 /r (no VEX). */
const legacyMulps = (c: Uint8Array, i: number) => c[i] === 0x0f && c[i + 1] === 0x59 && (i === 0 || (c[i - 1] !== 0xc5 && c[i - 2] !== 0xc4));
/** vmulps: VEX2 C5 [R vvvv L pp=00] 59, or VEX3 C4 [RXB map=1] [W vvvv L pp=00] 59. */
const vexMulps = (c: Uint8Array, i: number) =>
  (c[i] === 0xc5 && (c[i + 1]! & 3) === 0 && c[i + 2] === 0x59) || (c[i] === 0xc4 && (c[i + 1]! & 0x1f) === 1 && (c[i + 2]! & 3) === 0 && c[i + 3] === 0x59);

describe('SIMD instruction path (SSE4.1 or AVX)', () => {
  it('simdAvx: false emits SSE forms only; true emits VEX forms; default follows /proc/cpuinfo', async () => {
    const bytes = await wat(`(module (func (export "f") (param v128 v128) (result v128) (f32x4.mul (local.get 0) (local.get 1))))`);
    const sse = compileModule(bytes, {}, { simdAvx: false }).compiled.code;
    const avx = compileModule(bytes, {}, { simdAvx: true }).compiled.code;
    expect(count(sse, legacyMulps)).to.equal(1);
    expect(count(sse, vexMulps)).to.equal(0);
    expect(count(avx, vexMulps)).to.equal(1);
    expect(count(avx, legacyMulps)).to.equal(0);
    const hasAvx = / avx( |$)/m.test(readFileSync('/proc/cpuinfo', 'latin1').split('\n').find((l) => l.startsWith('flags')) ?? '');
    const dflt = compileModule(bytes).compiled.code;
    expect(count(dflt, vexMulps)).to.equal(hasAvx ? 1 : 0);
  });
});
