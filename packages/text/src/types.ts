// Value types, function types and type uses in the text format (spec 6.4 / 6.6.3).

import { errorAt } from './errors.js';
import type { Token } from './lexer.js';
import type { NameSpace } from './names.js';
import { Cursor, isAtom, isList, type SList, type SNode } from './sexpr.js';

/** A value type as its binary encoding, plus a key that compares equal iff the types are equal. */
export interface ValType {
  bytes: number[];
  key: string;
}

export interface FuncSig {
  params: ValType[];
  results: ValType[];
}

export function sigKey(sig: FuncSig): string {
  let key = '';
  for (let i = 0; i < sig.params.length; i++) key += i === 0 ? sig.params[i]!.key : ' ' + sig.params[i]!.key;
  key += ' ->';
  for (let i = 0; i < sig.results.length; i++) key += ' ' + sig.results[i]!.key;
  return key;
}

const NUM_TYPES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Abstract heap types and their type codes. */
const HEAP_TYPES: Record<string, number> = {
  func: 0x70, extern: 0x6f, any: 0x6e, eq: 0x6d, i31: 0x6c, struct: 0x6b, array: 0x6a,
  exn: 0x69, noexn: 0x74, none: 0x71, noextern: 0x72, nofunc: 0x73,
};

/** `funcref` etc.: shorthands for `(ref null <heap type>)`. */
const REF_SHORTHANDS: Record<string, string> = {
  funcref: 'func', externref: 'extern', anyref: 'any', eqref: 'eq', i31ref: 'i31', structref: 'struct',
  arrayref: 'array', exnref: 'exn', nullexnref: 'noexn', nullref: 'none', nullexternref: 'noextern',
  nullfuncref: 'nofunc',
};

// One shared ValType per keyword type: value types are read for every param, result and local,
// and a fresh object and array each time was garbage the collector had to handle. Nobody
// writes to a ValType's bytes.
const KEYWORD_TYPES = new Map<string, ValType>();
for (const [name, code] of Object.entries(NUM_TYPES)) KEYWORD_TYPES.set(name, { bytes: [code], key: name });
for (const [name, heap] of Object.entries(REF_SHORTHANDS)) KEYWORD_TYPES.set(name, { bytes: [HEAP_TYPES[heap]!], key: `null ${heap}` });
const ABSTRACT_HEAP_TYPES = new Map<string, ValType>();
for (const [name, code] of Object.entries(HEAP_TYPES)) ABSTRACT_HEAP_TYPES.set(name, { bytes: [code], key: name });

function leb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v = Math.floor(v / 128);
    // signed s33: stop when the rest is zero and the sign bit (0x40) is clear
    if (v === 0 && (b & 0x40) === 0) return [...out, b];
    out.push(b | 0x80);
  }
}

/** A heap type: an abstract name or a type index. */
export function parseHeapType(node: SNode | undefined, types: NameSpace, at: { line: number; col: number }): ValType {
  if (isAtom(node)) {
    const abstract = ABSTRACT_HEAP_TYPES.get(node.text);
    if (abstract !== undefined) return abstract;
  }
  const idx = types.tryResolve(node);
  if (idx === undefined) throw errorAt(node ?? at, `expected a heap type, found ${node ? JSON.stringify((node as Token).text ?? '(...)') : '")"'}`);
  return { bytes: leb(idx), key: `$${idx}` };
}

/** A value type node, or undefined if `node` is not one (so callers can stop at it). */
export function tryValType(node: SNode | undefined, types: NameSpace): ValType | undefined {
  if (isAtom(node)) return KEYWORD_TYPES.get(node.text);
  if (isList(node, 'ref')) {
    const c = new Cursor(node);
    const nullable = c.peekAtom('null');
    if (nullable) c.take();
    const heap = parseHeapType(c.take(), types, c.here());
    c.expectEnd();
    // (ref null <abstract>) has a one-byte shorthand, which is also what the reference
    // interpreter and wabt emit.
    if (nullable && heap.bytes.length === 1 && heap.bytes[0]! >= 0x69) return { bytes: heap.bytes, key: `null ${heap.key}` };
    return { bytes: [nullable ? 0x63 : 0x64, ...heap.bytes], key: `${nullable ? 'null ' : ''}${heap.key}` };
  }
  return undefined;
}

export function parseValType(c: Cursor, types: NameSpace): ValType {
  const t = tryValType(c.peek(), types);
  if (t === undefined) throw c.error('a value type');
  c.take();
  return t;
}

export function parseRefType(c: Cursor, types: NameSpace): ValType {
  const t = tryValType(c.peek(), types);
  if (t === undefined || NUM_TYPES[t.key] !== undefined) throw c.error('a reference type');
  c.take();
  return t;
}

export interface Param {
  id?: Token;
  type: ValType;
}

/**
 * `(param $x? t)` / `(param t*)` and `(result t*)` lists at the cursor, in that order.
 * Names are only allowed where `namedParams` (functions, not block types).
 */
export function parseParamsResults(c: Cursor, types: NameSpace, namedParams: boolean): { params: Param[]; results: ValType[] } {
  const params: Param[] = [];
  const results: ValType[] = [];
  while (c.peekList('param')) {
    const pc = new Cursor(c.take() as SList);
    const id = pc.takeId();
    if (id) {
      if (!namedParams) throw errorAt(id, 'unexpected parameter name in a block type');
      params.push({ id, type: parseValType(pc, types) });
      pc.expectEnd();
    } else {
      while (!pc.done) params.push({ id: undefined, type: parseValType(pc, types) });
    }
  }
  while (c.peekList('result')) {
    const rc = new Cursor(c.take() as SList);
    while (!rc.done) results.push(parseValType(rc, types));
  }
  return { params, results };
}

/** A `(func (param ...) (result ...))` type definition body. */
export function parseFuncTypeDef(node: SList, types: NameSpace): FuncSig {
  const c = new Cursor(node);
  const { params, results } = parseParamsResults(c, types, true);
  c.expectEnd('"(param ...)" or "(result ...)"');
  return { params: params.map((p) => p.type), results };
}
