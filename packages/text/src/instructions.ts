// Instruction sequences (spec 6.5): plain ("flat") instructions, structured blocks with `end`,
// and folded S-expressions, all encoded straight into bytes as they are read.

import { Bytes } from './bytes.js';
import { errorAt, type Located } from './errors.js';
import { INSTRUCTIONS } from './instr-table.js';
import { Shape, type InstrInfo } from './instr-shapes.js';
import type { Token } from './lexer.js';
import type { ModuleContext } from './module-context.js';
import { isIndexLike, type NameSpace } from './names.js';
import { parseF32, parseF64, parseInt, parseNat, parseSmallInt, parseU32, parseU64, smallDecimal, smallSignedDecimal } from './numbers.js';
import { Cursor, describe, isAtom, isList, type SList, type SNode } from './sexpr.js';
import { parseHeapType, parseRefType, parseValType } from './types.js';

/** What an instruction sequence can refer to besides module-level names. */
export interface BodyContext {
  mod: ModuleContext;
  locals: NameSpace;
  /** Enclosing block labels, innermost last; undefined for unnamed blocks. */
  labels: (string | undefined)[];
}

/** Read instructions until the cursor is done or at a terminator keyword (`end`, `else`, `then`: they belong to the enclosing construct). */
export function parseInstrs(c: Cursor, ctx: BodyContext, out: Bytes): void {
  const items = c.list.items;
  while (c.i < c.end) {
    const n = items[c.i]!;
    if (n.kind === 'list') {
      c.i++;
      parseFolded(n, ctx, out);
      continue;
    }
    if (n.kind !== 'atom') throw c.error('an instruction');
    const text = n.text;
    if (text === 'end' || text === 'else' || text === 'then') return;
    const info = INSTRUCTIONS.get(text);
    if (info === undefined) throw errorAt(n, `unknown operator ${JSON.stringify(text)}`);
    c.i++;
    const shape = info.shape!;
    if (shape === Shape.None) {
      // The commonest instruction (arithmetic, drop, return...): just the opcode.
      out.u8(info.code);
      if (info.sub !== undefined) out.u32(info.sub);
    } else if (shape === Shape.Block || shape === Shape.TryTable) {
      parseFlatBlock(n, info, c, ctx, out);
    } else {
      emitPlain(n, info, c, ctx, out);
    }
  }
}

/** `block label? bt instr* end id?` and friends, flat. */
function parseFlatBlock(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const label = c.takeId();
  out.u8(info.code);
  if (info.shape === Shape.TryTable) {
    blockType(c, ctx, out);
    catchClauses(c, ctx, out);
  } else {
    blockType(c, ctx, out);
  }
  ctx.labels.push(label?.text);
  parseInstrs(c, ctx, out);
  if (head.text === 'if' && c.peekAtom('else')) {
    c.take();
    endLabel(c, label);
    elseBranch(out, () => parseInstrs(c, ctx, out));
  }
  ctx.labels.pop();
  if (!c.peekAtom('end')) throw c.error(`"end" closing "${head.text}" at ${head.line}:${head.col}`);
  c.take();
  endLabel(c, label);
  out.u8(0x0b);
}

/**
 * `else` and its instructions; an empty else branch is left out, as wabt does (an `if` without
 * `else` means exactly that), so our bytes stay comparable with wabt's.
 */
function elseBranch(out: Bytes, body: () => void): void {
  const at = out.length;
  out.u8(0x05);
  body();
  if (out.length === at + 1) out.length = at;
}

/** After `end` / `else` an optional id must repeat the block's label. */
function endLabel(c: Cursor, label: Token | undefined): void {
  const id = c.peek();
  if (id === undefined || id.kind !== 'id') return;
  if (label === undefined || label.text !== id.text) throw errorAt(id, `mismatching label ${id.text}`);
  c.take();
}

