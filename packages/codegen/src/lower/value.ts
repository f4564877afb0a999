// Entries of the compile-time value stack (the Liftoff/Winch idea): a wasm operand is kept
// wherever it is cheapest until an instruction needs it in a register.
import { ValType } from '../wasm/types.js';
import { lowered } from '../wasm/ref-types.js';

export const enum Kind {
  /** A constant not yet materialised: becomes an immediate operand where the ISA allows. */
  Const,
  /** Held in a register (a Gpr for integers/references, an Xmm for floats). */
  Reg,
  /** The current value of a local, read lazily from its frame slot. */
  Local,
  /** Spilled to the frame slot reserved for its stack position. */
  Stack,
}

/** Immutable: Reg and Stack entries are shared (regVal, stackVal). */
export interface Val {
  readonly kind: Kind;
  readonly type: ValType;
  /** Register number when kind is Reg. */
  readonly reg: number;
  /** Local index when kind is Local. */
  readonly local: number;
  /** i32: int32 number; i64: bigint; f32: u32 bit pattern; f64: u64 bit pattern (bigint). */
  readonly value: number | bigint;
}

export function constVal(type: ValType, value: number | bigint): Val {
  return { kind: Kind.Const, type: lowered(type), reg: -1, local: -1, value };
}

/** The small i32 constants code is full of (offsets, masks, flags), each one shared object. */
const SMALL_I32_MIN = -256;
const SMALL_I32_END = 4096;
const SMALL_I32: Val[] = Array.from({ length: SMALL_I32_END - SMALL_I32_MIN }, (_, i) => constVal(ValType.I32, SMALL_I32_MIN + i));

/** constVal(ValType.I32, value), shared for small values. */
export function constI32(value: number): Val {
  return value >= SMALL_I32_MIN && value < SMALL_I32_END ? SMALL_I32[value - SMALL_I32_MIN]! : constVal(ValType.I32, value);
}
// Entries are never changed once made (a move makes a new one), so every register and stack
// entry of a type is one shared object: pushing them allocates nothing. Indexed by
// (type - TYPE_BASE) * 16 + register; the value types are the bytes 0x6f..0x7f.
const TYPE_BASE = 0x60;
const REG_VALS: (Val | undefined)[] = new Array<Val | undefined>(32 * 16).fill(undefined);
const STACK_VALS: (Val | undefined)[] = new Array<Val | undefined>(32).fill(undefined);

export function regVal(type: ValType, reg: number): Val {
  // A typed reference (wasm/ref-types.ts) is a pointer like funcref: one entry per top type.
  if (type > 0xff) type = lowered(type);
  const i = (type - TYPE_BASE) * 16 + reg;
  return REG_VALS[i] ?? (REG_VALS[i] = { kind: Kind.Reg, type, reg, local: -1, value: 0 });
}
export function localVal(type: ValType, local: number): Val {
  return { kind: Kind.Local, type: lowered(type), reg: -1, local, value: 0 };
}
export function stackVal(type: ValType): Val {
  if (type > 0xff) type = lowered(type);
  const i = type - TYPE_BASE;
  return STACK_VALS[i] ?? (STACK_VALS[i] = { kind: Kind.Stack, type, reg: -1, local: -1, value: 0 });
}

/** i64 constants with a one- or two-byte LEB128 encoding (-8192..8191), made once each. */
const SMALL_I64_MIN = -8192;
const SMALL_I64: (Val | undefined)[] = new Array<Val | undefined>(16384).fill(undefined);

/** constVal(ValType.I64, BigInt(value)) for -8192 <= value < 8192, shared. */
export function constI64Small(value: number): Val {
  const i = value - SMALL_I64_MIN;
  return SMALL_I64[i] ?? (SMALL_I64[i] = constVal(ValType.I64, BigInt(value)));
}

/**
 * Longer i64 constants (up to 49 bits, exact as doubles) through a small direct-mapped cache
 * of shared entries: Go code repeats the same addresses and masks thousands of times
 * (esbuild.wasm: 121,668 such constants, 73,227 distinct), and each miss costs a BigInt and
 * an entry. A fixed size so that the cache holds little at the peak of a large compile.
 */
const I64_CACHE_BITS = 12;
const I64_CACHE_KEYS = new Float64Array(1 << I64_CACHE_BITS);
const I64_CACHE_VALS: (Val | undefined)[] = new Array<Val | undefined>(1 << I64_CACHE_BITS).fill(undefined);

/** constVal(ValType.I64, BigInt(value)) for an integer |value| < 2^53, shared when cached. */
export function constI64Cached(value: number): Val {
  const i = Math.imul((value | 0) ^ ((value / 0x100000000) | 0), 0x9e3779b1) >>> (32 - I64_CACHE_BITS);
  const hit = I64_CACHE_VALS[i];
  if (hit !== undefined && I64_CACHE_KEYS[i] === value) return hit;
  const v = constVal(ValType.I64, BigInt(value));
  I64_CACHE_KEYS[i] = value;
  I64_CACHE_VALS[i] = v;
  return v;
}
