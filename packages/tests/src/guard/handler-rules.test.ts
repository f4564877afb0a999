// The handler's bookkeeping, in process: which faults it takes (hand-written JIT code reading
// a registered reservation traps out_of_bounds_memory and resumes like any trap), and the
// lock-free range tables behind that decision (register, unregister, stale handles, reuse).
import { expect } from 'chai';
import { Memory } from '@wasmjit/runtime';
import { AreaStart, callI64, hex, loadCode, makeVmctx, native } from '../native/helpers.js';
import { reserve, type Reservation } from '../../../runtime/dist/code-memory.js';
import { memoryAddress } from '../../../runtime/dist/memory-access.js';
import { PAGE } from './support.js';

const OOB = 6;
// load_ptr: mov rax,[rsp+8] ; mov rax,[rax] ; ret
const LOAD_PTR = hex('48 8b 44 24 08  48 8b 00  c3');

describe('guard mode: the fault handler and its range tables', () => {
  before(() => {
    native.signalsInstall();
  });

  it('turns a JIT-code fault inside a registered reservation into out_of_bounds_memory', () => {
    const m = new Memory({ initial: 1 });
    expect(m.guarded).to.equal(true);
    // The base address is private to the Memory; the runtime's accessor reaches it.
    const mem = { buffer: m.buffer, address: memoryAddress(m) };
    new BigUint64Array(mem.buffer)[3] = 0x1122334455667788n;
    const code = loadCode(LOAD_PTR);
    const vm = makeVmctx();
    try {
      const before = native.signalCount();
      // In bounds: an ordinary load.
      callI64[AreaStart] = BigInt(mem.address + 24);
      expect(native.invoke(code.address, vm.address, 1)).to.equal(0);
      expect(callI64[1]).to.equal(0x1122334455667788n);
      // Past the accessible size, anywhere in the 8 GiB + 64 KiB: the trap, resumed normally,
      // with the trap site (rsi) pointing into the faulting instruction.
      for (const at of [PAGE, PAGE + 1, 2 ** 32, 2 ** 33 + PAGE - 8]) {
        callI64[AreaStart] = BigInt(mem.address + at);
        expect(native.invoke(code.address, vm.address, 1), `offset ${at}`).to.equal(OOB);
        expect(native.lastTrapPc() - 1).to.equal(code.address + 5);
      }
      expect(native.signalCount() - before).to.equal(4);
      // And the thread is fine afterwards.
      callI64[AreaStart] = BigInt(mem.address + 24);
      expect(native.invoke(code.address, vm.address, 1)).to.equal(0);
    } finally {
      code.free();
      vm.region.free();
    }
  });

  it('publishes and unpublishes ranges; stale handles do nothing', () => {
    // Unpublished: this test publishes it by hand. Unmapped when collected.
    const base = (reserve(PAGE, false) as Reservation).address;
    {
      const start = native.signalRanges();
      const h = native.signalsRegisterMemory(base, PAGE);
      expect(h).to.be.at.least(0);
      expect(native.signalRanges().memory).to.equal(start.memory + 1);
      expect(native.signalsUnregisterMemory(h)).to.equal(true);
      expect(native.signalsUnregisterMemory(h), 'double unregister').to.equal(false);
      // The freed slot is reused with a new generation: the old handle cannot remove it.
      const h2 = native.signalsRegisterMemory(base, PAGE);
      expect(h2).to.not.equal(h);
      expect(native.signalsUnregisterMemory(h)).to.equal(false);
      expect(native.signalRanges().memory).to.equal(start.memory + 1);
      expect(native.signalsUnregisterMemory(h2)).to.equal(true);
      expect(native.signalRanges()).to.deep.equal(start);
      expect(() => native.signalsRegisterMemory(0, PAGE)).to.throw(RangeError);
      expect(() => native.signalsRegisterCode(base, 0)).to.throw(RangeError);
      expect(native.signalsUnregisterCode(-1)).to.equal(false);
    }
  });

  it('code regions are published while mapped', () => {
    const start = native.signalRanges().code;
    const regions = Array.from({ length: 50 }, () => loadCode(hex('c3')));
    expect(native.signalRanges().code).to.equal(start + 50);
    regions.forEach((r) => r.free());
    expect(native.signalRanges().code).to.equal(start);
  });
});
