// A text module → binary module: declare every field (./fields.ts), then encode the fields in
// order into their sections, then write the sections in the binary format's order.

import { Bytes } from './bytes.js';
import { Items } from './section-items.js';
import { errorAt } from './errors.js';
import { declareFields, fieldPrefix, spaceOf } from './fields.js';
import { defineTypes } from './type-defs.js';
import { constExpr, dataField, dataStrings, elemField, elemItems, elemSegment } from './segments.js';
import { parseInstrs, type BodyContext } from './instructions.js';
import type { Token } from './lexer.js';
import { ModuleContext } from './module-context.js';
import { NameSpace } from './names.js';
import { parseU32, parseU64 } from './numbers.js';
import { Cursor, headOf, isList, readSExprs, type SList } from './sexpr.js';
import { parseRefType, parseValType, tryValType, type ValType } from './types.js';

const KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

/** KIND[kind] without a keyed load by a string from the source (a slow generic lookup in V8). */
function kindCode(kind: string): number {
  switch (kind) {
    case 'func': return KIND.func;
    case 'table': return KIND.table;
    case 'memory': return KIND.memory;
    case 'global': return KIND.global;
    default: return KIND.tag;
  }
}

/**
 * Scratch buffers, cleared by each use and keeping their memory: a function body until it is
 * copied into the code section, the code section until the module is assembled, a section's
 * contents until they are copied after its id and size, the module until its final copy.
 * Growing a fresh buffer per body, per section and per module was the encoder's biggest cost
 * (profile of the text bench: typed arrays above 64 bytes are allocated outside V8's heap, in
 * Bytes.room). One module is encoded at a time: nothing here nests.
 */
const FUNC_BODY = new Bytes();
const CODE = new Bytes();
const SECTION = new Bytes();
const MODULE = new Bytes();
const IMPORTS = new Items();
const TABLES = new Items();
const MEMORIES = new Items();
const TAGS = new Items();
const GLOBALS = new Items();
const EXPORTS = new Items();
const ELEMS = new Items();
const DATAS = new Items();

/** Section contents, one entry per item, gathered while the fields are encoded. */
class Sections {
  imports = IMPORTS.clear();
  funcs: number[] = [];
  tables = TABLES.clear();
  memories = MEMORIES.clear();
  tags = TAGS.clear();
  globals = GLOBALS.clear();
  exports = EXPORTS.clear();
  start: number | undefined = undefined;
  elems = ELEMS.clear();
  /** The code section's entries (each body with its size), written as each function is read. */
  code = CODE.clear();
  datas = DATAS.clear();
  /** Imports so far, by external kind (func, table, memory, global, tag). */
  importCounts = [0, 0, 0, 0, 0];
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
  /**
   * Write `funcref (ref.func x)*` element segments as function indices, as wabt does, also in
   * 3.0, where that encoding gives the segment type (ref func) instead of funcref: the same
   * module when no table of (ref func) uses the segment, another one otherwise. Only for
   * comparing bytes with wabt (the golden check).
   */
  funcrefElemIndices?: boolean;
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
  mod.indexElemsAreRefFunc = opts.standard !== '2.0' && opts.funcrefElemIndices !== true;
  declareFields(fields, mod);
  defineTypes(fields, mod);
  const s = new Sections();
  for (let i = 0; i < fields.length; i++) encodeField(fields[i]!, mod, s);
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
  for (let i = 0; i < names.length; i++) s.exports.next().name(nameBytes(names[i]!)).u8(kind).u32(index);
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
      const b = s.imports.next().name(nameBytes(module)).name(nameBytes(name)).u8(kindCode(kind));
      importDesc(kind, dc, mod, b, s);
      dc.expectEnd();
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
        const b = importHeader(s, inlineImport, KIND.tag);
        importDesc('tag', c, mod, b, s);
        c.expectEnd();
        return;
      }
      const type = mod.typeUse(c, true).index;
      s.tags.next().u8(0).u32(type);
      c.expectEnd();
      return;
    }
    case 'export': {
      const name = c.expectString('an export name');
      const desc = c.expectList('an export description');
      c.expectEnd();
      const kind = headOf(desc);
      // (spaceOf knows only the five kinds: `kind in KIND` also took inherited names like "toString".)
      const space = kind !== undefined ? spaceOf(mod, kind) : undefined;
      if (space === undefined) throw errorAt(desc, `expected an export description, found "(${kind ?? ''}..."`);
      const dc = new Cursor(desc);
      const index = space.take(dc);
      dc.expectEnd();
      s.exports.next().name(nameBytes(name)).u8(kindCode(kind!)).u32(index);
      return;
    }
    case 'start': {
      if (s.start !== undefined) throw errorAt(f, 'multiple start sections');
      s.start = mod.funcs.take(c);
      c.expectEnd();
      return;
    }
    case 'elem': return elemField(c, mod, s.elems);
    case 'data': return dataField(c, mod, s.datas);
  }
}

// Counters of how many imports of each kind precede a definition: definitions are numbered
// after all imports, which fields.ts guarantees come first in the text.
function countImport(s: Sections, kind: number): void {
  s.importCounts[kind]!++;
}
function importedCount(s: Sections, kind: number): number {
  return s.importCounts[kind]!;
}

function tagIndex(s: Sections, imported: boolean): number {
  return imported ? importedCount(s, KIND.tag) : importedCount(s, KIND.tag) + s.tags.length;
}

