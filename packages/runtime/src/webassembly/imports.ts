// "Read the imports" (JS API): every import of the module, in module order, is looked up
// with one [[Get]] of its module name on the import object and one of its field name on
// that, and checked against its kind right away. The result is a plain imports object for
// the runtime Instance holding runtime objects (Memory, Table, Global), which the runtime
// then links (and checks signatures, limits and global types of).
import { ValType, type GlobalType } from '@wasmjit/codegen';
import type { Imports } from '../instance.js';
import { moduleInfo, type Module as RuntimeModule } from '../module.js';
import { LinkError } from './errors.js';
import { unwrapGlobal } from './global.js';
import { unwrapMemory } from './memory.js';
import { unwrapTable } from './table.js';
import { isObject } from './webidl.js';

/** The optional importObject argument: undefined or an object, else TypeError. */
export function checkImportObject(importObject: unknown, what: string): void {
  if (importObject !== undefined && !isObject(importObject)) throw new TypeError(`${what}: the imports argument must be an object`);
}

export function readImports(module: RuntimeModule, importObject: unknown, what: string): Imports {
  const imports = moduleInfo(module).imports;
  const resolved: Imports = Object.create(null) as Imports;
  if (imports.length === 0) return resolved;
  if (importObject === undefined) throw new TypeError(`${what}: the module has imports but no imports argument was given`);
  for (const imp of imports) {
    const ns = (importObject as Record<string, unknown>)[imp.module];
    if (!isObject(ns)) throw new TypeError(`${what}: import module "${imp.module}" is not an object`);
    const v = (ns as Record<string, unknown>)[imp.name];
    const where = `${what}: import "${imp.module}" "${imp.name}"`;
    let value: unknown;
    switch (imp.desc.kind) {
      case 'func':
        if (typeof v !== 'function') throw new LinkError(`${where}: a function import requires a callable`);
        value = v;
        break;
      case 'global':
        value = globalImport(v, imp.desc.type, where);
        break;
      case 'memory':
        value = unwrapMemory(v);
        if (value === undefined) throw new LinkError(`${where}: a memory import requires a WebAssembly.Memory`);
        break;
      case 'table':
        value = unwrapTable(v);
        if (value === undefined) throw new LinkError(`${where}: a table import requires a WebAssembly.Table`);
        break;
    }
    (resolved[imp.module] ??= Object.create(null) as Record<string, unknown>)[imp.name] = value;
  }
  return resolved;
}

function globalImport(v: unknown, type: GlobalType, where: string): unknown {
  const global = unwrapGlobal(v);
  if (global !== undefined) return global; // the runtime matches its type and mutability
  if (type.mutable) throw new LinkError(`${where}: a mutable global import requires a WebAssembly.Global`);
  switch (type.type) {
    case ValType.I64:
      if (typeof v !== 'bigint') throw new LinkError(`${where}: an i64 global import requires a BigInt or a WebAssembly.Global`);
      break;
    case ValType.I32: case ValType.F32: case ValType.F64:
      if (typeof v !== 'number') throw new LinkError(`${where}: a number global import requires a Number or a WebAssembly.Global`);
      break;
    case ValType.FuncRef: case ValType.ExternRef:
      break; // converted by the runtime: any value for externref, a wasm function or null for funcref
    default:
      throw new LinkError(`${where}: globals of this type cannot be imported from JS`);
  }
  return v;
}
