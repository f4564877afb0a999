// Linear-memory lowering against V8: every load/store width at the memory's edge (last valid
// byte, first invalid), offsets up to 2^32 - 1 with addresses near 2^32 (the effective address
// must not wrap), register and constant addresses, constant and register values, memory.size
// and memory.grow, and the bulk-memory builtins. Traps are compared by name.
import { expect } from 'chai';
import { Memory, RuntimeError } from '@wasmjit/runtime';
import { wat, both, type Both } from '../util/wat.js';
import { rng } from '../util/rng.js';

const PAGE = 65536;

type Outcome = { value: unknown } | { trap: string } | { error: string };

function ours(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof RuntimeError) return { trap: e.trap };
    return { error: String(e) };
  }
}

function v8(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError && /out of bounds/.test(e.message)) return { trap: 'out_of_bounds_memory' };
    return { error: String(e) };
  }
}

function expectSame(b: Both, name: string, args: unknown[], what = name): void {
  const o = ours(() => b.ours[name]!(...args));
  const v = v8(() => b.v8[name]!(...args));
  expect(o, `${what}(${args.join(', ')})`).to.deep.equal(v);
}

/** The same pseudo-random bytes in both engines' memories (written from JS). */
function fillBoth(b: Both, seed: number): void {
  const r = rng(seed);
  const [a, c] = bothMemories(b);
  expect(a.length).to.equal(c.length);
  for (let i = 0; i < a.length; i++) a[i] = c[i] = Math.floor(r() * 256);
}

function bothMemories(b: Both): [Uint8Array, Uint8Array] {
  return [new Uint8Array((b.ours.mem as unknown as Memory).buffer), new Uint8Array((b.v8.mem as unknown as WebAssembly.Memory).buffer)];
}

function expectSameMemory(b: Both, what: string): void {
  const [a, c] = bothMemories(b);
  expect(a.length, `${what}: memory length`).to.equal(c.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) expect.fail(`${what}: byte ${i} is ${a[i]}, V8 has ${c[i]}`);
}

const LOADS: [string, string, number][] = [
  ['i32', 'load', 4], ['i64', 'load', 8], ['f32', 'load', 4], ['f64', 'load', 8],
  ['i32', 'load8_s', 1], ['i32', 'load8_u', 1], ['i32', 'load16_s', 2], ['i32', 'load16_u', 2],
  ['i64', 'load8_s', 1], ['i64', 'load8_u', 1], ['i64', 'load16_s', 2], ['i64', 'load16_u', 2],
  ['i64', 'load32_s', 4], ['i64', 'load32_u', 4],
];
const STORES: [string, string, number][] = [
  ['i32', 'store', 4], ['i64', 'store', 8], ['f32', 'store', 4], ['f64', 'store', 8],
  ['i32', 'store8', 1], ['i32', 'store16', 2], ['i64', 'store8', 1], ['i64', 'store16', 2], ['i64', 'store32', 4],
];

// Offsets: small, the largest displacement, the first that is not one, and the largest u32.
const OFFSETS = [0, 1, 3, 0x7fffffff, 0x80000000, 0xffffffff];
const CONST_ADDRS = [0, 1, PAGE - 8, PAGE - 4, PAGE - 3, PAGE - 1, PAGE, 0x7ffffffc, 0x80000000, 0xfffffff8, 0xffffffff];

/** Register addresses around the edge of one page for a `size`-byte access at `offset`. */
function edgeAddrs(size: number, offset: number): number[] {
  const out = [0, 1, 7, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc];
  const last = PAGE - size - offset; // the last valid address, when there is one
  for (const a of [last - 1, last, last + 1, PAGE - size, PAGE - size + 1, PAGE - 1, PAGE]) {
    if (a >= 0 && a <= 0xffffffff) out.push(a);
  }
  return out;
}

/** True when wasmjit compiles `(module <text>` (ops of families that may not exist yet). */
async function compiles(text: string): Promise<boolean> {
  const { Engine, CompileError } = await import('@wasmjit/runtime');
  try {
    new Engine().compile(await wat(`(module ${text}`));
    return true;
  } catch (e) {
    if (e instanceof CompileError && /unsupported opcode/.test(e.message)) return false;
    throw e;
  }
}

function i32(a: number): number {
  return a | 0;
}

