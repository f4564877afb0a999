// Locals homed in registers (rbx/r12/r13, xmm8..xmm13) must survive every kind of call:
// wasm→wasm (callee homes the same registers), call_indirect, JS imports (the host thunk
// saves the float homes around C), builtins (memory.grow/fill through host_call), and
// nested wasm→JS→wasm re-entry. Results are compared with V8. Functions without calls also
// home locals in the caller-saved r10/r9/r8, which builtins must save around C.
import { expect } from 'chai';
import { decodeModule } from '@wasmjit/codegen';
import { Engine } from '@wasmjit/runtime';
import { wat, both, callBoth } from '../util/wat.js';
import { native } from '../../../runtime/dist/native.js';
import { chooseLocalHomes } from '../../../codegen/dist/lower/local-regs.js';
import { R8, R9, R10 } from '../../../codegen/dist/x64/regs.js';

const SRC = `(module
  (import "env" "js" (func $js (param f64) (result f64)))
  (memory 1 100)
  (table 2 funcref)
  (elem (i32.const 0) $clobber $clobberInts)
  (type $ff (func (param f64) (result f64)))
  (type $ii (func (param i32) (result i32)))
  ;; Homes many float locals with values of its own, in a loop: xmm8..xmm13 all change.
  (func $clobber (export "clobber") (param $x f64) (result f64)
    (local $a f64) (local $b f64) (local $c f64) (local $d f64) (local $e f64) (local $f f64) (local $i i32)
    (loop $l
      (local.set $a (f64.add (local.get $a) (local.get $x)))
      (local.set $b (f64.sub (local.get $b) (local.get $a)))
      (local.set $c (f64.mul (local.get $a) (f64.const 1.5)))
      (local.set $d (f64.add (local.get $c) (local.get $b)))
      (local.set $e (f64.neg (local.get $d)))
      (local.set $f (f64.add (local.get $e) (local.get $a)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
    (f64.add (local.get $f) (local.get $b)))
  (func $clobberInts (param $x i32) (result i32) (local $a i32) (local $b i32) (local $c i32) (local $i i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (local.get $x)))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.mul (local.get $c) (i32.const 3)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
    (i32.add (local.get $b) (local.get $c)))
  ;; Hot float and int locals live across every kind of call in the loop.
  (func (export "run") (param $n i32) (result f64)
    (local $acc f64) (local $g f64) (local $h f64) (local $k i32) (local $p i32) (local $q i32)
    (local.set $g (f64.const 0.25))
    (local.set $h (f64.const -3))
    (local.set $q (i32.const 77))
    (loop $l
      (local.set $acc (f64.add (local.get $acc) (call $js (local.get $g))))
      (local.set $acc (f64.add (local.get $acc) (call $clobber (local.get $h))))
      (local.set $acc (f64.add (local.get $acc)
        (call_indirect (type $ff) (local.get $g) (i32.const 0))))
      (local.set $p (i32.add (local.get $p)
        (call_indirect (type $ii) (local.get $q) (i32.const 1))))
      (drop (memory.grow (i32.const 1)))
      (memory.fill (i32.const 0) (local.get $k) (i32.const 64))
      (local.set $acc (f64.add (local.get $acc) (f64.convert_i32_u (i32.load8_u (i32.const 5)))))
      (local.set $g (f64.mul (local.get $g) (f64.const 1.25)))
      (local.set $h (f64.add (local.get $h) (local.get $g)))
      (local.set $q (i32.add (local.get $q) (local.get $k)))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
    (f64.add (local.get $acc) (f64.add (local.get $h) (f64.convert_i32_s (i32.add (local.get $p) (local.get $q)))))))`;

describe('register-homed locals survive calls', () => {
  it('float and int homes across JS imports, wasm calls, call_indirect and builtins', async () => {
    const bytes = await wat(SRC);
    // The JS import re-enters wasm: the inner call homes xmm8..13 with other values.
    const inner: { f?: (x: number) => number } = {};
    // It also clobbers xmm8..xmm13 as C code may: the host thunk must restore them.
    const imports = { env: { js: (x: number) => { native.testClobberXmm(); return x + (inner.f ? inner.f(x * 2) : 0); } } };
    const b = both(bytes, imports);
    // Each engine's import must call back into its own instance.
    const ours = b.ours;
    const v8 = b.v8;
    inner.f = ours.clobber as (x: number) => number;
    const a = ours.run!(20);
    inner.f = v8.clobber as (x: number) => number;
    const c = v8.run!(20);
    expect(a).to.equal(c);
    inner.f = undefined;
    const [x, y] = callBoth(b, 'run', [7]);
    expect(x).to.deep.equal(y);
  });
});

