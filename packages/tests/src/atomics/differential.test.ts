// Every 0xFE operator against V8, under register pressure: each is used with its address as
// a constant, a local and a computed value, and with eight other values live across it (so
// that the lowering must work around occupied registers, rax among them, which cmpxchg
// needs), at aligned, misaligned and out-of-bounds addresses, in both bounds modes. The
// function returns the operator's result mixed with the live values, and the test also
// compares the memory afterwards.
import { expect } from 'chai';
import { Engine } from '@wasmjit/runtime';
import { OPERATORS, ValType, type Operator } from '@wasmjit/codegen';
import { parseWat } from '@wasmjit/text';

type Fn = (...args: unknown[]) => unknown;

const ACCESS_ROWS = OPERATORS.filter((o) => o.prefix === 0xfe && o.accessBytes > 0 && !o.name.startsWith('memory.atomic.wait'));

/**
 * Three functions per operator, one per address shape. Params: the i32 address, then the
 * operator's operands as i64s (wrapped for i32 operands); a local keeps the address as i64.
 */
function funcs(o: Operator, k: number): string {
  const ps = o.params!.slice(1);
  const base = 1 + ps.length;
  const args = ps.map((t, i) => (t === ValType.I64 ? `(local.get ${i + 1})` : `(i32.wrap_i64 (local.get ${i + 1}))`)).join(' ');
  const result = o.results![0];
  const toI64 = result === ValType.I32 ? 'i64.extend_i32_u' : result === ValType.I64 ? '' : '(i64.const 0)';
  // Eight values live across the operator, folded into the result after it.
  const live = Array.from({ length: 8 }, (_, i) => `(i64.add (local.get ${base}) (i64.const ${i * 0x1111 + 1}))`).join(' ');
  const fold = Array(8).fill('i64.xor').join(' ');
  const shapes: [string, string][] = [
    ['local', '(local.get 0)'],
    ['computed', '(i32.add (local.get 0) (i32.const 0))'],
    ['const', '(i32.const 64)'],
  ];
  return shapes.map(([shape, addr]) => `(func (export "f${k}_${shape}") (param i32 ${ps.map(() => 'i64').join(' ')}) (result i64) (local i64)
    (local.set ${base} (i64.extend_i32_u (local.get 0)))
    ${live} (${o.name} ${addr} ${args}) ${toI64} ${fold})`).join('\n');
}

const MODULE = `(module (memory 1)
  (func (export "fill") (local i32) (loop (i64.store (local.get 0) (i64.mul (i64.extend_i32_u (local.get 0)) (i64.const 0x9e3779b97f4a7c15)))
    (br_if 0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 8))) (i32.const 65536)))))
  (func (export "sum") (result i64) (local i32 i64) (loop (local.set 1 (i64.add (i64.rotl (local.get 1) (i64.const 7)) (i64.load (local.get 0))))
    (br_if 0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 8))) (i32.const 65536)))) (local.get 1))
  ${ACCESS_ROWS.map((o, k) => funcs(o, k)).join('\n')}
)`;

const ADDRESSES = [0, 8, 64, 1, 2, 3, 4, 6, 7, 0xfff8, 0xfffc, 0xfffe, 0xffff, 0x10000, -8, -1];
const VALUES = [0n, 1n, -1n, 0x80n, 0x7fffn, 0x12345678n, -0x7edcba9876543211n, 0xff00ff00ff00ff00n];

function outcome(f: () => unknown): string {
  try {
    return `ok ${String(f())}`;
  } catch (e) {
    return `trap ${(e as Error).message.split('\n')[0]}`;
  }
}

describe('atomics: every operator against V8, with registers occupied', function () {
  this.timeout(60_000);
  const bytes = parseWat(MODULE);

  it(`covers the ${ACCESS_ROWS.length} access operators (all but wait32/64)`, () => {
    expect(ACCESS_ROWS.length).to.equal(64);
  });

  for (const boundsChecks of ['explicit', 'guard'] as const) {
    it(`gives V8's results, traps and memory (${boundsChecks} bounds checks)`, () => {
      const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Record<string, Fn>;
      const engine = new Engine({ boundsChecks });
      const ours = engine.instantiate(engine.compile(bytes), {}).exports as unknown as Record<string, Fn>;
      const diffs: string[] = [];
      const kinds = new Map<string, number>();
      let compared = 0;
      ACCESS_ROWS.forEach((o, k) => {
        for (const shape of ['local', 'computed', 'const']) {
          const name = `f${k}_${shape}`;
          for (const [ai, address] of ADDRESSES.entries()) {
            if (shape === 'const' && ai > 0) break; // the constant address is fixed
            const args = [address, VALUES[(ai + k) % VALUES.length]!, VALUES[(ai * 3 + k) % VALUES.length]!].slice(0, o.params!.length);
            v8.fill!();
            ours.fill!();
            const want = outcome(() => v8[name]!(...args));
            const got = outcome(() => ours[name]!(...args));
            const wantMem = String(v8.sum!());
            const gotMem = String(ours.sum!());
            compared++;
            const kind = want.startsWith('ok') ? 'ok' : want;
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
            if (want !== got || wantMem !== gotMem) diffs.push(`${o.name} ${shape} (${args.join(', ')}): V8 ${want} mem ${wantMem}, wasmjit ${got} mem ${gotMem}`);
          }
        }
      });
      expect(diffs.slice(0, 20), `${diffs.length} differences`).to.deep.equal([]);
      expect(compared).to.be.greaterThan(64 * 30);
      // The inputs reach every outcome: results, both kinds of address trap, and nothing else.
      expect([...kinds.keys()].sort()).to.deep.equal(['ok', 'trap memory access out of bounds', 'trap operation does not support unaligned accesses']);
      for (const n of kinds.values()) expect(n).to.be.greaterThan(100);
    });
  }
});
