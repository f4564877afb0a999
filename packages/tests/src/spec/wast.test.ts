import { expect } from 'chai';
import { readSExprs, stringText, WastSyntaxError, type SString } from './sexpr.js';
import { parseWast } from './wast.js';

describe('spec runner: wast reader', () => {
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

  it('parses script commands', () => {
    const cmds = parseWast(`
(module $M (func (export "f") (param i32) (result i32) (local.get 0)))
(module binary "\\00asm" "\\01\\00\\00\\00")
(module quote "(func)")
(register "m" $M)
(invoke $M "f" (i32.const 1))
(get "g")
(assert_return (invoke "f" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(input "x.wast")
`);
    expect(cmds.map((c) => c.kind)).to.deep.equal([
      'module', 'module', 'module', 'register', 'action', 'action', 'assert_return', 'assert_trap',
      'assert_trap_module', 'assert_exhaustion', 'assert_invalid', 'assert_malformed', 'assert_unlinkable', 'unsupported',
    ]);
    const [m, bin, quote, reg, inv] = cmds;
    if (m.kind !== 'module' || bin.kind !== 'module' || quote.kind !== 'module' || reg.kind !== 'register' || inv.kind !== 'action') {
      throw new Error('unexpected kinds');
    }
    expect(m.line).to.equal(2);
    expect(m.module.id).to.equal('$M');
    expect(m.module.source).to.deep.equal({ kind: 'text', text: '(module $M (func (export "f") (param i32) (result i32) (local.get 0)))' });
    expect(bin.module.source.kind).to.equal('binary');
    if (bin.module.source.kind === 'binary') expect([...bin.module.source.bytes]).to.deep.equal([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(quote.module.source).to.deep.equal({ kind: 'quote', text: '(func)' });
    expect(reg).to.include({ name: 'm', module: '$M' });
    expect(inv.action).to.include({ kind: 'invoke', module: '$M', name: 'f' });
  });

  it('treats a script of bare module fields as one inline module', () => {
    const cmds = parseWast('(func) (memory 0) (func (export "f"))\n');
    expect(cmds).to.have.length(1);
    expect(cmds[0].kind).to.equal('module');
  });

  it('turns unparseable commands into bad commands, not exceptions', () => {
    const cmds = parseWast('(assert_return (frobnicate "x"))\n(bogus)');
    expect(cmds.map((c) => c.kind)).to.deep.equal(['bad', 'bad']);
  });
});
