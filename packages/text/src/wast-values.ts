// Values in WAST scripts: the constants given to `invoke`, and the result patterns of
// `assert_return` (exact constants, NaN classes, reference kinds, v128 lanes, `either`).

import { errorAt } from './errors.js';
import { v128Literal } from './instructions.js';
import type { Token } from './lexer.js';
import { parseF32, parseF64, parseInt, parseU32 } from './numbers.js';
import { Cursor, describe, headOf, isAtom, isList, type SNode } from './sexpr.js';

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';

/** A concrete argument value. Numbers are bit patterns (two's complement / IEEE). */
export type WastValue =
  | { type: NumType; bits: bigint }
  | { type: 'v128'; bytes: Uint8Array }
  | { type: 'ref.null'; heap: string }
  /** `(ref.extern N)` / `(ref.host N)`: a host reference identified by N. */
  | { type: 'ref.extern' | 'ref.host'; value: number };

export type NanClass = 'canonical' | 'arithmetic';

/** One lane (or a whole float) of an expected result: exact bits or a NaN class. */
export type FloatPattern = { bits: bigint } | { nan: NanClass };

export type WastExpected =
  | { type: 'i32' | 'i64'; bits: bigint }
  | { type: 'f32' | 'f64'; pattern: FloatPattern }
  | { type: 'v128'; shape: string; lanes: FloatPattern[] }
  | { type: 'ref.null'; heap?: string }
  /** `(ref.extern N)` or `(ref.host N)` with N: that reference; without N: any non-null one. */
  | { type: 'ref.extern' | 'ref.host'; value?: number }
  /** `(ref.func)`, `(ref.i31)`, `(ref.struct)` ...: any non-null reference of that kind. */
  | { type: 'ref'; kind: string }
  | { type: 'either'; options: WastExpected[] };

function numberToken(c: Cursor, what: string): Token {
  const t = c.peek();
  if (!isAtom(t)) throw c.error(what);
  c.take();
  return t;
}

function intBits(t: Token, type: 'i32' | 'i64'): bigint {
  const v = parseInt(t.text, type === 'i32' ? 32 : 64);
  if (v === undefined) throw errorAt(t, `malformed ${type} constant ${JSON.stringify(t.text)}`);
  return v;
}

function floatBits(t: Token, type: 'f32' | 'f64'): bigint {
  const v = type === 'f32' ? parseF32(t.text) : parseF64(t.text);
  if (v === undefined) throw errorAt(t, `malformed ${type} constant ${JSON.stringify(t.text)}`);
  return BigInt(v);
}

function refValue(c: Cursor, head: string): WastValue {
  if (head === 'ref.null') {
    const ht = c.take();
    if (!ht || ht.kind === 'list' || ht.kind === 'string') throw c.error('a heap type');
    return { type: 'ref.null', heap: ht.text };
  }
  const t = numberToken(c, 'a host reference number');
  const v = parseU32(t.text);
  if (v === undefined) throw errorAt(t, `expected a host reference number, found ${describe(t)}`);
  return { type: head as 'ref.extern' | 'ref.host', value: v };
}

/** `(i32.const 1)` and friends, as an invoke argument. */
export function parseWastValue(node: SNode): WastValue {
  if (!isList(node)) throw errorAt(node, `expected a constant "(t.const ...)", found ${describe(node)}`);
  const head = headOf(node);
  const c = new Cursor(node);
  let v: WastValue;
  switch (head) {
    case 'i32.const': case 'i64.const':
      v = { type: head.slice(0, 3) as NumType, bits: intBits(numberToken(c, 'an integer'), head.slice(0, 3) as 'i32') };
      break;
    case 'f32.const': case 'f64.const':
      v = { type: head.slice(0, 3) as NumType, bits: floatBits(numberToken(c, 'a float'), head.slice(0, 3) as 'f32') };
      break;
    case 'v128.const':
      v = { type: 'v128', bytes: Uint8Array.from(v128Literal(c)) };
      break;
    case 'ref.null': case 'ref.extern': case 'ref.host':
      v = refValue(c, head);
      break;
    default:
      throw errorAt(node, `expected a constant, found ${describe(node)}`);
  }
  c.expectEnd();
  return v;
}

function floatPattern(t: Token, type: 'f32' | 'f64'): FloatPattern {
  if (t.text === 'nan:canonical' || t.text === 'nan:arithmetic') return { nan: t.text.slice(4) as NanClass };
  return { bits: floatBits(t, type) };
}

const LANES: Record<string, { n: number; type: 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' }> = {
  i8x16: { n: 16, type: 'i8' }, i16x8: { n: 8, type: 'i16' }, i32x4: { n: 4, type: 'i32' },
  i64x2: { n: 2, type: 'i64' }, f32x4: { n: 4, type: 'f32' }, f64x2: { n: 2, type: 'f64' },
};

function v128Pattern(c: Cursor): WastExpected {
  const shapeTok = numberToken(c, 'a v128 shape');
  const shape = LANES[shapeTok.text];
  if (!shape) throw errorAt(shapeTok, `expected a v128 shape, found ${describe(shapeTok)}`);
  const lanes: FloatPattern[] = [];
  for (let i = 0; i < shape.n; i++) {
    const t = numberToken(c, `${shape.n} lanes`);
    if (shape.type === 'f32' || shape.type === 'f64') lanes.push(floatPattern(t, shape.type));
    else {
      const bits = { i8: 8, i16: 16, i32: 32, i64: 64 }[shape.type] as 8 | 16 | 32 | 64;
      const v = parseInt(t.text, bits);
      if (v === undefined) throw errorAt(t, `malformed ${shape.type} lane ${JSON.stringify(t.text)}`);
      lanes.push({ bits: v });
    }
  }
  return { type: 'v128', shape: shapeTok.text, lanes };
}

/** One expected result of `assert_return`. */
export function parseWastExpected(node: SNode): WastExpected {
  if (!isList(node)) throw errorAt(node, `expected a result "(t.const ...)", found ${describe(node)}`);
  const head = headOf(node) ?? '';
  const c = new Cursor(node);
  let e: WastExpected;
  if (head === 'either') {
    const options: WastExpected[] = [];
    while (!c.done) options.push(parseWastExpected(c.take()!));
    return { type: 'either', options };
  }
  switch (head) {
    case 'i32.const': case 'i64.const':
      e = { type: head.slice(0, 3) as 'i32', bits: intBits(numberToken(c, 'an integer'), head.slice(0, 3) as 'i32') };
      break;
    case 'f32.const': case 'f64.const': {
      const type = head.slice(0, 3) as 'f32' | 'f64';
      e = { type, pattern: floatPattern(numberToken(c, 'a float'), type) };
      break;
    }
    case 'v128.const':
      e = v128Pattern(c);
      break;
    case 'ref.null':
      e = c.done ? { type: 'ref.null' } : (refValue(c, head) as WastExpected);
      break;
    case 'ref.extern': case 'ref.host':
      e = c.done ? { type: head } : (refValue(c, head) as WastExpected);
      break;
    default:
      if (!head.startsWith('ref.')) throw errorAt(node, `expected a result, found ${describe(node)}`);
      e = { type: 'ref', kind: head.slice(4) };
  }
  c.expectEnd();
  return e;
}

