// Host calls (wasm suspends, the JS side runs the call and resumes it), exceptions, and
// nested entries on the wasm stack.
import { expect } from 'chai';

import {
  AreaStart,
  callF64,
  callI64,
  callU32,
  hex,
  HostCall,
  HostCallTarget,
  invokeWith,
  KiB,
  loadCode,
  makeVmctx,
  native,
  SuspendSerial,
  Trap,
  type CodeRegion,
  type Dispatcher,
  type TestVmctx,
} from './helpers.js';

// host7: copies its two params into an outgoing area, calls import 7 through
// vmctx[HostCall], traps with the returned code if nonzero, else returns slot0 + slot1.
//   0x00 push rbp              55
//   0x01 mov rbp,rsp           48 89 e5
//   0x04 push r14              41 56            [rbp-8] = vmctx
//   0x06 sub rsp,24            48 83 ec 18      rsp = 0 mod 16, area at [rsp], [rsp+8]
//   0x0a mov rax,[rbp+16]      48 8b 45 10
//   0x0e mov [rsp],rax         48 89 04 24
//   0x12 mov rax,[rbp+24]      48 8b 45 18
//   0x16 mov [rsp+8],rax       48 89 44 24 08
//   0x1b mov rdi,r14           4c 89 f7
//   0x1e mov esi,7             be 07 00 00 00
//   0x23 mov rdx,rsp           48 89 e2
//   0x26 mov ecx,2             b9 02 00 00 00
//   0x2b call [r14+0x10]       41 ff 56 10
//   0x2f mov r14,[rbp-8]       4c 8b 75 f8
//   0x33 test eax,eax          85 c0
//   0x35 jnz 0x42              75 0b
//   0x37 mov rax,[rsp]         48 8b 04 24
//   0x3b add rax,[rsp+8]       48 03 44 24 08
//   0x40 leave                 c9
//   0x41 ret                   c3
//   0x42 mov edi,eax           89 c7
//   0x44 jmp [r14+0x18]        41 ff 66 18
const HOST7 = hex(`55  48 89 e5  41 56  48 83 ec 18  48 8b 45 10  48 89 04 24  48 8b 45 18  48 89 44 24 08
  4c 89 f7  be 07 00 00 00  48 89 e2  b9 02 00 00 00  41 ff 56 10  4c 8b 75 f8  85 c0  75 0b
  48 8b 04 24  48 03 44 24 08  c9  c3  89 c7  41 ff 66 18`);

// add2: mov rax,[rsp+8] ; add rax,[rsp+16] ; ret
const ADD2 = hex('48 8b 44 24 08  48 03 44 24 10  c3');
// trap2: mov edi,2 ; jmp [r14+0x18]
const TRAP2 = hex('bf 02 00 00 00  41 ff 66 18');
// get_r15: mov rax,r15 ; ret
const GET_R15 = hex('4c 89 f8  c3');
// r15_rsp: mov rax,r15 ; movq xmm0,rsp ; ret     (limit in rax, entry rsp in xmm0)
const R15_RSP = hex('4c 89 f8  66 48 0f 6e c4  c3');

