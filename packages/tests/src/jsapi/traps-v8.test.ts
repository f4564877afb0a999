// Issue 13 item 4: every kind of trap, run on V8 and on wasmjit's WebAssembly namespace side
// by side: the same error class and V8's message, while wasmjit's `trap` keeps its code.
// The one deliberate difference: call-stack exhaustion is V8's RangeError but a RuntimeError
// (trap 'stack_overflow') on wasmjit, with V8's message (see README, Traps).
import { expect } from 'chai';
import { WebAssembly as WA } from '@wasmjit/runtime/webassembly';
import { Engine, RuntimeError } from '@wasmjit/runtime';
import { wat } from '../util/wat.js';

interface Case {
  name: string;
  wat: string;
  /** wasmjit's trap code. */
  trap: string;
}

const CASES: Case[] = [
  { name: 'unreachable', trap: 'unreachable', wat: '(func (export "f") unreachable)' },
  { name: 'i32.div_s by zero', trap: 'integer_divide_by_zero', wat: '(func (export "f") (drop (i32.div_s (i32.const 1) (i32.const 0))))' },
  { name: 'i64.div_u by zero', trap: 'integer_divide_by_zero', wat: '(func (export "f") (drop (i64.div_u (i64.const 1) (i64.const 0))))' },
  { name: 'i32.rem_u by zero', trap: 'integer_divide_by_zero', wat: '(func (export "f") (drop (i32.rem_u (i32.const 1) (i32.const 0))))' },
  { name: 'i64.rem_s by zero', trap: 'integer_divide_by_zero', wat: '(func (export "f") (drop (i64.rem_s (i64.const 1) (i64.const 0))))' },
  { name: 'i32.rem_s by zero, a call deep', trap: 'integer_divide_by_zero',
    wat: '(func $r (param i32) (result i32) (i32.rem_s (i32.const 7) (local.get 0))) (func (export "f") (drop (call $r (i32.const 0))))' },
  { name: 'i32.div_s overflow', trap: 'integer_overflow', wat: '(func (export "f") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))' },
  { name: 'i64.div_s overflow', trap: 'integer_overflow', wat: '(func (export "f") (drop (i64.div_s (i64.const 0x8000000000000000) (i64.const -1))))' },
  { name: 'i32.trunc_f32_s of NaN', trap: 'bad_conversion_to_integer', wat: '(func (export "f") (drop (i32.trunc_f32_s (f32.const nan))))' },
  { name: 'i64.trunc_f64_u of -5 (out of range)', trap: 'integer_overflow', wat: '(func (export "f") (drop (i64.trunc_f64_u (f64.const -5))))' },
  { name: 'i32.load out of bounds', trap: 'out_of_bounds_memory', wat: '(memory 1) (func (export "f") (drop (i32.load (i32.const 65536))))' },
  { name: 'i64.store straddling the end', trap: 'out_of_bounds_memory', wat: '(memory 1) (func (export "f") (i64.store (i32.const 65533) (i64.const 0)))' },
  { name: 'load from an empty memory', trap: 'out_of_bounds_memory', wat: '(memory 0) (func (export "f") (drop (i32.load8_u (i32.const 0))))' },
  { name: 'memory.fill out of bounds', trap: 'out_of_bounds_memory', wat: '(memory 1) (func (export "f") (memory.fill (i32.const 65530) (i32.const 0) (i32.const 10)))' },
  { name: 'memory.copy out of bounds', trap: 'out_of_bounds_memory', wat: '(memory 1) (func (export "f") (memory.copy (i32.const 65530) (i32.const 0) (i32.const 10)))' },
  { name: 'memory.init past the memory', trap: 'out_of_bounds_memory',
    wat: '(memory 1) (data $d "abc") (func (export "f") (memory.init $d (i32.const 65535) (i32.const 0) (i32.const 3)))' },
  { name: 'memory.init past the segment', trap: 'out_of_bounds_memory',
    wat: '(memory 1) (data $d "abc") (func (export "f") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 4)))' },
  { name: 'memory.init of a dropped segment', trap: 'out_of_bounds_memory',
    wat: '(memory 1) (data $d "abc") (func (export "f") (data.drop $d) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)))' },
  { name: 'call_indirect past the table', trap: 'out_of_bounds_table',
    wat: '(table 1 funcref) (type $t (func)) (func (export "f") (call_indirect (type $t) (i32.const 5)))' },
  { name: 'call_indirect to a null entry', trap: 'uninitialized_element',
    wat: '(table 1 funcref) (type $t (func)) (func (export "f") (call_indirect (type $t) (i32.const 0)))' },
  { name: 'call_indirect signature mismatch', trap: 'bad_signature',
    wat: '(table 1 funcref) (elem (i32.const 0) $g) (func $g (param i32)) (type $t (func)) (func (export "f") (call_indirect (type $t) (i32.const 0)))' },
  { name: 'table.get out of bounds', trap: 'out_of_bounds_table', wat: '(table 1 funcref) (func (export "f") (drop (table.get (i32.const 3))))' },
  { name: 'table.set out of bounds', trap: 'out_of_bounds_table', wat: '(table 1 externref) (func (export "f") (table.set (i32.const 3) (ref.null extern)))' },
  { name: 'table.fill out of bounds', trap: 'out_of_bounds_table',
    wat: '(table 1 externref) (func (export "f") (table.fill (i32.const 0) (ref.null extern) (i32.const 3)))' },
  { name: 'table.copy out of bounds', trap: 'out_of_bounds_table', wat: '(table 1 funcref) (func (export "f") (table.copy (i32.const 0) (i32.const 0) (i32.const 3)))' },
  { name: 'table.init past the table', trap: 'out_of_bounds_table',
    wat: '(table 1 funcref) (elem $e func $g) (func $g) (func (export "f") (table.init $e (i32.const 0) (i32.const 0) (i32.const 3)))' },
  { name: 'table.init past the segment', trap: 'out_of_bounds_table',
    wat: '(table 5 funcref) (elem $e func $g) (func $g) (func (export "f") (table.init $e (i32.const 0) (i32.const 0) (i32.const 3)))' },
  { name: 'table.init of a dropped segment', trap: 'out_of_bounds_table',
    wat: '(table 5 funcref) (elem $e func $g) (func $g) (func (export "f") (elem.drop $e) (table.init $e (i32.const 0) (i32.const 0) (i32.const 1)))' },
  { name: 'a trap in the start function', trap: 'unreachable', wat: '(func $s unreachable) (start $s) (func (export "f"))' },
  { name: 'an active data segment past the memory', trap: 'out_of_bounds_memory', wat: '(memory 1) (data (i32.const 65535) "ab") (func (export "f"))' },
  { name: 'an active element segment past the table', trap: 'out_of_bounds_table', wat: '(table 1 funcref) (elem (i32.const 1) $g) (func $g) (func (export "f"))' },
];

