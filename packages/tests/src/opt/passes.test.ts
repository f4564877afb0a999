// The optimizing tier's passes on small functions: SSA construction (phis only where
// control merges), constant folding, GVN, loop-invariant code motion, instruction selection
// and the register allocator's guarantees. Each asserts on the IR or the allocation itself.
import { expect } from 'chai';
import { parseWat } from '@wasmjit/text';
import {
  allocateRegisters, buildSsa, CALLEE_SAVED, cleanup, decodeModule, IrBinOp, IrOp, optimize, selectAddressing,
  Unsupported, type IrFunction, type IrValue,
} from '@wasmjit/codegen';

function ssaOf(body: string, funcIndex = 0): IrFunction {
  const m = decodeModule(parseWat(`(module (memory 1) ${body})`));
  return buildSsa(m, funcIndex);
}

function values(fn: IrFunction): IrValue[] {
  return fn.blocks.flatMap((b) => [...b.phis, ...b.insts]);
}

function ops(fn: IrFunction, op: IrOp): IrValue[] {
  return values(fn).filter((v) => v.op === op && v.replacedBy === null);
}

const COUNT_LOOP = `(func (param $n i32) (result i32) (local $i i32) (local $k i32)
  (local.set $k (i32.const 7))
  (block $out (loop $l
    (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $i (i32.add (local.get $i) (local.get $k)))
    (br $l)))
  (local.get $i))`;

describe('optimizing tier: SSA construction', () => {
  it('a local changed in a loop gets one phi at the header; one never changed there gets none', () => {
    const fn = ssaOf(COUNT_LOOP);
    const header = fn.loops[0]!.header;
    cleanup(fn);
    expect(header.phis).to.have.length(1);
    const phi = header.phis[0]!;
    // Operands: 0 from the preheader, the incremented value from the back edge.
    expect(phi.args).to.have.length(2);
    expect(phi.args[0]!.op).to.equal(IrOp.Const);
    expect(phi.args[0]!.imm).to.equal(0n);
    expect(phi.args[1]!.op).to.equal(IrOp.Bin);
    expect(phi.args[1]!.args[0]).to.equal(phi);
    // $k stays the constant 7: the add takes it directly.
    expect(phi.args[1]!.args[1]!.imm).to.equal(7n);
  });

  it('an if/else result becomes a phi of the two arms at the merge', () => {
    const fn = ssaOf(`(func (param i32 i32) (result i32)
      (if (result i32) (local.get 0) (then (i32.mul (local.get 1) (local.get 1))) (else (i32.xor (local.get 1) (i32.const 5)))))`);
    cleanup(fn);
    const phis = values(fn).filter((v) => v.op === IrOp.Phi);
    expect(phis).to.have.length(1);
    expect(phis[0]!.args.map((a) => a.op)).to.deep.equal([IrOp.Bin, IrOp.Bin]);
    expect(phis[0]!.args.map((a) => a.sub)).to.deep.equal([IrBinOp.Mul, IrBinOp.Xor]);
  });

  it('code after a branch is not built; a function outside the subset throws Unsupported', () => {
    const fn = ssaOf(`(func (result i32) (block (br 0) (drop (i32.mul (i32.const 3) (i32.const 4)))) (i32.const 1))`);
    expect(ops(fn, IrOp.Bin)).to.have.length(0);
    expect(() => ssaOf(`(func (param f64) (result f64) (local.get 0))`)).to.throw(Unsupported);
    expect(() => ssaOf(`(func (param i32) (result i32) (memory.grow (local.get 0)))`)).to.throw(Unsupported, /0x40/);
  });
});

describe('optimizing tier: folding, GVN, LICM', () => {
  it('constant operands fold away, x + 0 and x * 1 are x, x * 8 is a shift', () => {
    const fn = ssaOf(`(func (param i32) (result i32)
      (i32.add (i32.mul (i32.add (local.get 0) (i32.const 0)) (i32.const 1)) (i32.mul (i32.const 6) (i32.const 7))))`);
    const adds = ops(fn, IrOp.Bin);
    expect(adds).to.have.length(1);
    expect(adds[0]!.args[0]!.op).to.equal(IrOp.Param);
    expect(adds[0]!.args[1]!.imm).to.equal(42n);
    const shl = ssaOf(`(func (param i64) (result i64) (i64.mul (local.get 0) (i64.const 8)))`);
    const s = ops(shl, IrOp.Bin);
    expect(s.map((v) => v.sub)).to.deep.equal([IrBinOp.Shl]);
    expect(s[0]!.args[1]!.imm).to.equal(3n);
  });

  it('GVN merges a repeated pure expression (commuted operands too), not loads', () => {
    const fn = ssaOf(`(func (param i32 i32) (result i32)
      (i32.add
        (i32.add (i32.mul (local.get 0) (local.get 1)) (i32.mul (local.get 1) (local.get 0)))
        (i32.add (i32.load (local.get 0)) (i32.load (local.get 0)))))`);
    optimize(fn);
    cleanup(fn);
    expect(ops(fn, IrOp.Bin).filter((v) => v.sub === IrBinOp.Mul)).to.have.length(1);
    expect(ops(fn, IrOp.Load)).to.have.length(2);
  });

  it('LICM moves an invariant product out of the loop, leaves the varying add inside', () => {
    const fn = ssaOf(`(func (param $n i32) (param $a i32) (param $b i32) (result i32) (local $i i32) (local $s i32)
      (block $out (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $a) (local.get $b))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $s))`);
    optimize(fn);
    cleanup(fn);
    const loop = fn.loops[0]!;
    const mul = ops(fn, IrOp.Bin).filter((v) => v.sub === IrBinOp.Mul);
    expect(mul).to.have.length(1);
    expect(mul[0]!.block).to.equal(loop.preheader);
    const inLoop = (v: IrValue) => v.block.layout >= loop.header.layout && v.block.layout < loop.end;
    expect(ops(fn, IrOp.Bin).filter((v) => v.sub === IrBinOp.Add).every(inLoop)).to.equal(true);
  });

  it('equal invariants hoisted out of both arms of an if meet in the preheader as one value', () => {
    const fn = ssaOf(`(func (param $n i32) (param $a i32) (result i32) (local $i i32) (local $s i32)
      (block $out (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $s (i32.add (local.get $s) (i32.mul (local.get $a) (i32.const 12345)))))
          (else (local.set $s (i32.xor (local.get $s) (i32.mul (local.get $a) (i32.const 12345))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $s))`);
    optimize(fn);
    cleanup(fn);
    const mul = ops(fn, IrOp.Bin).filter((v) => v.sub === IrBinOp.Mul);
    expect(mul).to.have.length(1);
    expect(mul[0]!.block).to.equal(fn.loops[0]!.preheader);
  });

  it('a + (i << 2) becomes one lea with the index scaled by 4', () => {
    const fn = ssaOf(`(func (param i32 i32) (result i32) (i32.load (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))`);
    optimize(fn);
    const uses = cleanup(fn);
    selectAddressing(fn, uses);
    const lea = ops(fn, IrOp.Lea);
    expect(lea).to.have.length(1);
    expect(lea[0]!.scale).to.equal(4);
    expect(ops(fn, IrOp.Bin)).to.have.length(0);
  });
});

