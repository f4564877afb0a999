// A text module → binary module: declare every field (./fields.ts), then encode the fields in
// order into their sections, then write the sections in the binary format's order.

import { Bytes } from './bytes.js';
import { errorAt } from './errors.js';
import { declareFields, fieldPrefix } from './fields.js';
import { defineTypes } from './type-defs.js';
import { parseInstrs, type BodyContext } from './instructions.js';
import type { Token } from './lexer.js';
import { ModuleContext } from './module-context.js';
import { NameSpace } from './names.js';
import { parseU32, parseU64 } from './numbers.js';
import { Cursor, headOf, isAtom, isList, readSExprs, type SList } from './sexpr.js';
import { parseRefType, parseValType, tryValType, type ValType } from './types.js';

const KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

/** Section contents, one entry per item, gathered while the fields are encoded. */
class Sections {
  imports: Bytes[] = [];
  funcs: number[] = [];
  tables: Bytes[] = [];
  memories: Bytes[] = [];
  tags: Bytes[] = [];
  globals: Bytes[] = [];
  exports: Bytes[] = [];
  start: number | undefined;
  elems: Bytes[] = [];
  codes: Bytes[] = [];
  datas: Bytes[] = [];
}

export interface EncodeOptions {
  /**
   * Which edition of the text format: '3.0' (default) reads every memory/table size and memory
   * offset as a u64 and leaves range checks of 32-bit memories to validation; '2.0' rejects
   * values beyond u32 as malformed, as the Wasm 2.0 testsuite expects.
   */
  standard?: '2.0' | '3.0';
  /** Write a data count section whenever there are data segments (not only when bulk ops need one). */
  alwaysDataCount?: boolean;
}

/** Encode the text of one `(module ...)` (or bare module fields) to binary. */
export function parseWat(src: string, opts: EncodeOptions = {}): Uint8Array {
  const nodes = readSExprs(src);
  if (nodes.length === 1 && isList(nodes[0], 'module')) return encodeModule(nodes[0], opts);
  // A file of bare module fields is one module (spec: inline module).
  const fields = nodes.map((n) => {
    if (!isList(n)) throw errorAt(n, 'expected "(module ...)" or a module field');
    return n;
  });
  return encodeFields(fields, opts);
}

/** Encode a `(module $id? field*)` list. Binary/quote modules are the WAST parser's business. */
export function encodeModule(list: SList, opts: EncodeOptions = {}): Uint8Array {
  const c = new Cursor(list);
  c.takeId();
  if (c.peekAtom('binary') || c.peekAtom('quote') || c.peekAtom('definition') || c.peekAtom('instance')) {
    throw c.error('a module field (binary/quote/definition modules belong to a script)');
  }
  return encodeModuleFields(list, c.i, opts);
}

/** Encode the module fields `list.items[from..]` (after whatever header precedes them). */
export function encodeModuleFields(list: SList, from: number, opts: EncodeOptions = {}): Uint8Array {
  const c = new Cursor(list, from);
  const fields: SList[] = [];
  while (!c.done) fields.push(c.expectList('a module field'));
  return encodeFields(fields, opts);
}

