// Type definitions (spec 6.4.9, Wasm 3.0): function, struct and array types, `sub` with
// `final` and supertypes, and `rec` groups. Each definition is encoded to bytes here; the type
// section writes a `rec` group as one entry holding all of its subtypes.

import { errorAt } from './errors.js';
import { funcTypeBytes, uleb, type ModuleContext, type TypeDef } from './module-context.js';
import { NameSpace } from './names.js';
import { Cursor, headOf, type SList } from './sexpr.js';
import { parseFuncTypeDef, parseValType, sigKey, type ValType } from './types.js';

/** Storage type of a field: a value type or a packed i8/i16. */
function storageType(c: Cursor, mod: ModuleContext): number[] {
  if (c.peekAtom('i8')) {
    c.take();
    return [0x78];
  }
  if (c.peekAtom('i16')) {
    c.take();
    return [0x77];
  }
  return parseValType(c, mod.types).bytes;
}

/** `st` or `(mut st)`: storage type then mutability byte. */
function fieldType(c: Cursor, mod: ModuleContext): number[] {
  if (c.peekList('mut')) {
    const mc = new Cursor(c.take() as SList);
    const st = storageType(mc, mod);
    mc.expectEnd();
    return [...st, 1];
  }
  return [...storageType(c, mod), 0];
}


/** `(struct (field $x? ft) | (field ft*))*`, recording field names for struct.get and co. */
function structType(list: SList, mod: ModuleContext, fieldNames: NameSpace): number[] {
  const c = new Cursor(list);
  const fields: number[][] = [];
  while (!c.done) {
    const f = new Cursor(c.expectList('"(field ...)"', 'field'));
    const id = f.takeId();
    if (id) {
      fieldNames.add(id);
      fields.push(fieldType(f, mod));
      f.expectEnd();
    } else {
      while (!f.done) {
        fieldNames.add(undefined);
        fields.push(fieldType(f, mod));
      }
    }
  }
  return [0x5f, ...uleb(fields.length), ...fields.flat()];
}

/** A composite type: func, struct or array. */
function compositeType(list: SList, mod: ModuleContext, fieldNames: NameSpace): { bytes: number[]; sig?: TypeDef['sig'] } {
  switch (headOf(list)) {
    case 'func': {
      const sig = parseFuncTypeDef(list, mod.types);
      return { bytes: funcTypeBytes(sig), sig };
    }
    case 'struct':
      return { bytes: structType(list, mod, fieldNames) };
    case 'array': {
      const c = new Cursor(list);
      // `(array ft)` or, with a name, `(array (field $x? ft))`
      let ft: number[];
      if (c.peekList('field')) {
        const f = new Cursor(c.take() as SList);
        f.takeId();
        ft = fieldType(f, mod);
        f.expectEnd();
      } else {
        ft = fieldType(c, mod);
      }
      c.expectEnd();
      return { bytes: [0x5e, ...ft] };
    }
    default:
      throw errorAt(list, `expected "(func ...)", "(struct ...)" or "(array ...)"`);
  }
}

/** `(type $id? (sub final? x* comptype) | comptype)`: the subtype's bytes and what type uses need. */
export function parseTypeField(list: SList, mod: ModuleContext, index: number): { bytes: number[]; def: TypeDef } {
  const c = new Cursor(list);
  c.takeId();
  const body = c.expectList('a type definition');
  c.expectEnd();
  const fieldNames = new NameSpace('field');
  mod.fieldNames[index] = fieldNames;
  if (headOf(body) !== 'sub') {
    const comp = compositeType(body, mod, fieldNames);
    return { bytes: comp.bytes, def: defOf(comp, true) };
  }
  const sc = new Cursor(body);
  const final = sc.peekAtom('final');
  if (final) sc.take();
  const supers: number[] = [];
  while (!sc.done && !sc.peekList()) supers.push(mod.types.take(sc));
  const comp = compositeType(sc.expectList('a composite type'), mod, fieldNames);
  sc.expectEnd();
  const bytes = [final ? 0x4f : 0x50, ...uleb(supers.length), ...supers.flatMap(uleb), ...comp.bytes];
  // Only a final type without supertypes is the same type as an implicit one.
  return { bytes, def: defOf(comp, final && supers.length === 0) };
}

function defOf(comp: { bytes: number[]; sig?: TypeDef['sig'] }, plain: boolean): TypeDef {
  if (!comp.sig) return { bytes: comp.bytes };
  return { bytes: comp.bytes, sig: comp.sig, key: plain ? sigKey(comp.sig) : undefined };
}

/** Explicit definitions, in order: type-section entries (rec groups are one entry each). */
export function defineTypes(fields: SList[], mod: ModuleContext): void {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const head = headOf(f);
    if (head === 'type') {
      const { bytes, def } = parseTypeField(f, mod, mod.typeDefs.length);
      mod.typeDefs.push(def);
      mod.typeSection.push(bytes);
    } else if (head === 'rec') {
      const c = new Cursor(f);
      const members: number[][] = [];
      while (!c.done) {
        const t = c.expectList('"(type ...)"', 'type');
        const { bytes, def } = parseTypeField(t, mod, mod.typeDefs.length);
        // A member of a larger group is never the same type as an implicit one.
        mod.typeDefs.push(f.items.length === 2 ? def : { ...def, key: undefined });
        members.push(bytes);
      }
      mod.typeSection.push([0x4e, ...uleb(members.length), ...members.flat()]);
    }
  }
}

