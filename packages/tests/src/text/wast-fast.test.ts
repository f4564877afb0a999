// The fast reader of invoke / assert_return commands (packages/text/src/wast-fast.ts) against
// the general one: over every script of both spec suites, parseWast gives the same commands
// with it as without it; and where it gives up (forms it does not read), the general reader's
// result or error is what comes out.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseWast, TextError, type WastCommand } from '@wasmjit/text';
import { findLatestSpecDir, findSpecDir } from '../spec/suite.js';

function wastFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...wastFiles(p));
    else if (f.endsWith('.wast')) out.push(p);
  }
  return out;
}

/** A command without its module objects (they hold lists and source maps), for deep comparison. */
function comparable(c: WastCommand): unknown {
  if (c.kind === 'thread') return { ...c, commands: c.commands.map(comparable) };
  if ('module' in c && typeof c.module === 'object') {
    const s = c.module.source;
    return { ...c, module: { ...c.module, source: s.kind === 'text' ? { kind: 'text', text: s.text } : s } };
  }
  return c;
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TextError) return e.message;
    throw e;
  }
  return 'no error';
}

describe('text: the fast reader of invoke and assert_return', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const spec = findSpecDir();
  if (!('absent' in spec)) dirs.push(spec.dir);
  const latest = findLatestSpecDir();
  if (!('absent' in latest)) dirs.push(latest.dir);

  it('reads every script of both suites to the same commands as the general reader', function () {
    if (dirs.length === 0) this.skip();
    let files = 0;
    let commands = 0;
    for (const dir of dirs) {
      for (const file of wastFiles(dir)) {
        const src = readFileSync(file, 'utf8');
        const fast = parseWast(src);
        const general = parseWast(src, { fastPath: false });
        expect(fast.map(comparable), file).to.deep.equal(general.map(comparable));
        files++;
        commands += fast.length;
      }
    }
    expect(files).to.be.greaterThan(300);
    expect(commands).to.be.greaterThan(100_000);
  });

  it('leaves other forms, module names and bad literals to the general reader', () => {
    const src = [
      '(module $m (func (export "f") (param i32) (result i32) (local.get 0)))',
      '(assert_return (invoke $m "f" (i32.const 1)) (i32.const 1))',
      '(assert_return (invoke "f" (i32.const 2)) (either (i32.const 2) (i32.const 3)))',
      '(assert_return (invoke "g") (ref.null func))',
      '(assert_return (invoke "h" (v128.const i16x8 1 2 3 4 5 6 7 8)) (v128.const f32x4 nan:canonical 1 -0x1p-1 inf))',
      '(invoke "f" (f64.const -0x1.fffffffffffffp+1023))',
    ].join('\n');
    const fast = parseWast(src);
    expect(fast.map(comparable)).to.deep.equal(parseWast(src, { fastPath: false }).map(comparable));
    expect(fast.map((c) => [c.kind, c.line])).to.deep.equal([
      ['module', 1], ['assert_return', 2], ['assert_return', 3], ['assert_return', 4], ['assert_return', 5], ['action', 6],
    ]);
    // A malformed literal or a lexical error: the general reader's message and position.
    for (const bad of ['\n(assert_return (invoke "f" (i32.const 0x1_0000_0000)) (i32.const 0))', '(invoke "f" (i32.const 1"x"))']) {
      expect(errorOf(() => parseWast(bad))).to.equal(errorOf(() => parseWast(bad, { fastPath: false })));
      expect(errorOf(() => parseWast(bad))).to.match(/^\d+:\d+: /);
    }
  });
});
