// The module behind the random-access test: one load and one store function per (access
// kind, static offset), plus functions with constant addresses, all over a memory of a few
// pages. Values travel as i64 bit patterns (floats reinterpreted) so every engine compares
// exactly, NaN payloads included.

export interface AccessKind {
  name: string;
  bytes: 1 | 2 | 4 | 8;
  /** Body of a load of `mem` (a memarg string) leaving an i64 (bits, zero-extended). */
  load: (mem: string) => string;
  /** Body storing the i64 bits in local 1 at the address in local 0. */
  store: (mem: string) => string;
}

export const KINDS: AccessKind[] = [
  { name: 'u8', bytes: 1, load: (m) => `(i64.load8_u ${m} (local.get 0))`, store: (m) => `(i64.store8 ${m} (local.get 0) (local.get 1))` },
  { name: 'u16', bytes: 2, load: (m) => `(i64.extend_i32_u (i32.load16_u ${m} (local.get 0)))`, store: (m) => `(i32.store16 ${m} (local.get 0) (i32.wrap_i64 (local.get 1)))` },
  { name: 'u32', bytes: 4, load: (m) => `(i64.extend_i32_u (i32.load ${m} (local.get 0)))`, store: (m) => `(i32.store ${m} (local.get 0) (i32.wrap_i64 (local.get 1)))` },
  { name: 'x32', bytes: 4, load: (m) => `(i64.load32_u ${m} (local.get 0))`, store: (m) => `(i64.store32 ${m} (local.get 0) (local.get 1))` },
  { name: 'u64', bytes: 8, load: (m) => `(i64.load ${m} (local.get 0))`, store: (m) => `(i64.store ${m} (local.get 0) (local.get 1))` },
  {
    name: 'f32', bytes: 4,
    load: (m) => `(i64.extend_i32_u (i32.reinterpret_f32 (f32.load ${m} (local.get 0))))`,
    store: (m) => `(f32.store ${m} (local.get 0) (f32.reinterpret_i32 (i32.wrap_i64 (local.get 1))))`,
  },
  {
    name: 'f64', bytes: 8,
    load: (m) => `(i64.reinterpret_f64 (f64.load ${m} (local.get 0)))`,
    store: (m) => `(f64.store ${m} (local.get 0) (f64.reinterpret_i64 (local.get 1)))`,
  },
];

/** Static offsets: around 0, around the memory's end, past 2^31 (no disp32) and up to 2^32 - 1. */
export function offsetsFor(size: number, random: () => number): number[] {
  const fixed = [
    0, 1, 3, 4, 7, 8, 255, 4095, 4096, 65535, 65536,
    size - 9, size - 8, size - 5, size - 4, size - 2, size - 1, size, size + 1, size + 4096, size + 65536,
    2 ** 31 - 8, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 3, 2 ** 32 - 9, 2 ** 32 - 8, 2 ** 32 - 2, 2 ** 32 - 1,
  ];
  const extra = Array.from({ length: 12 }, () => Math.floor(random() * (size + 64)));
  return [...new Set([...fixed, ...extra])];
}

/** Constant (address, offset) pairs of the `constant` functions. */
export function constantsFor(size: number, random: () => number): [number, number][] {
  const out: [number, number][] = [
    [0, 0], [size - 8, 0], [size - 4, 4], [size - 1, 0], [size, 0], [0, size - 2],
    [2 ** 31 - 1, 0], [2 ** 31, 0], [2 ** 32 - 1, 0], [2 ** 32 - 1, 2 ** 32 - 1], [2 ** 31, 2 ** 31], [8, 2 ** 32 - 8],
  ];
  for (let i = 0; i < 20; i++) {
    const a = Math.floor(random() * (size + 32));
    out.push([a, random() < 0.5 ? 0 : Math.floor(random() * 64)]);
  }
  return out;
}

const i32 = (n: number): string => `${n | 0}`;

export interface AccessModule {
  text: string;
  offsets: number[];
  constants: [number, number][];
}

/** `ld_<kind>_<i>(addr) -> i64`, `st_<kind>_<i>(addr, bits)`, `ldc_<kind>_<j>()`, `stc_<kind>_<j>(bits)`. */
export function accessModule(pages: number, random: () => number): AccessModule {
  const size = pages * 65536;
  const offsets = offsetsFor(size, random);
  const constants = constantsFor(size, random);
  const funcs: string[] = [];
  for (const k of KINDS) {
    offsets.forEach((o, i) => {
      const mem = `offset=${o} align=1`;
      funcs.push(`(func (export "ld_${k.name}_${i}") (param i32) (result i64) ${k.load(mem)})`);
      funcs.push(`(func (export "st_${k.name}_${i}") (param i32 i64) ${k.store(mem)})`);
    });
    constants.forEach(([a, o], j) => {
      const mem = `offset=${o} align=1`;
      // local 0 is a constant address: the lowering sees an i32.const operand.
      const ld = k.load(mem).replace('(local.get 0)', `(i32.const ${i32(a)})`);
      const st = k.store(mem).replace('(local.get 0)', `(i32.const ${i32(a)})`).replace('(local.get 1)', '(local.get 0)');
      funcs.push(`(func (export "ldc_${k.name}_${j}") (result i64) ${ld})`);
      funcs.push(`(func (export "stc_${k.name}_${j}") (param i64) ${st})`);
    });
  }
  const text = `(module (memory (export "mem") ${pages})\n${funcs.join('\n')})`;
  return { text, offsets, constants };
}
