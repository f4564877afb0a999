// The machine code of the checks: absent by default, one epoch check per function entry and
// loop header, one fuel charge per run.
import { expect } from 'chai';
import { compileModuleCode, decodeModule, validateModule, type CompileOptions } from '@wasmjit/codegen';
import { watNamed } from './programs.js';

const SRC = `(module
  (func (export "f") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $s))
  (func (export "g") (result i32) (i32.const 7)))`;

const COUNTER = 0x12345678;
// mov r11d, COUNTER; mov r11, [r11]; cmp r11, [r14 + 0x50 (EpochDeadline)]; jae rel32
const EPOCH_CHECK = [0x41, 0xbb, 0x78, 0x56, 0x34, 0x12, 0x4d, 0x8b, 0x1b, 0x4d, 0x3b, 0x5e, 0x50, 0x0f, 0x83];
// sub qword [r14 + 0x58 (Fuel)], imm32
const FUEL_CHARGE = [0x49, 0x81, 0x6e, 0x58];
// add qword [r14 + 0x58 (Fuel)], imm8 / imm32: refunds
const FUEL_REFUND = [[0x49, 0x83, 0x46, 0x58], [0x49, 0x81, 0x46, 0x58]];

function count(code: Uint8Array, pattern: number[]): number {
  let n = 0;
  outer: for (let i = 0; i + pattern.length <= code.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (code[i + j] !== pattern[j]) continue outer;
    n++;
  }
  return n;
}

async function compile(options: CompileOptions): Promise<Uint8Array> {
  const m = decodeModule(await watNamed(SRC));
  validateModule(m);
  return compileModuleCode(m, options).code;
}

describe('interrupt: generated code', () => {
  it('nothing by default', async () => {
    const plain = await compile({});
    expect(await compile({ epochInterruption: false, consumeFuel: false })).to.deep.equal(plain);
    expect(count(plain, FUEL_CHARGE)).to.equal(0);
    expect(count(plain, [0x4d, 0x3b, 0x5e, 0x50])).to.equal(0);
  });

  it('epochs: two loads, a compare and a branch at each entry and loop header', async () => {
    const code = await compile({ epochInterruption: true, epochCounterAddress: COUNTER });
    // f's entry and loop, g's entry.
    expect(count(code, EPOCH_CHECK)).to.equal(3);
    expect(count(code, FUEL_CHARGE)).to.equal(0);
  });

  it('fuel: one charge per run, a refund for the forward exit', async () => {
    const code = await compile({ consumeFuel: true });
    // f: entry, loop header, the join after the block; g: entry.
    expect(count(code, FUEL_CHARGE)).to.equal(4);
    expect(count(code, FUEL_REFUND[0]!) + count(code, FUEL_REFUND[1]!)).to.equal(1);
    expect(count(code, EPOCH_CHECK)).to.equal(0);
  });
});
