// A growable byte buffer with the binary format's primitive encodings (LEB128, IEEE bits, names).

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

export class Bytes {
  /** Starts empty and shared: many buffers hold a few bytes, or none (allocated on the first write). */
  private buf = EMPTY;
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 16);
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): this {
    if (this.length >= this.buf.length) this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  raw(bytes: Uint8Array | readonly number[]): this {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** Append another buffer's contents. */
  append(other: Bytes): this {
    const n = other.length;
    this.room(n);
    if (n < 16) for (let i = 0; i < n; i++) this.buf[this.length + i] = other.buf[i]!;
    else this.buf.set(other.buf.subarray(0, n), this.length);
    this.length += n;
    return this;
  }

  /** Signed LEB128 of an i32 given as a JS integer in [-2^31, 2^31). */
  s32(v: number): this {
    if (this.length + 5 > this.buf.length) this.room(5);
    const buf = this.buf;
    let at = this.length;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      buf[at++] = done ? b : b | 0x80;
      if (done) break;
    }
    this.length = at;
    return this;
  }

  /** Unsigned LEB128 of a u32. */
  u32(v: number): this {
    if (v < 0x80) return this.u8(v);
    if (this.length + 5 > this.buf.length) this.room(5);
    const buf = this.buf;
    let at = this.length;
    do {
      let b = v & 0x7f;
      v = v >>> 7;
      if (v !== 0) b |= 0x80;
      buf[at++] = b;
    } while (v !== 0);
    this.length = at;
    return this;
  }

  /** Unsigned LEB128 of a u64. */
  u64(v: bigint): this {
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      this.u8(b);
    } while (v !== 0n);
    return this;
  }

  /** Signed LEB128 of a value given as its N-bit two's-complement pattern. */
  sleb(bits: bigint, width: 32 | 64): this {
    let v = BigInt.asIntN(width, bits);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
      this.u8(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  /** Signed LEB128 of a small JS integer (block type indices, heap types). */
  s33(v: number): this {
    return this.sleb(BigInt(v), 64);
  }

  f32(bits: number): this {
    return this.u8(bits & 0xff).u8((bits >>> 8) & 0xff).u8((bits >>> 16) & 0xff).u8(bits >>> 24);
  }

  f64(bits: bigint): this {
    return this.f32(Number(bits & 0xffffffffn)).f32(Number(bits >> 32n));
  }

  /** A name: vec(byte) of UTF-8. */
  name(bytes: Uint8Array | string): this {
    const b = typeof bytes === 'string' ? utf8.encode(bytes) : bytes;
    return this.u32(b.length).raw(b);
  }

  /** Length-prefixed contents (a section or a function body). */
  sized(inner: Bytes): this {
    return this.u32(inner.length).append(inner);
  }

  /** Empties the buffer, keeping its memory for reuse (a scratch buffer). */
  clear(): this {
    this.length = 0;
    return this;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  toUint8Array(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
