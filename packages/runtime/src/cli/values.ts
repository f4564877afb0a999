// `--invoke` arguments and results: text ↔ raw bit patterns of i32/i64/f32/f64 values.
// Raw bits (not JS numbers) so that NaN payloads survive both ways. Floats are written the
// way the spec tests write them: shortest round-trip decimal, inf, nan, nan:0x<payload>.
import { ValType } from '@wasmjit/codegen';
import { UsageError } from './args.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

export function typeName(t: ValType): string {
  switch (t) {
    case ValType.I32: return 'i32';
    case ValType.I64: return 'i64';
    case ValType.F32: return 'f32';
    case ValType.F64: return 'f64';
    case ValType.V128: return 'v128';
    case ValType.FuncRef: return 'funcref';
    case ValType.ExternRef: return 'externref';
    default: return `0x${(t as number).toString(16)}`;
  }
}

function parseInteger(text: string, bits: 32 | 64): bigint {
  const t = text.replace(/_/g, '');
  if (!/^[+-]?(0x[0-9a-f]+|\d+)$/i.test(t)) throw new UsageError(`'${text}' is not an i${bits}`);
  const neg = t.startsWith('-');
  const v = BigInt(t.replace(/^[+-]/, '')) * (neg ? -1n : 1n);
  // Both signed and unsigned spellings are accepted, as in the spec's text format.
  if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) throw new UsageError(`'${text}' is out of range for i${bits}`);
  return BigInt.asUintN(bits, v);
}

/** A float's value from decimal or hex-float text (NaN and infinities handled by the caller). */
function parseFloatValue(text: string): number {
  const t = text.replace(/_/g, '');
  const hex = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(t);
  if (hex && (hex[2] || hex[3])) {
    const frac = hex[3] ?? '';
    const mantissa = Number(BigInt(`0x${hex[2] || '0'}${frac}`));
    const v = mantissa * 2 ** (Number(hex[4] ?? 0) - 4 * frac.length);
    return hex[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw new UsageError(`'${text}' is not a number`);
  return Number(t);
}

function parseFloatBits(text: string, bits: 32 | 64): bigint {
  const m = /^([+-]?)(inf|nan)(?::0x([0-9a-f]+))?$/i.exec(text);
  const sign = m?.[1] === '-' ? 1n << BigInt(bits - 1) : 0n;
  const [expBits, fracBits] = bits === 32 ? [0xffn, 23n] : [0x7ffn, 52n];
  if (m && m[2]!.toLowerCase() === 'inf' && m[3] === undefined) return sign | (expBits << fracBits);
  if (m && m[2]!.toLowerCase() === 'nan') {
    const payload = m[3] !== undefined ? BigInt(`0x${m[3]}`) : 1n << (fracBits - 1n);
    if (payload === 0n || payload >= 1n << fracBits) throw new UsageError(`'${text}': NaN payload out of range`);
    return sign | (expBits << fracBits) | payload;
  }
  const v = parseFloatValue(text);
  if (bits === 32) {
    f32[0] = v;
    return BigInt(u32[0]!);
  }
  f64[0] = v;
  return u64[0]!;
}

/** The raw bits of an argument of type t. */
export function parseValue(t: ValType, text: string): bigint {
  switch (t) {
    case ValType.I32: return parseInteger(text, 32);
    case ValType.I64: return parseInteger(text, 64);
    case ValType.F32: return parseFloatBits(text, 32);
    case ValType.F64: return parseFloatBits(text, 64);
    default: throw new UsageError(`cannot pass a ${typeName(t)} from the command line`);
  }
}

/** The JS value for raw bits (for engines that take JS values, like V8's). */
export function bitsToJs(t: ValType, bits: bigint): number | bigint {
  switch (t) {
    case ValType.I32: return Number(BigInt.asIntN(32, bits));
    case ValType.I64: return BigInt.asIntN(64, bits);
    case ValType.F32: u32[0] = Number(bits); return f32[0]!;
    case ValType.F64: u64[0] = bits; return f64[0]!;
    default: throw new UsageError(`cannot pass a ${typeName(t)} from the command line`);
  }
}

/** Raw bits of a JS result value. */
export function jsToBits(t: ValType, v: unknown): bigint {
  switch (t) {
    case ValType.I32: return BigInt.asUintN(32, BigInt(v as number));
    case ValType.I64: return BigInt.asUintN(64, v as bigint);
    case ValType.F32: f32[0] = v as number; return BigInt(u32[0]!);
    case ValType.F64: f64[0] = v as number; return u64[0]!;
    default: throw new TypeError(`cannot print a ${typeName(t)} result`);
  }
}

function formatFloat(bits: bigint, width: 32 | 64): string {
  const [expBits, fracBits] = width === 32 ? [0xffn, 23n] : [0x7ffn, 52n];
  const neg = bits >> BigInt(width - 1) !== 0n;
  const exp = (bits >> fracBits) & expBits;
  const frac = bits & ((1n << fracBits) - 1n);
  if (exp === expBits) {
    const sign = neg ? '-' : '';
    if (frac === 0n) return `${sign}inf`;
    return frac === 1n << (fracBits - 1n) ? `${sign}nan` : `${sign}nan:0x${frac.toString(16)}`;
  }
  let v: number;
  if (width === 64) {
    u64[0] = bits;
    v = f64[0]!;
  } else {
    u32[0] = Number(bits);
    v = f32[0]!;
  }
  if (v === 0) return neg ? '-0' : '0';
  if (width === 64) return String(v);
  // The fewest digits that read back as the same f32.
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number(v.toPrecision(9)));
}

export function isNumeric(t: ValType): boolean {
  return t === ValType.I32 || t === ValType.I64 || t === ValType.F32 || t === ValType.F64;
}

/** A value as text: numbers from their raw bits, references from their JS value. */
export function formatValue(t: ValType, v: unknown): string {
  switch (t) {
    case ValType.I32: return String(BigInt.asIntN(32, v as bigint));
    case ValType.I64: return String(BigInt.asIntN(64, v as bigint));
    case ValType.F32: return formatFloat(BigInt.asUintN(32, v as bigint), 32);
    case ValType.F64: return formatFloat(BigInt.asUintN(64, v as bigint), 64);
    default: return v === null ? 'null' : `<${typeName(t)}>`;
  }
}
