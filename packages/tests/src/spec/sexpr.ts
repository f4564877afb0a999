// S-expression reader for .wast scripts.
//
// We keep source offsets on every node so that a `(module ...)` can be handed
// to wabt as its original text (comments and all), and line numbers so that
// results and the expected-failures list can name `file.wast:LINE`.

export interface SBase {
  /** Offset of the first character of the node in the source. */
  start: number;
  /** Offset just past the last character of the node. */
  end: number;
  /** 1-based line of `start`. */
  line: number;
}
export interface SList extends SBase {
  kind: 'list';
  items: SNode[];
}
export interface SAtom extends SBase {
  kind: 'atom';
  text: string;
}
export interface SString extends SBase {
  kind: 'string';
  /** Strings are byte sequences in wast (`(module binary ...)` relies on it). */
  bytes: Uint8Array;
}
export type SNode = SList | SAtom | SString;

export class WastSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'WastSyntaxError';
  }
}

const utf8 = new TextEncoder();

/** Characters that end an atom (besides whitespace). */
function isDelimiter(c: string): boolean {
  return c === '(' || c === ')' || c === '"' || c === ';';
}
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

export function readSExprs(src: string): SNode[] {
  let pos = 0;
  let line = 1;
  // Line tracking is incremental: every newline we step over bumps `line`.
  const advance = (to: number) => {
    for (let i = pos; i < to; i++) if (src.charCodeAt(i) === 10) line++;
    pos = to;
  };

  const skipTrivia = () => {
    for (;;) {
      if (pos >= src.length) return;
      const c = src[pos];
      if (isSpace(c)) {
        advance(pos + 1);
      } else if (c === ';' && src[pos + 1] === ';') {
        const nl = src.indexOf('\n', pos);
        advance(nl < 0 ? src.length : nl);
      } else if (c === '(' && src[pos + 1] === ';') {
        // Block comments nest; strings inside them are not special.
        const startLine = line;
        let depth = 0;
        let i = pos;
        for (;;) {
          if (i >= src.length) throw new WastSyntaxError('unterminated block comment', startLine);
          if (src[i] === '(' && src[i + 1] === ';') {
            depth++;
            i += 2;
          } else if (src[i] === ';' && src[i + 1] === ')') {
            depth--;
            i += 2;
            if (depth === 0) break;
          } else {
            i++;
          }
        }
        advance(i);
      } else {
        return;
      }
    }
  };

  const readString = (): SString => {
    const start = pos;
    const startLine = line;
    const out: number[] = [];
    let i = pos + 1;
    for (;;) {
      if (i >= src.length) throw new WastSyntaxError('unterminated string', startLine);
      const c = src[i];
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\n') throw new WastSyntaxError('newline in string', startLine);
      if (c !== '\\') {
        // Non-escaped characters contribute their UTF-8 encoding.
        const cp = src.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        for (const b of utf8.encode(ch)) out.push(b);
        i += ch.length;
        continue;
      }
      const e = src[i + 1];
      switch (e) {
        case 't': out.push(9); i += 2; break;
        case 'n': out.push(10); i += 2; break;
        case 'r': out.push(13); i += 2; break;
        case '"': out.push(0x22); i += 2; break;
        case "'": out.push(0x27); i += 2; break;
        case '\\': out.push(0x5c); i += 2; break;
        case 'u': {
          const m = /^\\u\{([0-9a-fA-F_]+)\}/.exec(src.slice(i, i + 16));
          if (!m) throw new WastSyntaxError('bad \\u escape', startLine);
          const cp = parseInt(m[1].replace(/_/g, ''), 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new WastSyntaxError('bad code point', startLine);
          for (const b of utf8.encode(String.fromCodePoint(cp))) out.push(b);
          i += m[0].length;
          break;
        }
        default: {
          const h = src.slice(i + 1, i + 3);
          if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new WastSyntaxError(`bad escape \\${e}`, startLine);
          out.push(parseInt(h, 16));
          i += 3;
        }
      }
    }
    advance(i);
    return { kind: 'string', bytes: Uint8Array.from(out), start, end: pos, line: startLine };
  };

  const readNode = (): SNode => {
    const c = src[pos];
    const start = pos;
    const startLine = line;
    if (c === '(') {
      advance(pos + 1);
      const items: SNode[] = [];
      for (;;) {
        skipTrivia();
        if (pos >= src.length) throw new WastSyntaxError('unclosed parenthesis', startLine);
        if (src[pos] === ')') {
          advance(pos + 1);
          return { kind: 'list', items, start, end: pos, line: startLine };
        }
        items.push(readNode());
      }
    }
    if (c === ')') throw new WastSyntaxError('unexpected )', line);
    if (c === '"') return readString();
    let i = pos;
    while (i < src.length && !isSpace(src[i]) && !isDelimiter(src[i])) i++;
    // A lone `;` is not a token; refusing it keeps the loop from stalling.
    if (i === pos) throw new WastSyntaxError(`unexpected character ${JSON.stringify(c)}`, line);
    advance(i);
    return { kind: 'atom', text: src.slice(start, i), start, end: i, line: startLine };
  };

  const nodes: SNode[] = [];
  for (;;) {
    skipTrivia();
    if (pos >= src.length) return nodes;
    nodes.push(readNode());
  }
}

export function isAtom(n: SNode | undefined, text?: string): n is SAtom {
  return n !== undefined && n.kind === 'atom' && (text === undefined || n.text === text);
}
export function isList(n: SNode | undefined, head?: string): n is SList {
  return n !== undefined && n.kind === 'list' && (head === undefined || isAtom(n.items[0], head));
}

// ignoreBOM keeps a leading U+FEFF: it is a legitimate name (names.wast).
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
export function stringText(n: SString): string {
  return utf8Decoder.decode(n.bytes);
}
