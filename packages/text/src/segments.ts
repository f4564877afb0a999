// Element and data segments (spec 6.6.12/6.6.14) in all their text forms, and the constant
// expressions they and globals/tables use for offsets and initialisers.

import { Bytes } from './bytes.js';
import type { Items } from './section-items.js';
import { parseInstrs, type BodyContext } from './instructions.js';
import type { Token } from './lexer.js';
import type { ModuleContext } from './module-context.js';
import { NameSpace } from './names.js';
import { parseU32 } from './numbers.js';
import { Cursor, isAtom, isList, SList } from './sexpr.js';
import { parseRefType, tryValType, type ValType } from './types.js';

export function constExpr(c: Cursor, mod: ModuleContext): Bytes {
  const b = new Bytes();
  parseInstrs(c, { mod, locals: new NameSpace('local'), labels: [] }, b);
  c.expectEnd('an instruction');
  return b.u8(0x0b);
}

/** Strings of a data segment, concatenated. */
export function dataStrings(c: Cursor): Uint8Array {
  const parts: Uint8Array[] = [];
  while (!c.done) parts.push(c.expectString('a data string').bytes!);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `(offset instr*)` or a single folded instruction. */
function offsetExpr(c: Cursor, mod: ModuleContext): Bytes {
  const node = c.expectList('an offset expression');
  if (isList(node, 'offset')) return constExpr(new Cursor(node), mod);
  return constExpr(new Cursor(wrap(node), 0), mod);
}

/** A one-item list around a folded instruction, so it reads as an instruction sequence. */
function wrap(node: SList): SList {
  return new SList([node], node.start, node.end, node.map);
}

export type SegMode = { mode: 'passive' } | { mode: 'declare' } | { mode: 'active'; table: number; offset: Bytes };

export interface ElemItems {
  count: number;
  /** Function indices when every item is a plain function reference. */
  funcs?: number[];
  exprs: Bytes[];
}

/**
 * Elem list after the mode: `func x*`, `reftype (item ...)*|(instr)*`, or (legacy, `legacyFuncs`)
 * bare function indices.
 */
export function elemItems(c: Cursor, mod: ModuleContext, rt: ValType | undefined, legacyFuncs: boolean): ElemItems {
  const ctx: BodyContext = { mod, locals: new NameSpace('local'), labels: [] };
  if (rt === undefined && c.peekAtom('func')) c.take();
  else if (rt === undefined && !(legacyFuncs && (c.done || c.peekId() || (isAtom(c.peek()) && parseU32((c.peek() as Token).text) !== undefined)))) {
    rt = parseRefType(c, mod.types);
  }
  if (rt === undefined || (legacyFuncs && !c.peekList())) {
    const funcs: number[] = [];
    while (!c.done) funcs.push(mod.funcs.take(c));
    return { count: funcs.length, funcs, exprs: funcs.map((f) => new Bytes().u8(0xd2).u32(f).u8(0x0b)) };
  }
  const exprs: Bytes[] = [];
  let allRefFunc = rt.key === 'null func' && !mod.indexElemsAreRefFunc;
  while (!c.done) {
    const item = c.expectList('an element expression');
    const b = new Bytes();
    if (isList(item, 'item')) {
      const ic = new Cursor(item);
      if (!isList(ic.peek())) allRefFunc &&= isAtom(ic.peek(), 'ref.func') && ic.list.items.length === 3;
      else allRefFunc &&= isList(ic.peek(), 'ref.func') && ic.list.items.length === 2;
      parseInstrs(ic, ctx, b);
      ic.expectEnd('an instruction');
    } else {
      allRefFunc &&= isList(item, 'ref.func');
      parseInstrs(new Cursor(wrap(item), 0), ctx, b);
    }
    exprs.push(b.u8(0x0b));
  }
  const funcs = allRefFunc ? exprs.map((e) => refFuncIndex(e)) : undefined;
  return { count: exprs.length, funcs, exprs };
}

/** The index out of an encoded `ref.func x; end`. */
function refFuncIndex(e: Bytes): number {
  const v = e.view();
  let x = 0;
  let shift = 0;
  for (let i = 1; i < v.length - 1; i++) {
    x += (v[i]! & 0x7f) * 2 ** shift;
    shift += 7;
  }
  return x;
}

/**
 * One element segment: function indices for `func x*` (and, in 2.0, when all items are
 * `ref.func` of a funcref segment, as wabt writes them), expressions otherwise; the table index and element kind only
 * when they differ from the (table 0, funcref) defaults.
 */
export function elemSegment(mode: SegMode, rt: ValType | undefined, items: ElemItems): Bytes {
  const isFuncref = rt === undefined || rt.key === 'null func';
  const useExprs = items.funcs === undefined || !isFuncref;
  let flags = useExprs ? 4 : 0;
  if (mode.mode === 'passive') flags |= 1;
  else if (mode.mode === 'declare') flags |= 3;
  else if (mode.table !== 0 || !isFuncref) flags |= 2;
  const b = new Bytes().u8(flags);
  if (mode.mode === 'active') {
    if (flags & 2) b.u32(mode.table);
    b.append(mode.offset);
  }
  if (flags & 3) {
    if (useExprs) b.raw(rt!.bytes);
    else b.u8(0x00); // elemkind funcref
  }
  b.u32(items.count);
  if (useExprs) for (let i = 0; i < items.exprs.length; i++) b.append(items.exprs[i]!);
  else for (let i = 0; i < items.funcs!.length; i++) b.u32(items.funcs![i]!);
  return b;
}

export function elemField(c: Cursor, mod: ModuleContext, elems: Items): void {
  c.takeId();
  let mode: SegMode;
  if (c.peekAtom('declare')) {
    c.take();
    mode = { mode: 'declare' };
  } else if (c.peekList('table') || c.peekList('offset') || isIndexThenOffset(c) || isFoldedOffset(c)) {
    let table = 0;
    if (c.peekList('table')) {
      const tc = new Cursor(c.take() as SList);
      table = mod.tables.take(tc);
      tc.expectEnd();
    } else if (!c.peekList()) {
      table = mod.tables.take(c);
    }
    mode = { mode: 'active', table, offset: offsetExpr(c, mod) };
  } else {
    mode = { mode: 'passive' };
  }
  let rt: ValType | undefined;
  if (!c.peekAtom('func')) rt = tryValType(c.peek(), mod.types);
  if (rt) c.take();
  // `(elem (offset ...) x*)`: function indices without `func` (the Wasm 1.0 form).
  const items = elemItems(c, mod, rt, mode.mode === 'active' && rt === undefined && !c.peekAtom('func'));
  elems.push(elemSegment(mode, rt, items));
}

/** `(elem 0 (i32.const 0) ...)`: a bare table index before the offset (Wasm 1.0 form). */
function isIndexThenOffset(c: Cursor): boolean {
  const n = c.peek();
  return n !== undefined && n.kind !== 'list' && n.kind !== 'string' && !isAtom(n, 'func') && tryValType(n, new NameSpace('type')) === undefined && isList(c.peek(1));
}

/** An offset written as one folded instruction, rather than a reftype or an item list. */
function isFoldedOffset(c: Cursor): boolean {
  const n = c.peek();
  return isList(n) && !isList(n, 'item') && !isList(n, 'ref');
}

export function dataField(c: Cursor, mod: ModuleContext, datas: Items): void {
  c.takeId();
  const b = new Bytes();
  if (c.peekList('memory') || c.peekList() || (!c.done && c.peek()!.kind !== 'string')) {
    let mem = 0;
    if (c.peekList('memory')) {
      const mc = new Cursor(c.take() as SList);
      mem = mod.memories.take(mc);
      mc.expectEnd();
    } else if (!c.peekList()) {
      mem = mod.memories.take(c);
    }
    const offset = offsetExpr(c, mod);
    if (mem === 0) b.u8(0);
    else b.u8(2).u32(mem);
    b.append(offset);
  } else {
    b.u8(1);
  }
  const bytes = dataStrings(c);
  b.u32(bytes.length).raw(bytes);
  datas.push(b);
}