/** The register homes chooseLocalHomes picks for function `index` of a module. */
function homesOf(bytes: Uint8Array, index: number) {
  const m = decodeModule(bytes);
  const body = m.codes[index - m.numImportedFuncs]!;
  const types = [...m.types[m.funcs[index]!]!.params];
  for (const g of body.localGroups) for (let i = 0; i < g.count; i++) types.push(g.type);
  return chooseLocalHomes(m.bytes, body.bodyStart, body.bodyEnd, types);
}

// No call and no call_indirect: six hot int locals take r10, r9, r8, rbx, r12 and r13. The loop
// reaches C through every kind of builtin while all six are live.
const LEAF = `(module
  (memory 1 100)
  (table 1 50 funcref)
  (func $leaf (export "leaf") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $i i32)
    (local.set $a (i32.const 7))
    (loop $l
      (local.set $a (i32.add (i32.mul (local.get $a) (i32.const 31)) (local.get $i)))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.add (local.get $c) (memory.grow (i32.and (local.get $i) (i32.const 1)))))
      (memory.fill (local.get $i) (local.get $a) (i32.const 16))
      (memory.copy (i32.const 200) (local.get $i) (i32.const 8))
      (local.set $d (i32.add (local.get $d) (i32.load (i32.const 200))))
      (local.set $e (i32.add (local.get $e) (table.grow (ref.null func) (i32.const 1))))
      (local.set $n (i32.sub (local.get $n) (i32.const 0)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d)))
      (i32.add (local.get $e) (i32.add (local.get $i) (memory.size))))))`;

describe('caller-saved local homes in functions without calls', () => {
  it('are chosen only where the body makes no call', async () => {
    const leaf = homesOf(await wat(LEAF), 0);
    expect(leaf.mayCall).to.equal(false);
    expect(leaf.scratch).to.deep.equal([R10, R9, R8]);
    expect(leaf.used.length).to.equal(3);
    // SRC's "run" calls: only callee-saved homes there.
    const run = homesOf(await wat(SRC), 3);
    expect(run.mayCall).to.equal(true);
    expect(run.scratch).to.deep.equal([]);
  });

  it('keep their values across memory.grow, memory.fill/copy and table.grow (both bounds modes)', async () => {
    const bytes = await wat(LEAF);
    for (const boundsChecks of ['guard', 'explicit'] as const) {
      for (const n of [1, 2, 25, 60]) {
        const b = both(bytes, {}, new Engine({ boundsChecks }));
        const [ours, v8] = callBoth(b, 'leaf', [n]);
        expect(ours, `n = ${n}, ${boundsChecks}`).to.deep.equal(v8);
      }
    }
  });
});

// Loads and stores address memory straight through a local's register home (no copy); the
// load's result must go to a fresh register, never into the home.
const HOMED_ADDRESS = `(module
  (memory 1)
  (func (export "walk") (param $n i32) (result i32)
    (local $p i32) (local $sum i32) (local $i i32)
    (loop $fill
      (i32.store (local.get $p) (i32.mul (local.get $i) (i32.const 3)))
      (i32.store8 offset=3000 (local.get $p) (local.get $i))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.set $p (i32.const 0))
    (local.set $i (i32.const 0))
    (loop $read
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u offset=3000 (local.get $p))))
      (local.set $sum (i32.xor (local.get $sum) (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $read (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $sum))
  ;; $p is used in a loop, so it gets a register home; the access itself is past 2^31.
  (func (export "far") (param $p i32) (result i32) (local $i i32)
    (loop $l
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
    (i32.add (i32.load offset=0x80000000 (local.get $p)) (local.get $p))))`;

describe('memory accesses through a local\'s register home', () => {
  it('agree with V8, the home keeping its value (both bounds modes)', async () => {
    const bytes = await wat(HOMED_ADDRESS);
    for (const boundsChecks of ['guard', 'explicit'] as const) {
      const b = both(bytes, {}, new Engine({ boundsChecks }));
      for (const n of [1, 7, 500]) {
        const [ours, v8] = callBoth(b, 'walk', [n]);
        expect(ours, `walk(${n}), ${boundsChecks}`).to.deep.equal(v8);
      }
      // An offset past 2^31 cannot be a displacement: the address is copied, then traps.
      const [ours, v8] = callBoth(b, 'far', [16]);
      expect(ours, boundsChecks).to.deep.equal(v8);
      expect(ours).to.have.property('error');
    }
  });
});

