// Tokens of the text format (spec 6.2 "Lexical Format"): parentheses, strings, $identifiers and
// "atoms" (keywords, numbers and reserved words share one character class, so telling them
// apart is left to whoever knows what is expected at that point). Comments and annotations
// `(@name ...)` are skipped here, so nothing above the lexer ever sees them.

import { errorAt, TextError } from './errors.js';

export type TokenKind = '(' | ')' | 'atom' | 'id' | 'string';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for strings: including the quotes). */
  text: string;
  /** Offset of the first character in the source. */
  start: number;
  end: number;
  line: number;
  col: number;
  /** Strings: the bytes the literal denotes. `$"..."` ids: the name's bytes. */
  bytes?: Uint8Array;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Characters allowed in keywords, numbers and ids (spec: idchar). */
function isIdChar(c: number): boolean {
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  if (c >= 0x41 && c <= 0x5a) return true; // A-Z
  if (c >= 0x61 && c <= 0x7a) return true; // a-z
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b:
    case 0x2d: case 0x2e: case 0x2f: case 0x3a: case 0x3c: case 0x3d: case 0x3e: case 0x3f:
    case 0x40: case 0x5c: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e:
      return true;
  }
  return false;
}

/** `, ; [ ] { }`: characters only "reserved" tokens hold (legal inside annotations). */
function isReservedOnly(c: number): boolean {
  return c === 0x2c || c === 0x3b || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export class Lexer {
  private pos = 0;
  private line = 1;
  /** Offset of the first character of the current line, for columns. */
  private lineStart = 0;

  constructor(private readonly src: string) {}

  private error(pos: number, detail: string): TextError {
    return new TextError(detail, this.line, pos - this.lineStart + 1);
  }

  /** Advance over one character, keeping line/column bookkeeping right. */
  private step(): void {
    if (this.src.charCodeAt(this.pos) === 0x0a) {
      this.line++;
      this.lineStart = this.pos + 1;
    }
    this.pos++;
  }

  /** Skip whitespace, line comments and (nested) block comments. */
  private skipTrivia(): void {
    const s = this.src;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (isSpace(c)) {
        this.step();
      } else if (c === 0x3b && s.charCodeAt(this.pos + 1) === 0x3b) {
        // `;;` line comment: to the end of the line, which the text format ends at LF or CR
        // (a lone CR too: `;; x\r(code)` keeps the code)
        while (this.pos < s.length && s.charCodeAt(this.pos) !== 0x0a && s.charCodeAt(this.pos) !== 0x0d) this.pos++;
      } else if (c === 0x28 && s.charCodeAt(this.pos + 1) === 0x3b) {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  private skipBlockComment(): void {
    const s = this.src;
    const startLine = this.line;
    const startCol = this.pos - this.lineStart + 1;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      const d = s.charCodeAt(this.pos + 1);
      if (c === 0x28 && d === 0x3b) {
        depth++;
        this.pos += 2;
      } else if (c === 0x3b && d === 0x29) {
        depth--;
        this.pos += 2;
        if (depth === 0) return;
      } else {
        this.step();
      }
    }
    throw new TextError('unterminated block comment', startLine, startCol);
  }

  /** Next token, or undefined at the end of the input. */
  next(): Token | undefined {
    for (;;) {
      this.skipTrivia();
      const s = this.src;
      if (this.pos >= s.length) return undefined;
      const start = this.pos;
      const line = this.line;
      const col = start - this.lineStart + 1;
      const c = s.charCodeAt(start);
      if (c === 0x28) {
        if (s.charCodeAt(start + 1) === 0x40) {
          // `(@name ...)`: an annotation, skipped with its balanced contents.
          this.skipAnnotation();
          continue;
        }
        this.pos++;
        return { kind: '(', text: '(', start, end: this.pos, line, col };
      }
      if (c === 0x29) {
        this.pos++;
        return { kind: ')', text: ')', start, end: this.pos, line, col };
      }
      if (c === 0x22) {
        const bytes = this.readString();
        this.checkSeparated();
        return { kind: 'string', text: s.slice(start, this.pos), start, end: this.pos, line, col, bytes };
      }
      if (isIdChar(c)) {
        while (this.pos < s.length && isIdChar(s.charCodeAt(this.pos))) this.pos++;
        const text = s.slice(start, this.pos);
        if (text === '$' && s.charCodeAt(this.pos) === 0x22) {
          // `$"..."`: an id spelled as a string (Wasm 3.0).
          const bytes = this.readString();
          if (bytes.length === 0) throw errorAt({ line, col }, 'empty identifier');
          this.checkUtf8(bytes, line, col);
          this.checkSeparated();
          return { kind: 'id', text: '$' + new TextDecoder().decode(bytes), start, end: this.pos, line, col, bytes };
        }
        this.checkSeparated();
        if (c === 0x24) {
          if (text.length === 1) throw errorAt({ line, col }, 'empty identifier');
          return { kind: 'id', text, start, end: this.pos, line, col };
        }
        return { kind: 'atom', text, start, end: this.pos, line, col };
      }
      throw this.error(start, `unexpected character ${JSON.stringify(s[start])}`);
    }
  }

  /** A token must be followed by whitespace, a parenthesis, a comment or the end. */
  private checkSeparated(): void {
    const c = this.src.charCodeAt(this.pos);
    if (this.pos >= this.src.length || isSpace(c) || c === 0x28 || c === 0x29) return;
    if (c === 0x3b && this.src.charCodeAt(this.pos + 1) === 0x3b) return;
    throw this.error(this.pos, 'tokens must be separated by whitespace or parentheses');
  }

  /**
   * `(@id token*)`: the id is idchars or a non-empty UTF-8 string right after `(@`; the body is
   * balanced parentheses around tokens, comments allowed.
   */
  private skipAnnotation(): void {
    const startLine = this.line;
    const startCol = this.pos - this.lineStart + 1;
    this.pos += 2;
    const c = this.src.charCodeAt(this.pos);
    if (c === 0x22) {
      const name = this.readString();
      if (name.length === 0) throw new TextError('empty annotation id', startLine, startCol);
      this.checkUtf8(name, startLine, startCol);
    } else {
      const idStart = this.pos;
      while (this.pos < this.src.length && isIdChar(this.src.charCodeAt(this.pos))) this.pos++;
      if (this.pos === idStart) throw new TextError('empty annotation id', startLine, startCol);
    }
    // The body: balanced parentheses around runs of idchars and strings. Such a run need not
    // be one valid token (`x-y$yz"aa"-2` is a "reserved" token, fine inside annotations), but
    // every character must be one a token could hold and every string must be well-formed.
    const s = this.src;
    for (let depth = 1; depth > 0; ) {
      this.skipTrivia();
      if (this.pos >= s.length) throw new TextError('unterminated annotation', startLine, startCol);
      const ch = s.charCodeAt(this.pos);
      if (ch === 0x28) {
        // Inside the body, `(@` is just a parenthesis and a reserved token.
        depth++;
        this.pos++;
      } else if (ch === 0x29) {
        depth--;
        this.pos++;
      } else {
        const runStart = this.pos;
        for (;;) {
          const r = s.charCodeAt(this.pos);
          if (this.pos < s.length && (isIdChar(r) || isReservedOnly(r))) {
            if (r === 0x3b && s.charCodeAt(this.pos + 1) === 0x3b) break; // `;;` comment
            this.pos++;
          } else if (r === 0x22) this.readString();
          else break;
        }
        if (this.pos === runStart) throw this.error(this.pos, `illegal character ${JSON.stringify(s[this.pos])} in an annotation`);
      }
    }
  }

  private checkUtf8(bytes: Uint8Array, line: number, col: number): void {
    try {
      strictUtf8.decode(bytes);
    } catch {
      throw new TextError('malformed UTF-8 encoding', line, col);
    }
  }

  /** A string literal starting at the opening quote, as the bytes it denotes. */
  private readString(): Uint8Array {
    const s = this.src;
    const out: number[] = [];
    this.pos++; // opening quote
    for (;;) {
      if (this.pos >= s.length) throw this.error(this.pos, 'unterminated string');
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        this.pos++;
        return Uint8Array.from(out);
      }
      if (c < 0x20 || c === 0x7f) throw this.error(this.pos, 'control character in string');
      if (c < 0x80 && c !== 0x5c) {
        out.push(c);
        this.pos++;
        continue;
      }
      if (c !== 0x5c) {
        // Non-ASCII characters: their UTF-8 bytes (surrogate pairs kept together).
        const cp = s.codePointAt(this.pos)!;
        const ch = String.fromCodePoint(cp);
        for (const b of utf8.encode(ch)) out.push(b);
        this.pos += ch.length;
        continue;
      }
      const e = s.charCodeAt(this.pos + 1);
      const escPos = this.pos;
      this.pos += 2;
      switch (e) {
        case 0x74: out.push(0x09); break; // \t
        case 0x6e: out.push(0x0a); break; // \n
        case 0x72: out.push(0x0d); break; // \r
        case 0x22: out.push(0x22); break;
        case 0x27: out.push(0x27); break;
        case 0x5c: out.push(0x5c); break;
        case 0x75: { // \u{hex}
          if (s.charCodeAt(this.pos) !== 0x7b) throw this.error(escPos, 'malformed \\u escape');
          this.pos++;
          let cp = 0;
          let digits = 0;
          for (;;) {
            const ch = s.charCodeAt(this.pos);
            if (ch === 0x7d && digits > 0) break;
            if (ch === 0x5f && digits > 0) {
              this.pos++;
              continue;
            }
            const h = hexValue(ch);
            if (h < 0) throw this.error(escPos, 'malformed \\u escape');
            cp = cp * 16 + h;
            if (cp > 0x10ffff) throw this.error(escPos, '\\u escape out of range');
            digits++;
            this.pos++;
          }
          this.pos++;
          if (cp >= 0xd800 && cp < 0xe000) throw this.error(escPos, '\\u escape is a surrogate');
          for (const b of utf8.encode(String.fromCodePoint(cp))) out.push(b);
          break;
        }
        default: {
          const h1 = hexValue(e);
          const h2 = hexValue(s.charCodeAt(this.pos));
          if (h1 < 0 || h2 < 0) throw this.error(escPos, 'unknown escape in string');
          out.push(h1 * 16 + h2);
          this.pos++;
        }
      }
    }
  }
}

/** All tokens of `src` (comments and annotations removed). */
export function tokenize(src: string): Token[] {
  const lexer = new Lexer(src);
  const out: Token[] = [];
  for (let t = lexer.next(); t !== undefined; t = lexer.next()) out.push(t);
  return out;
}
