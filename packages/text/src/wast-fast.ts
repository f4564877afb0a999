// The commands that make up most of a script, read straight off the scanner: `(invoke "f"
// const*)` and `(assert_return (invoke "f" const*) const*)` with plain numeric and v128
// constants. Three quarters of spec-latest/core's bytes are such commands; reading them
// without building token objects and lists saves most of their cost. Anything else (a module
// name, `either`, references, a malformed literal ...) makes the fast reader give up, and the
// caller reads the command again the general way, so results and errors stay the same.

import { Scanner, T_ATOM, T_LPAREN, T_RPAREN, T_STRING } from './lexer.js';
import { parseF32, parseF64, parseInt, parseSmallInt } from './numbers.js';
import type { WastAction, WastCommand } from './wast.js';
import type { FloatPattern, WastExpected, WastValue } from './wast-values.js';

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const LANES: Record<string, { n: number; bits: 8 | 16 | 32 | 64; float: boolean }> = {
  i8x16: { n: 16, bits: 8, float: false }, i16x8: { n: 8, bits: 16, float: false }, i32x4: { n: 4, bits: 32, float: false },
  i64x2: { n: 2, bits: 64, float: false }, f32x4: { n: 4, bits: 32, float: true }, f64x2: { n: 2, bits: 64, float: true },
};

/** Thrown (and caught right away) when the fast reader meets something it leaves to the general one. */
const GIVE_UP = { giveUp: true };

/**
 * The next command if it is one of the forms above, with the scanner past it; undefined (the
 * scanner where it was) otherwise.
 */
export function fastCommand(scanner: Scanner): WastCommand | undefined {
  const save = scanner.pos;
  try {
    return readCommand(scanner);
  } catch (e) {
    if (e !== GIVE_UP && !(e instanceof Error)) throw e;
    // A lexical error is found again, and reported, by the general reader.
    scanner.pos = save;
    return undefined;
  }
}

function readCommand(s: Scanner): WastCommand | undefined {
  if (s.next() !== T_LPAREN) throw GIVE_UP;
  const start = s.start;
  if (s.next() !== T_ATOM) throw GIVE_UP;
  const head = s.text();
  if (head === 'invoke') {
    const action = readInvokeRest(s);
    return { line: s.map.line(start), col: s.map.col(start), text: s.src.slice(start, s.end), kind: 'action', action };
  }
  if (head !== 'assert_return') throw GIVE_UP;
  if (s.next() !== T_LPAREN || s.next() !== T_ATOM || s.text() !== 'invoke') throw GIVE_UP;
  const action = readInvokeRest(s);
  const expected: WastExpected[] = [];
  for (;;) {
    const k = s.next();
    if (k === T_RPAREN) break;
    if (k !== T_LPAREN) throw GIVE_UP;
    expected.push(readExpected(s));
  }
  // Field by field, not spread (see wast.ts).
  return { line: s.map.line(start), col: s.map.col(start), text: s.src.slice(start, s.end), kind: 'assert_return', action, expected };
}

/** After `(invoke`: the export name, the arguments and `)`. */
function readInvokeRest(s: Scanner): WastAction {
  if (s.next() !== T_STRING) throw GIVE_UP;
  const name = utf8Decoder.decode(s.bytes!);
  const args: WastValue[] = [];
  for (;;) {
    const k = s.next();
    if (k === T_RPAREN) break;
    if (k !== T_LPAREN) throw GIVE_UP;
    args.push(readValue(s));
  }
  return { kind: 'invoke', module: undefined, name, args };
}

/** The next atom's text. */
function atom(s: Scanner): string {
  if (s.next() !== T_ATOM) throw GIVE_UP;
  return s.text();
}

function close(s: Scanner): void {
  if (s.next() !== T_RPAREN) throw GIVE_UP;
}

function defined<T>(v: T | undefined): T {
  if (v === undefined) throw GIVE_UP;
  return v;
}

/** After `(`: a constant argument and its `)`. */
function readValue(s: Scanner): WastValue {
  const head = atom(s);
  let v: WastValue;
  switch (head) {
    case 'i32.const': v = { type: 'i32', bits: defined(parseInt(atom(s), 32)) }; break;
    case 'i64.const': v = { type: 'i64', bits: defined(parseInt(atom(s), 64)) }; break;
    case 'f32.const': v = { type: 'f32', bits: BigInt(defined(parseF32(atom(s)))) }; break;
    case 'f64.const': v = { type: 'f64', bits: defined(parseF64(atom(s))) }; break;
    case 'v128.const': v = { type: 'v128', bytes: v128Bytes(s) }; break;
    default: throw GIVE_UP;
  }
  close(s);
  return v;
}

/** After `v128.const`: the shape and its lanes as 16 little-endian bytes. */
function v128Bytes(s: Scanner): Uint8Array {
  const shape = LANES[atom(s)];
  if (!shape) throw GIVE_UP;
  const out = new Uint8Array(16);
  let at = 0;
  for (let i = 0; i < shape.n; i++) {
    const t = atom(s);
    if (shape.bits === 64) {
      const bits = defined(shape.float ? parseF64(t) : parseInt(t, 64));
      const lo = Number(bits & 0xffffffffn);
      const hi = Number(bits >> 32n);
      for (let b = 0; b < 32; b += 8) out[at++] = (lo >>> b) & 0xff;
      for (let b = 0; b < 32; b += 8) out[at++] = (hi >>> b) & 0xff;
    } else {
      const bits = defined(shape.float ? parseF32(t) : parseSmallInt(t, shape.bits));
      for (let b = 0; b < shape.bits; b += 8) out[at++] = (bits >>> b) & 0xff;
    }
  }
  return out;
}

function floatPattern(t: string, type: 'f32' | 'f64'): FloatPattern {
  if (t === 'nan:canonical') return { nan: 'canonical' };
  if (t === 'nan:arithmetic') return { nan: 'arithmetic' };
  return { bits: type === 'f32' ? BigInt(defined(parseF32(t))) : defined(parseF64(t)) };
}

/** After `(`: an expected result and its `)`. */
function readExpected(s: Scanner): WastExpected {
  const head = atom(s);
  let e: WastExpected;
  switch (head) {
    case 'i32.const': e = { type: 'i32', bits: defined(parseInt(atom(s), 32)) }; break;
    case 'i64.const': e = { type: 'i64', bits: defined(parseInt(atom(s), 64)) }; break;
    case 'f32.const': e = { type: 'f32', pattern: floatPattern(atom(s), 'f32') }; break;
    case 'f64.const': e = { type: 'f64', pattern: floatPattern(atom(s), 'f64') }; break;
    case 'v128.const': {
      const shapeText = atom(s);
      const shape = LANES[shapeText];
      if (!shape) throw GIVE_UP;
      const lanes: FloatPattern[] = [];
      for (let i = 0; i < shape.n; i++) {
        const t = atom(s);
        lanes.push(shape.float ? floatPattern(t, shape.bits === 32 ? 'f32' : 'f64') : { bits: defined(parseInt(t, shape.bits)) });
      }
      e = { type: 'v128', shape: shapeText, lanes };
      break;
    }
    default: throw GIVE_UP;
  }
  close(s);
  return e;
}
