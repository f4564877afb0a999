// Linking globals, tables and function references: vmctx global cell pointers, table
// descriptors, FuncRefRecords, the table builtins, and element segments. (See layout.ts.)
//
// Order (called from Instance in spec order): linkGlobals (imports are type-checked, defined
// globals evaluated from their constant expressions), linkTables (FuncRefRecords for every
// function, then imported and defined tables), exports, then initElemSegments.
//
// Element segment contents live on the JS side (the arrays the builtins close over), like
// data segments in instance-memory.ts; the vmctx's per-segment entries only record the
// length (0 once dropped) for debugging, since no generated code reads them.
import {
  FuncRefRecord, ValType, Vmctx, moduleCanonicalTypeIds, elemSegmentOffset, funcRefOffset, isSubtype, refTypeName,
  globalPtrOffset, tablePtrOffset, type GlobalType, type TableType,
} from '@wasmjit/codegen';
import { LinkError } from './errors.js';
import { importValue, putU64, type InstanceBuild } from './instance-build.js';
import { Global, globalFromCell, globalSlot, rawBits, type GlobalSlot } from './global.js';
import { createTable, tableStore } from './table.js';
import type { TableStore } from './table-store.js';
import { allocCell } from './native-cells.js';
import { evalConstExpr, type ConstEnv } from './const-eval.js';
import { wasmFunctionInfoOf } from './func-wrappers.js';
import { boundaryType, refMismatch } from './typed-refs.js';
import { initTable, installElemBuiltins, installTableBuiltins, type ElemSegments } from './table-builtins.js';

const TYPE_NAMES: Partial<Record<ValType, string>> = {
  [ValType.I32]: 'i32', [ValType.I64]: 'i64', [ValType.F32]: 'f32', [ValType.F64]: 'f64',
  [ValType.FuncRef]: 'funcref', [ValType.ExternRef]: 'externref', [ValType.V128]: 'v128',
};

/** The type's name in messages: TYPE_NAMES, or the spec's (ref null? ht) text. */
function typeName(t: ValType): string | undefined {
  return t > 0xff ? refTypeName(t) : TYPE_NAMES[t];
}

/** An immutable Global of boundary type t holding JS value v (already checked against t). */
function typedGlobal(t: ValType, v: unknown): Global {
  const g = new Global({ value: (t & 0xff) === ValType.FuncRef ? 'anyfunc' : 'externref', mutable: false }, v);
  const slot = globalSlot(g)!;
  return globalFromCell(t, false, slot.cell, slot.domain!);
}

function constEnv(b: InstanceBuild): ConstEnv {
  return {
    global: (i) => {
      const g = b.globalSlots[i];
      if (!g) throw new Error(`BUG: constant expression reads global ${i} before it exists`);
      return rawBits(g);
    },
    funcRef: (i) => BigInt(b.vmctx.address + funcRefOffset(b.layout, i)),
  };
}

// ── globals ─────────────────────────────────────────────────────────────────────────

export function linkGlobals(b: InstanceBuild): void {
  const wasm = b.wasm;
  putU64(b, Vmctx.Globals, b.vmctx.address + b.layout.globalsOffset);
  let index = 0;
  for (const imp of wasm.imports) {
    if (imp.desc.kind !== 'global') continue;
    const want = { type: boundaryType(wasm, imp.desc.type.type), mutable: imp.desc.type.mutable };
    const g = importGlobal(`import "${imp.module}" "${imp.name}"`, importValue(b, imp.module, imp.name), want);
    const slot = globalSlot(g)!;
    if (slot.domain) b.linked.push(slot.domain);
    b.globals[index] = g;
    b.globalSlots[index++] = slot;
  }
  const env = constEnv(b);
  for (const g of wasm.globals) {
    const cell = allocCell();
    const bits = evalConstExpr(g.init, env);
    cell.view.setBigUint64(cell.offset, BigInt.asUintN(64, bits), true);
    if (g.type.type === ValType.V128) cell.view.setBigUint64(cell.offset + 8, bits >> 64n, true);
    const global = globalFromCell(boundaryType(wasm, g.type.type), g.type.mutable, cell, b.domain);
    b.globals[index] = global;
    b.globalSlots[index++] = globalSlot(global)!;
  }
  b.globalSlots.forEach((g, i) => putU64(b, globalPtrOffset(b.layout, i), g.cell.address));
}

