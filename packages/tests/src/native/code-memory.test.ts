// Executable/data mappings made through ffi-rs (packages/runtime/src/code-memory.ts).
import { expect } from 'chai';

import { commit, release, reserve } from '../../../runtime/dist/code-memory.js';
import { AreaStart, callI64, hex, KiB, allocData, loadCode, makeVmctx, native, Trap } from './helpers.js';

// write_ptr: *(u64 *)slot0 = slot1; return *(u64 *)slot0
//   mov rax,[rsp+8]    48 8b 44 24 08
//   mov rcx,[rsp+16]   48 8b 4c 24 10
//   mov [rax],rcx      48 89 08
//   mov rax,[rax]      48 8b 00
//   ret                c3
const WRITE_PTR = hex('48 8b 44 24 08  48 8b 4c 24 10  48 89 08  48 8b 00  c3');
// read_vmctx0: mov rax,[r14] ; ret
const READ_VMCTX0 = hex('49 8b 06  c3');

describe('code memory', () => {
  it('loads code into page-aligned executable pages', () => {
    const small = loadCode(hex('c3'));
    expect(small.address % 4096).to.equal(0);
    expect(small.size).to.equal(4096);
    // 5000 bytes: ret, then padding. Spans two pages.
    const bytes = new Uint8Array(5000).fill(0xcc);
    bytes[0] = 0xc3;
    const big = loadCode(bytes);
    expect(big.size).to.equal(8192);
    const vm = makeVmctx();
    try {
      expect(native.invoke(small.address, vm.address, 0)).to.equal(Trap.None);
      expect(native.invoke(big.address, vm.address, 0)).to.equal(Trap.None);
    } finally {
      small.free();
      small.free(); // idempotent
      big.free();
      vm.region.free();
    }
  });

  it('allocates zeroed data whose buffer aliases the native memory', () => {
    const d = allocData(100);
    expect(d.size).to.equal(4096);
    expect(d.buffer.byteLength).to.equal(4096);
    expect(new Uint8Array(d.buffer).every((b) => b === 0)).to.equal(true);
    // The region is used as a vmctx: what JS writes, native code reads, and vice versa.
    const h = native.helperAddresses();
    const f = new BigUint64Array(d.buffer);
    f[0x18 / 8] = BigInt(h.trapUnwind);
    f[0x30 / 8] = BigInt(512 * KiB);
    f[0x38 / 8] = BigInt(256 * KiB);
    f[0] = 0xfeedn;
    const read = loadCode(READ_VMCTX0);
    const write = loadCode(WRITE_PTR);
    try {
      expect(native.invoke(read.address, d.address, 0)).to.equal(Trap.None);
      expect(callI64[1]).to.equal(0xfeedn);
      callI64[AreaStart] = BigInt(d.address + 0x100);
      callI64[AreaStart + 1] = 0x5eedn;
      expect(native.invoke(write.address, d.address, 2)).to.equal(Trap.None);
      expect(f[0x100 / 8]).to.equal(0x5eedn);
    } finally {
      read.free();
      write.free();
      d.free();
    }
  });

  it('survives many map/unmap cycles reusing the same addresses', () => {
    for (let i = 0; i < 2000; i++) {
      const d = allocData(64);
      new Uint8Array(d.buffer)[0] = i & 0xff;
      d.free();
      const c = loadCode(hex('c3'));
      c.free();
    }
  });

  it('reserves address space and commits parts of it', () => {
    const size = 64 * 1024 * KiB;
    const base = reserve(size);
    expect(base % 4096).to.equal(0);
    commit(base, 64 * KiB);
    commit(base + 32 * 1024 * KiB, 4096);
    const write = loadCode(WRITE_PTR);
    const vm = makeVmctx();
    try {
      for (const at of [base, base + 64 * KiB - 8, base + 32 * 1024 * KiB]) {
        callI64[AreaStart] = BigInt(at);
        callI64[AreaStart + 1] = 0x1234n;
        expect(native.invoke(write.address, vm.address, 2)).to.equal(Trap.None);
        expect(callI64[1]).to.equal(0x1234n);
      }
    } finally {
      write.free();
      vm.region.free();
      release(base, size);
    }
  });

  it('reports mmap/mprotect failures as RangeError', () => {
    expect(() => allocData(2 ** 52)).to.throw(RangeError, /mmap.*errno/);
    expect(() => commit(12345, 4096)).to.throw(RangeError);
    expect(() => allocData(-1)).to.throw(RangeError);
    // mprotect on an address that is not mapped: ENOMEM.
    const base = reserve(4096);
    release(base, 4096);
    expect(() => commit(base, 4096)).to.throw(RangeError, /mprotect.*errno/);
  });
});
