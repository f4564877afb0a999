// Generated modules of any size, for tests and benchmarks of compile paths (asynchronous
// compiles, modules posted to workers) that need more than a hand-written module: many
// functions of straight-line arithmetic, locals and a loop each, chained by direct calls,
// all in a table reached by call_indirect, and a memory with an active data segment.
//
// Exports: run(n) = the last function applied to n (it calls the functions below it, down to
// a multiple of 64),
// indirect(i, n) = function i through call_indirect (traps for a bad index), mem.
// Deterministic: the same options give the same bytes.

export interface LargeModuleOptions {
  /** Defined functions (at least 1). */
  functions: number;
  /** Arithmetic groups per function body (~12 bytes each). */
  groupsPerFunction: number;
}

class Writer {
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(1 << 16);
  len = 0;

  byte(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b;
  }

  bytes(bs: ArrayLike<number>): void {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]!);
  }

  u32(n: number): void {
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
  }

  s32(n: number): void {
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  name(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.bytes(b);
  }

  /** Appends `w` preceded by its length (a section's or a body's size). */
  sized(w: Writer): void {
    this.u32(w.len);
    this.bytes(w.buf.subarray(0, w.len));
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

const I32 = 0x7f;

export function largeModule(o: LargeModuleOptions): Uint8Array<ArrayBuffer> {
  const n = Math.max(1, o.functions);
  const out = new Writer();
  out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, fill: (w: Writer) => void) => {
    const w = new Writer();
    fill(w);
    out.byte(id);
    out.sized(w);
  };
  // Types: 0 = (i32) -> i32, 1 = (i32, i32) -> i32.
  section(1, (w) => {
    w.u32(2);
    w.bytes([0x60, 1, I32, 1, I32]);
    w.bytes([0x60, 2, I32, I32, 1, I32]);
  });
  // Functions: n of type 0, then run and indirect.
  section(3, (w) => {
    w.u32(n + 2);
    for (let i = 0; i < n; i++) w.u32(0);
    w.u32(0);
    w.u32(1);
  });
  section(4, (w) => {
    w.u32(1);
    w.bytes([0x70, 0x00]);
    w.u32(n);
  });
  section(5, (w) => {
    w.u32(1);
    w.bytes([0x00, 1]);
  });
  section(7, (w) => {
    w.u32(3);
    w.name('run');
    w.byte(0x00);
    w.u32(n);
    w.name('indirect');
    w.byte(0x00);
    w.u32(n + 1);
    w.name('mem');
    w.byte(0x02);
    w.u32(0);
  });
  // Every function in the table, from index 0.
  section(9, (w) => {
    w.u32(1);
    w.byte(0x00);
    w.bytes([0x41, 0x00, 0x0b]);
    w.u32(n);
    for (let i = 0; i < n; i++) w.u32(i);
  });
  section(10, (w) => {
    w.u32(n + 2);
    for (let f = 0; f < n; f++) w.sized(body(f, o.groupsPerFunction));
    // run(n): the last function.
    const run = new Writer();
    run.u32(0);
    run.bytes([0x20, 0x00, 0x10]);
    run.u32(n - 1);
    run.byte(0x0b);
    w.sized(run);
    // indirect(i, n): function i through the table.
    const ind = new Writer();
    ind.u32(0);
    ind.bytes([0x20, 0x01, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b]);
    w.sized(ind);
  });
  section(11, (w) => {
    w.u32(1);
    w.byte(0x00);
    w.bytes([0x41, 0x10, 0x0b]);
    w.name('wasmjit large module data');
  });
  return out.finish();
}

/** Function f: locals x (param 0), a, b; groups of arithmetic, a short loop, a call to f - 1 (see below). */
function body(f: number, groups: number): Writer {
  const w = new Writer();
  w.u32(1);
  w.u32(2);
  w.byte(I32);
  for (let g = 0; g < groups; g++) {
    // a = (x + c1) * c2 ^ a; x = a >>> (g & 7) + b; b = b + 1
    w.bytes([0x20, 0x00, 0x41]);
    w.s32((f * 31 + g * 7) & 0xffff);
    w.bytes([0x6a, 0x41]);
    w.s32(((g * 13) & 0xff) | 1);
    w.bytes([0x6c, 0x20, 0x01, 0x73, 0x22, 0x01, 0x41]);
    w.s32(g & 7);
    w.bytes([0x76, 0x20, 0x02, 0x6a, 0x21, 0x00]);
    w.bytes([0x20, 0x02, 0x41, 0x01, 0x6a, 0x21, 0x02]);
  }
  // loop: b = b - 1 while b > 0 (b is the group count here)
  w.bytes([0x03, 0x40, 0x20, 0x02, 0x41, 0x01, 0x6b, 0x22, 0x02, 0x41, 0x00, 0x4a, 0x0d, 0x00, 0x0b]);
  w.bytes([0x20, 0x00, 0x20, 0x01, 0x6a]);
  // Chains of at most 64 calls (a module of any size can run without deep recursion).
  if (f % 64 !== 0) {
    w.byte(0x10);
    w.u32(f - 1);
  }
  w.byte(0x0b);
  return w;
}
