// The common float literals without BigInt or regular expressions: hex literals whose value is
// exactly an f64 (at most 53 significant bits, in the normal range), and plain decimals (no `_`)
// through the host's correctly rounded string → f64. Everything else, and every literal whose
// correct rounding these cannot vouch for, is left to numbers.ts's exact path (the answer
// NaN below means "not decided here", never "malformed").

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const TWO_53 = 2 ** 53;

/**
 * `[+-]?0x h+ (. h*)? ([pP] [+-]? d+)?` (no `_`) as the f64 it denotes, or NaN when the literal
 * is spelled otherwise or that f64 is not certain to be the correctly rounded value. With
 * `roundToOdd` (for f32), bits beyond 53 are folded into a sticky lowest bit: rounding that
 * value to 24 bits gives the same result as rounding the exact one ("round to odd" keeps every
 * bit a later rounding to two or more fewer bits can look at).
 */
export function exactHexValue(text: string, roundToOdd = false): number {
  const n = text.length;
  let i = 0;
  const c0 = text.charCodeAt(0);
  const negative = c0 === 0x2d;
  if (negative || c0 === 0x2b) i = 1;
  if (text.charCodeAt(i) !== 0x30 || text.charCodeAt(i + 1) !== 0x78) return NaN;
  i += 2;
  let mant = 0;
  let exp = 0;
  let digits = 0;
  let dot = false;
  // Zero digits dropped from a full mantissa; a nonzero digit after one is not exact here.
  let dropped = false;
  let sticky = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    const h = hexDigit(c);
    if (h >= 0) {
      digits++;
      if (mant * 16 + h < TWO_53 && !dropped) {
        mant = mant * 16 + h;
        if (dot) exp -= 4;
      } else if (h === 0 || roundToOdd) {
        dropped = true;
        if (h !== 0) sticky = true;
        if (!dot) exp += 4;
      } else {
        return NaN;
      }
    } else if (c === 0x2e && !dot && digits > 0) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits === 0) return NaN;
  if (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 0x70 && c !== 0x50) return NaN;
    i++;
    let sign = 1;
    const s = text.charCodeAt(i);
    if (s === 0x2d || s === 0x2b) {
      if (s === 0x2d) sign = -1;
      i++;
    }
    if (i >= n || n - i > 6) return NaN;
    let e = 0;
    for (; i < n; i++) {
      const d = text.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return NaN;
      e = e * 10 + d;
    }
    exp += sign * e;
  }
  if (mant === 0) return negative ? -0 : 0;
  if (sticky && mant % 2 === 0) mant += 1;
  if (exp > 1023 || exp < -1274) return NaN;
  // One IEEE multiplication by an exact power of two: exact in the normal range, correctly
  // rounded (once) in the subnormal range.
  const mag = exp >= -1074 ? mant * 2 ** exp : mant * 2 ** (exp + 200) * 2 ** -200;
  if (!Number.isFinite(mag) || mag >= 2 ** 1023) return NaN;
  return negative ? -mag : mag;
}

/** `[+-]? d+ (. d*)? ([eE] [+-]? d+)?` without `_`: a literal Number() reads as the spec means. */
export function isPlainDecimal(text: string): boolean {
  const n = text.length;
  let i = 0;
  const c0 = text.charCodeAt(0);
  if (c0 === 0x2d || c0 === 0x2b) i = 1;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === intStart) return false;
  if (i < n && text.charCodeAt(i) === 0x2e) {
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  if (i < n) {
    const e = text.charCodeAt(i);
    if (e !== 0x65 && e !== 0x45) return false;
    i++;
    const s = text.charCodeAt(i);
    if (s === 0x2d || s === 0x2b) i++;
    const expStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return false;
  }
  return i === n;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const scratch = new DataView(new ArrayBuffer(8));

/**
 * `inf`, `nan` and `nan:0x...` (signed) as f32 bits, -1 when `text` is none of them (or a
 * payload spelled with `_`, left to the exact path), -2 when it is a malformed payload.
 */
export function specialF32(text: string): number {
  const p = specialParts(text, 23);
  if (p === undefined) return -1;
  if (p === null) return -2;
  return (p.negative ? 0x80000000 : 0) + 0x7f800000 + p.payload;
}

/** The same for f64: bits as a bigint, undefined when not special, null when malformed. */
export function specialF64(text: string): bigint | undefined | null {
  const p = specialParts(text, 52);
  if (p === undefined || p === null) return p;
  scratch.setUint32(0, (p.negative ? 0x80000000 : 0) + 0x7ff00000 + Math.floor(p.payload / 2 ** 32), true);
  scratch.setUint32(4, p.payload % 2 ** 32, true);
  return (BigInt(scratch.getUint32(0, true)) << 32n) | BigInt(scratch.getUint32(4, true));
}

function specialParts(text: string, mantissa: number): { negative: boolean; payload: number } | undefined | null {
  let i = 0;
  const c0 = text.charCodeAt(0);
  const negative = c0 === 0x2d;
  if (negative || c0 === 0x2b) i = 1;
  const c = text.charCodeAt(i);
  if (c !== 0x69 && c !== 0x6e) return undefined; // i, n
  const rest = i === 0 ? text : text.slice(i);
  if (rest === 'inf') return { negative, payload: 0 };
  if (rest === 'nan') return { negative, payload: 2 ** (mantissa - 1) };
  if (!rest.startsWith('nan:0x')) return undefined;
  let payload = 0;
  const n = rest.length;
  if (n === 6 || n - 6 > 13) return undefined;
  for (let k = 6; k < n; k++) {
    const h = hexDigit(rest.charCodeAt(k));
    if (h < 0) return undefined;
    payload = payload * 16 + h;
  }
  if (payload === 0 || payload >= 2 ** mantissa) return null;
  return { negative, payload };
}