function encodeFields(fields: SList[], opts: EncodeOptions): Uint8Array {
  const mod = new ModuleContext();
  mod.wideLimits = opts.standard !== '2.0';
  declareFields(fields, mod);
  defineTypes(fields, mod);
  const s = new Sections();
  for (const f of fields) encodeField(f, mod, s);
  return assemble(mod, s, opts);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Import and export names are strings that must be valid UTF-8 (spec 6.3.3 "name"). */
function nameBytes(t: Token): Uint8Array {
  try {
    strictUtf8.decode(t.bytes!);
  } catch {
    throw errorAt(t, 'malformed UTF-8 encoding in a name');
  }
  return t.bytes!;
}

function exportsOf(names: Token[], kind: number, index: number, s: Sections): void {
  for (const n of names) s.exports.push(new Bytes().name(nameBytes(n)).u8(kind).u32(index));
}

function encodeField(f: SList, mod: ModuleContext, s: Sections): void {
  const head = headOf(f)!;
  const c = new Cursor(f);
  switch (head) {
    case 'type': case 'rec':
      return; // done by defineTypes
    case 'import': {
      const module = c.expectString('a module name');
      const name = c.expectString('an import name');
      const desc = c.expectList('an import description');
      c.expectEnd();
      const dc = new Cursor(desc);
      dc.takeId();
      const kind = headOf(desc) as keyof typeof KIND;
      const b = new Bytes().name(nameBytes(module)).name(nameBytes(name)).u8(KIND[kind]);
      importDesc(kind, dc, mod, b, s);
      dc.expectEnd();
      s.imports.push(b);
      return;
    }
    case 'func': return funcField(c, mod, s);
    case 'table': return tableField(c, mod, s);
    case 'memory': return memoryField(c, mod, s);
    case 'global': return globalField(c, mod, s);
    case 'tag': {
      const { exports, inlineImport } = fieldPrefix(c);
      exportsOf(exports, KIND.tag, tagIndex(s, !!inlineImport), s);
      if (inlineImport) {
        const b = importHeader(inlineImport, KIND.tag);
        importDesc('tag', c, mod, b, s);
        c.expectEnd();
        s.imports.push(b);
        return;
      }
      s.tags.push(new Bytes().u8(0).u32(mod.typeUse(c, true).index));
      c.expectEnd();
      return;
    }
    case 'export': {
      const name = c.expectString('an export name');
      const desc = c.expectList('an export description');
      c.expectEnd();
      const kind = headOf(desc) as keyof typeof KIND | undefined;
      if (kind === undefined || !(kind in KIND)) throw errorAt(desc, `expected an export description, found "(${kind ?? ''}..."`);
      const dc = new Cursor(desc);
      const space = { func: mod.funcs, table: mod.tables, memory: mod.memories, global: mod.globals, tag: mod.tags }[kind];
      const index = space.resolve(dc.take(), dc.here());
      dc.expectEnd();
      s.exports.push(new Bytes().name(nameBytes(name)).u8(KIND[kind]).u32(index));
      return;
    }
    case 'start': {
      if (s.start !== undefined) throw errorAt(f, 'multiple start sections');
      s.start = mod.funcs.resolve(c.take(), c.here());
      c.expectEnd();
      return;
    }
    case 'elem': return elemField(c, mod, s);
    case 'data': return dataField(c, mod, s);
  }
}

// Counters of how many imports of each kind precede a definition: definitions are numbered
// after all imports, which fields.ts guarantees come first in the text.
const importCounts = new WeakMap<Sections, Record<number, number>>();
function countImport(s: Sections, kind: number): void {
  const m = importCounts.get(s) ?? {};
  m[kind] = (m[kind] ?? 0) + 1;
  importCounts.set(s, m);
}
function importedCount(s: Sections, kind: number): number {
  return importCounts.get(s)?.[kind] ?? 0;
}

function tagIndex(s: Sections, imported: boolean): number {
  return imported ? importedCount(s, KIND.tag) : importedCount(s, KIND.tag) + s.tags.length;
}

function importHeader([module, name]: [Token, Token], kind: number): Bytes {
  return new Bytes().name(nameBytes(module)).name(nameBytes(name)).u8(kind);
}

function importDesc(kind: keyof typeof KIND, c: Cursor, mod: ModuleContext, b: Bytes, s: Sections): void {
  countImport(s, KIND[kind]);
  switch (kind) {
    case 'func':
      b.u32(mod.typeUse(c, true).index);
      return;
    case 'table':
      tableType(c, mod, b);
      return;
    case 'memory':
      memoryType(c, mod, b);
      return;
    case 'global':
      globalType(c, mod, b);
      return;
    case 'tag':
      b.u8(0).u32(mod.typeUse(c, true).index);
      return;
  }
}

function funcField(c: Cursor, mod: ModuleContext, s: Sections): void {
  const { exports, inlineImport } = fieldPrefix(c);
  const index = inlineImport ? importedCount(s, KIND.func) : importedCount(s, KIND.func) + s.funcs.length;
  exportsOf(exports, KIND.func, index, s);
  if (inlineImport) {
    const b = importHeader(inlineImport, KIND.func);
    importDesc('func', c, mod, b, s);
    c.expectEnd();
    s.imports.push(b);
    return;
  }
  const use = mod.typeUse(c, true);
  const locals = new NameSpace('local');
  for (const p of use.params) locals.add(p.id);
  const localTypes: ValType[] = [];
  while (c.peekList('local')) {
    const lc = new Cursor(c.take() as SList);
    const id = lc.takeId();
    if (id) {
      locals.add(id);
      localTypes.push(parseValType(lc, mod.types));
      lc.expectEnd();
    } else {
      while (!lc.done) {
        locals.add(undefined);
        localTypes.push(parseValType(lc, mod.types));
      }
    }
  }
  const body = new Bytes();
  // Locals as runs of one type: (count, type)*.
  const runs: [number, ValType][] = [];
  for (const t of localTypes) {
    const last = runs[runs.length - 1];
    if (last && last[1].key === t.key) last[0]++;
    else runs.push([1, t]);
  }
  body.u32(runs.length);
  for (const [n, t] of runs) body.u32(n).raw(t.bytes);
  const ctx: BodyContext = { mod, locals, labels: [] };
  parseInstrs(c, ctx, body);
  c.expectEnd('an instruction');
  body.u8(0x0b);
  s.funcs.push(use.index);
  s.codes.push(body);
}

/** `i64? min max?` (memory64/table64 index type first); flags per the binary format. */
function limits(c: Cursor, b: Bytes, shared: boolean | 'allowed', wide: boolean): void {
  const is64 = c.peekAtom('i64');
  if (is64 || c.peekAtom('i32')) c.take();
  const num = (t: Token) => (is64 || wide ? parseU64(t.text) : parseU32(t.text));
  const minTok = c.expectAtom('a minimum size');
  const min = num(minTok);
  if (min === undefined) throw errorAt(minTok, `malformed size ${JSON.stringify(minTok.text)}`);
  let max: bigint | number | undefined;
  if (c.peekAtom() && num(c.peek() as Token) !== undefined) max = num(c.take() as Token);
  let isShared = false;
  if (shared === 'allowed' && c.peekAtom('shared')) {
    c.take();
    isShared = true;
  } else if (shared === 'allowed' && c.peekAtom('unshared')) c.take();
  b.u8((max !== undefined ? 1 : 0) | (isShared ? 2 : 0) | (is64 ? 4 : 0));
  b.u64(BigInt(min));
  if (max !== undefined) b.u64(BigInt(max));
}

function tableType(c: Cursor, mod: ModuleContext, b: Bytes): void {
  const lim = new Bytes();
  limits(c, lim, false, mod.wideLimits);
  b.raw(parseRefType(c, mod.types).bytes).append(lim);
}

function memoryType(c: Cursor, mod: ModuleContext, b: Bytes): void {
  limits(c, b, 'allowed', mod.wideLimits);
}

function globalType(c: Cursor, mod: ModuleContext, b: Bytes): void {
  if (c.peekList('mut')) {
    const mc = new Cursor(c.take() as SList);
    b.raw(parseValType(mc, mod.types).bytes).u8(1);
    mc.expectEnd();
  } else {
    b.raw(parseValType(c, mod.types).bytes).u8(0);
  }
}

function constExpr(c: Cursor, mod: ModuleContext): Bytes {
  const b = new Bytes();
  parseInstrs(c, { mod, locals: new NameSpace('local'), labels: [] }, b);
  c.expectEnd('an instruction');
  return b.u8(0x0b);
}

function tableField(c: Cursor, mod: ModuleContext, s: Sections): void {
  const { exports, inlineImport } = fieldPrefix(c);
  const index = inlineImport ? importedCount(s, KIND.table) : importedCount(s, KIND.table) + s.tables.length;
  exportsOf(exports, KIND.table, index, s);
  if (inlineImport) {
    const b = importHeader(inlineImport, KIND.table);
    importDesc('table', c, mod, b, s);
    c.expectEnd();
    s.imports.push(b);
    return;
  }
  const is64 = c.peekAtom('i64');
  // Abbreviation: `(table i64? reftype (elem ...))` sizes the table by its inline segment.
  const reftypeFirst = tryValType(is64 ? c.peek(1) : c.peek(), mod.types) !== undefined;
  if (reftypeFirst) {
    if (is64) c.take();
    const rt = parseRefType(c, mod.types);
    const elemList = c.expectList('"(elem ...)"', 'elem');
    c.expectEnd();
    const ec = new Cursor(elemList);
    const items = elemItems(ec, mod, rt, true);
    const n = items.count;
    s.tables.push(new Bytes().raw(rt.bytes).u8(is64 ? 5 : 1).u64(BigInt(n)).u64(BigInt(n)));
    const offset = new Bytes().u8(is64 ? 0x42 : 0x41).u8(0).u8(0x0b);
    s.elems.push(elemSegment({ mode: 'active', table: index, offset }, rt, items));
    return;
  }
  const b = new Bytes();
  tableType(c, mod, b);
  if (!c.done) {
    // Wasm 3.0: a table with an initialiser expression.
    const init = constExpr(c, mod);
    s.tables.push(new Bytes().u8(0x40).u8(0x00).append(b).append(init));
    return;
  }
  s.tables.push(b);
}

function memoryField(c: Cursor, mod: ModuleContext, s: Sections): void {
  const { exports, inlineImport } = fieldPrefix(c);
  const index = inlineImport ? importedCount(s, KIND.memory) : importedCount(s, KIND.memory) + s.memories.length;
  exportsOf(exports, KIND.memory, index, s);
  if (inlineImport) {
    const b = importHeader(inlineImport, KIND.memory);
    importDesc('memory', c, mod, b, s);
    c.expectEnd();
    s.imports.push(b);
    return;
  }
  const is64 = c.peekAtom('i64');
  if (c.peekList('data') || (is64 && isList(c.peek(1), 'data'))) {
    if (is64) c.take();
    const dc = new Cursor(c.take() as SList);
    c.expectEnd();
    const bytes = dataStrings(dc);
    const pages = Math.ceil(bytes.length / 65536);
    s.memories.push(new Bytes().u8(is64 ? 5 : 1).u64(BigInt(pages)).u64(BigInt(pages)));
    const seg = new Bytes();
    if (index === 0) seg.u8(0);
    else seg.u8(2).u32(index);
    seg.u8(is64 ? 0x42 : 0x41).u8(0).u8(0x0b).u32(bytes.length).raw(bytes);
    s.datas.push(seg);
    return;
  }
  const b = new Bytes();
  memoryType(c, mod, b);
  c.expectEnd();
  s.memories.push(b);
}

function globalField(c: Cursor, mod: ModuleContext, s: Sections): void {
  const { exports, inlineImport } = fieldPrefix(c);
  const index = inlineImport ? importedCount(s, KIND.global) : importedCount(s, KIND.global) + s.globals.length;
  exportsOf(exports, KIND.global, index, s);
  if (inlineImport) {
    const b = importHeader(inlineImport, KIND.global);
    importDesc('global', c, mod, b, s);
    c.expectEnd();
    s.imports.push(b);
    return;
  }
  const b = new Bytes();
  globalType(c, mod, b);
  b.append(constExpr(c, mod));
  s.globals.push(b);
}

/** Strings of a data segment, concatenated. */
function dataStrings(c: Cursor): Uint8Array {
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
  return { ...node, kind: 'list', items: [node] };
}

type SegMode = { mode: 'passive' } | { mode: 'declare' } | { mode: 'active'; table: number; offset: Bytes };

interface ElemItems {
  count: number;
  /** Function indices when every item is a plain function reference. */
  funcs?: number[];
  exprs: Bytes[];
}

/**
 * Elem list after the mode: `func x*`, `reftype (item ...)*|(instr)*`, or (legacy, `legacyFuncs`)
 * bare function indices.
 */
function elemItems(c: Cursor, mod: ModuleContext, rt: ValType | undefined, legacyFuncs: boolean): ElemItems {
  const ctx: BodyContext = { mod, locals: new NameSpace('local'), labels: [] };
  if (rt === undefined && c.peekAtom('func')) c.take();
  else if (rt === undefined && !(legacyFuncs && (c.done || c.peekId() || (isAtom(c.peek()) && parseU32((c.peek() as Token).text) !== undefined)))) {
    rt = parseRefType(c, mod.types);
  }
  if (rt === undefined || (legacyFuncs && !c.peekList())) {
    const funcs: number[] = [];
    while (!c.done) funcs.push(mod.funcs.resolve(c.take(), c.here()));
    return { count: funcs.length, funcs, exprs: funcs.map((f) => new Bytes().u8(0xd2).u32(f).u8(0x0b)) };
  }
  const exprs: Bytes[] = [];
  let allRefFunc = rt.key === 'null func';
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
 * One element segment, in the encoding wabt also picks: function indices when all items are
 * `ref.func` of a funcref segment, expressions otherwise; the table index and element kind only
 * when they differ from the (table 0, funcref) defaults.
 */
function elemSegment(mode: SegMode, rt: ValType | undefined, items: ElemItems): Bytes {
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
  if (useExprs) for (const e of items.exprs) b.append(e);
  else for (const f of items.funcs!) b.u32(f);
  return b;
}

function elemField(c: Cursor, mod: ModuleContext, s: Sections): void {
  c.takeId();
  let mode: SegMode;
  if (c.peekAtom('declare')) {
    c.take();
    mode = { mode: 'declare' };
  } else if (c.peekList('table') || c.peekList('offset') || isIndexThenOffset(c) || isFoldedOffset(c)) {
    let table = 0;
    if (c.peekList('table')) {
      const tc = new Cursor(c.take() as SList);
      table = mod.tables.resolve(tc.take(), tc.here());
      tc.expectEnd();
    } else if (!c.peekList()) {
      table = mod.tables.resolve(c.take(), c.here());
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
  s.elems.push(elemSegment(mode, rt, items));
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

function dataField(c: Cursor, mod: ModuleContext, s: Sections): void {
  c.takeId();
  const b = new Bytes();
  if (c.peekList('memory') || c.peekList() || (!c.done && c.peek()!.kind !== 'string')) {
    let mem = 0;
    if (c.peekList('memory')) {
      const mc = new Cursor(c.take() as SList);
      mem = mod.memories.resolve(mc.take(), mc.here());
      mc.expectEnd();
    } else if (!c.peekList()) {
      mem = mod.memories.resolve(c.take(), c.here());
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
  s.datas.push(b);
}

function section(out: Bytes, id: number, items: Bytes[] | undefined, raw?: Bytes): void {
  if (raw) {
    out.u8(id).sized(raw);
    return;
  }
  if (!items || items.length === 0) return;
  const body = new Bytes().u32(items.length);
  for (const i of items) body.append(i);
  out.u8(id).sized(body);
}

function assemble(mod: ModuleContext, s: Sections, opts: EncodeOptions): Uint8Array {
  const out = new Bytes().raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  section(out, 1, mod.typeSection.map((bytes) => new Bytes().raw(bytes)));
  section(out, 2, s.imports);
  section(out, 3, s.funcs.map((t) => new Bytes().u32(t)));
  section(out, 4, s.tables);
  section(out, 5, s.memories);
  section(out, 13, s.tags);
  section(out, 6, s.globals);
  section(out, 7, s.exports);
  if (s.start !== undefined) section(out, 8, undefined, new Bytes().u32(s.start));
  section(out, 9, s.elems);
  // Like wabt: a data count section only when bulk-memory instructions need one and there are
  // segments to count (a memory.init without segments is invalid either way).
  if (s.datas.length > 0 && (mod.usesDataCount || opts.alwaysDataCount)) section(out, 12, undefined, new Bytes().u32(s.datas.length));
  section(out, 10, s.codes.map((b) => new Bytes().sized(b)));
  section(out, 11, s.datas);
  return out.toUint8Array();
}
