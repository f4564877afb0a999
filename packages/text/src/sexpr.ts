// Tokens grouped into S-expressions. Every list keeps its source span (so a WAST `(module ...)`
// can be quoted back as text); positions for errors are worked out from offsets when needed.

import { errorAt, TextError, type Located } from './errors.js';
import { Scanner, T_ATOM, T_EOF, T_ID, T_LPAREN, T_RPAREN, type Token } from './lexer.js';
import type { LineMap } from './positions.js';

export class SList {
  readonly kind = 'list' as const;
  /**
   * Set on a WAST `(module ...)` read lazily (./wast.ts): its fields were skipped, not read;
   * `items` holds only the header (`module`, `definition`, $id) and the fields are the source
   * from this offset to the closing parenthesis.
   */
  lazyFields = -1;
  constructor(
    /** Replaced once, when a lazily read module header turns out to need its list read in full. */
    public items: SNode[],
    /** Source offsets: the opening parenthesis, and just past the closing one. */
    readonly start: number,
    public end: number,
    readonly map: LineMap,
  ) {}

  get line(): number {
    return this.map.line(this.start);
  }
  get col(): number {
    return this.map.col(this.start);
  }
  /** Position of the closing parenthesis (where "found ')'" errors point). */
  get endLine(): number {
    return this.map.line(this.end - 1);
  }
  get endCol(): number {
    return this.map.col(this.end - 1);
  }
}
export type SNode = SList | Token;

/** A list's closing parenthesis as a position, located only if an error needs it. */
class ClosePosition implements Located {
  constructor(private readonly list: SList) {}
  get line(): number {
    return this.list.endLine;
  }
  get col(): number {
    return this.list.endCol;
  }
}

/** Read every top-level S-expression (or bare token) of `src`. */
export function readSExprs(src: string): SNode[] {
  return readNodes(new Scanner(src));
}

/**
 * Read the rest of what `scanner` scans as nodes. With `lazyModules`, a list headed by `module`
 * whose fields are text is kept as its header only (SList.lazyFields), the fields skipped.
 */
export function readNodes(scanner: Scanner, lazyModules = false): SNode[] {
  const top: SNode[] = [];
  for (let n = readNode(scanner, lazyModules); n !== undefined; n = readNode(scanner, lazyModules)) top.push(n);
  return top;
}

/**
 * The next top-level node, or undefined at the end. Reading a script one command at a time
 * lets each command's tree die young (a whole script's tree outlived the young generation
 * and made the garbage collector copy it).
 */
export function readNode(scanner: Scanner, lazyModules = false): SNode | undefined {
  // The items of every open list, one after another; a list's items are copied out in one
  // exact-size slice when it closes. (An array per list grown by push was most of a parse's
  // garbage: V8 gives it room for 17 items on the first push, and most lists hold 2 to 4.)
  const buf: SNode[] = [];
  /** buf's used length (buf is never shrunk: V8 would trim and then regrow its store). */
  let top = 0;
  const bases: number[] = [];
  const opens: number[] = [];
  /** Lazy mode only: the list object made at its `(` (readModuleHeader needs one), else null. */
  const made: (SList | null)[] = [];
  for (;;) {
    const k = scanner.next();
    if (k === T_LPAREN) {
      let list: SList | null = null;
      if (lazyModules) {
        list = new SList([], scanner.start, scanner.end, scanner.map);
        if (readModuleHeader(scanner, list)) {
          if (bases.length === 0) return list;
          buf[top++] = list;
          continue;
        }
        for (let i = 0; i < list.items.length; i++) buf[top++] = list.items[i]!;
      }
      bases.push(top - (list !== null ? list.items.length : 0));
      opens.push(scanner.start);
      made.push(list);
    } else if (k === T_RPAREN) {
      if (bases.length === 0) throw scanner.error(scanner.start, 'unexpected ")"');
      const base = bases.pop()!;
      const start = opens.pop()!;
      const pre = made.pop()!;
      const items = itemsOf(buf, base, top);
      top = base;
      let done: SList;
      if (pre !== null) {
        pre.items = items;
        pre.end = scanner.end;
        done = pre;
      } else {
        done = new SList(items, start, scanner.end, scanner.map);
      }
      if (bases.length === 0) return done;
      buf[top++] = done;
    } else if (k === T_EOF) {
      break;
    } else {
      const token = scanner.token(k);
      if (bases.length === 0) return token;
      buf[top++] = token;
    }
  }
  if (opens.length > 0) throw scanner.error(opens[opens.length - 1]!, 'unclosed "(": expected ")", found end of input');
  return undefined;
}

/** buf[from..to) as an exact-size array; literals for the usual short lists (slice is a builtin call). */
function itemsOf(buf: SNode[], from: number, to: number): SNode[] {
  switch (to - from) {
    case 0: return [];
    case 1: return [buf[from]!];
    case 2: return [buf[from]!, buf[from + 1]!];
    case 3: return [buf[from]!, buf[from + 1]!, buf[from + 2]!];
    case 4: return [buf[from]!, buf[from + 1]!, buf[from + 2]!, buf[from + 3]!];
    default: return buf.slice(from, to);
  }
}

