// Global value numbering over the dominator tree: a pure operation whose operation and
// (resolved) operands equal those of one in a dominating block is replaced by it. Scoped
// hash tables, one scope per dominator-tree node, as in Briggs, Cooper and Simpson's
// dominator-based value numbering; phis are left alone.
import { Op, isPure, resolve, type Block, type IrFunction, type Value } from './ir.js';
import { commutative } from './fold.js';
import type { DomTree } from './dominators.js';

function keyOf(v: Value): string {
  let ids = v.args.map((a) => resolve(a).id);
  if (v.op === Op.Bin && commutative(v.sub) && ids[0]! > ids[1]!) ids = [ids[1]!, ids[0]!];
  return `${v.op}:${v.width}:${v.sub}:${v.imm}:${v.scale}:${v.disp}:${ids.join(',')}`;
}

/** Returns how many values were replaced. */
export function gvn(fn: IrFunction, dom: DomTree): number {
  const table = new Map<string, Value>();
  let replaced = 0;
  const visit = (b: Block): void => {
    const added: string[] = [];
    for (const v of b.insts) {
      if (v.replacedBy !== null || !isPure(v)) continue;
      const k = keyOf(v);
      const prior = table.get(k);
      if (prior !== undefined) {
        v.replacedBy = prior;
        replaced++;
      } else {
        table.set(k, v);
        added.push(k);
      }
    }
    for (const c of dom.children.get(b) ?? []) visit(c);
    for (const k of added) table.delete(k);
  };
  // (Recursion depth is the dominator tree's depth: wasm nesting, bounded by the validator's limits.)
  visit(fn.entry);
  return replaced;
}
