// Instruction selection on the SSA form, before register allocation:
//  - additions become `lea`: three operands (no copy of the left one), and an operand that
//    is a left shift by 1-3 becomes the index scaled by 2, 4 or 8 when the shift has no other
//    use, so a[i] address arithmetic `base + (i << 2)` is one lea. A 32-bit lea computes
//    exactly wasm's wrapping i32 sum, so this is always sound. (Folding a constant into a
//    memory access's displacement is not: zext(x + c) differs from zext(x) + c when the i32
//    sum wraps, so constants only fold into the lea.)
//  - a compare whose only use is the branch right after it is "fused": no 0/1 value, the
//    emitter branches on the flags (emit.ts).
import { BinOp, Op, type Block, type IrFunction, type Value } from './ir.js';

const SIMM32_MIN = -0x8000_0000n;
const SIMM32_MAX = 0x7fff_ffffn;

function constDisp(c: Value): number | null {
  if (c.op !== Op.Const) return null;
  const s = BigInt.asIntN(c.width as number, c.imm);
  return s >= SIMM32_MIN && s <= SIMM32_MAX ? Number(s) : null;
}

export function selectAddressing(fn: IrFunction, uses: Map<Value, number>): void {
  for (const b of fn.blocks) {
    for (const v of b.insts) {
      if (v.op !== Op.Bin || v.sub !== BinOp.Add) continue;
      const [x, y] = v.args as [Value, Value];
      const disp = constDisp(y);
      if (disp !== null) {
        toLea(v, [x], 1, disp);
        continue;
      }
      if (x.op === Op.Const || y.op === Op.Const) continue;
      const shifted = (s: Value): number => {
        if (s.op !== Op.Bin || s.sub !== BinOp.Shl || s.width !== v.width || uses.get(s) !== 1) return 0;
        const k = s.args[1]!;
        if (k.op !== Op.Const) return 0;
        const n = Number(k.imm & BigInt(v.width - 1));
        return n >= 1 && n <= 3 ? 1 << n : 0;
      };
      let scale = shifted(y);
      if (scale !== 0) {
        uses.set(y, 0);
        toLea(v, [x, y.args[0]!], scale, 0);
        continue;
      }
      scale = shifted(x);
      if (scale !== 0) {
        uses.set(x, 0);
        toLea(v, [y, x.args[0]!], scale, 0);
        continue;
      }
      toLea(v, [x, y], 1, 0);
    }
  }
  // A shift folded into a lea is dead now (its operand's use moved to the lea: no count changes).
  for (const b of fn.blocks) b.insts = b.insts.filter((v) => uses.get(v) !== 0 || v.op !== Op.Bin);
}

function toLea(v: Value, args: Value[], scale: number, disp: number): void {
  (v as { op: Op }).op = Op.Lea;
  v.args = args;
  v.scale = scale;
  v.disp = disp;
}

/**
 * Compares whose only use is the condition of the select right after them: the select
 * becomes cmp + cmov. Returns each such compare with its select.
 */
export function fusedSelectCompares(fn: IrFunction, uses: Map<Value, number>): Map<Value, Value> {
  const out = new Map<Value, Value>();
  for (const b of fn.blocks) {
    for (let i = 1; i < b.insts.length; i++) {
      const s = b.insts[i]!;
      const c = b.insts[i - 1]!;
      if (s.op === Op.Select && s.args[2] === c && (c.op === Op.Cmp || c.op === Op.Eqz) && uses.get(c) === 1) out.set(c, s);
    }
  }
  return out;
}

/** The compare `b` ends with that only its branch uses, else null. */
export function fusedCompare(b: Block, uses: Map<Value, number>): Value | null {
  const t = b.term;
  if (t === null || t.kind !== 'br') return null;
  const last = b.insts[b.insts.length - 1];
  if (last === undefined || last !== t.cond || uses.get(last) !== 1) return null;
  return last.op === Op.Cmp || last.op === Op.Eqz ? last : null;
}
