// Exception handling's JS objects (docs/exceptions.md): WebAssembly.Tag, WebAssembly.Exception
// and WebAssembly.JSTag, which the runtime uses as they are (no separate inner objects).
//
// A tag's identity is its object: a module's defined tags are new Tag objects per instance,
// imported ones are the objects given. An exception keeps its payload as raw bits per value
// (bigint; NaN payloads survive wasm → wasm) and references as their JS values.
//
// Any other JS value thrown through wasm is an exception of JSTag, whose one value (an
// externref) is the thrown value itself: caught with catch_all_ref and rethrown with throw_ref,
// it reaches JS as the very same value.
import { ValType } from '@wasmjit/codegen';

const TYPE_OF_NAME: Readonly<Record<string, ValType>> = {
  i32: ValType.I32, i64: ValType.I64, f32: ValType.F32, f64: ValType.F64, v128: ValType.V128,
  externref: ValType.ExternRef, anyfunc: ValType.FuncRef, funcref: ValType.FuncRef, exnref: ValType.ExnRef,
};
const NAME_OF_TYPE: Readonly<Record<number, string>> = {
  [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64', [ValType.V128]: 'v128',
  [ValType.ExternRef]: 'externref', [ValType.FuncRef]: 'funcref', [ValType.ExnRef]: 'exnref',
};

/** Lets the runtime make tags for a module's types without going through the JS constructor. */
let fromTypes = false;
// The private state, for this module only (static blocks hand out these accessors).
let paramsOfTag: (tag: Tag) => readonly ValType[];
let isTagObject: (v: unknown) => v is Tag;

export class Tag {
  readonly #params: readonly ValType[];

  constructor(type: unknown) {
    if (fromTypes) {
      this.#params = type as ValType[];
      return;
    }
    if (new.target === undefined) throw new TypeError("Constructor WebAssembly.Tag requires 'new'");
    if (typeof type !== 'object' || type === null) throw new TypeError('WebAssembly.Tag(): Argument 0 must be a tag type');
    const parameters = (type as { parameters?: unknown }).parameters;
    if (parameters === undefined || parameters === null || typeof (parameters as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError("WebAssembly.Tag(): Argument 0 must be a tag type with 'parameters'");
    }
    const params: ValType[] = [];
    for (const p of parameters as Iterable<unknown>) {
      const t = TYPE_OF_NAME[String(p)];
      if (t === undefined) throw new TypeError(`WebAssembly.Tag(): Argument 0 parameter type at index #${params.length} must be a value type`);
      params.push(t);
    }
    this.#params = Object.freeze(params);
  }

  /** The tag's type, as the type reflection proposal gives it. */
  type(): { parameters: string[] } {
    return { parameters: tagParams(this).map((t) => NAME_OF_TYPE[t]!) };
  }

  static {
    paramsOfTag = (tag) => tag.#params;
    isTagObject = (v): v is Tag => typeof v === 'object' && v !== null && #params in v;
  }
}
Object.defineProperty(Tag.prototype, Symbol.toStringTag, { value: 'WebAssembly.Tag', configurable: true });

export function tagParams(tag: Tag): readonly ValType[] {
  if (!isTagObject(tag)) throw new TypeError('Receiver is not a WebAssembly.Tag');
  return paramsOfTag(tag);
}

export function isTag(v: unknown): v is Tag {
  return isTagObject(v);
}

/** A tag of the given parameter types (a module's own tag, one per instance). */
export function newTag(params: readonly ValType[]): Tag {
  fromTypes = true;
  try {
    return new Tag(params);
  } finally {
    fromTypes = false;
  }
}

/** The tag of every JS value thrown through wasm that is no WebAssembly.Exception. */
export const JSTag: Tag = newTag([ValType.ExternRef]);

/** Raw payload values: bigint bits for numbers, JS values for references. */
export type RawValue = bigint | unknown;

let rawPayload: RawValue[] | null = null;
let partsOfException: (e: Exception) => { tag: Tag; values: readonly RawValue[] };
let isExceptionObject: (v: unknown) => v is Exception;

export class Exception {
  readonly #tag: Tag;
  readonly #values: readonly RawValue[];

  constructor(tag: unknown, payload: unknown, ...rest: unknown[]) {
    if (rawPayload !== null) {
      this.#tag = tag as Tag;
      this.#values = rawPayload;
      rawPayload = null;
      return;
    }
    if (new.target === undefined) throw new TypeError("Constructor WebAssembly.Exception requires 'new'");
    if (!isTagObject(tag)) throw new TypeError('WebAssembly.Exception(): Argument 0 must be a WebAssembly tag');
    if (tag === JSTag) throw new TypeError('WebAssembly.Exception(): Argument 0 must not be WebAssembly.JSTag');
    if (payload === null || payload === undefined || typeof (payload as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('WebAssembly.Exception(): Argument 1 must be an iterable object');
    }
    const values = [...(payload as Iterable<unknown>)];
    const params = paramsOfTag(tag);
    if (values.length !== params.length) throw new TypeError('WebAssembly.Exception(): Number of exception values does not match signature length');
    this.#tag = tag;
    this.#values = params.map((t, i) => rawFromJS(t, values[i]));
    const options = rest[0];
    if (options !== undefined && options !== null && typeof options === 'object' && (options as { traceStack?: unknown }).traceStack === true) {
      Object.defineProperty(this, 'stack', { value: new Error().stack ?? '', writable: true, configurable: true });
    }
  }

  getArg(tag: unknown, index: unknown): unknown {
    const own = exceptionTag(this);
    if (!isTagObject(tag)) throw new TypeError('WebAssembly.Exception.getArg(): Argument 0 must be a WebAssembly.Tag');
    if (tag !== own) throw new TypeError('WebAssembly.Exception.getArg(): First argument does not match the exception tag');
    // WebIDL [EnforceRange] unsigned long, then the bounds.
    const n = Number(index);
    if (!Number.isFinite(n)) throw new TypeError('WebAssembly.Exception.getArg(): Argument 1 must be convertible to a valid number');
    const i = Math.trunc(n);
    if (i < 0 || i > 0xffffffff) throw new TypeError('WebAssembly.Exception.getArg(): Argument 1 is outside the unsigned long range');
    const values = this.#values;
    if (i >= values.length) throw new RangeError('WebAssembly.Exception.getArg(): Index out of range');
    return rawToJS(paramsOfTag(own)[i]!, values[i]);
  }

  is(tag: unknown): boolean {
    const own = exceptionTag(this);
    if (!isTagObject(tag)) throw new TypeError('WebAssembly.Exception.is(): Argument 0 must be a WebAssembly.Tag');
    return tag === own;
  }

  static {
    partsOfException = (e) => ({ tag: e.#tag, values: e.#values });
    isExceptionObject = (v): v is Exception => typeof v === 'object' && v !== null && #tag in v;
  }
}
Object.defineProperty(Exception.prototype, Symbol.toStringTag, { value: 'WebAssembly.Exception', configurable: true });

export function isException(v: unknown): v is Exception {
  return isExceptionObject(v);
}

function exceptionTag(e: Exception): Tag {
  if (!isExceptionObject(e)) throw new TypeError('Receiver is not a WebAssembly.Exception');
  return partsOfException(e).tag;
}

/** The exception a wasm `throw` makes (raw values already). */
export function newException(tag: Tag, values: RawValue[]): Exception {
  rawPayload = values;
  return new Exception(tag, undefined);
}

/** What `v`, thrown, is to a wasm handler: its tag and raw values. */
export function thrownParts(v: unknown): { tag: Tag; values: readonly RawValue[] } {
  return isExceptionObject(v) ? partsOfException(v) : { tag: JSTag, values: [v] };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** ToWebAssemblyValue into raw form (references stay JS values; refs.ts checks them where they are stored). */
function rawFromJS(t: ValType, v: unknown): RawValue {
  switch (t) {
    case ValType.I32: return BigInt((Number(v) | 0) >>> 0);
    case ValType.I64: return BigInt.asUintN(64, BigInt(v as bigint));
    case ValType.F32: f32[0] = Number(v); return BigInt(u32[0]!);
    case ValType.F64: f64[0] = Number(v); return u64[0]!;
    case ValType.V128: throw new TypeError('WebAssembly.Exception(): v128 values cannot be passed from JS');
    default: return v;
  }
}

function rawToJS(t: ValType, v: RawValue): unknown {
  switch (t) {
    case ValType.I32: return Number(BigInt.asIntN(32, v as bigint));
    case ValType.I64: return BigInt.asIntN(64, v as bigint);
    case ValType.F32: u32[0] = Number(v as bigint); return f32[0];
    case ValType.F64: u64[0] = v as bigint; return f64[0];
    case ValType.V128: throw new TypeError('WebAssembly.Exception.getArg(): v128 values cannot be passed to JS');
    default: return v;
  }
}