describe('memory: loads match V8', () => {
  for (const [t, op, size] of LOADS) {
    it(`${t}.${op}`, async () => {
      let funcs = '';
      OFFSETS.forEach((o, i) => {
        funcs += `(func (export "r${i}") (param i32) (result ${t}) local.get 0 ${t}.${op} offset=${o})\n`;
      });
      CONST_ADDRS.forEach((a, j) => {
        OFFSETS.forEach((o, i) => {
          funcs += `(func (export "c${j}_${i}") (result ${t}) i32.const ${i32(a)} ${t}.${op} offset=${o})\n`;
        });
      });
      const b = both(await wat(`(module (memory (export "mem") 1) ${funcs})`));
      fillBoth(b, size);
      OFFSETS.forEach((o, i) => {
        for (const a of edgeAddrs(size, o)) expectSame(b, `r${i}`, [i32(a)], `${t}.${op} offset=${o}`);
      });
      CONST_ADDRS.forEach((a, j) => {
        OFFSETS.forEach((o, i) => expectSame(b, `c${j}_${i}`, [], `${t}.${op} const ${a} offset=${o}`));
      });
    });
  }

  it('traps with out_of_bounds_memory at the first invalid address, not at the last valid one', async () => {
    const b = both(await wat(`(module (memory (export "mem") 1)
      (func (export "f") (param i32) (result i64) local.get 0 i64.load offset=8))`));
    expect(() => b.ours.f!(PAGE - 16)).not.to.throw();
    expect(ours(() => b.ours.f!(PAGE - 15))).to.deep.equal({ trap: 'out_of_bounds_memory' });
    expect(ours(() => b.ours.f!(-1))).to.deep.equal({ trap: 'out_of_bounds_memory' });
  });

  it('narrow signed loads keep the i32 zero-extension invariant', async () => {
    // i32.load8_s of 0xff is -1; extending it unsigned must give 0xffffffff, not -1.
    const b = both(await wat(`(module (memory (export "mem") 1)
      (func (export "f8") (param i32) (result i64) local.get 0 i32.load8_s i64.extend_i32_u)
      (func (export "f16") (param i32) (result i64) local.get 0 i32.load16_s i64.extend_i32_u))`));
    fillBoth(b, 9);
    for (let a = 0; a < 64; a++) {
      expectSame(b, 'f8', [a]);
      expectSame(b, 'f16', [a]);
    }
  });

  it('loads under register pressure (spilled addresses and results)', async () => {
    const n = 30;
    let body = '';
    for (let i = 0; i < n; i++) body += `local.get 0 i32.const ${i * 13} i32.add i32.load offset=${i}\n`;
    for (let i = 0; i < n - 1; i++) body += i % 2 ? 'i32.xor\n' : 'i32.add\n';
    let body64 = '';
    for (let i = 0; i < n; i++) body64 += `local.get 0 i64.load16_s offset=${i * 3}\n`;
    for (let i = 0; i < n - 1; i++) body64 += 'i64.sub\n';
    // 20 (address, f64) pairs live at once, then stored in reverse: more than the xmm and gpr
    // files hold, so both spill.
    let bodyF = '';
    for (let i = 0; i < 20; i++) bodyF += `local.get 0 i32.const ${i * 8} i32.add  local.get 0 f64.load offset=${i * 8}\n`;
    for (let i = 0; i < 20; i++) bodyF += `f64.store offset=${1000 + i}\n`;
    const b = both(await wat(`(module (memory (export "mem") 1)
      (func (export "f") (param i32) (result i32) ${body})
      (func (export "g") (param i32) (result i64) ${body64})
      (func (export "h") (param i32) ${bodyF}))`));
    fillBoth(b, 11);
    for (const a of [0, 1, 100, 65000, 65100, 65535]) {
      expectSame(b, 'f', [a]);
      expectSame(b, 'g', [a]);
    }
    for (const a of [0, 8, 300]) expectSame(b, 'h', [a]);
    expectSameMemory(b, 'spilled f64 loads and stores');
  });
});