/** A folded `(block ...)`, `(loop ...)`, `(if ...)` or `(try_table ...)`, cursor after its head. */
function parseFoldedBlock(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const label = c.takeId();
  if (head.text === 'if') {
    const bt = new Bytes();
    blockType(c, ctx, bt);
    // The condition: folded instructions before (then ...).
    while (!c.done && !c.peekList('then')) {
      if (!c.peekList()) throw c.error('"(then ...)"');
      parseFolded(c.take() as SList, ctx, out);
    }
    out.u8(info.code).append(bt);
    ctx.labels.push(label?.text);
    const then = c.expectList('"(then ...)"', 'then');
    const tc = new Cursor(then);
    parseInstrs(tc, ctx, out);
    tc.expectEnd('an instruction');
    if (c.peekList('else')) {
      const ec = new Cursor(c.take() as SList);
      elseBranch(out, () => parseInstrs(ec, ctx, out));
      ec.expectEnd('an instruction');
    }
    ctx.labels.pop();
    c.expectEnd('")" after "(else ...)"');
    out.u8(0x0b);
    return;
  }
  out.u8(info.code);
  blockType(c, ctx, out);
  if (info.shape === Shape.TryTable) catchClauses(c, ctx, out);
  ctx.labels.push(label?.text);
  parseInstrs(c, ctx, out);
  c.expectEnd('an instruction');
  ctx.labels.pop();
  out.u8(0x0b);
}

/** `(op ...)` folded forms. */
function parseFolded(list: SList, ctx: BodyContext, out: Bytes): void {
  const items = list.items;
  const first = items[0];
  if (first === undefined || first.kind !== 'atom') throw new Cursor(list, 0).error('an instruction');
  const head = first;
  const info = INSTRUCTIONS.get(head.text);
  if (info === undefined) throw errorAt(head, `unknown operator ${JSON.stringify(head.text)}`);
  const shape = info.shape!;
  if (shape === Shape.None) {
    // `(i32.add (...) (...))`: operands, then the opcode; no cursor needed.
    // (Errors in the same order as the general path below: operands first, then a stray immediate.)
    let k = 1;
    while (k < items.length && !isOperand(items[k]!)) k++;
    for (let i = k; i < items.length; i++) {
      const operand = items[i]!;
      if (operand.kind !== 'list') throw errorAt(operand, `expected a folded operand "(...)", found ${describe(operand)}`);
      parseFolded(operand, ctx, out);
    }
    if (k > 1) throw new Cursor(list, 1).error('an operand "(...)" or ")"');
    out.u8(info.code);
    if (info.sub !== undefined) out.u32(info.sub);
    return;
  }
  const c = new Cursor(list, 1);
  if (shape === Shape.Block || shape === Shape.TryTable) {
    parseFoldedBlock(head, info, c, ctx, out);
    return;
  }
  // Plain instruction: its immediates are atoms and a few kinds of lists (type uses, select's
  // results, cast types); every other list is a folded operand, encoded before the opcode.
  let k = 1;
  while (k < items.length && !isOperand(items[k]!)) k++;
  for (let i = k; i < items.length; i++) {
    const operand = items[i]!;
    if (!isList(operand)) throw errorAt(operand, `expected a folded operand "(...)", found ${describe(operand)}`);
    parseFolded(operand, ctx, out);
  }
  // The immediates: the same cursor, stopped before the first operand.
  c.i = 1;
  c.end = k;
  emitPlain(head, info, c, ctx, out);
  if (!c.done) throw c.error('an operand "(...)" or ")"');
}

function isOperand(node: SNode): boolean {
  if (node.kind !== 'list') return false;
  const h = node.items[0];
  if (h === undefined || h.kind !== 'atom') return true;
  const t = h.text;
  return !(t === 'type' || t === 'param' || t === 'result' || t === 'ref');
}

