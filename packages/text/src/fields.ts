// First pass over a module's fields (spec 6.6): give every definition its index and $name, so
// that the second pass can resolve references to things defined further down. Imports (also
// inline `(func (import "m" "n") ...)`) come first in every space; the text format requires
// them to precede all definitions, which is checked here.

import { errorAt } from './errors.js';
import type { Token } from './lexer.js';
import type { ModuleContext } from './module-context.js';
import type { NameSpace } from './names.js';
import { Cursor, headOf, isList, type SList } from './sexpr.js';

/**
 * The index space a field kind (or import description) adds to, undefined for other words.
 * (A switch, not a lookup object: a keyed load with a string from the source text is a slow
 * generic lookup in V8.)
 */
export function spaceOf(mod: ModuleContext, kind: string): NameSpace | undefined {
  switch (kind) {
    case 'func': return mod.funcs;
    case 'table': return mod.tables;
    case 'memory': return mod.memories;
    case 'global': return mod.globals;
    case 'tag': return mod.tags;
    default: return undefined;
  }
}

const ALL_FIELDS = new Set(['type', 'rec', 'import', 'func', 'table', 'memory', 'global', 'tag', 'export', 'start', 'elem', 'data']);

const NO_EXPORTS: Token[] = [];

/** Skip `$id? (export "...")*` and report an inline `(import "m" "n")`, leaving the cursor after it. */
export function fieldPrefix(c: Cursor): { id?: Token; exports: Token[]; inlineImport?: [Token, Token] } {
  const id = c.takeId();
  // Most fields export nothing: they share one empty list (nobody adds to a returned list).
  let exports: Token[] = NO_EXPORTS;
  let inlineImport: [Token, Token] | undefined;
  for (;;) {
    if (c.peekList('export')) {
      const ec = new Cursor(c.take() as SList);
      if (exports === NO_EXPORTS) exports = [];
      exports.push(ec.expectString('an export name'));
      ec.expectEnd();
    } else if (c.peekList('import') && inlineImport === undefined) {
      const ic = new Cursor(c.take() as SList);
      inlineImport = [ic.expectString('a module name'), ic.expectString('an import name')];
      ic.expectEnd();
    } else {
      break;
    }
  }
  return { id, exports, inlineImport };
}

/** Does a memory or table declaration (after its prefix) start with the `i64` index type? */
function declares64(c: Cursor): boolean {
  return c.peekAtom('i64');
}

export function declareFields(fields: SList[], mod: ModuleContext): void {
  let firstDefinition: SList | undefined;
  const noteImport = (at: SList) => {
    if (firstDefinition) throw errorAt(at, `import after ${headOf(firstDefinition)}`);
  };
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const head = headOf(f);
    if (head === undefined || !ALL_FIELDS.has(head)) throw errorAt(f, `expected a module field, found ${head ? `"(${head} ..."` : 'a list'}`);
    const c = new Cursor(f);
    switch (head) {
      case 'type':
        mod.types.add(c.takeId());
        break;
      case 'rec':
        while (c.peekList('type')) mod.types.add(new Cursor(c.take() as SList).takeId());
        break;
      case 'import': {
        noteImport(f);
        c.expectString('a module name');
        c.expectString('an import name');
        const desc = c.expectList('an import description');
        const kind = headOf(desc);
        const space = kind !== undefined ? spaceOf(mod, kind) : undefined;
        if (space === undefined) throw errorAt(desc, `expected an import description (func, table, memory, global, tag), found "(${kind ?? ''}..."`);
        const dc = new Cursor(desc);
        const idx = space.add(dc.takeId());
        if (kind === 'memory') mod.memory64[idx] = declares64(dc);
        if (kind === 'table') mod.table64[idx] = declares64(dc);
        break;
      }
      case 'func': case 'table': case 'memory': case 'global': case 'tag': {
        const { id, inlineImport } = fieldPrefix(c);
        if (inlineImport) noteImport(f);
        else firstDefinition ??= f;
        const idx = spaceOf(mod, head)!.add(id);
        if (head === 'memory') mod.memory64[idx] = declares64(c);
        if (head === 'table') mod.table64[idx] = declares64(c);
        if (head === 'table' && !inlineImport && hasInlineElems(c)) mod.elems.count++;
        if (head === 'memory' && !inlineImport && c.peekList('data')) mod.datas.count++;
        break;
      }
      case 'elem':
        mod.elems.add(c.takeId());
        break;
      case 'data':
        mod.datas.add(c.takeId());
        break;
    }
  }
}

/** `(table ... reftype (elem ...))`: the abbreviation that also defines an elem segment. */
function hasInlineElems(c: Cursor): boolean {
  for (let i = c.i; i < c.list.items.length; i++) if (isList(c.list.items[i], 'elem')) return true;
  return false;
}

