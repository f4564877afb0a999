// Growable little-endian byte sink for machine code.

const INITIAL_CAPACITY = 256;

export class CodeBuffer {
  private data: Uint8Array;
  private len = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.data = new Uint8Array(Math.max(16, initialCapacity));
  }

  get offset(): number {
    return this.len;
  }

  /** Make room for n more bytes. Doubling keeps appends amortised O(1). */
  private reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.data.subarray(0, this.len));
    this.data = next;
  }

  put1(b: number): void {
    if (!(b >= -0x80 && b <= 0xff && Number.isInteger(b))) throw new Error(`BUG: put1 out of range: ${b}`);
    this.reserve(1);
    this.data[this.len++] = b & 0xff;
  }

  /** 16 bits, little-endian; accepts the signed or the unsigned reading. */
  put2(v: number): void {
    if (!(v >= -0x8000 && v <= 0xffff && Number.isInteger(v))) throw new Error(`BUG: put2 out of range: ${v}`);
    this.reserve(2);
    const d = this.data;
    d[this.len++] = v & 0xff;
    d[this.len++] = (v >> 8) & 0xff;
  }

  /** 32 bits, little-endian; accepts the signed or the unsigned reading. */
  put4(v: number): void {
    this.reserve(4);
    this.write4(this.len, v);
    this.len += 4;
  }

  /** 64 bits, little-endian; accepts the signed or the unsigned reading. */
  put8(v: bigint): void {
    if (v < -(1n << 63n) || v >= (1n << 64n)) throw new Error(`BUG: put8 out of range: ${v}`);
    const u = BigInt.asUintN(64, v);
    this.put4(Number(u & 0xffffffffn));
    this.put4(Number(u >> 32n));
  }

  /** Overwrite four already-emitted bytes (back-patching rel32/imm32/disp32 fields). */
  patch32(at: number, v: number): void {
    if (!(at >= 0 && at + 4 <= this.len && Number.isInteger(at))) {
      throw new Error(`BUG: patch32 at ${at} outside the ${this.len} bytes emitted`);
    }
    this.write4(at, v);
  }

  /** A copy of the bytes emitted so far (the buffer may keep growing afterwards). */
  bytes(): Uint8Array {
    return this.data.slice(0, this.len);
  }

  private write4(at: number, v: number): void {
    if (!(v >= -0x80000000 && v <= 0xffffffff && Number.isInteger(v))) {
      throw new Error(`BUG: 32-bit value out of range: ${v}`);
    }
    const d = this.data;
    d[at] = v & 0xff;
    d[at + 1] = (v >>> 8) & 0xff;
    d[at + 2] = (v >>> 16) & 0xff;
    d[at + 3] = (v >>> 24) & 0xff;
  }
}