describe('native host calls', () => {
  let vm: TestVmctx;
  let host7: CodeRegion, add2: CodeRegion, trap2: CodeRegion, getR15: CodeRegion, r15rsp: CodeRegion;
  const args2 = (a: bigint, b: bigint): void => {
    callI64[AreaStart] = a;
    callI64[AreaStart + 1] = b;
  };
  const callHost7 = (a: bigint, b: bigint, dispatch: Dispatcher): number => {
    args2(a, b);
    return invokeWith(host7.address, vm.address, 2, dispatch);
  };
  /** The wasm stack holds no activation: nothing was left behind. */
  const expectIdle = (): void => {
    expect(native.wasmStackInfo().limit).to.equal(0);
  };

  before(() => {
    vm = makeVmctx({ instanceId: 42 });
    host7 = loadCode(HOST7);
    add2 = loadCode(ADD2);
    trap2 = loadCode(TRAP2);
    getR15 = loadCode(GET_R15);
    r15rsp = loadCode(R15_RSP);
  });
  after(() => {
    for (const r of [host7, add2, trap2, getR15, r15rsp]) r.free();
    vm.region.free();
  });

  it('suspends with the instance id and import index, args in the buffer, and resumes with the results', () => {
    const seen: [number, number, bigint, bigint][] = [];
    const dispatch = (): void => {
      const instanceId = callU32[2 * HostCallTarget]!;
      const importIndex = callU32[2 * HostCallTarget + 1]!;
      const a = callI64[AreaStart]!;
      const b = callI64[AreaStart + 1]!;
      seen.push([instanceId, importIndex, a, b]);
      callI64[AreaStart] = a * 2n;
      callI64[AreaStart + 1] = b * 3n;
    };
    args2(10n, 100n);
    expect(native.invoke(host7.address, vm.address, 2)).to.equal(HostCall);
    expect(native.wasmStackInfo().limit).to.be.greaterThan(0);
    dispatch();
    expect(native.resume()).to.equal(undefined);
    expect(callI64[1]).to.equal(320n);
    expect(seen).to.deep.equal([[42, 7, 10n, 100n]]);
    expectIdle();
    for (let i = 0; i < 10_000; i++) {
      if (callHost7(BigInt(i), 1n, dispatch) !== Trap.None || callI64[1] !== BigInt(2 * i + 3)) expect.fail(`iteration ${i}`);
    }
    expectIdle();
  });

  it('drops the activation when the host call throws: the same value propagates, nothing is left', () => {
    const err = new Error('boom');
    expect(() => callHost7(1n, 2n, () => {
      throw err;
    })).to.throw(err);
    expectIdle();
    let thrown: unknown;
    try {
      callHost7(1n, 2n, () => {
        throw 42;
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).to.equal(42);
    for (let i = 0; i < 1000; i++) {
      try {
        callHost7(0n, 0n, () => {
          throw i;
        });
      } catch {
        // expected
      }
    }
    expectIdle();
    expect(callHost7(3n, 4n, () => {})).to.equal(Trap.None);
    expect(callI64[1]).to.equal(7n);
  });

  it('refuses to resume or drop anything but a suspended activation of this thread', () => {
    callF64[SuspendSerial] = 0;
    expect(() => native.resume()).to.throw(/no suspended wasm activation/);
    expect(() => native.abandon()).to.throw(/no suspended wasm activation/);
    args2(1n, 2n);
    expect(native.invoke(host7.address, vm.address, 2)).to.equal(HostCall);
    const serial = callF64[SuspendSerial]!;
    callF64[SuspendSerial] = serial + 1;
    expect(() => native.resume()).to.throw(/no suspended wasm activation/);
    callF64[SuspendSerial] = serial;
    callI64[AreaStart] = 5n;
    callI64[AreaStart + 1] = 6n;
    expect(native.resume()).to.equal(undefined);
    expect(callI64[1]).to.equal(11n);
    // Resuming a finished activation again is refused: it could run wasm with stale results.
    callF64[SuspendSerial] = serial;
    expect(() => native.resume()).to.throw(/no suspended wasm activation/);
    expectIdle();
  });

  it('allows a nested invoke from inside a host call', () => {
    const dispatch = (): void => {
      const a = callI64[AreaStart]!;
      const b = callI64[AreaStart + 1]!;
      // Inner call reuses the buffer: args in, result out, then restore our results.
      callI64[AreaStart] = a;
      callI64[AreaStart + 1] = 1000n;
      expect(native.invoke(add2.address, vm.address, 2)).to.equal(Trap.None);
      const inner = callI64[1]!;
      callI64[AreaStart] = inner;
      callI64[AreaStart + 1] = b;
    };
    expect(callHost7(5n, 7n, dispatch)).to.equal(Trap.None);
    expect(callI64[1]).to.equal(1012n);
  });

  it('unwinds only the inner entry when a nested call traps', () => {
    let innerTrap = -1;
    const dispatch = (): void => {
      innerTrap = native.invoke(trap2.address, vm.address, 0);
      callI64[AreaStart] = 1n;
      callI64[AreaStart + 1] = 2n;
    };
    expect(callHost7(0n, 0n, dispatch)).to.equal(Trap.None);
    expect(innerTrap).to.equal(Trap.Unreachable);
    expect(callI64[1]).to.equal(3n);
    expectIdle();
  });

  it('gives a nested entry the wasm budget the outer entry left', () => {
    // The outer wasm (host7) uses a few hundred bytes of its 1 MiB before its host call; the
    // nested entry starts right below it on the wasm stack and finds the rest.
    const outerVm = makeVmctx({ instanceId: 42, maxWasmStack: 1024 * KiB });
    const innerVm = makeVmctx({ maxWasmStack: 2 ** 40 });
    let headroom = -1;
    try {
      args2(0n, 0n);
      expect(invokeWith(host7.address, outerVm.address, 2, () => {
        expect(native.invoke(r15rsp.address, innerVm.address, 0)).to.equal(Trap.None);
        headroom = Number(callI64[0]!) - Number(callI64[1]!); // rsp - r15
      })).to.equal(Trap.None);
      expect(headroom).to.be.within(1024 * KiB - 1024, 1024 * KiB);
    } finally {
      outerVm.region.free();
      innerVm.region.free();
    }
  });

  it('bounds a nested entry by the wasm stack reserve and by its own maxWasmStack', () => {
    // The outer vmctx's budget reaches past the wasm stack, so its limit is low + reserve; so
    // is the nested one's, with its own reserve. A nested vmctx with no budget gets no room.
    const outerVm = makeVmctx({ instanceId: 42, maxWasmStack: 2 ** 40, hostStackReserve: 256 * KiB });
    const innerVm = makeVmctx({ maxWasmStack: 2 ** 40, hostStackReserve: 300 * KiB });
    const noBudget = makeVmctx({ maxWasmStack: 0 });
    let inner: [number, bigint, number] = [-1, 0n, -1];
    try {
      args2(0n, 0n);
      expect(invokeWith(host7.address, outerVm.address, 2, () => {
        inner = [native.invoke(getR15.address, innerVm.address, 0), callI64[1]!, native.invoke(getR15.address, noBudget.address, 0)];
      })).to.equal(Trap.None);
      expect(inner[0]).to.equal(Trap.None);
      expect(Number(inner[1])).to.equal(native.wasmStackInfo().low + 300 * KiB);
      expect(inner[2]).to.equal(Trap.StackOverflow);
    } finally {
      outerVm.region.free();
      innerVm.region.free();
      noBudget.region.free();
    }
  });

  it('propagates an exception through nested entries, dropping each activation', () => {
    const err = new TypeError('deep');
    let depth = 0;
    const dispatch = (): void => {
      if (++depth < 20) {
        args2(0n, 0n);
        invokeWith(host7.address, vm.address, 2, dispatch);
        return;
      }
      throw err;
    };
    expect(() => callHost7(0n, 0n, dispatch)).to.throw(err);
    expect(depth).to.equal(20);
    expectIdle();
  });

  it('recurses wasm -> JS -> wasm 100 deep and unwinds cleanly', () => {
    let depth = 0;
    const dispatch = (): void => {
      if (++depth < 100) {
        args2(0n, 0n);
        const t = invokeWith(host7.address, vm.address, 2, dispatch);
        if (t !== Trap.None) throw new Error(`trap ${t} at depth ${depth}`);
      }
      callI64[AreaStart] = 1n;
      callI64[AreaStart + 1] = 0n;
    };
    expect(callHost7(0n, 0n, dispatch)).to.equal(Trap.None);
    expect(callI64[1]).to.equal(1n);
    expect(depth).to.equal(100);
    expectIdle();
  });

  it('ends unbounded wasm -> JS -> wasm recursion with StackOverflow once the shared wasm budget is used', () => {
    // Only wasm-stack bytes count: host7, the activation's record and entry frame and the
    // suspended host call take a few hundred bytes a level; the JS frames between levels are
    // on the thread's stack. 16 KiB then lasts some tens of levels.
    const small = makeVmctx({ instanceId: 42, maxWasmStack: 16 * KiB });
    let depth = 0;
    let innermost = -1;
    const dispatch = (): void => {
      depth++;
      args2(0n, 0n);
      const t = invokeWith(host7.address, small.address, 2, dispatch);
      innermost = t;
      throw new Error(`trap ${t}`);
    };
    try {
      args2(0n, 0n);
      expect(() => invokeWith(host7.address, small.address, 2, dispatch)).to.throw(`trap ${Trap.StackOverflow}`);
    } finally {
      small.region.free();
    }
    expect(innermost).to.equal(Trap.StackOverflow);
    expect(depth).to.be.within((16 * KiB) / 512, (16 * KiB) / 64);
    expectIdle();
    expect(callHost7(3n, 4n, () => {})).to.equal(Trap.None);
    expect(callI64[1]).to.equal(7n);
  });
});
