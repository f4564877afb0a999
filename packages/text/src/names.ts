// Identifier contexts (spec 6.6.1): one `$name → index` map per index space.

import { errorAt } from './errors.js';
import type { Token } from './lexer.js';
import { parseU32 } from './numbers.js';
import type { Cursor, SNode } from './sexpr.js';

export type Space = 'type' | 'func' | 'table' | 'memory' | 'global' | 'elem' | 'data' | 'tag' | 'local' | 'label' | 'field';

/** One index space: how many entries so far, and the ones that have a name. */
export class NameSpace {
  /** Made with the first name (most spaces of most modules have none). */
  // (Initialised, so that every NameSpace has one hidden class whether or not it gets names.)
  private byName: Map<string, number> | undefined = undefined;
  count = 0;

  constructor(readonly space: Space) {}

  /** Add an entry (named if `id` is given) and return its index. */
  add(id: Token | undefined): number {
    const index = this.count++;
    if (id !== undefined) {
      this.byName ??= new Map();
      if (this.byName.has(id.text)) throw errorAt(id, `duplicate ${this.space} ${id.text}`);
      this.byName.set(id.text, index);
    }
    return index;
  }

  /** A reference: `$name` or a u32 index. Undefined if the node is neither. */
  tryResolve(node: SNode | undefined): number | undefined {
    if (node === undefined || node.kind === 'list' || node.kind === 'string') return undefined;
    if (node.kind === 'id') {
      const i = this.byName?.get(node.text);
      if (i === undefined) throw errorAt(node, `unknown ${this.space} ${node.text}`);
      return i;
    }
    return parseU32(node.text);
  }

  /**
   * The cursor's next item as a reference (`resolve(c.take(), c.here())`, with the position
   * for the error worked out only on an error: at a list's end it is an object to allocate).
   */
  take(c: Cursor): number {
    const node = c.take();
    const i = this.tryResolve(node);
    if (i === undefined) throw errorAt(node ?? c.here(), `expected a ${this.space} index or $name`);
    return i;
  }

  resolve(node: SNode | undefined, at: { line: number; col: number }): number {
    const i = this.tryResolve(node);
    if (i === undefined) throw errorAt(node ?? at, `expected a ${this.space} index or $name`);
    return i;
  }
}

/** Is this node a reference (`$name` or a number)? Ids are; atoms only if they are u32s. */
export function isIndexLike(node: SNode | undefined): boolean {
  if (node === undefined) return false;
  if (node.kind === 'id') return true;
  return node.kind === 'atom' && parseU32(node.text) !== undefined;
}