/** Block type: `(type x)? (param t*)* (result t*)*`. */
function blockType(c: Cursor, ctx: BodyContext, out: Bytes): void {
  if (!c.peekList('type') && !c.peekList('param') && !c.peekList('result')) {
    out.u8(0x40);
    return;
  }
  const hasIndex = c.peekList('type');
  const start = c.i;
  // Inline [] -> [t?] needs no type; anything else is a type index (implicit if need be).
  if (!hasIndex) {
    const probe = new Cursor(c.list, start);
    while (probe.peekList('result')) probe.take();
    if (!probe.peekList('param')) {
      const results = [];
      while (c.peekList('result')) {
        const rc = new Cursor(c.take() as SList);
        while (!rc.done) results.push(parseValType(rc, ctx.mod.types));
      }
      if (c.peekList('param')) throw c.error('an instruction');
      if (results.length === 0) out.u8(0x40);
      else if (results.length === 1) out.raw(results[0]!.bytes);
      else out.s33(ctx.mod.typeFor({ params: [], results }));
      return;
    }
  }
  const use = ctx.mod.typeUse(c, false);
  if (use.sig.params.length === 0 && use.sig.results.length <= 1 && ctx.mod.typeDefs[use.index]?.sig) {
    if (use.sig.results.length === 0) out.u8(0x40);
    else out.raw(use.sig.results[0]!.bytes);
    return;
  }
  out.s33(use.index);
}

/** try_table's `(catch tag label)`, `(catch_ref ...)`, `(catch_all label)`, `(catch_all_ref ...)`. */
function catchClauses(c: Cursor, ctx: BodyContext, out: Bytes): void {
  const clauses = new Bytes();
  let count = 0;
  const kinds: Record<string, number> = { catch: 0, catch_ref: 1, catch_all: 2, catch_all_ref: 3 };
  for (;;) {
    const n = c.peek();
    if (!isList(n)) break;
    const kind = kinds[(n.items[0] as Token | undefined)?.text ?? ''];
    if (kind === undefined) break;
    c.take();
    const cc = new Cursor(n);
    clauses.u8(kind);
    if (kind < 2) clauses.u32(ctx.mod.tags.take(cc));
    clauses.u32(takeLabel(cc, ctx));
    cc.expectEnd();
    count++;
  }
  out.u32(count).append(clauses);
}

/** The cursor's next item as a label (the error position is worked out only on an error). */
function takeLabel(c: Cursor, ctx: BodyContext): number {
  const node = c.take();
  if (node !== undefined && node.kind === 'id') {
    const i = ctx.labels.lastIndexOf(node.text);
    if (i < 0) throw errorAt(node, `unknown label ${node.text}`);
    return ctx.labels.length - 1 - i;
  }
  const v = node !== undefined && node.kind === 'atom' ? parseU32(node.text) : undefined;
  if (v === undefined) return labelIndex(node, c.here(), ctx);
  return v;
}

function labelIndex(node: SNode | undefined, at: Located, ctx: BodyContext): number {
  if (node !== undefined && node.kind === 'id') {
    const i = ctx.labels.lastIndexOf(node.text);
    if (i < 0) throw errorAt(node, `unknown label ${node.text}`);
    return ctx.labels.length - 1 - i;
  }
  const v = node !== undefined && node.kind === 'atom' ? parseU32(node.text) : undefined;
  if (v === undefined) throw errorAt(node ?? at, `expected a label, found ${describe(node)}`);
  return v;
}

function opcode(info: InstrInfo, out: Bytes): void {
  out.u8(info.code);
  if (info.sub !== undefined) out.u32(info.sub);
}

/** An optional index (memory/table) before other immediates; 0 when absent. */
function optionalIndex(c: Cursor, space: NameSpace): number {
  return isIndexLike(c.peek()) ? space.take(c) : 0;
}

function expectNumber(c: Cursor, what: string): Token {
  const n = c.peek();
  if (!isAtom(n)) throw c.error(what);
  c.take();
  return n;
}


/** The index space an instruction's single index immediate refers to (no object per call: this is hot). */
function indexSpace(shape: Shape, ctx: BodyContext): NameSpace {
  const mod = ctx.mod;
  switch (shape) {
    case Shape.Local: return ctx.locals;
    case Shape.Func: return mod.funcs;
    case Shape.Global: return mod.globals;
    case Shape.Table: return mod.tables;
    case Shape.Elem: return mod.elems;
    case Shape.Data: return mod.datas;
    case Shape.Tag: return mod.tags;
    default: return mod.types;
  }
}

