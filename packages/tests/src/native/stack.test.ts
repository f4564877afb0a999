// Stack limits: r15, the prologue check, StackOverflow traps and their backtraces.
import { expect } from 'chai';
import { MIN_HOST_STACK_RESERVE } from '@wasmjit/codegen';

import { callI64, hex, KiB, loadCode, makeVmctx, native, Trap, type CodeRegion, type TestVmctx } from './helpers.js';

// recurse: a wasm-style function with a prologue stack check, calling itself forever.
//   0x00 lea r11,[rsp-0x48]   4c 8d 5c 24 b8
//   0x05 cmp r11,r15          4d 39 fb
//   0x08 jb trap (0x19)       72 0f
//   0x0a push rbp             55
//   0x0b mov rbp,rsp          48 89 e5
//   0x0e sub rsp,0x40         48 83 ec 40
//   0x12 call recurse         e8 e9 ff ff ff
//   0x17 leave                c9               <- return address of every recursive call
//   0x18 ret                  c3
//   0x19 trap: mov edi,1      bf 01 00 00 00
//   0x1e jmp [r14+0x18]       41 ff 66 18
const RECURSE = hex('4c 8d 5c 24 b8  4d 39 fb  72 0f  55  48 89 e5  48 83 ec 40  e8 e9 ff ff ff  c9  c3  bf 01 00 00 00  41 ff 66 18');
const RECURSE_RETURN_OFFSET = 0x17;

// r15_rsp: mov rax,r15 ; movq xmm0,rsp ; ret     (limit in rax, entry rsp in xmm0)
const R15_RSP = hex('4c 89 f8  66 48 0f 6e c4  c3');

describe('native stack limits', () => {
  let vm: TestVmctx;
  let recurse: CodeRegion;
  let r15rsp: CodeRegion;

  before(() => {
    vm = makeVmctx({ maxWasmStack: 512 * KiB, hostStackReserve: 256 * KiB });
    recurse = loadCode(RECURSE);
    r15rsp = loadCode(R15_RSP);
  });
  after(() => {
    recurse.free();
    r15rsp.free();
    vm.region.free();
  });

  it('reads this thread stack bounds', () => {
    const info = native.stackInfo();
    expect(info.low).to.be.greaterThan(0);
    expect(info.low).to.be.lessThan(info.sp);
    expect(info.sp).to.be.lessThan(info.high);
    expect(info.high - info.low).to.be.at.least(1024 * KiB);
  });

  it('runs wasm on a wasm stack of its own, r15 pinned MaxWasmStack below its top', () => {
    expect(native.invoke(r15rsp.address, vm.address, 0)).to.equal(Trap.None);
    const limit = Number(callI64[1]);
    const rsp = Number(callI64[0]);
    const ws = native.wasmStackInfo();
    const thread = native.stackInfo();
    expect(ws.high - ws.low).to.be.at.least(8 * 1024 * KiB);
    expect(ws.high <= thread.low || ws.low >= thread.high).to.equal(true);
    expect(rsp).to.be.within(ws.low, ws.high);
    expect(ws.limit).to.equal(0);
    expect(ws.high - limit).to.be.within(512 * KiB, 512 * KiB + 256);
    // Only the activation's record and entry frame lie between the top and wasm's rsp.
    expect(rsp - limit).to.be.within(512 * KiB - 256, 512 * KiB);
  });

  it('never puts the limit inside the host reserve at the wasm stack bottom', () => {
    const huge = makeVmctx({ maxWasmStack: 2 ** 40, hostStackReserve: 256 * KiB });
    try {
      expect(native.invoke(r15rsp.address, huge.address, 0)).to.equal(Trap.None);
      expect(Number(callI64[1])).to.equal(native.wasmStackInfo().low + 256 * KiB);
    } finally {
      huge.region.free();
    }
  });

  it('raises a host reserve below the minimum to it', () => {
    // The Engine refuses such a reserve; a vmctx holding one anyway must not put the limit
    // where the trap path or a native call would run off the wasm stack.
    const tiny = makeVmctx({ maxWasmStack: 2 ** 40, hostStackReserve: 16 });
    try {
      expect(native.invoke(r15rsp.address, tiny.address, 0)).to.equal(Trap.None);
      expect(Number(callI64[1])).to.equal(native.wasmStackInfo().low + MIN_HOST_STACK_RESERVE);
    } finally {
      tiny.region.free();
    }
  });

  it('traps with StackOverflow from unbounded recursion, with a backtrace', () => {
    expect(native.invoke(recurse.address, vm.address, 0)).to.equal(Trap.StackOverflow);
    const bt = native.lastTrapBacktrace();
    expect(bt).to.have.length(64);
    const ret = recurse.address + RECURSE_RETURN_OFFSET;
    for (const a of bt) expect(a).to.equal(ret);
  });

  it('survives repeated stack overflows and keeps working', () => {
    for (let i = 0; i < 200; i++) {
      const t = native.invoke(recurse.address, vm.address, 1);
      if (t !== Trap.StackOverflow) expect.fail(`iteration ${i}: trap ${t}`);
    }
    expect(native.invoke(r15rsp.address, vm.address, 0)).to.equal(Trap.None);
    // Deep JS recursion still works too (V8's own stack checks are unaffected).
    const depth = (n: number): number => (n === 0 ? 0 : 1 + depth(n - 1));
    expect(depth(5000)).to.equal(5000);
  });

  it('testUseStack touches 200 KiB of native stack', () => {
    const a = native.testUseStack(200 * KiB);
    const b = native.testUseStack(200 * KiB);
    expect(a).to.be.a('number');
    expect(a).to.equal(b);
    expect(() => native.testUseStack(2 ** 40)).to.throw(RangeError);
    expect(() => native.testUseStack(-1)).to.throw(TypeError);
  });
});
