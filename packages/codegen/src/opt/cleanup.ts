// After the optimizations: phis left trivial by forwarding are forwarded too, values that
// nothing live uses are dropped, and the survivors' use counts are computed (select.ts and
// the emitter ask for them). Side-effecting values (memory accesses, which may trap, calls,
// global writes) and terminator operands are the roots.
import { Op, resolve, type Block, type IrFunction, type Value } from './ir.js';

function removeTrivialPhis(fn: IrFunction): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const b of fn.blocks) {
      for (const phi of b.phis) {
        if (phi.replacedBy !== null) continue;
        let same: Value | null = null;
        let trivial = true;
        for (const a of phi.args) {
          const r = resolve(a);
          if (r === phi || r === same) continue;
          if (same !== null) {
            trivial = false;
            break;
          }
          same = r;
        }
        if (trivial && same !== null) {
          phi.replacedBy = same;
          changed = true;
        }
      }
    }
  }
}

function isRoot(v: Value): boolean {
  // (A division may trap: it stays even when its result is unused.)
  return v.op === Op.Load || v.op === Op.Store || v.op === Op.Call || v.op === Op.GlobalSet || v.op === Op.Div;
}

export function termOperands(b: Block): Value[] {
  const t = b.term;
  if (t === null) return [];
  if (t.kind === 'br') return [resolve(t.cond)];
  if (t.kind === 'table') return [resolve(t.index)];
  if (t.kind === 'ret' && t.value !== null) return [resolve(t.value)];
  return [];
}

/** Drops dead and forwarded values; returns the use count of every survivor. */
export function cleanup(fn: IrFunction): Map<Value, number> {
  removeTrivialPhis(fn);
  for (const b of fn.blocks) {
    for (const v of [...b.phis, ...b.insts]) v.args = v.args.map(resolve);
    const t = b.term;
    if (t?.kind === 'br') t.cond = resolve(t.cond);
    else if (t?.kind === 'table') t.index = resolve(t.index);
    else if (t?.kind === 'ret' && t.value !== null) t.value = resolve(t.value);
  }
  const live = new Set<Value>();
  const work: Value[] = [];
  const mark = (v: Value): void => {
    if (!live.has(v)) {
      live.add(v);
      work.push(v);
    }
  };
  for (const b of fn.blocks) {
    for (const v of b.insts) if (v.replacedBy === null && isRoot(v)) mark(v);
    for (const v of termOperands(b)) mark(v);
  }
  while (work.length > 0) for (const a of work.pop()!.args) mark(a);
  const uses = new Map<Value, number>();
  for (const b of fn.blocks) {
    b.phis = b.phis.filter((v) => v.replacedBy === null && live.has(v));
    b.insts = b.insts.filter((v) => v.replacedBy === null && live.has(v));
    for (const v of [...b.phis, ...b.insts]) for (const a of v.args) uses.set(a, (uses.get(a) ?? 0) + 1);
    for (const v of termOperands(b)) uses.set(v, (uses.get(v) ?? 0) + 1);
  }
  return uses;
}
