// The entry trampoline: argument/result areas, pinned registers, alignment, traps.
import { expect } from 'chai';

import {
  AreaStart,
  CallBufferSlots,
  callF64,
  callI32,
  callI64,
  callU32,
  hex,
  KiB,
  loadCode,
  makeVmctx,
  native,
  Trap,
  type CodeRegion,
  type TestVmctx,
} from './helpers.js';

// add2: mov rax,[rsp+8] ; add rax,[rsp+16] ; ret     (area slots 0 and 1)
const ADD2 = hex('48 8b 44 24 08  48 03 44 24 10  c3');

// multi:                        result slots 1 and 2, f64 result in xmm0
//   mov rax,[rsp+8]             48 8b 44 24 08
//   lea rcx,[rax+1]             48 8d 48 01
//   mov [rsp+16],rcx            48 89 4c 24 10
//   lea rcx,[rax+2]             48 8d 48 02
//   mov [rsp+24],rcx            48 89 4c 24 18
//   mov rax,0x400921fb54442d18  48 b8 18 2d 44 54 fb 21 09 40   (pi)
//   movq xmm0,rax               66 48 0f 6e c0
//   mov eax,99                  b8 63 00 00 00
//   ret                         c3
const MULTI = hex(`48 8b 44 24 08  48 8d 48 01  48 89 4c 24 10  48 8d 48 02  48 89 4c 24 18
  48 b8 18 2d 44 54 fb 21 09 40  66 48 0f 6e c0  b8 63 00 00 00  c3`);

// get_rsp: mov rax,rsp ; ret
const GET_RSP = hex('48 89 e0  c3');

// inc_all: adds 1 to each of 1022 area slots
//   xor ecx,ecx                 31 c9
// 1: inc qword [rsp+8+rcx*8]    48 ff 44 cc 08
//   inc ecx                     ff c1
//   cmp ecx,1022                81 f9 fe 03 00 00
//   jb 1b                       72 f1
//   ret                         c3
const INC_ALL = hex('31 c9  48 ff 44 cc 08  ff c1  81 f9 fe 03 00 00  72 f1  c3');

// read_vmctx0: mov rax,[r14] ; ret
const READ_VMCTX0 = hex('49 8b 06  c3');

// trap2: mov edi,2 ; jmp [r14+0x18]     (Unreachable, jumped to at rsp = 8 mod 16)
const TRAP2 = hex('bf 02 00 00 00  41 ff 66 18');

// clobber_trap: wreck every callee-saved register and rbp, misalign rsp, then trap.
//   mov r11,[r14+0x18]   4d 8b 5e 18
//   push rax             50             (rsp = 0 mod 16 at the jump)
//   xor ebx,ebx          31 db
//   xor r12d,r12d        45 31 e4
//   xor r13d,r13d        45 31 ed
//   xor r14d,r14d        45 31 f6
//   xor r15d,r15d        45 31 ff
//   xor ebp,ebp          31 ed
//   mov edi,5            bf 05 00 00 00
//   jmp r11              41 ff e3
const CLOBBER_TRAP = hex('4d 8b 5e 18  50  31 db  45 31 e4  45 31 ed  45 31 f6  45 31 ff  31 ed  bf 05 00 00 00  41 ff e3');