describe('memory: stores match V8', () => {
  const VALUES: Record<string, unknown[]> = {
    i32: [0, 1, -1, 0x7f, 0x80, 0xff, 0x1234, 0x8000, 0x12345678, -0x80000000],
    i64: [0n, -1n, 0x7fn, 0x1234n, 0x12345678n, 0x7fffffffn, 0x80000000n, -0x80000000n, 0x123456789abcdef0n, -0x8000000000000000n],
    f32: [0, -0, 1.5, -3.25, Infinity, 1e-40],
    f64: [0, -0, 1.5, -3.25, Infinity, 1e-310, 123456789.125],
  };
  const CONSTS: Record<string, string[]> = {
    i32: ['0', '-1', '0x7f', '0x1ff', '0x12345678', '-0x80000000'],
    i64: ['0', '-1', '0x7fffffff', '0x80000000', '-0x80000000', '0x123456789abcdef0', '-0x8000000000000000'],
    f32: ['0', '-0', '1.5', 'nan', '-inf'],
    f64: ['0', '-0', '1.5', '0x1.23456789abcdp+100', 'nan', '-inf'],
  };
  for (const [t, op, size] of STORES) {
    it(`${t}.${op}`, async function () {
      // Float constants come from the float family; without it only that part is skipped.
      if ((t === 'f32' || t === 'f64') && !(await compiles(`(func (result ${t}) ${t}.const 1))`))) this.skip();
      let funcs = '';
      OFFSETS.forEach((o, i) => {
        funcs += `(func (export "r${i}") (param i32 ${t}) local.get 0 local.get 1 ${t}.${op} offset=${o})\n`;
        CONSTS[t]!.forEach((c, k) => {
          funcs += `(func (export "v${i}_${k}") (param i32) local.get 0 ${t}.const ${c} ${t}.${op} offset=${o})\n`;
        });
      });
      CONST_ADDRS.forEach((a, j) => {
        OFFSETS.forEach((o, i) => {
          funcs += `(func (export "c${j}_${i}") (param ${t}) i32.const ${i32(a)} local.get 0 ${t}.${op} offset=${o})\n`;
        });
      });
      const b = both(await wat(`(module (memory (export "mem") 1) ${funcs})`));
      fillBoth(b, size + 100);
      OFFSETS.forEach((o, i) => {
        for (const a of edgeAddrs(size, o)) {
          for (const v of VALUES[t]!) expectSame(b, `r${i}`, [i32(a), v], `${t}.${op} offset=${o}`);
          CONSTS[t]!.forEach((c, k) => expectSame(b, `v${i}_${k}`, [i32(a)], `${t}.${op} const ${c} offset=${o}`));
        }
      });
      CONST_ADDRS.forEach((a, j) => {
        OFFSETS.forEach((o, i) => expectSame(b, `c${j}_${i}`, [VALUES[t]![2]], `${t}.${op} const addr ${a} offset=${o}`));
      });
      expectSameMemory(b, `${t}.${op}`);
    });
  }

  it('a trapping store writes nothing (no partial write at the edge)', async () => {
    const b = both(await wat(`(module (memory (export "mem") 1)
      (func (export "f") (param i32 i64) local.get 0 local.get 1 i64.store))`));
    fillBoth(b, 3);
    for (let a = PAGE - 8; a <= PAGE; a++) expectSame(b, 'f', [a, -1n]);
    expectSameMemory(b, 'edge stores');
  });

  it('stores whose value and address come from spilled slots and locals', async () => {
    let body = '';
    for (let i = 0; i < 24; i++) body += `local.get 0 i32.const ${i * 4} i32.add\n`;
    for (let i = 0; i < 12; i++) body += `local.get 1 i32.const ${i} i32.add i32.store offset=${i * 2}\n`;
    for (let i = 0; i < 12; i++) body += `drop\n`;
    const b = both(await wat(`(module (memory (export "mem") 1)
      (func (export "f") (param i32 i32) ${body})
      (func (export "g") (param i32 f32 f64) local.get 0 local.get 1 f32.store offset=1 local.get 0 local.get 2 f64.store offset=9))`));
    for (const a of [0, 7, 1000, 65400]) expectSame(b, 'f', [a, a * 31]);
    expectSame(b, 'g', [500, 2.5, -1.25]);
    expectSame(b, 'g', [65525, 2.5, -1.25]);
    expectSameMemory(b, 'spilled stores');
  });
});

