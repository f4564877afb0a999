// ToWebAssemblyValue for numbers (JS API §"ToWebAssemblyValue"), shared by Global and Table.
// Generated wrappers get the same conversions from typed-array stores; these are for code
// that stores into a DataView. References are converted in refs.ts.

/** ToInt32: ToNumber (throws on BigInt and Symbol), then wrap. */
export function toI32(v: unknown): number {
  return +(v as number) | 0;
}

/**
 * ToBigInt64: ToBigInt (TypeError for a Number, undefined, null or Symbol; an object goes
 * through ToPrimitive, so `{ toString() { return 6n } }` is 6n), then wrap. BigInt.asIntN
 * applies exactly ToBigInt to its argument.
 */
export function toI64(v: unknown): bigint {
  return BigInt.asIntN(64, v as bigint);
}

export function toF64(v: unknown): number {
  return +(v as number);
}

export function toF32(v: unknown): number {
  return Math.fround(+(v as number));
}

/** [EnforceRange] unsigned long, as WebAssembly's Table and Memory methods take indexes. */
/**
 * A table64 size from the runtime API: a number or bigint, non-negative and below 2^64
 * (as a number: above 2^53 it is past every limit anyway).
 */
export function enforceU64Size(v: unknown, what: string): number {
  const n = typeof v === 'bigint' ? Number(v) : +(v as number);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  const t = Math.trunc(n);
  // 2^64 - 1 itself rounds to 2^64 as a number: accepted.
  if (t < 0 || t > 2 ** 64) throw new TypeError(`${what} ${t} is outside the range of an unsigned 64-bit integer`);
  return t;
}

export function enforceU32(v: unknown, what: string): number {
  const n = +(v as number);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  const t = Math.trunc(n);
  if (t < 0 || t > 0xffffffff) throw new TypeError(`${what} ${t} is outside the range of an unsigned 32-bit integer`);
  return t;
}
