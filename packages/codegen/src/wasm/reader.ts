// A cursor over the bytes of a module with the primitive decoders of the binary format.
// LEB128 limits follow the spec exactly: an encoding may use at most ceil(N/7) bytes
// ('integer representation too long'), and the unused bits of its last byte must be zero
// (unsigned) or copies of the sign bit (signed) ('integer too large'). Those two texts are the
// ones the spec test suite's assert_malformed cases expect.

import { CompileError, UnsupportedFeatureError } from '../errors.js';
import { FEATURE, decodeError } from './future-features.js';
import { ValType, type BlockType } from './types.js';
import { MAX_TYPE_INDEX, abstractRef, typedRef } from './ref-types.js';

const EOF_MESSAGE = 'unexpected end of section or function';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Block types without a type index are shared, immutable objects (one per operator would be
// a large share of what the validator and the compiler allocate).
const EMPTY_BLOCK: BlockType = Object.freeze({ kind: 'empty' });
const VALUE_BLOCKS: BlockType[] = [];
for (let b = 0; b < 0x80; b++) if (isValTypeByte(b) || b === ValType.ExnRef) VALUE_BLOCKS[b] = Object.freeze({ kind: 'value', type: b as ValType });

// i64 constants are bigints (Val.value); the small ones every function uses are made once.
const SMALL_MIN = -256;
const SMALL_MAX = 4096;
const SMALL_BIGINTS: bigint[] = [];
for (let v = SMALL_MIN; v <= SMALL_MAX; v++) SMALL_BIGINTS.push(BigInt(v));

/** Little-endian machine: two u32 halves over one u64, for readF64Bits. */
const F64_SCRATCH = new Uint32Array(2);
const F64_BITS = new BigUint64Array(F64_SCRATCH.buffer);
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('BUG: the decoder assumes a little-endian host');

/** BigInt(n) for an integer n, without allocating for the common small values. */
function bigintOf(n: number): bigint {
  return n >= SMALL_MIN && n <= SMALL_MAX ? SMALL_BIGINTS[n - SMALL_MIN]! : BigInt(n);
}

/** True for the bytes that encode a value type (including v128, which is decoded but rejected later). */
export function isValTypeByte(b: number): boolean {
  return (b >= 0x7b && b <= 0x7f) || b === 0x70 || b === 0x6f;
}

/**
 * Proposals beyond Wasm 2.0 (all part of Wasm 3.0): each is on unless set to false (the Wasm
 * 2.0 testsuite, which expects the old errors, runs with them off). Test with featureOn.
 */
export interface DecodeOptions {
  /**
   * extended-const: i32/i64 add, sub and mul in constant expressions, and global.get of the
   * module's own earlier immutable globals.
   */
  extendedConst?: boolean;
  /**
   * multi-memory: several memories, a memory index in memargs and memory operators. Off
   * here (a bare decode is Wasm 2.0); the runtime's Engine turns it on unless told not to.
   */
  multiMemory?: boolean;
  /** memory64: memories with i64 addresses (limits flags 4..5), u64 memarg offsets. As multiMemory. */
  memory64?: boolean;
  /**
   * Exception handling (Wasm 3.0 and the legacy encoding): the tag section, tag imports and
   * exports, exnref, throw/throw_ref/try_table and try/catch/rethrow/delegate.
   */
  exceptions?: boolean;
  /** tail calls: return_call, return_call_indirect, return_call_ref. */
  tailCalls?: boolean;
  /** typed function references: (ref null? ht), call_ref, ref.as_non_null, br_on_(non_)null. */
  typedFunctionReferences?: boolean;
}

/** The post-2.0 features wasmjit implements, in the order their names are listed. */
export const FEATURE_NAMES = ['extendedConst', 'tailCalls', 'typedFunctionReferences', 'multiMemory', 'memory64', 'exceptions'] as const;

/** Wasm 2.0 exactly: every later feature off (for the 2.0 testsuite, which expects the old errors). */
export const WASM2_FEATURES: Readonly<DecodeOptions> = Object.freeze({
  extendedConst: false, tailCalls: false, typedFunctionReferences: false, multiMemory: false, memory64: false, exceptions: false,
});

/**
 * Whether `options` allow feature `name` (on unless explicitly false). multiMemory, memory64
 * and exceptions are read as on only when true (a bare decode is 2.0 there); an Engine
 * always passes every feature explicitly (engine.ts resolveFeatures).
 */
export function featureOn(options: DecodeOptions, name: keyof DecodeOptions): boolean {
  return options[name] !== false;
}

/** Every feature: for readers of bodies that were already validated (under whatever features were on). */
export const ALL_FEATURES: DecodeOptions = Object.freeze({ extendedConst: true, exceptions: true, multiMemory: true, memory64: true });

export class BinaryReader {
  /**
   * Stamped on every error this reader raises; the validator sets it while it reads a
   * function body so that low-level decoding errors still name the function.
   */
  funcIndex: number | undefined;
  /** Post-2.0 features the module may use (see DecodeOptions). */
  features: DecodeOptions = {};
  /**
   * @internal Set by redecodeModule (the bytes are a module that decoded before): data
   * segments are counted, not decoded.
   */
  skipDataContents = false;

  constructor(readonly bytes: Uint8Array, public pos = 0, public end = bytes.length) {
    if (pos < 0 || end > bytes.length || pos > end) throw new Error(`BUG: reader range ${pos}..${end} outside 0..${bytes.length}`);
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  /** Raises a CompileError at `offset` (default: the current position). */
  fail(message: string, offset: number = this.pos): never {
    throw decodeError(this.bytes, message, offset, this.funcIndex);
  }

  peekU8(): number {
    if (this.pos >= this.end) this.fail(EOF_MESSAGE);
    return this.bytes[this.pos]!;
  }

  readU8(): number {
    if (this.pos >= this.end) this.fail(EOF_MESSAGE);
    return this.bytes[this.pos++]!;
  }

  readU32LE(): number {
    if (this.end - this.pos < 4) this.fail(EOF_MESSAGE);
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  readVarU32(): number {
    // One-byte encodings (most indexes, depths, alignments) without the general loop.
    const p = this.pos;
    if (p < this.end) {
      const b0 = this.bytes[p]!;
      if (b0 < 0x80) {
        this.pos = p + 1;
        return b0;
      }
    }
    return this.readVarU32Long();
  }

  private readVarU32Long(): number {
    const b0 = this.readU8();
    if (b0 < 0x80) return b0;
    let result = b0 & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      const b = this.readU8();
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    // Fifth byte: only its low 4 bits are payload.
    const b = this.readU8();
    if ((b & 0x70) !== 0) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
    return (result | (b << 28)) >>> 0;
  }

  readVarS32(): number {
    const p = this.pos;
    if (p < this.end) {
      const b0 = this.bytes[p]!;
      if (b0 < 0x80) {
        this.pos = p + 1;
        return (b0 << 25) >> 25;
      }
    }
    return this.readVarS32Long();
  }

  private readVarS32Long(): number {
    const b0 = this.readU8();
    if (b0 < 0x80) return (b0 << 25) >> 25;
    let result = b0 & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      const b = this.readU8();
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        const unused = 32 - (shift + 7);
        return (result << unused) >> unused;
      }
    }
    // Fifth byte: bits 0-3 are payload (bit 3 is the sign), bits 4-6 must repeat the sign.
    const b = this.readU8();
    const high = b & 0x78;
    if (high !== 0 && high !== 0x78) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
    return result | (b << 28);
  }

  /** The signed 33-bit LEB used by block types; the result is exact as a double. */
  readVarS33(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.readU8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return b & 0x40 ? result - scale : result;
    }
    // Fifth byte: bits 0-4 are payload (bit 4 is the sign), bits 5-6 must repeat the sign.
    const b = this.readU8();
    const high = b & 0x70;
    if (high !== 0 && high !== 0x70) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
    result += (b & 0x1f) * scale;
    return b & 0x10 ? result - 2 ** 33 : result;
  }

  readVarS64(): bigint {
    // Up to 7 bytes (49 bits) the payload is exact as a double: most i64 constants take this
    // path, and the common small ones come from a table instead of a fresh BigInt.
    const b = this.bytes;
    let p = this.pos;
    const end = Math.min(this.end, p + 7);
    let small = 0;
    let scale = 1;
    while (p < end) {
      const x = b[p++]!;
      small += (x & 0x7f) * scale;
      scale *= 128;
      if (x < 0x80) {
        this.pos = p;
        // Sign-extend from the last byte's bit 6.
        if (x & 0x40) small -= scale;
        return bigintOf(small);
      }
    }
    const [raw, n] = this.readLeb64(true);
    return BigInt.asIntN(Math.min(7 * n, 64), raw);
  }

  readVarU64(): bigint {
    return this.readLeb64(false)[0];
  }

  /** Checks the encoding of an s64 LEB and steps over it, without building its value. */
  skipVarS64(): void {
    const b = this.bytes;
    const p = this.pos;
    const end = Math.min(this.end, p + 9);
    for (let q = p; q < end; q++) {
      if (b[q]! < 0x80) {
        this.pos = q + 1;
        return;
      }
    }
    // Ten bytes (or too few): the careful reader checks the last byte and fails properly.
    this.readLeb64(true);
  }

  /** Steps over n bytes (f32/f64 immediates). */
  skip(n: number): void {
    if (n > this.end - this.pos) this.fail(EOF_MESSAGE);
    this.pos += n;
  }

  /** Reads up to 10 LEB bytes; returns the raw unsigned payload and the number of bytes. */
  private readLeb64(signed: boolean): [bigint, number] {
    // Up to 7 bytes (49 bits) the payload is exact as a double, which avoids BigInt
    // arithmetic for the common small constants.
    let small = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.readU8();
      small += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return [BigInt(small), i + 1];
    }
    let raw = BigInt(small);
    for (let i = 7; i < 10; i++) {
      const b = this.readU8();
      if (i === 9) {
        // Tenth byte: bit 0 is bit 63; the other payload bits must be zero (unsigned) or
        // copies of bit 63 (signed).
        const rest = b & 0x7f;
        const ok = signed ? rest === 0 || rest === 0x7f : rest <= 1;
        if (!ok) this.fail('integer too large', this.pos - 1);
        if (b & 0x80) this.fail('integer representation too long');
      }
      raw |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return [raw, i + 1];
    }
    throw new Error('BUG: unreachable end of LEB128 loop');
  }

  /** The raw bits of an f32 immediate (little-endian u32). */
  readF32Bits(): number {
    return this.readU32LE();
  }

  /** The raw bits of an f64 immediate, as an unsigned 64-bit bigint. */
  readF64Bits(): bigint {
    const lo = this.readU32LE();
    const hi = this.readU32LE();
    if (hi === 0) return bigintOf(lo); // +0.0 above all, which code uses a lot
    // One BigInt made from the eight bytes, rather than three combined.
    F64_SCRATCH[0] = lo;
    F64_SCRATCH[1] = hi;
    return F64_BITS[0]!;
  }

  /** A view (not a copy) of the next n bytes. */
  readBytes(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail(EOF_MESSAGE);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /**
   * A vector length or byte-string length. Like the reference interpreter it must not exceed
   * the bytes left (counted from the length field itself), which also guarantees that a huge
   * declared count can never make us allocate more than the module's size.
   */
  readCount(): number {
    const start = this.pos;
    const n = this.readVarU32();
    if (n > this.end - start) this.fail('length out of bounds', start);
    return n;
  }

  /** A name: a length-prefixed string that must be valid UTF-8. */
  readName(): string {
    const n = this.readCount();
    const start = this.pos;
    const bytes = this.readBytes(n);
    // Most names are ASCII and short; build those a character at a time while checking, which
    // beats the TextDecoder call and a spread of the bytes into fromCharCode (DuckDB's 76,000
    // import and export names).
    if (n < 64) {
      let s = '';
      let i = 0;
      for (; i < n; i++) {
        const b = bytes[i]!;
        if (b >= 0x80) break;
        s += String.fromCharCode(b);
      }
      if (i === n) return s;
    }
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('malformed UTF-8 encoding', start);
    }
  }

  readValType(): ValType {
    const b = this.readU8();
    if (isValTypeByte(b)) return b as ValType;
    if (b === ValType.ExnRef && this.features.exceptions) return b as ValType;
    if (b === 0x63 || b === 0x64) return this.readRefPrefixed(b, 'malformed value type');
    return this.fail('malformed value type', this.pos - 1);
  }

  /** (ref null ht) / (ref ht) after its prefix byte b; with the feature off, fails naming it. */
  private readRefPrefixed(b: number, message: string): ValType {
    if (!this.typedRefs()) this.failTypedRefsOff(message, this.pos - 1);
    return this.readHeapTypeAsRef(b === 0x63, message);
  }

  /** An encoding of typed function references while they are off (the 2.0 error, naming the feature). */
  failTypedRefsOff(message: string, offset: number): never {
    throw new UnsupportedFeatureError(FEATURE.typedFunctionReferences, message, offset, this.funcIndex);
  }

  /** A reference type, e.g. a table's element type: funcref, externref, (ref null? ht). */
  readRefType(): ValType {
    const b = this.readU8();
    if (b === ValType.FuncRef || b === ValType.ExternRef || (b === ValType.ExnRef && this.features.exceptions)) return b as ValType;
    if (b === 0x63 || b === 0x64) return this.readRefPrefixed(b, 'malformed reference type');
    return this.fail('malformed reference type', this.pos - 1);
  }

  /** ref.null's immediate: a heap type; returns the nullable reference to it. */
  readHeapType(): ValType {
    if (!this.typedRefs()) return this.readRefType();
    return this.readHeapTypeAsRef(true, 'malformed reference type');
  }

  /** typed function references (on unless switched off). */
  private typedRefs(): boolean {
    return this.features.typedFunctionReferences !== false;
  }

  /**
   * A heap type (an abstract one's byte, or a type index as a non-negative s33) as the
   * reference type (ref null? ht) (wasm/ref-types.ts). Whether the index names a type is
   * the validator's business.
   */
  private readHeapTypeAsRef(nullable: boolean, message: string): ValType {
    const b = this.peekU8();
    if (b === ValType.FuncRef || b === ValType.ExternRef || (b === ValType.ExnRef && this.features.exceptions)) {
      this.pos++;
      return abstractRef(b, nullable);
    }
    const start = this.pos;
    const index = this.readVarS33();
    // Negative values are abstract heap types of later proposals (GC's any, eq, none, ...).
    if (index < 0) this.fail(message, start);
    if (index > MAX_TYPE_INDEX) this.fail(`unknown type ${index}`, start);
    return typedRef(index, nullable);
  }

  readBlockType(): BlockType {
    const b = this.peekU8();
    if (b === 0x40) {
      this.pos++;
      return EMPTY_BLOCK;
    }
    if (isValTypeByte(b) || (b === ValType.ExnRef && this.features.exceptions)) {
      this.pos++;
      return VALUE_BLOCKS[b]!;
    }
    if (b === 0x63 || b === 0x64) {
      this.pos++;
      return { kind: 'value', type: this.readRefPrefixed(b, 'malformed block type') };
    }
    const start = this.pos;
    const index = this.readVarS33();
    // The grammar only allows non-negative s33 values here; negative ones other than the
    // value-type bytes above encode nothing.
    if (index < 0) this.fail('malformed block type', start);
    return { kind: 'func', typeIndex: index };
  }
}