type Api = typeof WA;
type How = 'new Instance' | 'instantiate(bytes)' | 'instantiate(module)';

/** What instantiating and calling `f` throws, as [class name, message, trap]. */
async function failure(W: Api, bytes: Uint8Array, how: How): Promise<[string, string, unknown]> {
  try {
    let instance: WebAssembly.Instance;
    if (how === 'new Instance') instance = new W.Instance(new W.Module(bytes)) as unknown as WebAssembly.Instance;
    else if (how === 'instantiate(bytes)') instance = ((await W.instantiate(bytes)) as unknown as WebAssembly.WebAssemblyInstantiatedSource).instance;
    else instance = (await W.instantiate(new W.Module(bytes))) as unknown as WebAssembly.Instance;
    (instance.exports.f as () => void)();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message, (e as { trap?: unknown }).trap];
  }
  throw new Error('did not trap');
}

describe('traps: the class and message V8 gives, the code wasmjit keeps', () => {
  for (const c of CASES) {
    for (const how of ['new Instance', 'instantiate(bytes)', 'instantiate(module)'] as const) {
      it(`${c.name} (${how})`, async () => {
        const bytes = await wat(`(module ${c.wat})`);
        const [v8Class, v8Message] = await failure(globalThis.WebAssembly as unknown as Api, bytes, how);
        const ours = await failure(WA, bytes, how);
        expect([ours[0], ours[1]]).to.deep.equal([v8Class, v8Message]);
        expect(ours[2]).to.equal(c.trap);
      });
    }
  }

  it('call-stack exhaustion: V8\'s message, but a RuntimeError with trap stack_overflow', async () => {
    const bytes = await wat('(module (func $f (export "f") (call $f)))');
    const [v8Class, v8Message] = await failure(globalThis.WebAssembly as unknown as Api, bytes, 'new Instance');
    const ours = await failure(WA, bytes, 'new Instance');
    expect([v8Class, v8Message]).to.deep.equal(['RangeError', 'Maximum call stack size exceeded']);
    expect(ours).to.deep.equal(['RuntimeError', v8Message, 'stack_overflow']);
  });

  it('the runtime API gives the same messages (without the API-call prefix at instantiation)', async () => {
    const engine = new Engine();
    const run = async (text: string) => {
      try {
        (engine.instantiate(engine.compile(await wat(`(module ${text})`))).exports.f as () => void)();
      } catch (e) {
        return [(e as RuntimeError).constructor.name, (e as RuntimeError).message, (e as RuntimeError).trap];
      }
      return null;
    };
    expect(await run(CASES[3]!.wat)).to.deep.equal(['RuntimeError', 'remainder by zero', 'integer_divide_by_zero']);
    expect(await run('(memory 1) (data (i32.const 65535) "ab") (func (export "f"))'))
      .to.deep.equal(['RuntimeError', 'data segment is out of bounds', 'out_of_bounds_memory']);
  });

  it('out of fuel (no V8 counterpart): a message in the same style', async () => {
    const engine = new Engine({ consumeFuel: true, initialFuel: 1000 });
    const ex = engine.instantiate(engine.compile(await wat('(module (func (export "f") (loop (br 0))))'))).exports;
    let err: unknown;
    try {
      (ex.f as () => void)();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RuntimeError);
    expect([(err as RuntimeError).message, (err as RuntimeError).trap]).to.deep.equal(['all fuel consumed', 'out_of_fuel']);
  });
});