// `local.set $x (op (local.get $x) rhs)` on a homed $x is one instruction in place; reads of
// $x still pending on the value stack must keep the old value.
const IN_PLACE = `(module
  (func (export "inplace") (param $n i32) (result i64)
    (local $x i32) (local $y i32) (local $i i32) (local $w i64) (local $old i32)
    (local.set $x (i32.const 5))
    (loop $l
      ;; a pending read of $x below the update
      (local.set $old (i32.add (local.get $x)
        (block (result i32) (local.set $x (i32.add (local.get $x) (local.get $i))) (local.get $x))))
      (local.set $y (i32.xor (local.get $y) (local.get $old)))
      (local.set $y (i32.sub (local.get $y) (local.get $y)))
      (local.set $y (i32.or (local.get $y) (local.tee $x (i32.and (local.get $x) (i32.const 0xffff)))))
      (local.set $w (i64.add (local.get $w) (i64.extend_i32_u (local.get $y))))
      (local.set $w (i64.sub (local.get $w) (i64.const -3)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i64.add (local.get $w) (i64.extend_i32_u (i32.add (local.get $old) (local.get $x))))))`;

describe('in-place updates of a homed local', () => {
  it('agree with V8, pending reads keeping the old value', async () => {
    const b = both(await wat(IN_PLACE));
    for (const n of [1, 2, 100, 5000]) {
      const [ours, v8] = callBoth(b, 'inplace', [n]);
      expect(ours, `n = ${n}`).to.deep.equal(v8);
    }
  });
});

// A function that calls may still home its inner-loop locals in r10/r9/r8 when the calls are
// colder than the uses; each call (direct, indirect, import, builtin) saves and reloads them.
// The callee here homes its own locals in the same registers.
const CALLER = `(module
  (import "env" "js" (func $js (param i32) (result i32)))
  (memory 1 10)
  (table 1 funcref)
  (elem (i32.const 0) $leafy)
  (type $ii (func (param i32) (result i32)))
  (func $leafy (param $x i32) (result i32) (local $a i32) (local $b i32) (local $c i32) (local $i i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (i32.mul (local.get $x) (i32.const 7))))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.sub (local.get $c) (local.get $b)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 5))))
    (i32.add (local.get $a) (i32.add (local.get $b) (local.get $c))))
  (func (export "caller") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
    (local $i i32) (local $j i32)
    (loop $outer
      (local.set $a (i32.add (local.get $a) (call $leafy (local.get $i))))
      (local.set $b (i32.add (local.get $b) (call_indirect (type $ii) (local.get $a) (i32.const 0))))
      (local.set $c (i32.add (local.get $c) (call $js (local.get $b))))
      (local.set $d (i32.add (local.get $d) (memory.grow (i32.const 0))))
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $a (i32.add (local.get $a) (local.get $j)))
        (local.set $b (i32.xor (local.get $b) (local.get $a)))
        (local.set $c (i32.add (local.get $c) (local.get $b)))
        (local.set $d (i32.sub (local.get $d) (local.get $c)))
        (local.set $e (i32.xor (local.get $e) (local.get $d)))
        (local.set $f (i32.add (local.get $f) (local.get $e)))
        (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 8))))
      (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d)))
      (i32.add (local.get $e) (local.get $f)))))`;

describe('caller-saved local homes in functions that call', () => {
  it('are given to locals used more than the calls run, and survive every kind of call', async () => {
    const bytes = await wat(CALLER);
    const homes = homesOf(bytes, 2); // after the import and $leafy
    expect(homes.mayCall).to.equal(true);
    expect(homes.used.length).to.equal(3);
    expect(homes.scratch.length).to.equal(3);
    // The import clobbers r8..r10 too, as any C code may (testClobberXmm is about xmm; the
    // JS engine itself uses every caller-saved register).
    const imports = { env: { js: (x: number) => (x * 3 + 1) | 0 } };
    for (const boundsChecks of ['guard', 'explicit'] as const) {
      const b = both(bytes, imports, new Engine({ boundsChecks }));
      for (const n of [1, 3, 50]) {
        const [ours, v8] = callBoth(b, 'caller', [n]);
        expect(ours, `n = ${n}, ${boundsChecks}`).to.deep.equal(v8);
      }
    }
  });
});
