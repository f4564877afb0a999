// Tokens of the text format (spec 6.2 "Lexical Format"): parentheses, strings, $identifiers and
// "atoms" (keywords, numbers and reserved words share one character class, so telling them
// apart is left to whoever knows what is expected at that point). Comments and annotations
// `(@name ...)` are skipped here, so nothing above the lexer ever sees them.
//
// The Scanner is the hot loop of every parse: it allocates nothing for a token (a token is its
// kind code and the offsets in `start`/`end`), classifies characters through one table, and
// keeps no line count (./positions.ts finds lines when an error needs one). Token objects are
// made only by whoever keeps a token (the S-expression reader, `tokenize`).

import { TextError } from './errors.js';
import { LineMap } from './positions.js';

export type TokenKind = '(' | ')' | 'atom' | 'id' | 'string';

/** Token kind codes of the Scanner. */
export const T_EOF = 0;
export const T_LPAREN = 1;
export const T_RPAREN = 2;
export const T_ATOM = 3;
export const T_ID = 4;
export const T_STRING = 5;

/** A token kept as an object; its line and column are worked out when first asked for. */
export class Token {
  constructor(
    readonly kind: TokenKind,
    /** Source text of the token (for strings: including the quotes; `$"x y"` ids: `$x y`). */
    readonly text: string,
    /** Offset of the first character in the source. */
    readonly start: number,
    readonly end: number,
    private readonly map: LineMap,
    /** Strings: the bytes the literal denotes. `$"..."` ids: the name's bytes. */
    readonly bytes: Uint8Array | undefined,
  ) {}

  get line(): number {
    return this.map.line(this.start);
  }
  get col(): number {
    return this.map.col(this.start);
  }
}