/** Everything but blocks: the opcode and its immediates. */
function emitPlain(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  // The commonest shapes here, the rest in emitOther: V8 optimises a function with the
  // immediate shapes it has seen so far and throws the optimised code away at the first new
  // one, and one switch over every shape was recompiled (at great cost) each time a script
  // of the suite brought a new kind of instruction.
  const shape = info.shape!;
  if (shape === Shape.Local || shape === Shape.Func || shape === Shape.Global) {
    opcode(info, out);
    out.u32(indexSpace(shape, ctx).take(c));
    return;
  }
  if (shape === Shape.I32 || shape === Shape.I64) {
    const t = c.peek();
    const small = t !== undefined && t.kind === 'atom' ? smallSignedDecimal(t.text) : NaN;
    if (small === small) {
      // Most constants are small decimals: no BigInt needed.
      c.i++;
      opcode(info, out);
      out.s32(small);
      return;
    }
  } else if (shape === Shape.Label) {
    opcode(info, out);
    out.u32(takeLabel(c, ctx));
    return;
  }
  emitOther(head, info, c, ctx, out);
}

/**
 * Every shape (the common ones again, for their rarer spellings: a big integer constant), each
 * in a function of its own, so that V8 optimises and, on a shape's first use, deoptimises only
 * the code of that shape.
 */
function emitOther(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  switch (info.shape!) {
    case Shape.None:
      return emitNone(head, info, c, ctx, out);
    case Shape.Label:
      return emitLabel(head, info, c, ctx, out);
    case Shape.Func: case Shape.Global: case Shape.Table: case Shape.Elem: case Shape.Data: case Shape.Tag: case Shape.Type: case Shape.Local:
      return emitIndex(head, info, c, ctx, out);
    case Shape.BrTable:
      return emitBrTable(head, info, c, ctx, out);
    case Shape.CallIndirect:
      return emitCallIndirect(head, info, c, ctx, out);
    case Shape.Select:
      return emitSelect(head, info, c, ctx, out);
    case Shape.Memarg: case Shape.MemargLane:
      return emitMemoryAccess(head, info, c, ctx, out);
    case Shape.Memory:
      return emitMemory(head, info, c, ctx, out);
    case Shape.MemoryCopy: case Shape.TableCopy:
      return emitCopy(head, info, c, ctx, out);
    case Shape.MemoryInit: case Shape.TableInit:
      return emitInit(head, info, c, ctx, out);
    case Shape.I32: case Shape.I64:
      return emitIntConst(head, info, c, ctx, out);
    case Shape.F32:
      return emitF32(head, info, c, ctx, out);
    case Shape.F64:
      return emitF64(head, info, c, ctx, out);
    case Shape.V128:
      return emitV128(head, info, c, ctx, out);
    case Shape.Heaptype:
      return emitHeaptype(head, info, c, ctx, out);
    case Shape.Lane:
      return emitLane(head, info, c, ctx, out);
    case Shape.ShuffleLanes:
      return emitShuffleLanes(head, info, c, ctx, out);
    case Shape.TypeField:
      return emitTypeField(head, info, c, ctx, out);
    case Shape.TypeU32: case Shape.TypeData: case Shape.TypeElem: case Shape.TypeType:
      return emitTypeAndSecond(head, info, c, ctx, out);
    case Shape.RefCast:
      return emitRefCast(head, info, c, ctx, out);
    case Shape.BrOnCast:
      return emitBrOnCast(head, info, c, ctx, out);
    case Shape.Block: case Shape.TryTable:
      throw errorAt(head, 'internal: block handled by the caller');
  }
}

function emitNone(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  opcode(info, out);
  return;
}

function emitLabel(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  opcode(info, out);
  out.u32(takeLabel(c, ctx));
  return;
}