/** JS API "read the imports" for a global: a Global of the same type, or a plain value for an immutable one. */
function importGlobal(where: string, value: unknown, want: GlobalType): Global {
  const name = typeName(want.type);
  if (!name) throw new LinkError(`${where}: unsupported global type`);
  const slot = globalSlot(value);
  if (slot) {
    // A mutable global's type must be the same; an immutable one's may be a subtype.
    const typeOk = want.mutable ? slot.type === want.type : isSubtype(slot.type, want.type);
    if (!typeOk || slot.mutable !== want.mutable) {
      throw new LinkError(`${where}: incompatible import type: expected ${want.mutable ? 'mutable ' : ''}${name} global, got ` +
        `${slot.mutable ? 'mutable ' : ''}${typeName(slot.type)} global`);
    }
    return value as Global;
  }
  if (want.mutable) throw new LinkError(`${where}: a mutable global import requires a Global`);
  if (want.type > 0xff) {
    const why = refMismatch(want.type, value);
    if (why !== undefined) throw new LinkError(`${where}: ${why}`);
    if ((want.type & 0xff) === ValType.FuncRef && value !== null && !wasmFunctionInfoOf(value)) {
      throw new LinkError(`${where}: a typed function reference global import requires a wasm function or a Global`);
    }
    return typedGlobal(want.type, value);
  }
  switch (want.type) {
    case ValType.I64:
      if (typeof value !== 'bigint') throw new LinkError(`${where}: an i64 global import requires a BigInt or a Global`);
      break;
    case ValType.I32: case ValType.F32: case ValType.F64:
      if (typeof value !== 'number') throw new LinkError(`${where}: a ${name} global import requires a Number or a Global`);
      break;
    case ValType.V128:
      throw new LinkError(`${where}: a v128 global import requires a Global`);
    case ValType.FuncRef:
      if (value !== null && !wasmFunctionInfoOf(value)) {
        throw new LinkError(`${where}: a funcref global import requires null, a wasm function or a Global`);
      }
      break;
  }
  return new Global({ value: name as 'i32', mutable: false }, value);
}

export function exportGlobal(b: InstanceBuild, index: number): unknown {
  return b.globals[index];
}

// ── function references and tables ──────────────────────────────────────────────────

export function linkTables(b: InstanceBuild): void {
  writeFuncRefRecords(b);
  const wasm = b.wasm;
  let index = 0;
  for (const imp of wasm.imports) {
    if (imp.desc.kind !== 'table') continue;
    const value = importValue(b, imp.module, imp.name);
    const want = { ...imp.desc.type, elemType: boundaryType(wasm, imp.desc.type.elemType) };
    const store = importTable(`import "${imp.module}" "${imp.name}"`, value, want);
    b.linked.push(store.domain);
    b.tables[index] = value;
    b.tableStores[index++] = store;
  }
  for (; index < wasm.tables.length; index++) {
    const t = wasm.tables[index]!;
    // Typed function references: every element starts as the initializer's value.
    const init = t.init === undefined ? 0n : BigInt.asUintN(64, evalConstExpr(t.init, constEnv(b)));
    const table = createTable(boundaryType(wasm, t.elemType), t.limits.min, t.limits.max, b.domain, t.limits.address64 === true, init);
    b.tables[index] = table;
    b.tableStores[index] = tableStore(table)!;
  }
  const stores = b.tableStores;
  stores.forEach((t, i) => putU64(b, tablePtrOffset(b.layout, i), t.descriptorAddress));
  if (stores.length > 0) installTableBuiltins(b.builtins, stores);
}

/**
 * One FuncRefRecord per function: what ref.func and table elements point to. An imported
 * function's record calls its target directly (its own instance's code and vmctx for a
 * wasmjit function, this instance's host thunk for a JS one), so call_indirect through it
 * needs no special case. (The records' Handle field is not used: the instance's reference
 * domain finds a record's owner by address, see ref-domain.ts.)
 */
