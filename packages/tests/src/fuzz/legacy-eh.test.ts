// The exception-handling leg of the differential fuzzer: legacy-eh.ts's split of a module
// into a try_table module without exnref and its legacy-encoding twin (which Node 20's V8
// runs), and describeThrown's reading of a wasm exception that reaches JS.
import { expect } from 'chai';
import { parseWat } from '@wasmjit/text';
import { Engine } from '@wasmjit/runtime';
import { legacyEhModules, LegacyEhUnsupported } from './legacy-eh.js';
import { describeThrown, type KnownTag } from './diff-imports.js';
import { v8Engine, wasmjitEngine, type DiffEngine } from './diff-engines.js';
import { ValType } from '@wasmjit/codegen';

// Every construct the rewrite touches: plain clauses (kept), a catch_ref (dropped), exnref
// in a global, a local, a multivalue block type and a ref.null, and a throw_ref.
const MODULE = `(module
  (tag $e (export "e") (param i32))
  (tag $x)
  (global $g (mut exnref) (ref.null noexn))
  (func $throw (param i32)
    (if (local.get 0) (then (throw $e (local.get 0)))))
  (func (export "plain") (param i32) (result i32)
    (block $h (result i32)
      (block $all
        (try_table (catch $e $h) (catch_all $all)
          (call $throw (local.get 0))
          (throw $x))
        (unreachable))
      (return (i32.const -2)))
    (i32.add (i32.const 100)))
  (func (export "nested") (param i32) (result i32)
    (block $outer (result i32)
      (block $none
        (try_table (catch_all $none)
          (block $deep (result i32)
            (try_table (catch $e $deep) (call $throw (local.get 0)))
            (i32.const 7))
          (br $outer (i32.add (i32.const 1000))))
        (unreachable))
      (i32.const -3)))
  (func (export "refs") (param i32) (result i32) (local $l exnref)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $throw (local.get 0)))
      (return (i32.const -1)))
    (local.set $l)
    (global.set $g (local.get $l)))
  (func (export "rethrow") (throw_ref (global.get $g)))
)`;

type Fn = (...a: unknown[]) => unknown;

function outcome(f: Fn, arg: number, engine: DiffEngine, tags: KnownTag[]): string {
  try {
    return `ok ${String(f(arg))}`;
  } catch (e) {
    return describeThrown(engine, e, tags, 0);
  }
}

describe('fuzz: legacy-eh (exception handling for Node 20 V8)', () => {
  const original = parseWat(MODULE);

  it('counts what it rewrote', () => {
    const { stats } = legacyEhModules(original);
    expect(stats).to.deep.equal({ tryTables: 4, refClauses: 1, throwRefs: 1, exnTypes: 4 });
  });

  it('gives a legacy module that V8 accepts and a try_table module that wasmjit accepts, both without exnref', () => {
    const { legacy, modern } = legacyEhModules(original);
    expect(WebAssembly.validate(legacy as Uint8Array<ArrayBuffer>)).to.equal(true);
    const engine = new Engine();
    expect(() => engine.compile(legacy)).to.not.throw();
    expect(() => engine.compile(modern)).to.not.throw();
    // Run through the rewrite again, each shows what is left in it.
    expect(legacyEhModules(modern).stats).to.deep.equal({ tryTables: 4, refClauses: 0, throwRefs: 0, exnTypes: 0 });
    expect(legacyEhModules(legacy).stats).to.deep.equal({ tryTables: 0, refClauses: 0, throwRefs: 0, exnTypes: 0 });
  });

  it('runs the same in V8 (legacy), wasmjit (legacy) and wasmjit (try_table), exceptions escaping with tag and payload', () => {
    const { legacy, modern } = legacyEhModules(original);
    const runs: [string, DiffEngine, Uint8Array][] = [
      ['v8 legacy', v8Engine(), legacy], ['wasmjit legacy', wasmjitEngine('explicit'), legacy], ['wasmjit try_table', wasmjitEngine('guard'), modern],
    ];
    const seen = runs.map(([name, engine, bytes]) => {
      const ex = engine.instantiate(engine.compile(bytes), {});
      const tags: KnownTag[] = [{ name: 'e', tag: ex.e, params: [ValType.I32] }];
      const rows = [
        ...[0, 5].map((a) => outcome(ex.plain as Fn, a, engine, tags)),
        ...[0, 9].map((a) => outcome(ex.nested as Fn, a, engine, tags)),
        ...[0, 3].map((a) => outcome(ex.refs as Fn, a, engine, tags)),
        outcome(ex.rethrow as Fn, 0, engine, tags),
      ];
      return [name, rows];
    });
    const expected = ['ok -2', 'ok 105', 'ok 1007', 'ok 1009', 'ok -1', 'exception:e(3)', 'trap:'];
    for (const [name, rows] of seen) {
      expect((rows as string[]).slice(0, 6), name as string).to.deep.equal(expected.slice(0, 6));
      expect((rows as string[])[6], name as string).to.match(/^trap:/);
    }
  });

  it('refuses modules with typed references instead of guessing', () => {
    const typed = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x64]);
    expect(() => legacyEhModules(typed)).to.throw(LegacyEhUnsupported);
  });
});