describe('memory: size and grow', () => {
  const W = `(module (memory (export "mem") 1 4)
    (func (export "size") (result i32) memory.size)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "load") (param i32) (result i32) local.get 0 i32.load)
    (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store))`;

  it('grows within the maximum, returns -1 beyond it, and moves the bound', async () => {
    const b = both(await wat(W));
    expectSame(b, 'size', []);
    expectSame(b, 'load', [PAGE]);
    for (const d of [0, 1, 2, 2, 1, 0, -1, 0x10000]) {
      expectSame(b, 'grow', [d]);
      expectSame(b, 'size', []);
    }
    for (const a of [PAGE, 4 * PAGE - 4, 4 * PAGE - 3, 4 * PAGE]) expectSame(b, 'load', [a]);
  });

  it('the buffer aliases the memory both ways, across grows', async () => {
    const b = both(await wat(W));
    const x = b.ours;
    const mem = x.mem as unknown as Memory;
    const before = mem.buffer;
    expect(before.byteLength).to.equal(PAGE);
    new DataView(before).setInt32(100, 0x11223344, true);
    expect(x.load!(100)).to.equal(0x11223344);
    x.store!(200, 0x55667788);
    expect(new DataView(mem.buffer).getInt32(200, true)).to.equal(0x55667788);

    expect(x.grow!(2)).to.equal(1);
    const after = mem.buffer;
    expect(after).to.not.equal(before);
    expect(after.byteLength).to.equal(3 * PAGE);
    expect(mem.buffer).to.equal(after, 'the same buffer until the next grow');
    // The old buffer is detached by the grow from wasm, as V8's is.
    expect(before.byteLength).to.equal(0);
    const v8Before = (b.v8.mem as unknown as WebAssembly.Memory).buffer;
    b.v8.grow!(2);
    expect(v8Before.byteLength).to.equal(before.byteLength);
    new DataView(after).setInt32(300, 7, true);
    expect(x.load!(300)).to.equal(7);
    new DataView(after).setInt32(2 * PAGE + 8, -5, true);
    expect(x.load!(2 * PAGE + 8)).to.equal(-5);
    x.store!(3 * PAGE - 4, 99);
    expect(new DataView(mem.buffer).getInt32(3 * PAGE - 4, true)).to.equal(99);
    // New pages are zero.
    expect(x.load!(PAGE + 12)).to.equal(0);
  });

  it('Memory.grow from JS is seen by the code (size and bounds)', async () => {
    const b = both(await wat(W));
    const mem = b.ours.mem as unknown as Memory;
    expect(ours(() => b.ours.load!(PAGE))).to.deep.equal({ trap: 'out_of_bounds_memory' });
    expect(mem.grow(1)).to.equal(1);
    expect(b.ours.size!()).to.equal(2);
    expect(b.ours.load!(PAGE)).to.equal(0);
    expect(() => mem.grow(3)).to.throw(RangeError);
    expect(b.ours.grow!(2)).to.equal(2);
    expect(mem.buffer.byteLength).to.equal(4 * PAGE);
  });

  it('a memory without maximum grows up to the wasm32 limit only', async () => {
    const b = both(await wat(`(module (memory (export "mem") 0)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))`));
    expect(ours(() => b.ours.load!(0))).to.deep.equal({ trap: 'out_of_bounds_memory' });
    expect(b.ours.grow!(0x10001)).to.equal(-1);
    expect(b.ours.grow!(1)).to.equal(0);
    expect(b.ours.load!(PAGE - 1)).to.equal(0);
  });
});

describe('memory: sharing between instances', () => {
  it('an exported Memory imported by another instance: one memory, grows seen by both', async () => {
    const a = both(await wat(`(module (memory (export "mem") 1 8)
      (func (export "load") (param i32) (result i32) local.get 0 i32.load)
      (func (export "size") (result i32) memory.size))`));
    const mem = a.ours.mem as unknown as Memory;
    expect(mem).to.be.instanceOf(Memory);
    const bBytes = await wat(`(module (import "env" "mem" (memory 1))
      (export "mem" (memory 0))
      (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))`);
    const { Engine } = await import('@wasmjit/runtime');
    const e = new Engine();
    const b = e.instantiate(e.compile(bBytes), { env: { mem } }).exports as Record<string, (...args: number[]) => number>;
    expect(b.mem, 'memory identity survives import and re-export').to.equal(mem);
    b.store!(40, 1234);
    expect(a.ours.load!(40)).to.equal(1234);
    expect(b.grow!(3)).to.equal(1);
    expect(a.ours.size!()).to.equal(4);
    b.store!(4 * PAGE - 4, 77);
    expect(a.ours.load!(4 * PAGE - 4)).to.equal(77);
    expect(new DataView(mem.buffer).getInt32(4 * PAGE - 4, true)).to.equal(77);
  });

  it('rejects memories that do not match the import (LinkError)', async () => {
    const { Engine, LinkError } = await import('@wasmjit/runtime');
    const e = new Engine();
    const m = e.compile(await wat(`(module (import "env" "mem" (memory 2 4)))`));
    const link = (mem: unknown): unknown => e.instantiate(m, { env: { mem } });
    expect(() => link(new Memory({ initial: 1, maximum: 4 }))).to.throw(LinkError);
    expect(() => link(new Memory({ initial: 2 }))).to.throw(LinkError);
    expect(() => link(new Memory({ initial: 2, maximum: 5 }))).to.throw(LinkError);
    expect(() => link({})).to.throw(LinkError);
    expect(() => link(new Memory({ initial: 2, maximum: 4 }))).not.to.throw();
    expect(() => link(new Memory({ initial: 3, maximum: 3 }))).not.to.throw();
    // The current size counts, not the initial one.
    const grown = new Memory({ initial: 1, maximum: 4 });
    grown.grow(1);
    expect(() => link(grown)).not.to.throw();
  });
});

