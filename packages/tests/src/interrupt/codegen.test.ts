// The machine code of the checks: absent by default, one epoch check per loop header and per
// entry of a function that calls (for deadlines, host-interrupt polls or both), one fuel
// charge per run.
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
  (func $g (export "g") (result i32) (i32.const 7))
  (func (export "h") (result i32) (i32.add (call $g) (i32.const 1))))`;

const COUNTER = 0x12345678;
// cmp qword [COUNTER], 0; jge rel32 (the counter's address fits a disp32)
const EPOCH_CHECK = [0x48, 0x83, 0x3c, 0x25, 0x78, 0x56, 0x34, 0x12, 0x00, 0x0f, 0x8d];
// cmp qword [r11], 0; jge rel32 (after mov r11, address or mov r11, [r14 + 0x48 (EpochPtr)])
const EPOCH_CHECK_R11 = [0x49, 0x83, 0x3b, 0x00, 0x0f, 0x8d];
const EPOCH_PTR_LOAD = [0x4d, 0x8b, 0x5e, 0x48];
// The slow path: add r11, [rax + 8] (the epoch = W + B); cmp r11, [rax + 16] (the engine-wide
// deadline C), pop rax; then (after a jge) cmp r11, [r14 + 0x50 (EpochDeadline)]
const EPOCH_SLOW = [0x4c, 0x03, 0x58, 0x08];
const ENGINE_DEADLINE = [0x4c, 0x3b, 0x58, 0x10, 0x58];
const INSTANCE_DEADLINE = [0x4d, 0x3b, 0x5e, 0x50];
// Host interrupts: bt r11, 62 (the poll bias in W + B), call [r14 + 0x60 (EpochPoll)]; test r11d, r11d
const POLL_BIAS_TEST = [0x49, 0x0f, 0xba, 0xe3, 0x3e];
const POLL_CALL = [0x41, 0xff, 0x56, 0x60, 0x45, 0x85, 0xdb];
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
    expect(await compile({ epochInterruption: false, hostInterrupts: false, consumeFuel: false })).to.deep.equal(plain);
    expect(count(plain, FUEL_CHARGE)).to.equal(0);
    expect(count(plain, INSTANCE_DEADLINE)).to.equal(0);
    expect(count(plain, POLL_CALL)).to.equal(0);
  });

  it('epochs: a compare with memory and a branch at each loop header and each entry of a function that calls', async () => {
    const code = await compile({ epochInterruption: true, epochCounterAddress: COUNTER });
    // f's loop and h's entry; one out-of-line slow path each. f and g make no calls: their
    // entries are not checked (f's loop is; g ends after one operator).
    expect(count(code, EPOCH_CHECK)).to.equal(2);
    expect(count(code, EPOCH_SLOW)).to.equal(2);
    expect(count(code, ENGINE_DEADLINE)).to.equal(2);
    expect(count(code, INSTANCE_DEADLINE)).to.equal(2);
    expect(count(code, FUEL_CHARGE)).to.equal(0);
    // No poll without hostInterrupts.
    expect(count(code, POLL_BIAS_TEST)).to.equal(0);
    expect(count(code, POLL_CALL)).to.equal(0);
  });

  it('host interrupts: the same checks, whose slow path calls the poll', async () => {
    const code = await compile({ hostInterrupts: true, epochCounterAddress: COUNTER });
    expect(count(code, EPOCH_CHECK)).to.equal(2);
    expect(count(code, POLL_CALL)).to.equal(2);
    // Without epochInterruption there are no deadlines to compare.
    expect(count(code, ENGINE_DEADLINE)).to.equal(0);
    expect(count(code, INSTANCE_DEADLINE)).to.equal(0);
    expect(count(code, POLL_BIAS_TEST)).to.equal(0);
    // Both: still one check per point; the slow path tells a poll from a deadline.
    const both = await compile({ epochInterruption: true, hostInterrupts: true, epochCounterAddress: COUNTER });
    expect(count(both, EPOCH_CHECK)).to.equal(2);
    expect(count(both, POLL_BIAS_TEST)).to.equal(2);
    expect(count(both, POLL_CALL)).to.equal(2);
    expect(count(both, EPOCH_SLOW)).to.equal(2);
    expect(count(both, ENGINE_DEADLINE)).to.equal(2);
    expect(count(both, INSTANCE_DEADLINE)).to.equal(2);
  });

  it('epochs: the counter address in r11 when it is above 2 GiB or not compiled in', async () => {
    const far = 2 ** 40 + 8;
    const farCode = await compile({ epochInterruption: true, epochCounterAddress: far });
    const movabs = [0x49, 0xbb, 0x08, 0, 0, 0, 0, 0x01, 0, 0];
    expect(count(farCode, [...movabs, ...EPOCH_CHECK_R11])).to.equal(2);
    expect(count(farCode, EPOCH_SLOW)).to.equal(2);
    const viaVmctx = await compile({ epochInterruption: true });
    expect(count(viaVmctx, [...EPOCH_PTR_LOAD, ...EPOCH_CHECK_R11])).to.equal(2);
  });

  it('fuel: one charge per run, a refund for the forward exit', async () => {
    const code = await compile({ consumeFuel: true });
    // f: entry, loop header, the join after the block; g: entry; h: entry (its run goes on
    // through the call: the callee checks its own fuel at its entry).
    expect(count(code, FUEL_CHARGE)).to.equal(5);
    expect(count(code, FUEL_REFUND[0]!) + count(code, FUEL_REFUND[1]!)).to.equal(1);
    expect(count(code, EPOCH_CHECK)).to.equal(0);
  });
});