/**
 * Just after a `(`: if the list is a `(module definition? $id? field*)` with text fields, read
 * the header into `list`, skip the fields and close the list (returns true). Binary, quote and
 * instance modules, and every other list, are read as usual (the tokens read so far are in
 * `list.items`; returns false).
 */
function readModuleHeader(scanner: Scanner, list: SList): boolean {
  const save = scanner.pos;
  let k = scanner.next();
  if (k !== T_ATOM || !isWord(scanner, 'module')) {
    scanner.pos = save;
    return false;
  }
  list.items.push(scanner.token(k));
  for (;;) {
    const before = scanner.pos;
    k = scanner.next();
    if (k === T_ID || (k === T_ATOM && isWord(scanner, 'definition'))) {
      list.items.push(scanner.token(k));
      continue;
    }
    if (k === T_ATOM && (isWord(scanner, 'binary') || isWord(scanner, 'quote') || isWord(scanner, 'instance'))) {
      scanner.pos = before;
      return false;
    }
    if (k === T_RPAREN) {
      list.end = scanner.end;
      return true;
    }
    if (k === T_EOF) {
      scanner.pos = before;
      return false;
    }
    list.lazyFields = scanner.start;
    const close = scanner.skipList();
    if (close < 0) throw errorAt(list, 'unclosed "(": expected ")", found end of input');
    // skipList ended inside the first field's list or at the module's own `)`: a field that
    // was an atom opened no list, so one more level closes the module.
    if (k !== T_LPAREN) {
      list.end = scanner.end;
      return true;
    }
    const last = scanner.skipList();
    if (last < 0) throw errorAt(list, 'unclosed "(": expected ")", found end of input');
    list.end = scanner.end;
    return true;
  }
}

function isWord(scanner: Scanner, word: string): boolean {
  return scanner.end - scanner.start === word.length && scanner.src.startsWith(word, scanner.start);
}

/** How a node reads in "found X" messages. */
export function describe(node: SNode | undefined): string {
  if (node === undefined) return '")"';
  if (node.kind === 'list') {
    const head = node.items[0];
    return head && head.kind === 'atom' ? `"(${head.text} ..."` : '"(..."';
  }
  return JSON.stringify(node.text.length > 40 ? node.text.slice(0, 40) + '...' : node.text);
}

export function isAtom(node: SNode | undefined, text?: string): node is Token {
  return node !== undefined && node.kind === 'atom' && (text === undefined || node.text === text);
}

/** A list whose first item is the keyword `head` (any list when `head` is omitted). */
export function isList(node: SNode | undefined, head?: string): node is SList {
  if (node === undefined || node.kind !== 'list') return false;
  return head === undefined || isAtom(node.items[0], head);
}

/** Head keyword of a list, or undefined. */
export function headOf(node: SNode | undefined): string | undefined {
  if (!isList(node)) return undefined;
  const h = node.items[0];
  return h && h.kind === 'atom' ? h.text : undefined;
}

/**
 * A read position inside one list's items. Every `expect*` throws a TextError naming what was
 * expected and what was found, at the found item (or the list's end).
 */
export class Cursor {
  i: number;
  /** One past the last item this cursor reads (a folded instruction's immediates stop early). */
  end: number;
  constructor(
    readonly list: SList,
    start = 1,
  ) {
    this.i = start;
    this.end = list.items.length;
  }

  get done(): boolean {
    return this.i >= this.end;
  }
  peek(offset = 0): SNode | undefined {
    const j = this.i + offset;
    return j < this.end ? this.list.items[j] : undefined;
  }
  take(): SNode | undefined {
    return this.i < this.end ? this.list.items[this.i++] : undefined;
  }
  /** Where the next item is, or the closing parenthesis. */
  here(): Located {
    const n = this.peek();
    if (n) return n;
    if (this.end < this.list.items.length) return this.list.items[this.end]!;
    return new ClosePosition(this.list);
  }
  error(expected: string): TextError {
    return errorAt(this.here(), `expected ${expected}, found ${describe(this.peek())}`);
  }

  peekAtom(text?: string): boolean {
    return isAtom(this.peek(), text);
  }
  peekList(head?: string): boolean {
    return isList(this.peek(), head);
  }
  peekId(): boolean {
    return this.peek()?.kind === 'id';
  }
  takeId(): Token | undefined {
    const n = this.peek();
    if (n && n.kind === 'id') {
      this.i++;
      return n;
    }
    return undefined;
  }
  expectAtom(what = 'a keyword'): Token {
    const n = this.peek();
    if (!isAtom(n)) throw this.error(what);
    this.i++;
    return n;
  }
  expectKeyword(k: string): Token {
    const n = this.peek();
    if (!isAtom(n, k)) throw this.error(`"${k}"`);
    this.i++;
    return n;
  }
  expectString(what = 'a string'): Token {
    const n = this.peek();
    if (!n || n.kind !== 'string') throw this.error(what);
    this.i++;
    return n;
  }
  expectList(what: string, head?: string): SList {
    const n = this.peek();
    if (!isList(n, head)) throw this.error(what);
    this.i++;
    return n;
  }
  /** Nothing may follow. */
  expectEnd(what = '")"'): void {
    if (!this.done) throw this.error(what);
  }
}
