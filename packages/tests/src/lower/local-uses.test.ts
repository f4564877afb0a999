// The local uses register homes are chosen from (lower/local-uses.ts) come from one of two
// places: compileModule's validator records them while it validates each body just before
// compiling it, and the other paths (compileModuleCode after validateModule, lazy chunks)
// scan the body. Both must give the same weights, so that the homes, and the code, do not
// depend on the path.
import { expect } from 'chai';
import { compileModule, compileModuleCode, decodeModule, validateModule, type WasmModule } from '@wasmjit/codegen';
import { parseWat as wat } from '@wasmjit/text';
import { LocalUses, weightAt } from '../../../codegen/dist/lower/local-uses.js';
import { scanLocalUses } from '../../../codegen/dist/lower/local-regs.js';
import { bodyValidator } from '../../../codegen/dist/validate/function.js';

const SRC = `(module
  (memory 1)
  (table 1 funcref)
  (type $t (func (param i32) (result i32)))
  (func $leaf (param i32) (result i32) (local.get 0))
  ;; nested loops, calls at three depths, if/else and br_table inside loops
  (func $nest (param $n i32) (param $f f64) (result i32) (local $i i32) (local $j i32) (local $acc i64) (local $x f32)
    (drop (call $leaf (local.get $n)))
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $j))))
        (if (i32.and (local.get $j) (i32.const 1))
          (then (local.set $x (f32.add (local.get $x) (f32.const 1))))
          (else (drop (call_indirect (type $t) (local.get $j) (i32.const 0)))))
        (block $b0 (block $b1 (br_table $b0 $b1 $b0 (local.get $j))) (local.set $f (f64.const 2)))
        (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 10))))
      (drop (call $leaf (local.get $i)))
      (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block
      (loop (loop (loop (loop (loop
        (local.set $n (i32.add (local.get $n) (i32.const 1))))))))
      (br 0))
    (i32.wrap_i64 (local.get $acc)))
  ;; no locals at all, a call only
  (func $calls (result i32) (call $leaf (i32.const 1)))
  ;; unreachable code still counts, as the scan counts every operator
  (func $dead (param $a i32) (local $b i32)
    (return)
    (loop (local.set $b (local.get $a)) (drop (call $leaf (local.get $b)))))
  (elem (i32.const 0) $leaf)
)`;

function recorded(m: WasmModule, definedIndex: number): LocalUses {
  const uses = new LocalUses();
  bodyValidator(m)(definedIndex, uses, definedIndex + 1);
  return uses;
}

function scanned(m: WasmModule, definedIndex: number): LocalUses {
  const body = m.codes[definedIndex]!;
  const type = m.types[m.funcs[m.numImportedFuncs + definedIndex]!]!;
  const numLocals = type.params.length + body.localGroups.reduce((n, g) => n + g.count, 0);
  return scanLocalUses(m.bytes, body.bodyStart, body.bodyEnd, numLocals, new LocalUses());
}

function summary(u: LocalUses) {
  return {
    numLocals: u.numLocals,
    score: [...u.score.subarray(0, u.numLocals)],
    inLoop: [...u.inLoop.subarray(0, u.numLocals)],
    callWeight: u.callWeight,
  };
}

describe('local uses recorded by validation (lower/local-uses.ts)', () => {
  const bytes = wat(SRC);
  const m = decodeModule(bytes);
  validateModule(m);

  it('the validator records exactly what the scan of the body finds, in every function', () => {
    for (let i = 0; i < m.codes.length; i++) {
      expect(summary(recorded(m, i)), `function ${i}`).to.deep.equal(summary(scanned(m, i)));
    }
  });

  it('weighs uses by loop depth: 1 outside loops, 16 in one, 64 in two, capped at 4096', () => {
    const u = summary(recorded(m, 1)); // $nest: $n $f $i $j $acc $x
    const [n, f, i, j, acc, x] = u.score;
    // $n: once outside loops, once in one loop, then get+set at depth 5 (16 << 8 = 4096).
    expect(n).to.equal(1 + 16 + 2 * weightAt(5));
    expect(weightAt(5)).to.equal(4096);
    expect(f).to.equal(64); // one set at depth 2
    expect(i).to.equal(3 * 16); // get, tee in the outer loop, and the call's argument
    expect(j).to.equal(64 * 6 + 16); // six uses in the inner loop, one set in the outer
    expect(acc).to.equal(2 * 64 + 1);
    expect(x).to.equal(2 * 64);
    expect(u.inLoop).to.deep.equal([1, 1, 1, 1, 1, 1]);
    // call at depth 0, call_indirect at depth 2, call at depth 1.
    expect(u.callWeight).to.equal(1 + 64 + 16);
    // A function without locals still gets its calls counted (mayCall for the epoch check).
    expect(summary(recorded(m, 2))).to.deep.equal({ numLocals: 0, score: [], inLoop: [], callWeight: 1 });
    // Unreachable code counts too.
    expect(summary(recorded(m, 3))).to.deep.equal({ numLocals: 2, score: [16, 32], inLoop: [1, 1], callWeight: 16 });
  });

  it('resets between functions when one LocalUses is reused', () => {
    const uses = new LocalUses();
    const validate = bodyValidator(m);
    for (let i = m.codes.length - 1; i >= 0; i--) {
      validate(i, uses, m.codes.length);
      expect(summary(uses), `function ${i}`).to.deep.equal(summary(scanned(m, i)));
    }
  });

  it('compileModule (uses from the validator) and compileModuleCode (uses from the scan) emit the same code', () => {
    const one = compileModule(bytes.slice(), {}, { parallelCompile: false, moduleLocalTypeIds: true }).compiled;
    const two = compileModuleCode(m, { parallelCompile: false, moduleLocalTypeIds: true });
    expect(Buffer.compare(one.code, two.code)).to.equal(0);
    expect(one.code.length).to.be.greaterThan(0);
    expect(one.funcOffsets).to.deep.equal(two.funcOffsets);
  });

  it('an invalid body is still rejected with its validation error', () => {
    const bad = wat(`(module (func (local i32) (local.set 0 (i64.const 1))))`);
    expect(() => compileModule(bad, {}, { parallelCompile: false })).to.throw(/type mismatch/);
  });
});
