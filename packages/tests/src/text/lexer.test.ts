import { expect } from 'chai';
import { readSExprs, TextError, tokenize } from '@wasmjit/text';

const texts = (src: string) => tokenize(src).map((t) => t.text);

function errorOf(f: () => unknown): TextError {
  try {
    f();
  } catch (e) {
    if (e instanceof TextError) return e;
    throw e;
  }
  throw new Error('expected a TextError');
}

describe('text: lexer', () => {
  it('gives every token its line and column', () => {
    const toks = tokenize('(module\n  (func $f))');
    expect(toks.map((t) => [t.text, t.line, t.col])).to.deep.equal([
      ['(', 1, 1], ['module', 1, 2], ['(', 2, 3], ['func', 2, 4], ['$f', 2, 9], [')', 2, 11], [')', 2, 12],
    ]);
  });

  it('skips line comments, nested block comments and annotations', () => {
    expect(texts('a ;; x ) (\nb (; outer (; inner ;) still ;) c (@name "x" (nested ")")) d')).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('ends line comments at LF, CR or CRLF', () => {
    expect(texts('a ;; x\nb ;; y\rc ;; z\r\nd ;; end')).to.deep.equal(['a', 'b', 'c', 'd']);
  });

  it('reports unterminated comments, strings and annotations at their start', () => {
    expect(errorOf(() => tokenize('x\n  (; (; ;)')).message).to.equal('2:3: unterminated block comment');
    expect(errorOf(() => tokenize('"abc')).message).to.match(/^1:\d+: unterminated string/);
    expect(errorOf(() => tokenize('(@a (b)')).message).to.equal('1:1: unterminated annotation');
  });

  it('decodes string escapes to bytes', () => {
    const [s] = tokenize(String.raw`"a\t\n\r\"\'\\\00\ff\u{41}\u{10FFFF}é"`);
    expect([...s!.bytes!]).to.deep.equal([
      0x61, 9, 10, 13, 0x22, 0x27, 0x5c, 0, 0xff, 0x41, 0xf4, 0x8f, 0xbf, 0xbf, 0xc3, 0xa9,
    ]);
  });

  it('rejects bad escapes, control characters and surrogate code points', () => {
    expect(() => tokenize(String.raw`"\q"`)).to.throw(TextError, /unknown escape/);
    expect(() => tokenize('"a\u0001"')).to.throw(TextError, /control character/);
    expect(() => tokenize(String.raw`"\u{d800}"`)).to.throw(TextError, /surrogate/);
    expect(() => tokenize(String.raw`"\u{110000}"`)).to.throw(TextError, /out of range/);
  });

  it('requires tokens to be separated', () => {
    expect(() => tokenize('i32.const 0"x"')).to.throw(TextError, /separated/);
    expect(() => tokenize('"a""b"')).to.throw(TextError, /separated/);
    expect(texts('(a)(b)')).to.deep.equal(['(', 'a', ')', '(', 'b', ')']);
  });

  it('skips annotation bodies of reserved tokens, comments and bare (@, but checks their ids and characters', () => {
    expect(texts('a (@a x-y$yz"aa"-2 , ; ] [ }} ({) (@) (@ x)) b (@"str" (;c;) ;; d\n ) c')).to.deep.equal(['a', 'b', 'c']);
    expect(errorOf(() => tokenize('(@ x)')).message).to.equal('1:1: empty annotation id');
    expect(errorOf(() => tokenize('(@"")')).message).to.equal('1:1: empty annotation id');
    expect(errorOf(() => tokenize('(@"\\ef")')).message).to.equal('1:1: malformed UTF-8 encoding');
    expect(errorOf(() => tokenize('(@a \u0001)')).message).to.match(/^1:5: illegal character/);
    expect(errorOf(() => tokenize('(@a ß)')).message).to.match(/^1:5: illegal character/);
  });

  it('reads $"quoted" identifiers', () => {
    const [id] = tokenize('$"hello world"');
    expect(id!.kind).to.equal('id');
    expect(id!.text).to.equal('$hello world');
    expect(errorOf(() => tokenize('$"\\ef"')).message).to.equal('1:1: malformed UTF-8 encoding');
  });
});

describe('text: S-expressions', () => {
  it('nests lists and keeps their source span', () => {
    const src = ' (a (b c) "s") x';
    const [list, atom] = readSExprs(src);
    expect(list!.kind).to.equal('list');
    if (list!.kind !== 'list') return;
    expect(src.slice(list.start, list.end)).to.equal('(a (b c) "s")');
    expect(list.items.map((i) => (i.kind === 'list' ? 'list' : i.text))).to.deep.equal(['a', 'list', '"s"']);
    expect(atom!.kind === 'atom' && atom!.text).to.equal('x');
  });

  it('names unbalanced parentheses with a position', () => {
    expect(errorOf(() => readSExprs('(a\n (b)')).message).to.equal('1:1: unclosed "(": expected ")", found end of input');
    expect(errorOf(() => readSExprs('a)')).message).to.equal('1:2: unexpected ")"');
  });
});
