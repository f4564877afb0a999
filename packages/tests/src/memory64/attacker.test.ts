// memory64 as an attacker would use it: addresses and static offsets near 2^32, 2^48, 2^63
// and 2^64 - 1, whose sum wraps to a small number if computed modulo 2^64. Every such access
// must trap out_of_bounds_memory and touch nothing: stores leave the memory unchanged (a
// wrapped store would land at a low address), and no access faults (memory64 accesses are
// compared, never guarded, so a fault would mean an access left the bounds check), in
// both bounds modes, with the address in a register and as a constant.
import { expect } from 'chai';
import { parseWat } from '@wasmjit/text';
import type { Engine } from '@wasmjit/runtime';
import { explicitEngine, guardEngine, instantiate, native, PAGE, trapOf, type Exports } from '../guard/support.js';

const TOP = 2n ** 64n;
const P = BigInt(PAGE);
/** Static offsets, including ones that make a small address wrap. */
const OFFSETS = [0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 48n, 2n ** 63n, TOP - P, TOP - 8n, TOP - 1n];
/** Addresses near the same boundaries, and ones that wrap with the offsets above. */
const ADDRESSES = [P, P - 3n, 2n ** 32n - 4n, 2n ** 32n, 2n ** 48n, 2n ** 63n, TOP - P, TOP - 8n, TOP - 1n, 1n, 8n];

function moduleText(): string {
  const funcs: string[] = [];
  OFFSETS.forEach((o, i) => {
    funcs.push(`(func (export "load${i}") (param i64) (result i64) (i64.load offset=${o} (local.get 0)))`);
    funcs.push(`(func (export "store${i}") (param i64) (i64.store offset=${o} (local.get 0) (i64.const -1)))`);
    funcs.push(`(func (export "load8_${i}") (param i64) (result i32) (i32.load8_u offset=${o} (local.get 0)))`);
    funcs.push(`(func (export "v128_${i}") (param i64) (v128.store offset=${o} (local.get 0) (v128.const i64x2 -1 -1)))`);
  });
  // Constant addresses: the compiler folds these, so they take a different path.
  ADDRESSES.forEach((a, i) => {
    funcs.push(`(func (export "const_store${i}") (i64.store offset=8 (i64.const ${BigInt.asIntN(64, a)}) (i64.const -1)))`);
  });
  return `(module (memory (export "mem") i64 1 2) (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))) ${funcs.join(' ')})`;
}

/** Whether `[address + offset, + width)` is inside `size` bytes, in exact arithmetic. */
const inBounds = (address: bigint, offset: bigint, width: number, size: number): boolean => address + offset + BigInt(width) <= BigInt(size);

for (const [mode, make] of [['guard', guardEngine], ['explicit', explicitEngine]] as [string, () => Engine][]) {
  describe(`memory64 attacker accesses (${mode} mode)`, () => {
    const bytes = parseWat(moduleText());
    const inst = instantiate(make(), bytes);
    const x = inst.exports as unknown as Exports;
    const mem = (): Uint8Array => new Uint8Array((inst.exports as { mem: { buffer: ArrayBuffer } }).mem.buffer);

    for (const pages of [1, 2]) {
      it(`every access past the end traps and writes nothing (${pages} page${pages > 1 ? 's' : ''})`, () => {
        if (pages === 2) expect(x.grow!(1n)).to.equal(1n);
        const size = pages * PAGE;
        const faults = native.signalCount();
        let trapped = 0;
        OFFSETS.forEach((o, i) => {
          for (const a of ADDRESSES) {
            const before = mem().slice();
            const cases: [string, number][] = [[`load${i}`, 8], [`store${i}`, 8], [`load8_${i}`, 1], [`v128_${i}`, 16]];
            for (const [name, width] of cases) {
              const what = `${name} at ${a} + ${o}`;
              if (inBounds(a, o, width, size)) {
                expect(trapOf(() => x[name]!(a)), what).to.equal(undefined);
                continue;
              }
              expect(trapOf(() => x[name]!(a)), what).to.equal('out_of_bounds_memory');
              trapped++;
            }
            // In-bounds stores above may have written; out-of-bounds ones must not have.
            if (!cases.some(([, w]) => inBounds(a, o, w, size))) {
              expect(Buffer.compare(before, mem()), `memory changed by out-of-bounds accesses at ${a} + ${o}`).to.equal(0);
            }
          }
        });
        ADDRESSES.forEach((a, i) => {
          const before = mem().slice();
          const t = trapOf(() => x[`const_store${i}`]!());
          if (inBounds(a, 8n, 8, size)) expect(t, `const store at ${a}`).to.equal(undefined);
          else {
            expect(t, `const store at ${a}`).to.equal('out_of_bounds_memory');
            expect(Buffer.compare(before, mem())).to.equal(0);
          }
        });
        expect(trapped).to.be.greaterThan(300);
        expect(native.signalCount(), 'a memory64 access faulted instead of failing its compare').to.equal(faults);
      });
    }

    it('a store just inside the end lands there, and its neighbour past the end traps', () => {
      const size = BigInt(mem().length);
      expect(trapOf(() => x.store0!(size - 8n))).to.equal(undefined);
      expect(Array.from(mem().subarray(-8))).to.deep.equal(new Array(8).fill(255));
      expect(trapOf(() => x.store0!(size - 7n))).to.equal('out_of_bounds_memory');
    });
  });
}
