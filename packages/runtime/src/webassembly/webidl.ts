// The WebIDL conversions and interface plumbing the WebAssembly JS API is specified with:
// argument conversions that throw TypeError as V8's do, dictionary members read once each
// in the specified order, and interface objects whose properties have WebIDL's attributes.

/** ToNumber, which throws TypeError for a BigInt or a Symbol (unary + does exactly that). */
function toNumber(v: unknown): number {
  return +(v as number);
}

/**
 * [EnforceRange] unsigned long: an integer in 0 .. 2^32 - 1 after truncation, else TypeError
 * with V8's message; `what` is e.g. "WebAssembly.Memory(): Property 'initial'".
 */
export function enforceU32(v: unknown, what: string): number {
  const n = toNumber(v);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be convertible to a valid number`);
  const t = Math.trunc(n);
  if (t < 0) throw new TypeError(`${what} must be non-negative`);
  if (t > 0xffff_ffff) throw new TypeError(`${what} must be in the unsigned long range`);
  return t === 0 ? 0 : t; // -0.5 truncates to -0
}

/**
 * A memory64 size (the JS API's AddressValue for 'i64'): ToBigInt (so a number is a
 * TypeError, a string or boolean converts), then [EnforceRange] unsigned long long. Returned
 * as a number: above 2^53 it is past every limit anyway (the caller's RangeError).
 */
export function enforceU64(v: unknown, what: string): number {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'boolean') b = v ? 1n : 0n;
  else if (typeof v === 'string') b = BigInt(v); // SyntaxError for a malformed string, as ToBigInt
  else if (typeof v === 'object' && v !== null) return enforceU64(toPrimitive(v), what);
  else throw new TypeError(`${what} must be a BigInt for a 64-bit memory or table`);
  if (b < 0n || b >= 2n ** 64n) throw new TypeError(`${what} must be in the unsigned long long range`);
  return Number(b);
}

function toPrimitive(v: object): unknown {
  return (v as { valueOf(): unknown }).valueOf();
}

/** DOMString: ToString, which throws TypeError for a Symbol (String() would not). */
export function toDOMString(v: unknown): string {
  return `${v as string}`;
}

/**
 * A dictionary argument: undefined and null are the empty dictionary; anything else that
 * is not an object is a TypeError (`what`: e.g. "WebAssembly.Memory(): Argument 0 must be a
 * memory descriptor", V8's message). Members are then read with `get` (one [[Get]] each, no
 * [[HasProperty]]), in the order the caller reads them.
 */
export function dictionary(v: unknown, what: string): Record<string, unknown> {
  // An empty dictionary fails on its first required member before anything is observable
  // (no getter can run on it): V8 words that failure like a non-object's.
  if (v === undefined || v === null || (typeof v !== 'object' && typeof v !== 'function')) throw new TypeError(what);
  return v as Record<string, unknown>;
}

/** A required dictionary member: missing (undefined) is a TypeError (`message`, or V8's). */
export function required(dict: Record<string, unknown>, key: string, what: string, message?: string): unknown {
  const v = dict[key];
  if (v === undefined) throw new TypeError(message ?? `${what}: Property '${key}' is required`);
  return v;
}

/** An enumeration value: ToString, then one of `allowed` or TypeError (`message`, or a list). */
export function enumeration<T extends string>(v: unknown, allowed: readonly T[], what: string, message?: string): T {
  const s = toDOMString(v);
  if (!(allowed as readonly string[]).includes(s)) throw new TypeError(message ?? `${what}: "${s}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return s as T;
}

export function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** For messages: a short, side-effect-free description of a value. */
export function describe(v: unknown): string {
  switch (typeof v) {
    case 'string': return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
    case 'bigint': return `${v}n`;
    case 'symbol': return v.toString();
    case 'function': return 'a function';
    case 'object': return v === null ? 'null' : 'an object';
    default: return Object.is(v, -0) ? '-0' : String(v);
  }
}

/**
 * Gives a class WebIDL's shape: operations and attributes on the prototype (and static
 * operations) become enumerable, as WebIDL defines them and `class` syntax does not, and
 * the prototype gets its @@toStringTag. The rest is what `class` already gives: a
 * constructor that throws without `new`, a non-writable `prototype`, a writable
 * non-enumerable `constructor`, getters named "get x", methods' `length` = declared params.
 */
export function webidlInterface(cls: abstract new (...args: never[]) => unknown, tag: string | undefined): void {
  const own = (target: object, skip: string[]) => Object.getOwnPropertyNames(target).filter((k) => !skip.includes(k));
  for (const key of own(cls.prototype as object, ['constructor'])) Object.defineProperty(cls.prototype, key, { enumerable: true });
  for (const key of own(cls, ['prototype', 'length', 'name'])) Object.defineProperty(cls, key, { enumerable: true });
  if (tag !== undefined) {
    Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
  }
}

/** Like webidlInterface, for a namespace's operations (an object of methods). */
export function webidlOperations(target: object): void {
  for (const key of Object.getOwnPropertyNames(target)) Object.defineProperty(target, key, { enumerable: true });
}

/** Runs `f`; a RangeError it throws comes out with `message` (V8's) instead. */
export function withMessage<T>(f: () => T, message: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(message);
    throw e;
  }
}
