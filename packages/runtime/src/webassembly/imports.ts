// "Read the imports" (JS API): every import of the module, in module order, is looked up
// with one [[Get]] of its module name on the import object and one of its field name on
// that, and checked against its kind right away. The result is a plain imports object for
// the runtime Instance holding runtime objects (Memory, Table, Global), which the runtime
// then links (and checks signatures, limits and global types of).
import { ValType, type GlobalType } from '@wasmjit/codegen';
import type { Imports } from '../instance.js';
import { moduleInfo, type Module as RuntimeModule } from '../module.js';
import { LinkError } from './errors.js';
import { nativeImportFunction } from '../native-api.js';
import { unwrapGlobal } from './global.js';
import { unwrapMemory } from './memory.js';
import { unwrapTable } from './table.js';
import { isObject } from './webidl.js';
import { isTag } from '../exceptions.js';

/** The optional importObject argument: undefined or an object, else TypeError. */
export function checkImportObject(importObject: unknown, what: string): void {
  if (importObject !== undefined && !isObject(importObject)) throw new TypeError(`${what}: Argument 1 must be an object`);
}

export function readImports(module: RuntimeModule, importObject: unknown, what: string): Imports {
  const imports = moduleInfo(module).imports;
  const resolved: Imports = Object.create(null) as Imports;
  if (imports.length === 0) return resolved;
  if (importObject === undefined) throw new TypeError(`${what}: Imports argument must be present and must be an object`);
  for (const [i, imp] of imports.entries()) {
    // V8's wording: 'Import #0 module="m" function="f" error: ...', whatever the kind.
    const ns = (importObject as Record<string, unknown>)[imp.module];
    if (!isObject(ns)) throw new TypeError(`${what}: Import #${i} module="${imp.module}" error: module is not an object or function`);
    const v = (ns as Record<string, unknown>)[imp.name];
    const where = `${what}: Import #${i} module="${imp.module}" function="${imp.name}" error:`;
    let value: unknown;
    switch (imp.desc.kind) {
      case 'func':
        // A C API native import handle (native-api.ts) is accepted as the function it stands for.
        value = nativeImportFunction(v) ?? v;
        if (typeof value !== 'function') throw new LinkError(`${where} function import requires a callable`);
        break;
      case 'global':
        value = globalImport(v, imp.desc.type, where);
        break;
      case 'memory':
        value = unwrapMemory(v);
        if (value === undefined) throw new LinkError(`${where} memory import must be a WebAssembly.Memory object`);
        break;
      case 'table':
        value = unwrapTable(v);
        if (value === undefined) throw new LinkError(`${where} table import requires a WebAssembly.Table`);
        break;
      case 'tag':
        if (!isTag(v)) throw new LinkError(`${where} tag import requires a WebAssembly.Tag`);
        value = v;
        break;
    }
    (resolved[imp.module] ??= Object.create(null) as Record<string, unknown>)[imp.name] = value;
  }
  return resolved;
}

function globalImport(v: unknown, type: GlobalType, where: string): unknown {
  const global = unwrapGlobal(v);
  if (global !== undefined) return global; // the runtime matches its type and mutability
  if (type.mutable) throw new LinkError(`${where} global import must be a number, valid Wasm reference, or WebAssembly.Global object`);
  switch (type.type) {
    case ValType.I64:
      if (typeof v !== 'bigint') throw new LinkError(`${where} global import must be a number, valid Wasm reference, or WebAssembly.Global object`);
      break;
    case ValType.I32: case ValType.F32: case ValType.F64:
      if (typeof v !== 'number') throw new LinkError(`${where} global import must be a number, valid Wasm reference, or WebAssembly.Global object`);
      break;
    case ValType.FuncRef: case ValType.ExternRef:
      break; // converted by the runtime: any value for externref, a wasm function or null for funcref
    default:
      // A typed function or extern reference: the runtime checks the value against the type.
      if (type.type > 0xff && (type.type & 0xff) !== ValType.ExnRef) break;
      throw new LinkError(`${where} globals of this type cannot be imported from JS`);
  }
  return v;
}