/** Character classes: bit 1 idchar (keywords, numbers, ids), bit 2 whitespace, bit 4 reserved-only. */
const IDCHAR = 1;
const SPACE = 2;
const RESERVED = 4;
const CLASS = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = IDCHAR;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = IDCHAR;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = IDCHAR;
for (const c of '!#$%&\'*+-./:<=>?@\\^_`|~') CLASS[c.charCodeAt(0)] = IDCHAR;
for (const c of ' \t\n\r') CLASS[c.charCodeAt(0)] = SPACE;
// `, ; [ ] { }`: characters only "reserved" tokens hold (legal inside annotations).
for (const c of ',;[]{}') CLASS[c.charCodeAt(0)] = RESERVED;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export class Scanner {
  /** Where scanning resumes. */
  pos: number;
  /** The last token's offsets. */
  start = 0;
  end = 0;
  /** The last string's bytes (a `$"..."` id's too); undefined after other tokens. */
  bytes: Uint8Array | undefined = undefined;
  readonly map: LineMap;

  constructor(
    readonly src: string,
    from = 0,
    /** Scanning stops here (a module inside a larger script). */
    readonly limit = src.length,
    map?: LineMap,
  ) {
    this.pos = from;
    this.map = map ?? new LineMap(src);
  }

  error(pos: number, detail: string): TextError {
    return new TextError(detail, this.map.line(pos), this.map.col(pos));
  }

  /** The next token's kind; its offsets are in `start`/`end`. */
  next(): number {
    const s = this.src;
    const n = this.limit;
    let p = this.pos;
    for (;;) {
      if (p >= n) {
        this.pos = p;
        this.start = this.end = p;
        return T_EOF;
      }
      const c = s.charCodeAt(p);
      const cls = c < 128 ? CLASS[c]! : 0;
      if (cls === SPACE) {
        p++;
        continue;
      }
      if (cls === IDCHAR) {
        let q = p + 1;
        while (q < n) {
          const d = s.charCodeAt(q);
          if (d >= 128 || CLASS[d] !== IDCHAR) break;
          q++;
        }
        this.start = p;
        this.bytes = undefined;
        if (c === 0x24) {
          if (q === p + 1) {
            if (s.charCodeAt(q) === 0x22) return this.quotedId(p);
            throw this.error(p, 'empty identifier');
          }
          this.pos = this.end = q;
          this.separated(q);
          return T_ID;
        }
        this.pos = this.end = q;
        // The usual separators inline (a call per token counts while this runs interpreted).
        const d = q < n ? s.charCodeAt(q) : 0x20;
        if (d !== 0x20 && d !== 0x29 && d !== 0x0a) this.separated(q);
        return T_ATOM;
      }
      if (c === 0x28) {
        const d = s.charCodeAt(p + 1);
        if (d === 0x3b) {
          p = this.skipBlockComment(p);
          continue;
        }
        if (d === 0x40) {
          p = this.skipAnnotation(p);
          continue;
        }
        this.start = p;
        this.pos = this.end = p + 1;
        return T_LPAREN;
      }
      if (c === 0x29) {
        this.start = p;
        this.pos = this.end = p + 1;
        return T_RPAREN;
      }
      if (c === 0x3b && s.charCodeAt(p + 1) === 0x3b) {
        p = this.skipLineComment(p);
        continue;
      }
      if (c === 0x22) {
        this.start = p;
        this.bytes = this.readString(p);
        this.end = this.pos;
        this.separated(this.pos);
        return T_STRING;
      }
      throw this.error(p, `unexpected character ${JSON.stringify(s[p])}`);
    }
  }

  /** The last token's source text. */
  text(): string {
    return this.src.slice(this.start, this.end);
  }

  /** `$"..."`: an id spelled as a string (Wasm 3.0); `bytes` holds its name. */
  private quotedId(p: number): number {
    const bytes = this.readString(p + 1);
    if (bytes.length === 0) throw this.error(p, 'empty identifier');
    this.checkUtf8(bytes, p);
    this.start = p;
    this.end = this.pos;
    this.bytes = bytes;
    this.separated(this.pos);
    return T_ID;
  }

  /** A token must be followed by whitespace, a parenthesis, a comment or the end. */
  private separated(p: number): void {
    if (p >= this.limit) return;
    const c = this.src.charCodeAt(p);
    if (c === 0x20 || c === 0x0a || c === 0x29 || c === 0x28 || c === 0x09 || c === 0x0d) return;
    if (c === 0x3b && this.src.charCodeAt(p + 1) === 0x3b) return;
    throw this.error(p, 'tokens must be separated by whitespace or parentheses');
  }

  /** `;;` to the end of the line, which the text format ends at LF or CR (`;; x\r(code)` keeps the code). */
  private skipLineComment(p: number): number {
    const s = this.src;
    const n = this.limit;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === 0x0a || c === 0x0d) break;
      p++;
    }
    return p;
  }

  /** `(; ... ;)`, nested; returns the offset after it. */
  private skipBlockComment(at: number): number {
    const s = this.src;
    const n = this.limit;
    let depth = 0;
    let p = at;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (c === 0x28 && s.charCodeAt(p + 1) === 0x3b) {
        depth++;
        p += 2;
      } else if (c === 0x3b && s.charCodeAt(p + 1) === 0x29) {
        depth--;
        p += 2;
        if (depth === 0) return p;
      } else {
        p++;
      }
    }
    throw this.error(at, 'unterminated block comment');
  }

  /** Whitespace and comments from `p`; the offset of what follows. */
  private skipTrivia(p: number): number {
    const s = this.src;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) p++;
      else if (c === 0x3b && s.charCodeAt(p + 1) === 0x3b) p = this.skipLineComment(p);
      else if (c === 0x28 && s.charCodeAt(p + 1) === 0x3b) p = this.skipBlockComment(p);
      else return p;
    }
  }

  /**
   * `(@id token*)`: the id is idchars or a non-empty UTF-8 string right after `(@`; the body is
   * balanced parentheses around tokens, comments allowed. Returns the offset after it.
   */
  private skipAnnotation(at: number): number {
    const s = this.src;
    const n = this.limit;
    let p = at + 2;
    if (s.charCodeAt(p) === 0x22) {
      const name = this.readString(p);
      p = this.pos;
      if (name.length === 0) throw this.error(at, 'empty annotation id');
      this.checkUtf8(name, at);
    } else {
      const idStart = p;
      while (p < n && s.charCodeAt(p) < 128 && CLASS[s.charCodeAt(p)] === IDCHAR) p++;
      if (p === idStart) throw this.error(at, 'empty annotation id');
    }
    // The body: balanced parentheses around runs of idchars and strings. Such a run need not
    // be one valid token (`x-y$yz"aa"-2` is a "reserved" token, fine inside annotations), but
    // every character must be one a token could hold and every string must be well-formed.
    for (let depth = 1; depth > 0; ) {
      p = this.skipTrivia(p);
      if (p >= n) throw this.error(at, 'unterminated annotation');
      const ch = s.charCodeAt(p);
      if (ch === 0x28) {
        // Inside the body, `(@` is just a parenthesis and a reserved token.
        depth++;
        p++;
      } else if (ch === 0x29) {
        depth--;
        p++;
      } else {
        const runStart = p;
        for (;;) {
          const r = s.charCodeAt(p);
          if (p < n && r < 128 && (CLASS[r] === IDCHAR || CLASS[r] === RESERVED)) {
            if (r === 0x3b && s.charCodeAt(p + 1) === 0x3b) break; // `;;` comment
            p++;
          } else if (r === 0x22) {
            this.readString(p);
            p = this.pos;
          } else break;
        }
        if (p === runStart) throw this.error(p, `illegal character ${JSON.stringify(s[p])} in an annotation`);
      }
    }
    return p;
  }

  private checkUtf8(bytes: Uint8Array, at: number): void {
    try {
      strictUtf8.decode(bytes);
    } catch {
      throw this.error(at, 'malformed UTF-8 encoding');
    }
  }

  /** A string literal starting at the opening quote at `at`: the bytes it denotes; `pos` goes past it. */
  private readString(at: number): Uint8Array {
    const s = this.src;
    const n = this.limit;
    // Fast path: printable ASCII without escapes, the usual export name or data string.
    let p = at + 1;
    for (;;) {
      if (p >= n) break;
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        const out = new Uint8Array(p - at - 1);
        for (let i = 0, j = at + 1; j < p; i++, j++) out[i] = s.charCodeAt(j);
        this.pos = p + 1;
        return out;
      }
      if (c < 0x20 || c >= 0x7f || c === 0x5c) break;
      p++;
    }
    return this.readEscapedString(at);
  }

  private readEscapedString(at: number): Uint8Array {
    const s = this.src;
    const n = this.limit;
    const out: number[] = [];
    let p = at + 1;
    for (;;) {
      if (p >= n) throw this.error(p, 'unterminated string');
      const c = s.charCodeAt(p);
      if (c === 0x22) {
        this.pos = p + 1;
        return Uint8Array.from(out);
      }
      if (c < 0x20 || c === 0x7f) throw this.error(p, 'control character in string');
      if (c < 0x80 && c !== 0x5c) {
        out.push(c);
        p++;
        continue;
      }
      if (c !== 0x5c) {
        // Non-ASCII characters: their UTF-8 bytes (surrogate pairs kept together).
        const cp = s.codePointAt(p)!;
        const ch = String.fromCodePoint(cp);
        for (const b of utf8.encode(ch)) out.push(b);
        p += ch.length;
        continue;
      }
      const e = s.charCodeAt(p + 1);
      const escPos = p;
      p += 2;
      switch (e) {
        case 0x74: out.push(0x09); break; // \t
        case 0x6e: out.push(0x0a); break; // \n
        case 0x72: out.push(0x0d); break; // \r
        case 0x22: out.push(0x22); break;
        case 0x27: out.push(0x27); break;
        case 0x5c: out.push(0x5c); break;
        case 0x75: { // \u{hex}
          if (s.charCodeAt(p) !== 0x7b) throw this.error(escPos, 'malformed \\u escape');
          p++;
          let cp = 0;
          let digits = 0;
          for (;;) {
            const ch = s.charCodeAt(p);
            if (ch === 0x7d && digits > 0) break;
            if (ch === 0x5f && digits > 0) {
              p++;
              continue;
            }
            const h = hexValue(ch);
            if (h < 0) throw this.error(escPos, 'malformed \\u escape');
            cp = cp * 16 + h;
            if (cp > 0x10ffff) throw this.error(escPos, '\\u escape out of range');
            digits++;
            p++;
          }
          p++;
          if (cp >= 0xd800 && cp < 0xe000) throw this.error(escPos, '\\u escape is a surrogate');
          for (const b of utf8.encode(String.fromCodePoint(cp))) out.push(b);
          break;
        }
        default: {
          const h1 = hexValue(e);
          const h2 = hexValue(s.charCodeAt(p));
          if (h1 < 0 || h2 < 0) throw this.error(escPos, 'unknown escape in string');
          out.push(h1 * 16 + h2);
          p++;
        }
      }
    }
  }

  /**
   * Skip to just past the `)` closing a list whose `(` and maybe some items were read, checking
   * every token on the way as `next` would. Returns the offset of that `)`.
   */
  skipList(): number {
    for (let depth = 1; ; ) {
      const k = this.next();
      if (k === T_LPAREN) depth++;
      else if (k === T_RPAREN) {
        if (--depth === 0) return this.start;
      } else if (k === T_EOF) return -1;
    }
  }

  /** The last token as an object (atoms, ids and strings). */
  token(kind: number): Token {
    const k: TokenKind = kind === T_ATOM ? 'atom' : kind === T_ID ? 'id' : kind === T_STRING ? 'string' : kind === T_LPAREN ? '(' : ')';
    if (kind === T_ID && this.bytes !== undefined) {
      return new Token(k, '$' + strictUtf8.decode(this.bytes), this.start, this.end, this.map, this.bytes);
    }
    return new Token(k, this.src.slice(this.start, this.end), this.start, this.end, this.map, kind === T_STRING ? this.bytes : undefined);
  }
}

/** Tokens one at a time, as objects (tests and tools; the parsers use the Scanner). */
export class Lexer {
  private readonly scanner: Scanner;
  constructor(src: string) {
    this.scanner = new Scanner(src);
  }

  /** Next token, or undefined at the end of the input. */
  next(): Token | undefined {
    const k = this.scanner.next();
    return k === T_EOF ? undefined : this.scanner.token(k);
  }
}

/** All tokens of `src` (comments and annotations removed). */
export function tokenize(src: string): Token[] {
  const lexer = new Lexer(src);
  const out: Token[] = [];
  for (let t = lexer.next(); t !== undefined; t = lexer.next()) out.push(t);
  return out;
}
