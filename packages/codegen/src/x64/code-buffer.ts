// Growable little-endian byte sink for machine code.
//
// Every instruction goes through put1/put4, so these are kept small enough for V8 to inline:
// one range check (a code-generator bug must not become silently wrong bytes) and one
// capacity compare, with the rare growth out of line. A caller that knows roughly how much
// code is coming (the module compiler does) passes an initial capacity so that the buffer
// seldom grows at all.

const INITIAL_CAPACITY = 256;
const I64_MIN = -(1n << 63n);
const U64_END = 1n << 64n;
/** Architectural maximum length of one x86 instruction. */
const MAX_INSTRUCTION = 15;

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
  private grow(n: number): void {
    const need = this.len + n;
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.data.subarray(0, this.len));
    this.data = next;
  }

  /**
   * @internal For the encoder (encoding.ts): room for one instruction (at most
   * MAX_INSTRUCTION bytes) at `offset`. Returns the array to write its bytes into directly;
   * endInstruction then moves `offset` past them. The encoder writes only bytes (0..255) it
   * computed from operands it has already checked.
   */
  startInstruction(): Uint8Array {
    if (this.len + MAX_INSTRUCTION > this.data.length) this.grow(MAX_INSTRUCTION);
    return this.data;
  }

  /** @internal The instruction begun with startInstruction() ends at `end`. */
  endInstruction(end: number): void {
    if (!(end >= this.len && end <= this.len + MAX_INSTRUCTION)) throw new Error(`BUG: instruction end ${end} after ${this.len}`);
    this.len = end;
  }

  put1(b: number): void {
    // (b | 0) === b: an integer (in int32 range, which the bounds already imply).
    if (!(b >= -0x80 && b <= 0xff && (b | 0) === b)) throw new Error(`BUG: put1 out of range: ${b}`);
    const at = this.len;
    if (at >= this.data.length) this.grow(1);
    // Typed-array stores keep the low 8 bits, so -1 is stored as 0xff.
    this.data[at] = b;
    this.len = at + 1;
  }

  /** 16 bits, little-endian; accepts the signed or the unsigned reading. */
  put2(v: number): void {
    if (!(v >= -0x8000 && v <= 0xffff && (v | 0) === v)) throw new Error(`BUG: put2 out of range: ${v}`);
    const at = this.len;
    if (at + 2 > this.data.length) this.grow(2);
    const d = this.data;
    d[at] = v;
    d[at + 1] = v >> 8;
    this.len = at + 2;
  }

  /** 32 bits, little-endian; accepts the signed or the unsigned reading. */
  put4(v: number): void {
    check32(v);
    const at = this.len;
    if (at + 4 > this.data.length) this.grow(4);
    const d = this.data;
    d[at] = v;
    d[at + 1] = v >>> 8;
    d[at + 2] = v >>> 16;
    d[at + 3] = v >>> 24;
    this.len = at + 4;
  }

  /** 64 bits, little-endian; accepts the signed or the unsigned reading. */
  put8(v: bigint): void {
    if (v < I64_MIN || v >= U64_END) throw new Error(`BUG: put8 out of range: ${v}`);
    const u = BigInt.asUintN(64, v);
    this.put4(Number(u & 0xffffffffn));
    this.put4(Number(u >> 32n));
  }

  /** Overwrite four already-emitted bytes (back-patching rel32/imm32/disp32 fields). */
  patch32(at: number, v: number): void {
    if (!(at >= 0 && at + 4 <= this.len && Number.isInteger(at))) {
      throw new Error(`BUG: patch32 at ${at} outside the ${this.len} bytes emitted`);
    }
    check32(v);
    const d = this.data;
    d[at] = v;
    d[at + 1] = v >>> 8;
    d[at + 2] = v >>> 16;
    d[at + 3] = v >>> 24;
  }

  /** A copy of the bytes emitted so far (the buffer may keep growing afterwards). */
  bytes(): Uint8Array {
    return this.data.slice(0, this.len);
  }

  /**
   * The bytes emitted so far without copying: valid until the next write. For a caller that
   * is done with the buffer and copies the code somewhere else anyway.
   */
  view(): Uint8Array {
    return this.data.subarray(0, this.len);
  }
}

/** Either reading of 32 bits: -2^31 .. 2^32 - 1, an integer. */
function check32(v: number): void {
  if (!(v >= -0x80000000 && v <= 0xffffffff && Math.floor(v) === v)) {
    throw new Error(`BUG: 32-bit value out of range: ${v}`);
  }
}