describe('memory: data segments', () => {
  it('active segments are applied at instantiation; an out-of-bounds one traps after earlier ones', async () => {
    const { Engine } = await import('@wasmjit/runtime');
    const e = new Engine();
    const mem = new Memory({ initial: 1 });
    const m = e.compile(await wat(`(module (import "env" "mem" (memory 1))
      (data (i32.const 0) "ab")
      (data (i32.const 65534) "cd")
      (data (i32.const 65535) "ef"))`));
    let err: unknown;
    try {
      e.instantiate(m, { env: { mem } });
    } catch (x) {
      err = x;
    }
    expect(err).to.be.instanceOf(RuntimeError);
    expect((err as RuntimeError).trap).to.equal('out_of_bounds_memory');
    const bytes = new Uint8Array(mem.buffer);
    expect(String.fromCharCode(bytes[0]!, bytes[1]!, bytes[65534]!, bytes[65535]!)).to.equal('abcd');
  });

  it('an empty segment at the end is in bounds, one past it is not', async () => {
    const { Engine } = await import('@wasmjit/runtime');
    const e = new Engine();
    e.instantiate(e.compile(await wat(`(module (memory 1) (data (i32.const 65536) ""))`)));
    const past = e.compile(await wat(`(module (memory 1) (data (i32.const 65537) ""))`));
    expect(() => e.instantiate(past)).to.throw(RuntimeError);
  });
});

describe('memory: bulk operations', () => {
  const W = `(module (memory (export "mem") 1)
    (data $p "0123456789abcdef")
    (data (i32.const 0) "active")
    (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
    (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
    (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $p)
    (func (export "init_active") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init 1)
    (func (export "drop") data.drop $p)
    (func (export "load8") (param i32) (result i32) local.get 0 i32.load8_u))`;

  it('fill, copy (overlapping both ways), init and their traps', async () => {
    const b = both(await wat(W));
    fillBoth(b, 21);
    const calls: [string, number[]][] = [
      ['fill', [10, 0x1ff, 100]], ['fill', [PAGE - 4, 7, 4]], ['fill', [PAGE - 4, 7, 5]], ['fill', [PAGE, 1, 0]],
      ['fill', [PAGE + 1, 1, 0]], ['fill', [-1, 1, 2]], ['fill', [0, 0, 0]],
      ['copy', [100, 90, 50]], ['copy', [90, 100, 50]], ['copy', [5000, 5000, 100]], ['copy', [0, PAGE - 10, 10]],
      ['copy', [0, PAGE - 10, 11]], ['copy', [PAGE - 10, 0, 11]], ['copy', [PAGE, PAGE, 0]], ['copy', [PAGE + 1, 0, 0]],
      ['copy', [0, -1, 1]],
      ['init', [1000, 0, 16]], ['init', [2000, 3, 5]], ['init', [2000, 10, 7]], ['init', [PAGE - 16, 0, 16]],
      ['init', [PAGE - 15, 0, 16]], ['init', [PAGE, 16, 0]], ['init', [PAGE, 17, 0]],
      ['init_active', [0, 0, 0]], ['init_active', [0, 0, 1]],
    ];
    for (const [f, args] of calls) expectSame(b, f, args, f);
    expectSameMemory(b, 'after bulk ops');
    expectSame(b, 'drop', []);
    expectSame(b, 'drop', []);
    expectSame(b, 'init', [0, 0, 0]);
    expectSame(b, 'init', [0, 0, 1]);
    expect(ours(() => b.ours.init!(0, 0, 1))).to.deep.equal({ trap: 'out_of_bounds_memory' });
    expectSameMemory(b, 'after drop');
  });

  it('a random sequence of bulk ops, loads and stores matches V8', async () => {
    const b = both(await wat(W));
    fillBoth(b, 5);
    const r = rng(77);
    const pick = (n: number): number => Math.floor(r() * n);
    const near = (): number => (r() < 0.2 ? PAGE - pick(64) : pick(PAGE));
    for (let i = 0; i < 300; i++) {
      const k = pick(4);
      if (k === 0) expectSame(b, 'fill', [near(), pick(256), pick(200)]);
      else if (k === 1) expectSame(b, 'copy', [near(), near(), pick(300)]);
      else if (k === 2) expectSame(b, 'init', [near(), pick(17), pick(17)]);
      else expectSame(b, 'load8', [near()]);
    }
    expectSameMemory(b, 'random bulk ops');
  });
});