describe('optimizing tier: register allocation', () => {
  function allocate(fn: IrFunction) {
    optimize(fn);
    const uses = cleanup(fn);
    selectAddressing(fn, uses);
    return allocateRegisters(fn, uses);
  }

  it('values live across a call are in callee-saved registers or frame slots', () => {
    const fn = ssaOf(`(func $f (param i32) (result i32) (local.get 0))
      (func (param i32 i32 i32 i32) (result i32)
        (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32)
        (local.set $a (i32.mul (local.get 0) (local.get 1)))
        (local.set $b (i32.mul (local.get 1) (local.get 2)))
        (local.set $c (i32.mul (local.get 2) (local.get 3)))
        (local.set $d (i32.mul (local.get 3) (local.get 0)))
        (local.set $e (i32.xor (local.get 0) (local.get 2)))
        (drop (call $f (local.get $a)))
        (i32.add (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d))) (local.get $e)))`, 1);
    const alloc = allocate(fn);
    const crossing = ops(fn, IrOp.Bin).filter((v) => v.sub === IrBinOp.Mul || v.sub === IrBinOp.Xor);
    expect(crossing).to.have.length(5);
    let inSlots = 0;
    for (const v of crossing) {
      const loc = alloc.loc.get(v)!;
      if (loc < 0) inSlots++;
      else expect(CALLEE_SAVED).to.include(loc);
    }
    // Three callee-saved registers at most (rbx holds the memory base only when memory is used).
    expect(inSlots).to.be.at.least(crossing.length - 3);
    expect(alloc.numSlots).to.equal(inSlots);
  });

  it('a compare used only by the branch or select right after it is fused: no value, no register', () => {
    const fn = ssaOf(`(func (param i32 i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (local.get 1))
        (then (select (local.get 0) (local.get 1) (i32.gt_u (local.get 0) (local.get 1))))
        (else (i32.eqz (local.get 0)))))`);
    const alloc = allocate(fn);
    const cmps = ops(fn, IrOp.Cmp);
    expect(cmps).to.have.length(2);
    for (const c of cmps) {
      expect(alloc.fused.has(c)).to.equal(true);
      expect(alloc.loc.has(c)).to.equal(false);
    }
    // The eqz is the function's result (a phi operand): a real 0/1 value.
    const eqz = ops(fn, IrOp.Eqz)[0]!;
    expect(alloc.fused.has(eqz)).to.equal(false);
    expect(alloc.loc.has(eqz)).to.equal(true);
  });

  it('a loop counter and its increment share a register (no move on the back edge)', () => {
    const fn = ssaOf(`(func (param $n i32) (result i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i))`);
    const alloc = allocate(fn);
    const phi = fn.loops[0]!.header.phis[0]!;
    const next = phi.args[1]!;
    expect(alloc.loc.get(phi)).to.be.at.least(0);
    expect(alloc.loc.get(next)).to.equal(alloc.loc.get(phi));
  });

  it('no two values that are live at once share a register', () => {
    // 14 values live at the same time: more than the 9 registers, so some are spilled.
    const names = Array.from({ length: 14 }, (_, i) => `$v${i}`);
    const fn = ssaOf(`(func (param i32) (result i32) ${names.map((n) => `(local ${n} i32)`).join(' ')}
      ${names.map((n, i) => `(local.set ${n} (i32.mul (local.get 0) (i32.const ${2 * i + 3})))`).join('\n')}
      ${names.slice(1).map(() => '(i32.add').join(' ')} ${names.map((n, i) => (i === 0 ? `(local.get ${n})` : `(local.get ${n}))`)).join(' ')})`);
    const alloc = allocate(fn);
    const muls = ops(fn, IrOp.Bin).filter((v) => v.sub === IrBinOp.Mul);
    expect(muls).to.have.length(14);
    const regs = muls.map((v) => alloc.loc.get(v)!).filter((l) => l >= 0);
    expect(new Set(regs).size).to.equal(regs.length);
    expect(alloc.numSlots).to.be.greaterThan(0);
  });
});