/** Start an import item (module and field names, kind) in the import section; the description follows. */
function importHeader(s: Sections, names: [Token, Token], kind: number): Bytes {
  return s.imports.next().name(nameBytes(names[0])).name(nameBytes(names[1])).u8(kind);
}

function importDesc(kind: keyof typeof KIND, c: Cursor, mod: ModuleContext, b: Bytes, s: Sections): void {
  countImport(s, kindCode(kind));
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
    const b = importHeader(s, inlineImport, KIND.func);
    importDesc('func', c, mod, b, s);
    c.expectEnd();
    return;
  }
  const use = mod.typeUse(c, true);
  const locals = new NameSpace('local');
  for (let i = 0; i < use.params.length; i++) locals.add(use.params[i]!.id);
  const body = FUNC_BODY.clear();
  localDecls(c, mod, locals, body);
  const ctx: BodyContext = { mod, locals, labels: [] };
  parseInstrs(c, ctx, body);
  c.expectEnd('an instruction');
  body.u8(0x0b);
  s.funcs.push(use.index);
  s.code.sized(body);
}

/**
 * `(local $x? t)` / `(local t*)` lists: each local named in `locals`, all of them written to
 * `body` as runs of one type, (count, type)*. (A function of its own: the first functions of
 * a script often declare no locals, and V8 would otherwise optimise funcField without this
 * code and throw that away at the first local.)
 */
function localDecls(c: Cursor, mod: ModuleContext, locals: NameSpace, body: Bytes): void {
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
  let runCount = 0;
  for (let i = 0; i < localTypes.length; i++) if (i === 0 || localTypes[i]!.key !== localTypes[i - 1]!.key) runCount++;
  body.u32(runCount);
  for (let i = 0; i < localTypes.length; ) {
    const t = localTypes[i]!;
    let j = i + 1;
    while (j < localTypes.length && localTypes[j]!.key === t.key) j++;
    body.u32(j - i).raw(t.bytes);
    i = j;
  }
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

function tableField(c: Cursor, mod: ModuleContext, s: Sections): void {
  const { exports, inlineImport } = fieldPrefix(c);
  const index = inlineImport ? importedCount(s, KIND.table) : importedCount(s, KIND.table) + s.tables.length;
  exportsOf(exports, KIND.table, index, s);
  if (inlineImport) {
    const b = importHeader(s, inlineImport, KIND.table);
    importDesc('table', c, mod, b, s);
    c.expectEnd();
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
    const b = importHeader(s, inlineImport, KIND.memory);
    importDesc('memory', c, mod, b, s);
    c.expectEnd();
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
  memoryType(c, mod, s.memories.next());
  c.expectEnd();
}

function globalField(c: Cursor, mod: ModuleContext, s: Sections): void {
  const { exports, inlineImport } = fieldPrefix(c);
  const index = inlineImport ? importedCount(s, KIND.global) : importedCount(s, KIND.global) + s.globals.length;
  exportsOf(exports, KIND.global, index, s);
  if (inlineImport) {
    const b = importHeader(s, inlineImport, KIND.global);
    importDesc('global', c, mod, b, s);
    c.expectEnd();
    return;
  }
  const b = s.globals.next();
  globalType(c, mod, b);
  b.append(constExpr(c, mod));
}

/** Bytes of the unsigned LEB128 of a u32. */
function uleb32Size(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** A section of `items` (each already encoded); none when there are no items. */
function section(out: Bytes, id: number, items: Items): void {
  countedSection(out, id, items.length, items.bytes);
}

/** A section whose contents are `count` followed by `contents` (already encoded). */
function countedSection(out: Bytes, id: number, count: number, contents: Bytes | null): void {
  if (count === 0) return;
  const body = SECTION.clear().u32(count);
  if (contents !== null) body.append(contents);
  out.u8(id).sized(body);
}

function assemble(mod: ModuleContext, s: Sections, opts: EncodeOptions): Uint8Array {
  const out = MODULE.clear().raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  if (mod.typeSection.length > 0) {
    const body = SECTION.clear().u32(mod.typeSection.length);
    for (let i = 0; i < mod.typeSection.length; i++) body.raw(mod.typeSection[i]!);
    out.u8(1).sized(body);
  }
  section(out, 2, s.imports);
  if (s.funcs.length > 0) {
    const body = SECTION.clear().u32(s.funcs.length);
    for (let i = 0; i < s.funcs.length; i++) body.u32(s.funcs[i]!);
    out.u8(3).sized(body);
  }
  section(out, 4, s.tables);
  section(out, 5, s.memories);
  section(out, 13, s.tags);
  section(out, 6, s.globals);
  section(out, 7, s.exports);
  if (s.start !== undefined) out.u8(8).u8(uleb32Size(s.start)).u32(s.start);
  section(out, 9, s.elems);
  // Like wabt: a data count section only when bulk-memory instructions need one and there are
  // segments to count (a memory.init without segments is invalid either way).
  if (s.datas.length > 0 && (mod.usesDataCount || opts.alwaysDataCount)) out.u8(12).u8(uleb32Size(s.datas.length)).u32(s.datas.length);
  countedSection(out, 10, s.funcs.length, s.code);
  section(out, 11, s.datas);
  return out.toUint8Array();
}
