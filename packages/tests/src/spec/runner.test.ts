// The runner must be able to fail: run small scripts on V8 with right and
// deliberately wrong expectations and check each command's verdict.

import { expect } from 'chai';
import type { EngineAdapter } from './adapter.js';
import { runScript, SKIP, type Outcome } from './runner.js';
import { spectestHostImports, spectestWasm, SPECTEST_WASM_HEX, SPECTEST_WAT } from './spectest.js';
import { V8Adapter } from './v8-adapter.js';
import { CORE_FEATURES, loadWabt, watToBinary, type TextParser } from './wat.js';

async function run(src: string, adapter: EngineAdapter = new V8Adapter(), textParser?: TextParser): Promise<Outcome[]> {
  return runScript(src, adapter, await loadWabt(), { features: CORE_FEATURES, textParser });
}
const statuses = (os: Outcome[]) => os.map((o) => o.status);

const MODULE = `
(module $M
  (memory (export "mem") 1)
  (global (export "g") i32 (i32.const 42))
  (global (export "gf") f32 (f32.const -0.5))
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "idf32") (param f32) (result f32) (local.get 0))
  (func (export "nan") (result f64) (f64.div (f64.const 0) (f64.const 0)))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const -1))
  (func (export "ext") (param externref) (result externref) (local.get 0))
  (func (export "nullf") (result funcref) (ref.null func))
  (func $f (export "fref") (result funcref) (ref.func $f))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "unreachable") unreachable)
  (func $rec (export "rec") (call $rec))
)
`;