function emitIndex(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const space = indexSpace(info.shape!, ctx);
  opcode(info, out);
  if (info.shape === Shape.Table && !isIndexLike(c.peek())) {
    out.u32(0); // table.get/set/size/grow/fill default to table 0
    return;
  }
  if (info.shape === Shape.Data) mod.usesDataCount = true;
  out.u32(space.take(c));
  return;
}

function emitBrTable(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const labels: number[] = [];
  while (isIndexLike(c.peek())) labels.push(takeLabel(c, ctx));
  if (labels.length === 0) throw c.error('a label');
  opcode(info, out);
  out.u32(labels.length - 1);
  for (let i = 0; i < labels.length; i++) out.u32(labels[i]!);
  return;
}

function emitCallIndirect(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const table = optionalIndex(c, mod.tables);
  const use = mod.typeUse(c, false);
  opcode(info, out);
  out.u32(use.index).u32(table);
  return;
}

function emitSelect(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const types: number[][] = [];
  let typed = false; // `select (result)` with no types is still the typed encoding
  while (c.peekList('result')) {
    typed = true;
    const rc = new Cursor(c.take() as SList);
    while (!rc.done) types.push(parseValType(rc, mod.types).bytes);
  }
  if (!typed) {
    out.u8(0x1b);
    return;
  }
  out.u8(0x1c).u32(types.length);
  for (let i = 0; i < types.length; i++) out.raw(types[i]!);
  return;
}

function emitMemoryAccess(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const mem = memoryIndexBeforeMemarg(c, ctx, info.shape === Shape.MemargLane);
  const { align, offset } = memarg(c, info.align!, (mod.memory64[mem] ?? false) || mod.wideLimits);
  opcode(info, out);
  out.u32(mem === 0 ? align : align | 0x40);
  if (mem !== 0) out.u32(mem);
  if (typeof offset === 'number') out.u32(offset);
  else out.u64(offset);
  if (info.shape === Shape.MemargLane) out.u8(laneIndex(c));
  return;
}

function emitMemory(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const mem = optionalIndex(c, mod.memories);
  opcode(info, out);
  out.u32(mem);
  return;
}

function emitCopy(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const space = info.shape === Shape.MemoryCopy ? mod.memories : mod.tables;
  let dst = 0;
  let src = 0;
  if (isIndexLike(c.peek())) {
    dst = space.take(c);
    src = space.take(c);
  }
  opcode(info, out);
  out.u32(dst).u32(src);
  return;
}

function emitInit(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const target = info.shape === Shape.MemoryInit ? mod.memories : mod.tables;
  const segs = info.shape === Shape.MemoryInit ? mod.datas : mod.elems;
  let idx = 0;
  if (isIndexLike(c.peek(1))) idx = target.take(c);
  const seg = segs.take(c);
  if (info.shape === Shape.MemoryInit) mod.usesDataCount = true;
  opcode(info, out);
  if (info.shape === Shape.MemoryInit) out.u32(seg).u32(idx);
  else out.u32(seg).u32(idx);
  return;
}

function emitIntConst(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const t = expectNumber(c, info.shape === Shape.I32 ? 'an i32 literal' : 'an i64 literal');
  const small = smallSignedDecimal(t.text);
  if (small === small) {
    // Most constants are small decimals: no BigInt needed.
    opcode(info, out);
    out.s32(small);
    return;
  }
  const v = parseInt(t.text, info.shape === Shape.I32 ? 32 : 64);
  if (v === undefined) throw errorAt(t, `malformed ${info.imm} constant ${JSON.stringify(t.text)}`);
  opcode(info, out);
  out.sleb(v, info.shape === Shape.I32 ? 32 : 64);
  return;
}

function emitF32(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const t = expectNumber(c, 'an f32 literal');
  const v = parseF32(t.text);
  if (v === undefined) throw errorAt(t, `malformed f32 constant ${JSON.stringify(t.text)}`);
  opcode(info, out);
  out.f32(v);
  return;
}

