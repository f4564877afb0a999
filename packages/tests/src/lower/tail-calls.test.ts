// Tail calls (return_call, return_call_indirect): the frame is replaced (constant stack),
// results reach the caller's caller, the callee's prologue still checks the stack, fuel and
// epoch, and the fallbacks (imports, other instances, wider arguments) are correct.
import { expect } from 'chai';
import { CompileError, Engine, Instance, RuntimeError } from '@wasmjit/runtime';
import { redecodeModule, validateModule } from '@wasmjit/codegen';
import { wat } from '../util/wat.js';
import { parseWat } from '@wasmjit/text';

type Fn = (...args: unknown[]) => unknown;
const MiB = 1024 * 1024;
const COMPILATIONS = ['eager', 'lazy'] as const;

function exportsOf(engine: Engine, bytes: Uint8Array, imports: Record<string, Record<string, unknown>> = {}): Record<string, Fn> {
  return engine.instantiate(engine.compile(bytes), imports).exports as Record<string, Fn>;
}

const MUTUAL = `(module
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (export "odd") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
  (type $acc (func (param i64 i64) (result i64)))
  (table funcref (elem $sum))
  (func $sum (export "sum") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call_indirect (type $acc)
        (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (local.get 0)) (i32.const 0))))))`;

describe('tail calls', () => {
  for (const compilation of COMPILATIONS) {
    it(`run 10 million mutually recursive tail calls in constant stack (${compilation})`, async () => {
      // 1 MiB of wasm stack: 10 million frames of even the smallest size would need 160 MB.
      const e = exportsOf(new Engine({ compilation, maxWasmStack: MiB }), await wat(MUTUAL));
      expect(e.even!(10_000_000n)).to.equal(1);
      expect(e.even!(10_000_001n)).to.equal(0);
      expect(e.odd!(9_999_999n)).to.equal(1);
      expect(e.sum!(10_000_000n, 0n)).to.equal(50_000_005_000_000n);
    });
  }

  it('the same recursion with plain calls overflows that stack (the test above can fail)', async () => {
    const plain = MUTUAL.replaceAll('return_call_indirect', 'call_indirect').replaceAll('return_call', 'call');
    const e = exportsOf(new Engine({ maxWasmStack: MiB }), await wat(plain));
    expect(() => e.even!(10_000_000n)).to.throw(RuntimeError).with.property('trap', 'stack_overflow');
  });

  it('pass every argument and result: multi-value, v128, floats, through both forms', async () => {
    const e = exportsOf(new Engine(), await wat(`(module
      (func $mix (param i32 f64 v128 i64 f32) (result i64 f64 i32 v128)
        (i64.add (local.get 3) (i64.extend_i32_s (local.get 0)))
        (f64.add (local.get 1) (f64.promote_f32 (local.get 4)))
        (i32x4.extract_lane 2 (local.get 2))
        (local.get 2))
      (type $mixT (func (param i32 f64 v128 i64 f32) (result i64 f64 i32 v128)))
      (table funcref (elem $mix))
      ;; Arguments computed from the caller's own params, which the tail call overwrites.
      (func (export "direct") (param i32 f64 i64 f32) (result i64 f64 i32)
        (call $rest (local.get 0) (local.get 1) (local.get 2) (local.get 3)) (drop))
      (func $rest (param i32 f64 i64 f32) (result i64 f64 i32 v128)
        (return_call $mix (local.get 0) (local.get 1) (i32x4.splat (local.get 0)) (local.get 2) (local.get 3)))
      (func (export "indirect") (param i32 f64 i64 f32) (result i64 f64 i32)
        (call $restIndirect (local.get 0) (local.get 1) (local.get 2) (local.get 3)) (drop))
      (func $restIndirect (param i32 f64 i64 f32) (result i64 f64 i32 v128)
        (return_call_indirect (type $mixT) (local.get 0) (local.get 1) (i32x4.splat (local.get 0)) (local.get 2) (local.get 3) (i32.const 0)))
      (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
      (func (export "swap") (param i32 i32) (result i32 i32) (return_call $swap (local.get 0) (local.get 1))))`));
    expect(e.direct!(-3, 1.5, 10n, 0.25)).to.deep.equal([7n, 1.75, -3]);
    expect(e.indirect!(-3, 1.5, 10n, 0.25)).to.deep.equal([7n, 1.75, -3]);
    expect(e.swap!(1, 2)).to.deep.equal([2, 1]);
  });

  it('into a callee with more argument slots than the caller has: still constant stack (one ordinary call per chain)', async () => {
    for (const compilation of COMPILATIONS) {
      const e = exportsOf(new Engine({ compilation, maxWasmStack: MiB }), await wat(`(module
        (type $wideT (func (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)))
        (table funcref (elem $wideIndirect))
        (func $wide (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
          (if (result i64) (i64.eqz (local.get 0))
            (then (i64.add (local.get 1) (i64.add (local.get 7) (local.get 6))))
            (else (return_call $narrow (i64.sub (local.get 0) (i64.const 1))))))
        (func $narrow (export "narrow") (param i64) (result i64)
          (return_call $wide (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6) (local.get 0)))
        (func $wideIndirect (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
          (if (result i64) (i64.eqz (local.get 0))
            (then (i64.add (local.get 1) (i64.add (local.get 7) (local.get 6))))
            (else (return_call $narrowIndirect (i64.sub (local.get 0) (i64.const 1))))))
        (func $narrowIndirect (export "narrowIndirect") (param i64) (result i64)
          (return_call_indirect (type $wideT) (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6) (local.get 0)
            (i32.const 0))))`));
      // 1 + 6 + the last n, which is 0.
      expect(e.narrow!(0n)).to.equal(7n);
      expect(e.narrow!(10_000_000n)).to.equal(7n);
      expect(e.narrowIndirect!(10_000_000n)).to.equal(7n);
    }
  });

  it('into an import, or a table entry of another instance, return to a caller that finds its own vmctx', async () => {
    const engine = new Engine();
    const a = engine.instantiate(engine.compile(await wat(`(module
      (global $g i32 (i32.const 1000))
      (table (export "t") 1 funcref) (elem (i32.const 0) $f)
      (func $f (param i32) (result i32) (i32.add (local.get 0) (global.get $g))))`)), {}).exports;
    const b = exportsOf(engine, await wat(`(module
      (import "a" "t" (table 1 funcref))
      (import "js" "twice" (func $twice (param i32) (result i32)))
      (global $g (mut i32) (i32.const 7))
      (type $t (func (param i32) (result i32)))
      (func $viaTable (param i32) (result i32) (return_call_indirect (type $t) (local.get 0) (i32.const 0)))
      (func $viaImport (param i32) (result i32) (return_call $twice (local.get 0)))
      ;; After each call, this instance's global must be read through this instance's vmctx.
      (func (export "table") (param i32) (result i32) (i32.add (call $viaTable (local.get 0)) (global.get $g)))
      (func (export "import") (param i32) (result i32) (i32.add (call $viaImport (local.get 0)) (global.get $g))))`),
    { a: { t: a.t }, js: { twice: (x: number) => 2 * x } });
    expect(b.table!(5)).to.equal(1012);
    expect(b.import!(5)).to.equal(17);
  });

  it('into a function with a larger frame: its prologue checks the stack limit (stack_overflow trap)', async () => {
    // $bigger's frame (40,000 v128 locals, 640 KB) exceeds the whole 512 KiB stack; $small's
    // fits, and so does the caller's.
    const e = exportsOf(new Engine({ maxWasmStack: MiB / 2 }), await wat(`(module
      (func $small (param i32) (result i32) (local ${'v128 '.repeat(1000)}) (local.get 0))
      (func $bigger (param i32) (result i32) (local ${'v128 '.repeat(40000)}) (local.get 0))
      (func (export "small") (param i32) (result i32) (return_call $small (local.get 0)))
      (func (export "over") (param i32) (result i32) (return_call $bigger (local.get 0))))`));
    expect(e.small!(3)).to.equal(3);
    expect(() => e.over!(3)).to.throw(RuntimeError).with.property('trap', 'stack_overflow');
    expect(e.small!(4)).to.equal(4); // and the engine runs on
  });

  it('a tail-recursive loop still runs out of fuel and stops at the epoch deadline', async () => {
    const loop = await wat(`(module
      (func $spin (export "spin") (param i64) (result i64) (return_call $spin (i64.add (local.get 0) (i64.const 1)))))`);
    for (const compilation of COMPILATIONS) {
      const fuel = new Instance(new Engine({ compilation, consumeFuel: true }).compile(loop));
      fuel.setFuel(100_000);
      expect(() => (fuel.exports.spin as Fn)(0n)).to.throw(RuntimeError).with.property('trap', 'out_of_fuel');
      const epoch = new Instance(new Engine({ compilation, epochInterruption: true }).compile(loop));
      epoch.setEpochDeadline(0);
      expect(() => (epoch.exports.spin as Fn)(0n)).to.throw(RuntimeError).with.property('trap', 'interrupt');
    }
  });

  it('traps in a tail-called function are the usual RuntimeErrors', async () => {
    const e = exportsOf(new Engine(), await wat(`(module
      (type $t (func (param i32) (result i32)))
      (table 2 funcref) (elem (i32.const 0) $div)
      (func $div (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
      (func (export "div") (param i32) (result i32) (return_call $div (local.get 0)))
      (func (export "at") (param i32) (result i32) (return_call_indirect (type $t) (i32.const 1) (local.get 0))))`));
    expect(() => e.div!(0)).to.throw(RuntimeError).with.property('trap', 'integer_divide_by_zero');
    expect(e.at!(0)).to.equal(1);
    expect(() => e.at!(1)).to.throw(RuntimeError).with.property('trap', 'uninitialized_element');
    expect(() => e.at!(2)).to.throw(RuntimeError).with.property('trap', 'out_of_bounds_table');
  });

  it('are validated: results must match, and they are refused when the feature is off', async () => {
    const bad = await wat('(module (func $f (result i64) (i64.const 0)) (func (result i32) (return_call $f)))').catch(() => undefined);
    // wabt may refuse the text itself; build the bytes by hand then.
    const bytes = bad ?? Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      1, 9, 2, 0x60, 0, 1, 0x7e, 0x60, 0, 1, 0x7f, 3, 3, 2, 0, 1,
      10, 11, 2, 4, 0, 0x42, 0, 0x0b, 4, 0, 0x12, 0, 0x0b]);
    expect(() => new Engine().compile(bytes)).to.throw(CompileError, /type mismatch/);
    const good = await wat('(module (func $f (result i32) (i32.const 0)) (func (result i32) (return_call $f)))');
    expect(() => new Engine().compile(good)).not.to.throw();
    expect(() => new Engine({ features: { tailCalls: false } }).compile(good)).to.throw(CompileError, /illegal opcode/);
  });

  it('are refused when off on compile worker threads too (they re-decode with the module\'s features)', async () => {
    const bytes = await wat('(module (func $f (result i32) (i32.const 0)) (func (result i32) (return_call $f)))');
    // What compile-worker.ts does with a job: redecodeModule(bytes, job.features), then the
    // chunk compiler validates the bodies.
    expect(() => validateModule(redecodeModule(bytes, { tailCalls: false }))).to.throw(CompileError, /illegal opcode/);
    expect(() => validateModule(redecodeModule(bytes))).not.to.throw();
  });

  it('return_call_indirect through a table64 takes an i64 index, bounds-checked in 64 bits', () => {
    // (wabt cannot write table64: our own text parser does.)
    const bytes = parseWat(`(module
      (type $t (func (param i32) (result i32)))
      (table $tab i64 3 funcref)
      (elem (table $tab) (i64.const 0) func $inc $dbl)
      (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
      (func $dbl (type $t) (i32.mul (local.get 0) (i32.const 2)))
      (func (export "via") (param i64 i32) (result i32)
        (return_call_indirect $tab (type $t) (local.get 1) (local.get 0))))`);
    for (const compilation of COMPILATIONS) {
      const { via } = exportsOf(new Engine({ compilation }), bytes);
      expect(via!(0n, 20), compilation).to.equal(21);
      expect(via!(1n, 20), compilation).to.equal(40);
      const trapOf = (i: bigint) => {
        try {
          via!(i, 1);
          return 'returned';
        } catch (e) {
          return e instanceof RuntimeError ? (e as RuntimeError & { trap: string }).trap : String(e);
        }
      };
      expect(trapOf(2n), compilation).to.equal('uninitialized_element');
      // Index 2^32 + 1 must not reach element 1 (a 32-bit check would).
      for (const i of [3n, 2n ** 32n + 1n, 2n ** 63n]) expect(trapOf(i), `${compilation} ${i}`).to.equal('out_of_bounds_table');
    }
  });
});
