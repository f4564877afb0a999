// Executable code, data and reservations made by the add-on (native/src/memory.c through
// packages/runtime/src/code-memory.ts), and how the collector gives them back.
import { expect } from 'chai';

import { reserve, type Reservation } from '../../../runtime/dist/code-memory.js';
import { collectGarbage } from '../../../runtime/dist/collect.js';
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
    const d = allocData(0x200);
    expect(d.address % 16).to.equal(0);
    expect(d.buffer.byteLength).to.equal(0x200);
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
    const r = reserve(size, false) as Reservation;
    expect(r.address % 4096).to.equal(0);
    expect(r.commit(0, 64 * KiB)).to.equal(true);
    expect(r.commit(32 * 1024 * KiB, 4096)).to.equal(true);
    const write = loadCode(WRITE_PTR);
    const vm = makeVmctx();
    for (const at of [r.address, r.address + 64 * KiB - 8, r.address + 32 * 1024 * KiB]) {
      callI64[AreaStart] = BigInt(at);
      callI64[AreaStart + 1] = 0x1234n;
      expect(native.invoke(write.address, vm.address, 2)).to.equal(Trap.None);
      expect(callI64[1]).to.equal(0x1234n);
    }
    // What native code wrote, an alias of the committed pages reads.
    expect(new BigUint64Array(r.alias(64 * KiB))[0]).to.equal(0x1234n);
    // Decommitted pages come back zero-filled when committed again.
    r.decommit(0, 64 * KiB);
    expect(r.commit(0, 64 * KiB)).to.equal(true);
    expect(new BigUint64Array(r.alias(64 * KiB))[0]).to.equal(0n);
  });

  it('checks every span against the reservation; no address from JS is trusted', () => {
    const r = reserve(8 * 4096, false) as Reservation;
    // Through the public methods: past the end, unaligned, negative.
    expect(() => r.commit(8 * 4096, 4096)).to.throw(RangeError, /outside the reservation/);
    expect(() => r.commit(4096, 8 * 4096)).to.throw(RangeError, /outside the reservation/);
    expect(() => r.commit(100, 4096)).to.throw(RangeError, /outside the reservation/);
    expect(() => r.commit(-4096, 4096)).to.throw(RangeError);
    expect(() => r.alias(9 * 4096)).to.throw(RangeError, /outside the reservation/);
    expect(() => r.decommit(0, 2 ** 40)).to.throw(RangeError, /outside the reservation/);
    // The add-on directly, with forged owners: plain objects, data buffers, other kinds.
    const code = native.mapCode(hex('c3'));
    expect(code).to.be.an('array');
    const codeOwner = (code as [object, number])[0];
    for (const [i, forged] of [{}, null, 0x1000, new ArrayBuffer(8), codeOwner].entries()) {
      expect(() => native.commitMemory(forged as object, 0, 4096), `forged owner ${i}`).to.throw(TypeError);
      expect(() => native.memoryBuffer(forged as object, 4096)).to.throw(TypeError);
    }
    expect(() => native.mapCode([1, 2, 3] as unknown as Uint8Array)).to.throw(TypeError);
    // Released early: later use is a clean error.
    native.releaseMapping(codeOwner);
    native.releaseMapping(codeOwner);
    const res = native.reserveMemory(4096, false) as [object, number];
    native.releaseMapping(res[0]);
    expect(() => native.commitMemory(res[0], 0, 4096)).to.throw(Error, /released/);
  });

  it('gives code, reservations and their fault-handler slots back when collected', () => {
    collectGarbage();
    const start = native.signalRanges();
    // Dropped without free(): only the collector can give these back.
    for (let i = 0; i < 200; i++) {
      loadCode(hex('c3'));
      reserve(2 ** 33, true);
    }
    expect(native.signalRanges().code - start.code).to.equal(200);
    expect(native.signalRanges().memory - start.memory).to.equal(200);
    // Synchronously, inside this job: the owners' finalizers run during the collection.
    collectGarbage();
    expect(native.signalRanges()).to.deep.equal(start);
  });

  it('collects and retries when address space runs out inside a synchronous loop', () => {
    // 20,000 x 8 GiB is 160 TiB, more than the 128 TiB of user address space: without
    // collections during the loop, reserve() would fail near 16,000.
    const before = native.signalRanges().memory;
    // In a function of its own, so that no interpreter register still holds the last one.
    const reserveMany = (n: number): number => {
      let made = 0;
      for (let i = 0; i < n; i++) if (typeof reserve(2 ** 33, true) !== 'string') made++;
      return made;
    };
    expect(reserveMany(20_000)).to.equal(20_000);
    collectGarbage();
    expect(native.signalRanges().memory).to.equal(before);
  });
});
