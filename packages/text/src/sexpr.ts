// Tokens grouped into S-expressions. Every list keeps its opening parenthesis' position (for
// errors) and its source span (so a WAST `(module ...)` can be quoted back as text).

import { errorAt, TextError, type Located } from './errors.js';
import { Lexer, type Token } from './lexer.js';

export interface SList extends Located {
  kind: 'list';
  items: SNode[];
  /** Source offsets: the opening parenthesis, and just past the closing one. */
  start: number;
  end: number;
  /** Position of the closing parenthesis (where "found ')'" errors point). */
  endLine: number;
  endCol: number;
}
export type SNode = SList | Token;

/** Read every top-level S-expression (or bare token) of `src`. */
export function readSExprs(src: string): SNode[] {
  const lexer = new Lexer(src);
  const stack: SList[] = [];
  const top: SNode[] = [];
  for (let t = lexer.next(); t !== undefined; t = lexer.next()) {
    if (t.kind === '(') {
      stack.push({ kind: 'list', items: [], start: t.start, end: t.end, line: t.line, col: t.col, endLine: t.line, endCol: t.col });
    } else if (t.kind === ')') {
      const done = stack.pop();
      if (!done) throw errorAt(t, 'unexpected ")"');
      done.end = t.end;
      done.endLine = t.line;
      done.endCol = t.col;
      (stack.length > 0 ? stack[stack.length - 1]!.items : top).push(done);
    } else {
      (stack.length > 0 ? stack[stack.length - 1]!.items : top).push(t);
    }
  }
  const open = stack.pop();
  if (open) throw errorAt(open, 'unclosed "(": expected ")", found end of input');
  return top;
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
    return { line: this.list.endLine, col: this.list.endCol };
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