describe('native entry', () => {
  const regions: CodeRegion[] = [];
  let vm: TestVmctx;
  const code = (bytes: Uint8Array): number => {
    const r = loadCode(bytes);
    regions.push(r);
    return r.address;
  };
  let add2 = 0;

  before(() => {
    vm = makeVmctx();
    add2 = code(ADD2);
  });
  after(() => {
    for (const r of regions) r.free();
    vm.region.free();
  });

  it('exports a call buffer of CallBuffer.Slots slots with aliasing typed views', () => {
    expect(native.callBuffer.byteLength).to.equal(CallBufferSlots * 8);
    callI64[AreaStart] = -2n;
    expect(callI32[2 * AreaStart]).to.equal(-2);
    expect(callU32[2 * AreaStart + 1]).to.equal(0xffffffff);
    callF64[0] = 1.5;
    expect(new Float64Array(native.callBuffer)[0]).to.equal(1.5);
  });

  it('passes area slots and returns rax in callBuffer[1]', () => {
    callI64[AreaStart] = 40n;
    callI64[AreaStart + 1] = 2n;
    expect(native.invoke(add2, vm.address, 2)).to.equal(Trap.None);
    expect(callI64[1]).to.equal(42n);
    callI64[AreaStart] = -(1n << 62n);
    callI64[AreaStart + 1] = -(1n << 62n);
    expect(native.invoke(add2, vm.address, 2)).to.equal(Trap.None);
    expect(callI64[1]).to.equal(-(1n << 63n));
  });

  it('returns xmm0 in callBuffer[0] and copies result slots back', () => {
    const multi = code(MULTI);
    callI64[AreaStart] = 1000n;
    callI64[AreaStart + 1] = 0n;
    callI64[AreaStart + 2] = 0n;
    expect(native.invoke(multi, vm.address, 3)).to.equal(Trap.None);
    expect(callF64[0]).to.equal(Math.PI);
    expect(callI64[1]).to.equal(99n);
    expect(callI64[AreaStart + 1]).to.equal(1001n);
    expect(callI64[AreaStart + 2]).to.equal(1002n);
  });

  it('enters with rsp = 8 (mod 16) for every area size', () => {
    const getRsp = code(GET_RSP);
    for (let n = 0; n <= 9; n++) {
      expect(native.invoke(getRsp, vm.address, n)).to.equal(Trap.None);
      expect(Number(callI64[1] % 16n), `nslots=${n}`).to.equal(8);
    }
  });

  it('copies a full 1022-slot area in and out', () => {
    const incAll = code(INC_ALL);
    for (let i = 0; i < 1022; i++) callI64[AreaStart + i] = BigInt(i * 3);
    expect(native.invoke(incAll, vm.address, 1022)).to.equal(Trap.None);
    for (let i = 0; i < 1022; i++) {
      if (callI64[AreaStart + i] !== BigInt(i * 3 + 1)) expect.fail(`slot ${i} = ${callI64[AreaStart + i]}`);
    }
  });

  it('sets r14 to the vmctx', () => {
    const read = code(READ_VMCTX0);
    vm.fields[0] = 0x1234_5678_9abcn;
    expect(native.invoke(read, vm.address, 0)).to.equal(Trap.None);
    expect(callI64[1]).to.equal(0x1234_5678_9abcn);
  });

  it('rejects bad arguments without running anything', () => {
    expect(() => native.invoke(add2, vm.address, CallBufferSlots - 1)).to.throw(RangeError);
    expect(() => native.invoke(0, vm.address, 0)).to.throw(RangeError);
    expect(() => native.invoke(add2, -1, 0)).to.throw(RangeError);
    expect(() => (native.invoke as (...a: unknown[]) => number)(add2, vm.address)).to.throw(TypeError);
    expect(() => (native.invoke as (...a: unknown[]) => number)('x', vm.address, 0)).to.throw(TypeError);
  });

  it('returns the trap code when wasm jumps to TrapUnwind, 10,000 times in a row', () => {
    const trap2 = code(TRAP2);
    for (let i = 0; i < 10_000; i++) {
      const t = native.invoke(trap2, vm.address, 0);
      if (t !== Trap.Unreachable) expect.fail(`iteration ${i}: trap ${t}`);
    }
    // The outermost wasm function trapped before making a frame: nothing to report.
    expect(native.lastTrapBacktrace()).to.deep.equal([]);
    callI64[AreaStart] = 1n;
    callI64[AreaStart + 1] = 2n;
    expect(native.invoke(add2, vm.address, 2)).to.equal(Trap.None);
    expect(callI64[1]).to.equal(3n);
  });

  it('restores callee-saved registers after a trap with a wrecked rbp and misaligned rsp', () => {
    const clobber = code(CLOBBER_TRAP);
    for (let i = 0; i < 1000; i++) {
      const t = native.invoke(clobber, vm.address, 1);
      if (t !== Trap.BadConversionToInteger) expect.fail(`iteration ${i}: trap ${t}`);
    }
    // rbp = 0 is not a frame: the walk stops instead of faulting.
    expect(native.lastTrapBacktrace()).to.deep.equal([]);
    // V8 relies on rbx/r12-r15/rbp: if any were lost we would have crashed by now; exercise it.
    const s = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ i })));
    expect(JSON.parse(s)).to.have.length(1000);
  });

  it('reports StackOverflow without running when the limit leaves no room', () => {
    // HostStackReserve past the whole stack: limit above sp.
    const noRoom = makeVmctx({ hostStackReserve: 2 ** 40 });
    // MaxWasmStack below the 4 KiB minimum.
    const tiny = makeVmctx({ maxWasmStack: 2 * KiB });
    try {
      callI64[1] = 777n;
      callI64[AreaStart] = 1n;
      callI64[AreaStart + 1] = 2n;
      expect(native.invoke(add2, noRoom.address, 2)).to.equal(Trap.StackOverflow);
      expect(native.invoke(add2, tiny.address, 2)).to.equal(Trap.StackOverflow);
      expect(callI64[1]).to.equal(777n);
    } finally {
      noRoom.region.free();
      tiny.region.free();
    }
  });
});