describe('spec runner: verdicts (on V8)', function () {
  this.timeout(20000);

  it('passes correct assertions of every kind', async () => {
    const out = await run(`${MODULE}
(register "M" $M)
(assert_return (invoke "id32" (i32.const -1)) (i32.const 0xffffffff))
(assert_return (invoke $M "id64" (i64.const -9223372036854775808)) (i64.const 0x8000000000000000))
(assert_return (invoke "idf32" (f32.const -0x1.fffffep127)) (f32.const -0x1.fffffep127))
(assert_return (invoke "nan") (f64.const nan:canonical))
(assert_return (invoke "nan") (f64.const nan:arithmetic))
(assert_return (invoke "two") (i32.const 1) (i64.const -1))
(assert_return (invoke "ext" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "ext" (ref.null extern)) (ref.null extern))
(assert_return (invoke "nullf") (ref.null func))
(assert_return (invoke "fref") (ref.func))
(assert_return (get "g") (i32.const 42))
(assert_return (get $M "gf") (f32.const -0.5))
(invoke "id32" (i32.const 0))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "unreachable") "unreachable")
(assert_exhaustion (invoke "rec") "call stack exhausted")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\\00asm" "\\02\\00\\00\\00") "unknown binary version")
(assert_malformed (module quote "(func") "unexpected end")
(assert_unlinkable (module (import "M" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "nomodule" "x" (func))) "unknown import")
(module (import "spectest" "print_i32" (func (param i32))) (import "spectest" "memory" (memory 1 2))
  (import "spectest" "global_i64" (global i64)) (import "spectest" "table" (table 10 funcref)))
(module quote "(func (export \\"q\\") (result i32) (i32.const 5))")
(assert_return (invoke "q") (i32.const 5))
`);
    const bad = out.filter((o) => o.status === 'failed');
    expect(bad, JSON.stringify(bad, null, 1)).to.have.length(0);
    expect(out.filter((o) => o.status === 'skipped')).to.deep.equal([]);
  });

  it('runs text-format assert_malformed with our parser, and skips them with wabt', async () => {
    const script = `(assert_malformed (module quote "(func") "unexpected end")
(assert_malformed (module quote "(func (i32.const 0x1_0000_0000) drop)") "i32 constant")
(assert_malformed (module quote "(func (i32.const 1) drop)") "well-formed: must fail")
(module quote "(func (result i32) (i32.const 0x1_0000_0000))")
`;
    const ours = await run(script);
    expect(statuses(ours)).to.deep.equal(['passed', 'passed', 'failed', 'failed']);
    expect(ours[2]!.reason).to.match(/accepted it/);
    expect(ours[3]!.reason).to.match(/^text parser rejected the module: \d+:\d+: malformed i32 constant/);
    const wabt = await run(script, new V8Adapter(), 'wabt');
    expect(statuses(wabt)).to.deep.equal(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(wabt.slice(0, 3).map((o) => o.reason)).to.deep.equal(Array(3).fill(SKIP.textMalformed));
    expect(wabt[3]!.reason).to.match(/^wabt cannot encode/);
  });

  it('fails wrong assertions', async () => {
    const out = await run(`${MODULE}
(assert_return (invoke "id32" (i32.const 1)) (i32.const 2))
(assert_return (invoke "idf32" (f32.const 0)) (f32.const -0))
(assert_return (invoke "idf32" (f32.const nan:0x400001)) (f32.const nan:canonical))
(assert_return (invoke "two") (i32.const 1))
(assert_return (invoke "ext" (ref.extern 1)) (ref.extern 2))
(assert_return (invoke "nullf") (ref.func))
(assert_return (invoke "missing"))
(assert_trap (invoke "id32" (i32.const 0)) "unreachable")
(assert_trap (invoke "unreachable") "integer divide by zero")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
(assert_unlinkable (module (import "spectest" "print" (func))) "unknown import")
(module (func (result i32) (i64.const 0)))
(assert_return (invoke "anything"))
`);
    expect(statuses(out)).to.deep.equal(['passed', ...Array(13).fill('failed')]);
  });

  it('excuses quieted signalling NaNs only for adapters that quiet them', async () => {
    const script = `${MODULE}
(assert_return (invoke "idf32" (f32.const nan:0x200000)) (f32.const nan:0x200000))
(assert_return (invoke "idf32" (f32.const nan:0x200000)) (f32.const nan:0x200001))
`;
    const v8 = await run(script);
    expect(statuses(v8)).to.deep.equal(['passed', 'skipped', 'failed']);
    expect(v8[1].reason).to.equal(SKIP.quietedNaN);
    // Same engine, but claiming exact NaN transport: now it is a failure.
    const strict = Object.assign(Object.create(V8Adapter.prototype), new V8Adapter(), { quietsSignallingNaNs: false }) as EngineAdapter;
    expect(statuses(await run(script, strict))).to.deep.equal(['passed', 'failed', 'failed']);
  });

  it('checks trap kinds when the engine reports them', async () => {
    const lying = new V8Adapter();
    lying.trapKind = () => 'out_of_bounds_memory';
    const out = await run(`${MODULE}\n(assert_trap (invoke "unreachable") "unreachable")\n(assert_trap (invoke "unreachable") "out of bounds memory access")\n`, lying);
    expect(statuses(out)).to.deep.equal(['passed', 'failed', 'passed']);
  });

  it('runs only the requested line, after the commands before it', async () => {
    const src = `${MODULE}\n(assert_return (invoke "id32" (i32.const 1)) (i32.const 2))\n(assert_return (invoke "id32" (i32.const 3)) (i32.const 3))\n`;
    const line = src.split('\n').findIndex((l) => l.includes('(i32.const 3)')) + 1;
    const out = await runScript(src, new V8Adapter(), await loadWabt(), { features: CORE_FEATURES, line });
    expect(out).to.have.length(1);
    expect(out[0]).to.include({ line, status: 'passed' });
  });

  it('has a wasm spectest module that matches its text', async () => {
    const r = watToBinary(await loadWabt(), SPECTEST_WAT, CORE_FEATURES);
    if ('error' in r) throw new Error(r.error);
    expect(Buffer.from(r.bytes).toString('hex')).to.equal(SPECTEST_WASM_HEX);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(spectestWasm() as Uint8Array<ArrayBuffer>), spectestHostImports() as WebAssembly.Imports);
    expect((inst.exports.global_i32 as WebAssembly.Global).value).to.equal(666);
    expect((inst.exports.global_f32 as WebAssembly.Global).value).to.equal(Math.fround(666.6));
  });
});
