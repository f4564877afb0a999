// Loop-invariant code motion: a pure operation inside a loop whose operands are all
// defined outside it moves to the end of the loop's preheader (the block that enters the
// header, whose only successor the header is). Pure operations cannot trap, so running one
// that the loop would have skipped is harmless. Loops are visited innermost first, so an
// operation can leave a whole nest one level at a time.
//
// `x + constant` stays where it is: it becomes one lea (select.ts), as cheap as reloading
// it, and hoisted it would hold a register across the whole loop (fannkuch's and interp's
// array addresses `sp + 16`, `sp + 32`, ... were spilled to the frame and reloaded).
import { BinOp, Op, isPure, resolve, type Block, type IrFunction, type Value } from './ir.js';

function worthHoisting(v: Value): boolean {
  return !(v.op === Op.Bin && v.sub === BinOp.Add && resolve(v.args[1]!).op === Op.Const);
}

/** Returns how many values moved. */
export function hoistInvariants(fn: IrFunction): number {
  let moved = 0;
  const byLayout = new Map<number, Block>();
  for (const b of fn.blocks) byLayout.set(b.layout, b);
  for (const loop of fn.loops) {
    const start = loop.header.layout;
    const inLoop = (v: Value): boolean => v.block.layout >= start && v.block.layout < loop.end;
    const pre = loop.preheader;
    for (let i = start; i < loop.end; i++) {
      const b = byLayout.get(i);
      if (b === undefined) continue;
      const kept: Value[] = [];
      for (const v of b.insts) {
        if (v.replacedBy === null && isPure(v) && worthHoisting(v) && v.args.every((a) => !inLoop(resolve(a)))) {
          v.block = pre;
          pre.insts.push(v);
          moved++;
        } else {
          kept.push(v);
        }
      }
      b.insts = kept;
    }
  }
  return moved;
}
