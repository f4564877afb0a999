// The WAST script parser: every command form, values and result patterns, and every script of
// both spec suites (../shared/spec and ../shared/spec-latest/core with its subfolders), whose
// well-formed modules must all encode.

import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { encodeWastModule, parseWast, TextError, type WastCommand, type WastModule } from '@wasmjit/text';
import { REPO_ROOT } from '../spec/suite.js';

const SCRIPT = `
(module $M (func (export "f") (param i32) (result i32) (local.get 0)))
(module definition $D (memory 1))
(module instance $I $D)
(module binary "\\00asm" "\\01\\00\\00\\00")
(module quote "(func)")
(register "m" $M)
(invoke "f" (i32.const -1))
(assert_return (invoke $M "f" (i32.const 7)) (i32.const 7))
(assert_return (get "g") (f32.const nan:canonical))
(assert_return (invoke "v") (v128.const f32x4 1 nan:arithmetic -0 0x1p3) (either (i64.const 1) (ref.null extern)))
(assert_return (invoke "r" (ref.extern 3) (ref.null func)) (ref.func) (ref.extern) (ref.extern 3) (ref.null))
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (start 0) (func unreachable)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_exception (invoke "throw"))
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func") "unexpected end")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_uninstantiable (module (start 0) (func unreachable)) "unreachable")
(thread $T (shared (module $M)) (invoke $M "f" (i32.const 1)))
(wait $T)
`;

