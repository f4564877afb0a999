// Typed function references against V8 (Node 20's --experimental-wasm-typed-funcref, run in
// a child process since the flag cannot be set in this one). Node 20's V8 predates the
// standard's encodings of (ref ...) value types and of ref.as_non_null / br_on_null, so the
// modules stick to what both encode alike: call_ref and return_call_ref with a ref.func or a
// typed ref.null callee. Generated from a seed: functions of several signatures, each called
// through call_ref from a dispatcher, with random arguments; results and traps must agree.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { parseWat } from '@wasmjit/text';

/** xorshift32: the same modules every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const OPS = ['i32.add', 'i32.sub', 'i32.mul', 'i32.xor', 'i32.rotl', 'i32.shr_s'];

/** A module whose export "run" (i32 which, i32 x, i32 y) calls function `which` by call_ref (or a null one). */
function generate(seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = 3 + Math.floor(r() * 4);
  const funcs: string[] = [];
  const arms: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = `(${pick(OPS)} (${pick(OPS)} (local.get 0) (i32.const ${Math.floor(r() * 1000) - 500})) (local.get 1))`;
    // Half of them call on through return_call_ref, the last always returns.
    const tail = i + 1 < n && r() < 0.5
      ? `(return_call_ref $bin ${body} (i32.const ${i}) (ref.func $f${i + 1}))`
      : body;
    funcs.push(`(func $f${i} (type $bin) ${tail})`);
    arms.push(`(if (i32.eq (local.get 0) (i32.const ${i})) (then (return (call_ref $bin (local.get 1) (local.get 2) (ref.func $f${i})))))`);
  }
  return `(module
    (type $bin (func (param i32 i32) (result i32)))
    ${funcs.join('\n    ')}
    (elem declare func ${funcs.map((_, i) => `$f${i}`).join(' ')})
    (func (export "run") (param i32 i32 i32) (result i32)
      ${arms.join('\n      ')}
      (call_ref $bin (local.get 1) (local.get 2) (ref.null $bin))))`;
}

/** What V8 computes for each call: the i32, or 'trap'. */
function v8Results(bytes: Uint8Array, calls: number[][]): (number | 'trap')[] {
  const script = `
    const bytes = Buffer.from(process.argv[1], 'base64');
    const calls = JSON.parse(process.argv[2]);
    const run = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.run;
    const out = calls.map((c) => { try { return run(...c); } catch (e) { return e instanceof WebAssembly.RuntimeError ? 'trap' : String(e); } });
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--experimental-wasm-typed-funcref', '-e', script, Buffer.from(bytes).toString('base64'), JSON.stringify(calls)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`V8 child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as (number | 'trap')[];
}

describe('typed function references against V8 (Node 20, --experimental-wasm-typed-funcref)', function () {
  this.timeout(60_000);
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: call_ref / return_call_ref chains give V8's results and traps`, () => {
      const bytes = parseWat(generate(seed));
      const r = rng(seed * 7919);
      const calls: number[][] = [];
      for (let i = 0; i < 40; i++) calls.push([Math.floor(r() * 8), Math.floor(r() * 2 ** 32) | 0, Math.floor(r() * 2 ** 32) | 0]);
      const engine = new Engine();
      const run = (engine.instantiate(engine.compile(bytes)).exports as Record<string, (...a: number[]) => number>).run!;
      const ours = calls.map((c) => {
        try {
          return run(...c);
        } catch (e) {
          if (e instanceof RuntimeError) return 'trap';
          throw e;
        }
      });
      const theirs = v8Results(bytes, calls);
      expect(ours).to.deep.equal(theirs);
      // Both outcomes occur: calls that return and null calls that trap.
      expect(ours).to.include('trap');
      expect(ours.some((v) => typeof v === 'number')).to.equal(true);
    });
  }
});
