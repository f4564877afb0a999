// Immediate dominators (Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm"):
// iterate over the reverse postorder until nothing changes.
import { successors, type Block } from './ir.js';

export interface DomTree {
  /** Blocks in reverse postorder. */
  readonly rpo: Block[];
  readonly idom: Map<Block, Block>;
  readonly children: Map<Block, Block[]>;
}

export function dominators(entry: Block): DomTree {
  const post: Block[] = [];
  const seen = new Set<Block>();
  // Iterative DFS (deep nesting must not overflow the JS stack).
  const stack: [Block, number][] = [[entry, 0]];
  seen.add(entry);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const succ = successors(top[0]);
    if (top[1] < succ.length) {
      const s = succ[top[1]++]!;
      if (!seen.has(s)) {
        seen.add(s);
        stack.push([s, 0]);
      }
    } else {
      post.push(top[0]);
      stack.pop();
    }
  }
  const rpo = post.reverse();
  const order = new Map<Block, number>();
  rpo.forEach((b, i) => order.set(b, i));
  const idom = new Map<Block, Block>([[entry, entry]]);
  const intersect = (a: Block, b: Block): Block => {
    while (a !== b) {
      while (order.get(a)! > order.get(b)!) a = idom.get(a)!;
      while (order.get(b)! > order.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const b of rpo) {
      if (b === entry) continue;
      let d: Block | null = null;
      for (const p of b.preds) {
        if (!idom.has(p)) continue;
        d = d === null ? p : intersect(p, d);
      }
      if (d !== null && idom.get(b) !== d) {
        idom.set(b, d);
        changed = true;
      }
    }
  }
  const children = new Map<Block, Block[]>();
  for (const b of rpo) {
    if (b === entry) continue;
    const d = idom.get(b)!;
    let list = children.get(d);
    if (list === undefined) children.set(d, (list = []));
    list.push(b);
  }
  return { rpo, idom, children };
}