function writeFuncRefRecords(b: InstanceBuild): void {
  const wasm = b.wasm;
  // Canonical ids per type index: computing one builds a string key.
  const typeIds = moduleCanonicalTypeIds(wasm);
  // 32-bit words, not putU64: a BigInt per address was most of the time for modules with
  // tens of thousands of functions. Records are 8-aligned; addresses are below 2^53.
  const words = new Uint32Array(b.vmctx.buffer, 0, b.vmctx.buffer.byteLength >>> 2);
  const vmctx = b.vmctx.address;
  const codeBase = b.parts.code.address;
  const offsets = b.parts.compiled.funcOffsets;
  const funcs = wasm.funcs;
  for (let i = 0; i < funcs.length; i++) {
    const w = funcRefOffset(b.layout, i) >>> 2;
    let code: number;
    let context = vmctx;
    if (i < wasm.numImportedFuncs) {
      const target = b.importTargets[i]!;
      code = target.code;
      context = target.vmctx;
    } else {
      code = codeBase + offsets[i]!;
    }
    words[w + FuncRefRecord.Code / 4] = code >>> 0;
    words[w + FuncRefRecord.Code / 4 + 1] = Math.floor(code / 0x1_0000_0000);
    words[w + FuncRefRecord.Vmctx / 4] = context >>> 0;
    words[w + FuncRefRecord.Vmctx / 4 + 1] = Math.floor(context / 0x1_0000_0000);
    words[w + FuncRefRecord.TypeId / 4] = typeIds[funcs[i]!]!;
  }
}

/** The store of an imported Table, after the import checks (read from the store, not the Table). */
function importTable(where: string, value: unknown, want: TableType): TableStore {
  const t = tableStore(value);
  if (!t) throw new LinkError(`${where}: table import requires a wasmjit Table`);
  if (t.elemType !== want.elemType) {
    throw new LinkError(`${where}: incompatible import type: table of ${typeName(t.elemType)}, expected ${typeName(want.elemType)}`);
  }
  if (t.is64 !== (want.limits.address64 === true)) {
    throw new LinkError(`${where}: incompatible import type: table indexed by ${t.is64 ? 'i64' : 'i32'}, expected ${want.limits.address64 === true ? 'i64' : 'i32'}`);
  }
  // Import matching uses the table's current length as its minimum (spec: extern types).
  if (t.length < want.limits.min) {
    throw new LinkError(`${where}: incompatible import type: table has ${t.length} elements, the module needs at least ${want.limits.min}`);
  }
  const max = want.limits.max;
  if (max !== undefined && (t.maximum === undefined || t.maximum > max)) {
    throw new LinkError(`${where}: incompatible import type: table maximum ${t.maximum ?? 'none'} exceeds the declared maximum ${max}`);
  }
  return t;
}

export function exportTable(b: InstanceBuild, index: number): unknown {
  return b.tables[index];
}

// ── element segments ────────────────────────────────────────────────────────────────

/**
 * Evaluate every segment's items, apply active segments in order (2.0 semantics: each is
 * bounds-checked when applied, so an out-of-bounds one traps with the earlier ones written),
 * and drop active and declarative segments; passive ones stay for table.init.
 */
export function initElemSegments(b: InstanceBuild): void {
  const elems = b.wasm.elems;
  const env = constEnv(b);
  const tables = b.tableStores;
  // A lone ref.func (nearly every item of real modules' segments) without the general
  // evaluator's stack per item.
  const records = b.vmctx.address + funcRefOffset(b.layout, 0);
  const segments: ElemSegments = elems.map((e) => BigUint64Array.from(e.init, (x) => {
    const only = x.instrs.length === 1 ? x.instrs[0]! : undefined;
    return only?.op === 'ref.func' ? BigInt(records + FuncRefRecord.Size * only.index) : evalConstExpr(x, env);
  }));
  const live = segments.slice();
  installElemBuiltins(b.builtins, tables, live);
  elems.forEach((e, i) => {
    if (e.mode !== 'passive') live[i] = null;
    b.view.setBigUint64(elemSegmentOffset(b.layout, i) + 8, BigInt(live[i]?.length ?? 0), true);
  });
  elems.forEach((e, i) => {
    if (e.mode !== 'active') return;
    if (!e.offset) throw new Error('BUG: active element segment without an offset');
    const t = tables[e.table];
    if (!t) throw new Error(`BUG: element segment for missing table ${e.table}`);
    // A table64 offset above 2^53 rounds, but stays past every table: it still traps.
    const dst = Number(BigInt.asUintN(t.is64 ? 64 : 32, evalConstExpr(e.offset, env)));
    initTable(t, dst, segments[i]!);
  });
}