function emitF64(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const t = expectNumber(c, 'an f64 literal');
  const v = parseF64(t.text);
  if (v === undefined) throw errorAt(t, `malformed f64 constant ${JSON.stringify(t.text)}`);
  opcode(info, out);
  out.f64(v);
  return;
}

function emitV128(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const bytes = v128Literal(c);
  opcode(info, out);
  out.raw(bytes);
  return;
}

function emitHeaptype(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const ht = parseHeapType(c.take(), mod.types, c.here());
  opcode(info, out);
  out.raw(ht.bytes);
  return;
}

function emitLane(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  opcode(info, out);
  out.u8(laneIndex(c));
  return;
}

function emitShuffleLanes(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const lanes: number[] = [];
  for (let i = 0; i < 16; i++) lanes.push(laneIndex(c));
  opcode(info, out);
  out.raw(lanes);
  return;
}

function emitTypeField(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const type = mod.types.take(c);
  const fields = mod.fieldNames[type];
  const f = c.take();
  const field = f?.kind === 'id' && fields ? fields.resolve(f, c.here()) : (f?.kind === 'atom' ? parseU32(f.text) : undefined);
  if (field === undefined) throw errorAt(f ?? c.here(), `expected a field index or $name, found ${describe(f)}`);
  opcode(info, out);
  out.u32(type).u32(field);
  return;
}

function emitTypeAndSecond(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const type = mod.types.take(c);
  let second: number;
  if (info.shape === Shape.TypeU32) {
    const t = expectNumber(c, 'a count');
    const v = parseU32(t.text);
    if (v === undefined) throw errorAt(t, `expected a u32 count, found ${describe(t)}`);
    second = v;
  } else {
    const space = info.shape === Shape.TypeData ? mod.datas : info.shape === Shape.TypeElem ? mod.elems : mod.types;
    if (info.shape === Shape.TypeData) mod.usesDataCount = true;
    second = space.take(c);
  }
  opcode(info, out);
  out.u32(type).u32(second);
  return;
}

function emitRefCast(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const rt = refTypeParts(c, mod);
  out.u8(info.code).u32(info.sub! + (rt.nullable ? 1 : 0)).raw(rt.heap);
  return;
}

function emitBrOnCast(head: Token, info: InstrInfo, c: Cursor, ctx: BodyContext, out: Bytes): void {
  const mod = ctx.mod;
  const label = takeLabel(c, ctx);
  const from = refTypeParts(c, mod);
  const to = refTypeParts(c, mod);
  opcode(info, out);
  out.u8((from.nullable ? 1 : 0) | (to.nullable ? 2 : 0)).u32(label).raw(from.heap).raw(to.heap);
  return;
}

/** A reference type split into nullability and heap type bytes (for casts). */
function refTypeParts(c: Cursor, mod: ModuleContext): { nullable: boolean; heap: number[] } {
  const t = parseRefType(c, mod.types);
  if (t.bytes[0] === 0x63 || t.bytes[0] === 0x64) return { nullable: t.bytes[0] === 0x63, heap: t.bytes.slice(1) };
  return { nullable: true, heap: t.bytes }; // one-byte shorthand: (ref null <abstract>)
}

/**
 * Memory index before a memarg. For lane instructions a lone number is the lane, so a leading
 * number is only a memory index when another number or a memarg keyword follows it.
 */
function memoryIndexBeforeMemarg(c: Cursor, ctx: BodyContext, lane: boolean): number {
  const n = c.peek();
  if (!isIndexLike(n)) return 0;
  if (lane && n!.kind === 'atom') {
    const next = c.peek(1);
    if (!isAtom(next)) return 0;
    if (!(parseNat(next.text) !== undefined || next.text.startsWith('offset=') || next.text.startsWith('align='))) return 0;
  }
  return ctx.mod.memories.take(c);
}

