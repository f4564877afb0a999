import { expect } from 'chai';
import { readSExprs, stringText, WastSyntaxError, type SString } from './sexpr.js';

describe('test S-expression reader (fuzz reducer)', () => {
  it('skips line and nested block comments, tracks lines', () => {
    // Block comments do not know about strings: the quote does not hide the ;).
    const nodes = readSExprs(';; line\n(; a (; nested ;) still " ;)\n(x ;; y\n  z)(;c;)w');
    expect(nodes.map((n) => n.kind)).to.deep.equal(['list', 'atom']);
    const list = nodes[0];
    if (list.kind !== 'list') throw new Error('unreachable');
    expect(list.line).to.equal(3);
    expect(list.items.map((n) => (n.kind === 'atom' ? n.text : '?'))).to.deep.equal(['x', 'z']);
    expect(nodes[1].line).to.equal(4);
  });

  it('decodes string escapes to bytes', () => {
    const [s] = readSExprs('"a\\t\\n\\r\\"\\\'\\\\\\00\\ff\\u{1F600}é"') as SString[];
    expect([...s.bytes]).to.deep.equal([0x61, 9, 10, 13, 0x22, 0x27, 0x5c, 0, 0xff, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9]);
    const [bom] = readSExprs('"\\ef\\bb\\bf"') as SString[];
    expect(stringText(bom)).to.equal('\ufeff');
  });

  it('rejects unterminated input', () => {
    expect(() => readSExprs('(a "b')).to.throw(WastSyntaxError);
    expect(() => readSExprs('(; x')).to.throw(WastSyntaxError);
    expect(() => readSExprs('(a')).to.throw(WastSyntaxError);
  });
});
