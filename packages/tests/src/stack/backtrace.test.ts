// Issue item 4: a trap's RuntimeError names the wasm frames, innermost first, with function
// index, name-section name and wasm byte offset; checked against V8's own stack traces.
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { MiB, thrown, watNamed, withPinnedWasmStack, type Exports } from './support.js';
import { expectNoSignals } from './signals.js';

const PROGRAM = `(module
  (func $boom (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
  (func $mid (export "mid") (param i32) (result i32) (i32.add (call $boom (local.get 0)) (i32.const 1)))
  (func $outer (export "outer") (param i32) (result i32)
    (drop (call $mid (i32.const 1)))
    (call $mid (local.get 0)))
  (func $nope (export "nope") unreachable)
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))
  (func $bad (export "bad") (param i32) (result i32)
    (i32.add (call $deeper (local.get 0)) (i32.const 0)))
  (func $deeper (param i32) (result i32) (i32.rem_s (i32.const 7) (local.get 0))))`;

/** [funcIndex, offset] of the wasm frames in a V8 error stack, innermost first. */
function v8Frames(e: unknown): [number, number][] {
  const out: [number, number][] = [];
  for (const m of String((e as Error).stack).matchAll(/wasm-function\[(\d+)\]:0x([0-9a-f]+)/g)) {
    out.push([Number(m[1]), parseInt(m[2]!, 16)]);
  }
  return out;
}

/** The wasm frame lines at the top of a trap's stack (after the `RuntimeError: ...` line). */
function wasmLines(e: RuntimeError): string[] {
  const lines = String(e.stack).split('\n').slice(1);
  const end = lines.findIndex((l) => !/^ {4}(at func\[|at <unknown code>|\.\.\. )/.test(l));
  return end < 0 ? lines : lines.slice(0, end);
}

function ourFrames(e: unknown): [number, number][] {
  expect(e).to.be.instanceOf(RuntimeError);
  return (e as RuntimeError).frames.map((f) => [f.funcIndex, f.offset]);
}

describe('stack: trap backtraces', () => {
  expectNoSignals();
  let bytes: Uint8Array;
  let ours: Exports;
  let v8: Exports;
  before(async () => {
    bytes = await watNamed(PROGRAM);
    const engine = new Engine();
    ours = engine.instantiate(engine.compile(bytes)).exports as Exports;
    v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports as unknown as Exports;
  });

  for (const [name, args] of [['outer', [5]], ['mid', [2]], ['nope', []], ['bad', [0]]] as const) {
    it(`${name}: the same frames and offsets as V8`, () => {
      const a = ourFrames(thrown(() => ours[name]!(...args)));
      const b = v8Frames(thrown(() => v8[name]!(...args)));
      expect(a.length).to.be.greaterThan(0);
      expect(a).to.deep.equal(b);
    });
  }

  it('the stack starts with `at func[i] <name> (offset 0x..)` lines after V8\'s message', () => {
    const e = thrown(() => ours.outer!(5)) as RuntimeError;
    expect(e.message).to.equal('divide by zero');
    expect(e.trap).to.equal('integer_divide_by_zero');
    const lines = wasmLines(e);
    expect(String(e.stack).split('\n')[0]).to.equal('RuntimeError: divide by zero');
    expect(lines.map((l) => l.replace(/0x[0-9a-f]+/, 'X'))).to.deep.equal([
      '    at func[0] <boom> (offset X)',
      '    at func[1] <mid> (offset X)',
      '    at func[2] <outer> (offset X)',
    ]);
    expect(e.frames.map((f) => f.name)).to.deep.equal(['boom', 'mid', 'outer']);
    // The JS frames follow the wasm ones.
    expect(String(e.stack).split('\n').slice(4).some((l) => /^ {4}at .*backtrace\.test\.js/.test(l))).to.equal(true);
  });

  it('stack overflow: the overflowing function first (at its start, like V8), then its callers, folded', () => {
    const e = thrown(() => ours.down!(10_000_000)) as RuntimeError;
    const v = v8Frames(thrown(() => v8.down!(10_000_000)));
    const a = ourFrames(e);
    expect(a.slice(0, 3)).to.deep.equal(v.slice(0, 3));
    expect(e.message).to.equal('Maximum call stack size exceeded');
    expect(wasmLines(e).join('\n')).to.match(/^ {4}at func\[4\] <down> \(offset 0x[0-9a-f]+\)\n {4}at func\[4\] <down> \(offset 0x[0-9a-f]+\)\n {4}\.\.\. \(the frame above repeats 63 more times\)\n {4}\.\.\. \(older frames not recorded\)$/);
  });

  it('without a name section: func[i] only', async () => {
    const plain = await watNamed(PROGRAM, false);
    const engine = new Engine();
    const ex = engine.instantiate(engine.compile(plain)).exports as Exports;
    const e = thrown(() => ex.mid!(1)) as RuntimeError;
    expect(wasmLines(e).map((l) => l.replace(/0x[0-9a-f]+/, 'X'))).to.deep.equal([
      '    at func[0] (offset X)',
      '    at func[1] (offset X)',
    ]);
  });

  it('frames from several modules on one stack resolve to their own module', async () => {
    const engine = new Engine();
    const libModule = engine.compile(await watNamed(`(module
      (func $crash (export "crash") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))`));
    const lib = engine.instantiate(libModule).exports as Exports;
    const appModule = engine.compile(await watNamed(`(module
      (import "lib" "crash" (func $crash (param i32) (result i32)))
      (func $app (export "app") (param i32) (result i32) (call $crash (local.get 0))))`));
    const app = engine.instantiate(appModule, { lib: { crash: lib.crash } }).exports as Exports;
    const e = thrown(() => app.app!(0)) as RuntimeError;
    expect(e.frames.map((f) => [f.name, f.funcIndex, f.module === libModule, f.module === appModule])).to.deep.equal([
      ['crash', 0, true, false],
      ['app', 1, false, true],
    ]);
  });

  it('a trap record never leaks into the next trap (an entry refused for lack of stack has no frames)', async () => {
    thrown(() => ours.mid!(1));
    // A reserve bigger than the (pinned) wasm stack leaves no room at all.
    const tiny = new Engine({ hostStackReserve: 2 * MiB });
    const ex = tiny.instantiate(tiny.compile(bytes)).exports as Exports;
    const e = withPinnedWasmStack(1 * MiB, () => thrown(() => ex.mid!(1))) as RuntimeError;
    expect(e.trap).to.equal('stack_overflow');
    expect(e.frames).to.deep.equal([]);
    expect(e.message).to.equal('Maximum call stack size exceeded');
    expect(wasmLines(e)).to.deep.equal([]);
  });
});