function memarg(c: Cursor, natural: number, wide: boolean): { align: number; offset: bigint | number } {
  let offset: bigint | number = 0;
  const align = natural;
  const off = c.peek();
  if (isAtom(off) && off.text.startsWith('offset=')) {
    c.take();
    const digits = off.text.slice(7);
    const small = smallDecimal(digits);
    if (small >= 0 && small <= 0xffffffff) offset = small;
    else {
      const v = wide ? parseU64(digits) : parseU32(digits);
      if (v === undefined) throw errorAt(off, `malformed memory offset ${JSON.stringify(off.text)}`);
      offset = BigInt(v);
    }
  }
  const al = c.peek();
  if (isAtom(al) && al.text.startsWith('align=')) {
    c.take();
    const digits = al.text.slice(6);
    // The usual spelling (align=1 .. align=16) without a BigInt: power-of-two check and log2 on numbers.
    const small = smallDecimal(digits);
    if (small > 0 && small <= 0x40000000 && (small & (small - 1)) === 0) return { align: 31 - Math.clz32(small), offset };
    const v = wide ? parseU64(digits) : parseU32(digits);
    const a = v === undefined ? 0n : BigInt(v);
    if (a === 0n || (a & (a - 1n)) !== 0n) throw errorAt(al, `alignment must be a power of two, found ${JSON.stringify(al.text)}`);
    // The exponent; one too large for its access is for validation to reject.
    return { align: a.toString(2).length - 1, offset };
  }
  return { align: 31 - Math.clz32(align), offset };
}

function laneIndex(c: Cursor): number {
  const t = c.peek();
  const small = isAtom(t) ? smallDecimal(t.text) : -1;
  if (small >= 0 && small <= 255) {
    c.take();
    return small;
  }
  const v = isAtom(t) ? parseNat(t.text) : undefined;
  if (v === undefined || v > 255n) throw c.error('a lane index (0..255)');
  c.take();
  return Number(v);
}

const SHAPES: Record<string, { lanes: number; kind: 'i' | 'f'; bits: 8 | 16 | 32 | 64 }> = {
  i8x16: { lanes: 16, kind: 'i', bits: 8 }, i16x8: { lanes: 8, kind: 'i', bits: 16 },
  i32x4: { lanes: 4, kind: 'i', bits: 32 }, i64x2: { lanes: 2, kind: 'i', bits: 64 },
  f32x4: { lanes: 4, kind: 'f', bits: 32 }, f64x2: { lanes: 2, kind: 'f', bits: 64 },
};

/** The low `bits` bits of `v` (a u32 at most), little-endian. */
function pushLE(out: number[], v: number, bits: number): void {
  for (let b = 0; b < bits; b += 8) out.push((v >>> b) & 0xff);
}

/** `i32x4 1 2 3 4` etc.: the 16 little-endian bytes. */
export function v128Literal(c: Cursor): number[] {
  const shapeTok = c.peek();
  const shape = isAtom(shapeTok) ? SHAPES[shapeTok.text] : undefined;
  if (!shape) throw c.error('a v128 shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)');
  c.take();
  const bytes: number[] = [];
  for (let i = 0; i < shape.lanes; i++) {
    const t = c.peek();
    if (!isAtom(t)) throw c.error(`${shape.lanes} ${shapeTok!.kind === 'atom' ? shapeTok!.text : ''} lanes`);
    c.take();
    if (shape.bits === 64) {
      const bits = shape.kind === 'i' ? parseInt(t.text, 64) : parseF64(t.text);
      if (bits === undefined) throw errorAt(t, `malformed ${shape.kind}${shape.bits} lane ${JSON.stringify(t.text)}`);
      pushLE(bytes, Number(bits & 0xffffffffn), 32);
      pushLE(bytes, Number(bits >> 32n), 32);
      continue;
    }
    const bits = shape.kind === 'i' ? parseSmallInt(t.text, shape.bits) : parseF32(t.text);
    if (bits === undefined) throw errorAt(t, `malformed ${shape.kind}${shape.bits} lane ${JSON.stringify(t.text)}`);
    pushLE(bytes, bits, shape.bits);
  }
  return bytes;
}