describe('text: WAST scripts', () => {
  it('reads every command form with its values and patterns', () => {
    const cmds = parseWast(SCRIPT);
    expect(cmds.map((c) => c.kind)).to.deep.equal([
      'module', 'module', 'module_instance', 'module', 'module', 'register', 'action', 'assert_return', 'assert_return',
      'assert_return', 'assert_return', 'assert_trap', 'assert_trap_module', 'assert_exhaustion', 'assert_exception',
      'assert_invalid', 'assert_malformed', 'assert_unlinkable', 'assert_uninstantiable', 'thread', 'wait',
    ]);
    const [m, def, inst, bin, quote] = cmds as Extract<WastCommand, { kind: 'module' }>[];
    expect(m!.module.id).to.equal('$M');
    expect(def!.module).to.deep.include({ id: '$D', definition: true });
    expect(inst).to.deep.include({ instance: '$I', definition: '$D' });
    expect([...encodeWastModule(bin!.module)]).to.deep.equal([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(encodeWastModule(quote!.module).length).to.be.greaterThan(8);
    const ret = cmds[7] as Extract<WastCommand, { kind: 'assert_return' }>;
    expect(ret.action).to.deep.equal({ kind: 'invoke', module: '$M', name: 'f', args: [{ type: 'i32', bits: 7n }] });
    expect((cmds[6] as Extract<WastCommand, { kind: 'action' }>).action).to.deep.include({ args: [{ type: 'i32', bits: 0xffffffffn }] });
    expect((cmds[8] as Extract<WastCommand, { kind: 'assert_return' }>).expected).to.deep.equal([{ type: 'f32', pattern: { nan: 'canonical' } }]);
    const v = (cmds[9] as Extract<WastCommand, { kind: 'assert_return' }>).expected;
    expect(v[0]).to.deep.equal({
      type: 'v128', shape: 'f32x4',
      lanes: [{ bits: 0x3f800000n }, { nan: 'arithmetic' }, { bits: 0x80000000n }, { bits: 0x41000000n }],
    });
    expect(v[1]).to.deep.equal({ type: 'either', options: [{ type: 'i64', bits: 1n }, { type: 'ref.null', heap: 'extern' }] });
    const r = cmds[10] as Extract<WastCommand, { kind: 'assert_return' }>;
    expect(r.action).to.deep.include({ args: [{ type: 'ref.extern', value: 3 }, { type: 'ref.null', heap: 'func' }] });
    expect(r.expected).to.deep.equal([{ type: 'ref', kind: 'func' }, { type: 'ref.extern' }, { type: 'ref.extern', value: 3 }, { type: 'ref.null' }]);
    const t = cmds[19] as Extract<WastCommand, { kind: 'thread' }>;
    expect(t).to.deep.include({ name: '$T', shared: ['$M'] });
    expect(t.commands.map((c) => c.kind)).to.deep.equal(['action']);
  });

  it('keeps malformed modules unencoded until asked, then reports their position', () => {
    const [cmd] = parseWast('(assert_malformed (module quote "(func (i32.const 1x))") "unknown operator")');
    expect(cmd!.kind).to.equal('assert_malformed');
    expect(() => encodeWastModule((cmd as { module: WastModule }).module)).to.throw(TextError, /^1:\d+: /);
  });

  it('reports bad commands with line and column', () => {
    expect(() => parseWast('\n  (assert_return (call "f"))')).to.throw(TextError, '2:18: expected an action "(invoke ...)" or "(get ...)", found "(call ..."');
    expect(() => parseWast('(assert_trap (invoke "f"))')).to.throw(TextError, '1:26: expected a failure message, found ")"');
    expect(() => parseWast('(assert_return (invoke "f") (i32.const 1.5))')).to.throw(TextError, '1:40: malformed i32 constant "1.5"');
    expect(() => parseWast('(frobnicate)')).to.throw(TextError, '1:1: expected a command, found "(frobnicate ..."');
  });

  it('treats a script of bare module fields as one module', () => {
    const cmds = parseWast('(func (export "x")) (memory 1)');
    expect(cmds).to.have.length(1);
    const m = cmds[0] as Extract<WastCommand, { kind: 'module' }>;
    expect(new WebAssembly.Instance(new WebAssembly.Module(encodeWastModule(m.module) as Uint8Array<ArrayBuffer>)).exports).to.have.property('x');
  });
});

function* wastFiles(dir: string): Generator<string> {
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yield* wastFiles(p);
    else if (f.endsWith('.wast')) yield p;
  }
}

/** Per folder: scripts, commands, well-formed modules encoded. */
function encodeSuite(root: string, standard: '2.0' | '3.0'): { failures: string[]; malformedRejected: number; perFolder: Map<string, { files: number; commands: number; modules: number }> } {
  const failures: string[] = [];
  let malformedRejected = 0;
  const perFolder = new Map<string, { files: number; commands: number; modules: number }>();
  for (const file of wastFiles(root)) {
    const rel = relative(root, file);
    const folder = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.';
    const row = perFolder.get(folder) ?? { files: 0, commands: 0, modules: 0 };
    perFolder.set(folder, row);
    row.files++;
    let cmds: WastCommand[];
    try {
      cmds = parseWast(readFileSync(file, 'utf8'));
    } catch (e) {
      failures.push(`${rel}: ${(e as Error).message}`);
      continue;
    }
    for (const c of cmds.flatMap((x) => (x.kind === 'thread' ? x.commands : [x]))) {
      row.commands++;
      if (c.kind === 'assert_malformed' && c.module.source.kind !== 'binary') {
        try {
          encodeWastModule(c.module, { standard });
          failures.push(`${rel}:${c.line}: malformed text accepted (${c.message})`);
        } catch (e) {
          if (!(e instanceof TextError)) throw e;
          malformedRejected++;
        }
        continue;
      }
      if (!('module' in c) || typeof c.module !== 'object' || c.kind === 'assert_malformed') continue;
      try {
        encodeWastModule(c.module, { standard });
        row.modules++;
      } catch (e) {
        failures.push(`${rel}:${c.line}: ${(e as Error).message}`);
      }
    }
  }
  return { failures, malformedRejected, perFolder };
}

describe('text: WAST scripts of the spec suites', function () {
  this.timeout(300_000);
  // ../shared/spec (Wasm 2.0) is covered module by module by golden.test.ts and the runner.
  const suites: [string, string, '2.0' | '3.0'][] = [
    ['spec-latest/core (Wasm 3.0)', process.env.WASM_SPEC_LATEST_DIR ? join(resolve(process.env.WASM_SPEC_LATEST_DIR), 'core') : resolve(REPO_ROOT, '../shared/spec-latest/core'), '3.0'],
  ];
  for (const [name, dir, standard] of suites) {
    it(`parses every script of ${name}, encodes its well-formed modules and rejects its malformed text`, function () {
      if (!existsSync(dir)) this.skip();
      const { failures, malformedRejected, perFolder } = encodeSuite(dir, standard);
      expect(failures.slice(0, 20)).to.deep.equal([]);
      expect(malformedRejected).to.be.greaterThan(1000); // 1,229 text-format assert_malformed today
      const total = [...perFolder.values()].reduce((n, r) => n + r.files, 0);
      expect(total).to.be.greaterThan(50);
    });
  }
});
