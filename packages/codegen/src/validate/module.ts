// Module-level validation: everything outside function bodies (types, imports, limits,
// globals, exports, start, segments), then every function body.

import { CompileError, UnsupportedFeatureError } from '../errors.js';
import { FEATURE } from '../wasm/future-features.js';
import { ValType, type Limits, type WasmModule } from '../wasm/types.js';
import { globalsBefore, validateConstExpr } from './const-expr.js';
import { validateBodies, type ValidateOptions } from './function.js';
import { malformedBodyError } from './body-precedence.js';
import { canonicalRef, heapIndex, isNullable, isSubtype } from '../wasm/ref-types.js';
import { moduleCanon } from '../wasm/type-canon.js';

/** Memories are limited to 4 GiB: 65536 pages of 64 KiB. */
const MAX_MEMORY_PAGES = 65536;
/** memory64: 2^48 pages of 64 KiB, the whole 64-bit address space. */
const MAX_MEMORY64_PAGES = 2 ** 48;

function fail(message: string, offset?: number): never {
  throw new CompileError(message, offset);
}

/**
 * Where an error about section `id`'s entries points: the section's contents (entries keep
 * no offsets of their own; see WasmModule.sectionOffsets).
 */
function sectionAt(m: WasmModule, id: number): number | undefined {
  return m.sectionOffsets?.[id];
}



/** A memory's address type: i64 for a 64-bit memory (memory64), else i32. */
export function memoryAddressType(m: WasmModule, memory: number): ValType {
  return m.memories[memory]?.address64 === true ? ValType.I64 : ValType.I32;
}

function checkTypeIndex(m: WasmModule, index: number, at?: number): void {
  if (index >= m.types.length) fail(`unknown type ${index}`, at);
}

/** A tag's type: a function type without results (its params are the exception's payload). */
function checkTagType(m: WasmModule, index: number, at?: number): void {
  checkTypeIndex(m, index, at);
  if (m.types[index]!.results.length !== 0) fail('non-empty tag result type', at);
}

function checkTableLimits(l: Limits, at?: number): void {
  // Table sizes are u32 by construction, so only the ordering can be wrong.
  if (l.max !== undefined && l.min > l.max) fail('size minimum must not be greater than maximum', at);
}

function checkMemoryLimits(l: Limits, at?: number): void {
  if (l.address64 === true) {
    if (l.min > MAX_MEMORY64_PAGES || (l.max !== undefined && l.max > MAX_MEMORY64_PAGES)) {
      fail('memory size must be at most 2^48 pages (2^64 bytes)', at);
    }
  } else if (l.min > MAX_MEMORY_PAGES || (l.max !== undefined && l.max > MAX_MEMORY_PAGES)) {
    fail('memory size must be at most 65536 pages (4GiB)', at);
  }
  if (l.max !== undefined && l.min > l.max) fail('size minimum must not be greater than maximum', at);
}

/** Validates the whole module; throws CompileError on the first problem found. */
export function validateModule(m: WasmModule, options: ValidateOptions = {}): void {
  const n = m.codes.length;
  try {
    validateModuleStructure(m, options);
  } catch (e) {
    // The decoder left the bodies unscanned: a malformed one wins (body-precedence.ts).
    if (e instanceof CompileError) throw malformedBodyError(m, 0, n) ?? e;
    throw e;
  }
  validateBodies(m, 0, n, options, n);
}

/**
 * Everything validateModule checks except the function bodies, in the same order (the
 * bodies come last): for a caller that validates bodies itself, range by range.
 */
export function validateModuleStructure(m: WasmModule, options: ValidateOptions = {}): void {
  const simd = options.simd !== false;
  // `below`: a type definition may name itself and earlier types only (wasm/type-canon.ts).
  const checkValType = (t: ValType, at?: number, below = m.types.length): void => {
    if (t === ValType.V128 && !simd) throw new UnsupportedFeatureError('SIMD', 'SIMD not supported', at, undefined, null);
    if (t > 0xff && heapIndex(t) >= below) fail(`unknown type ${heapIndex(t)}`, at);
  };
  const typesAt = sectionAt(m, 1);
  for (let i = 0; i < m.types.length; i++) {
    const t = m.types[i]!;
    for (const v of t.params) checkValType(v, typesAt, i + 1);
    for (const v of t.results) checkValType(v, typesAt, i + 1);
  }
  const canon = moduleCanon(m);

  const importsAt = sectionAt(m, 2);
  for (const imp of m.imports) {
    const d = imp.desc;
    switch (d.kind) {
      case 'func':
        checkTypeIndex(m, d.typeIndex, importsAt);
        break;
      case 'table':
        checkValType(d.type.elemType, importsAt);
        checkTableLimits(d.type.limits, importsAt);
        break;
      case 'memory':
        checkMemoryLimits(d.type, importsAt);
        break;
      case 'global':
        checkValType(d.type.type, importsAt);
        break;
      case 'tag':
        checkTagType(m, d.typeIndex, importsAt);
        break;
    }
  }
  for (let i = m.numImportedTags; i < m.tags.length; i++) checkTagType(m, m.tags[i]!, sectionAt(m, 13));

  for (let i = m.numImportedFuncs; i < m.funcs.length; i++) checkTypeIndex(m, m.funcs[i]!, sectionAt(m, 3));
  for (let i = m.numImportedTables; i < m.tables.length; i++) checkTableLimits(m.tables[i]!.limits, sectionAt(m, 4));
  for (let i = m.numImportedMemories; i < m.memories.length; i++) checkMemoryLimits(m.memories[i]!, sectionAt(m, 5));
  if (m.memories.length > 1 && m.features?.multiMemory !== true) throw new UnsupportedFeatureError(FEATURE.multiMemory, 'multiple memories', sectionAt(m, 5) ?? importsAt);

  // Tables are checked here, after the globals their initializers may read.
  for (let i = 0; i < m.globals.length; i++) {
    const g = m.globals[i]!;
    checkValType(g.type.type, sectionAt(m, 6));
    validateConstExpr(m, g.init, g.type.type, globalsBefore(m, i));
  }
  for (let i = m.numImportedTables; i < m.tables.length; i++) {
    const t = m.tables[i]!;
    checkValType(t.elemType, sectionAt(m, 4));
    // A non-nullable element type has no default: the table needs an initializer.
    // Tables come before the globals a module defines: only imported ones are readable.
    if (t.init !== undefined) validateConstExpr(m, t.init, t.elemType, m.importedGlobals.length);
    else if (!isNullable(t.elemType)) fail('type mismatch: a table of non-nullable references needs an initializer', sectionAt(m, 4));
  }

  for (const e of m.elems) {
    checkValType(e.elemType, e.offset?.offset ?? sectionAt(m, 9));
    if (e.mode === 'active') {
      const table = m.tables[e.table];
      if (!table) fail(`unknown table ${e.table}`, e.offset?.offset);
      if (!e.offset) throw new Error('BUG: active element segment without offset');
      validateConstExpr(m, e.offset, table.limits.address64 === true ? ValType.I64 : ValType.I32);
      if (!isSubtype(canonicalRef(e.elemType, canon), canonicalRef(table.elemType, canon))) fail('type mismatch: element segment type differs from its table', e.offset.offset);
    }
    for (const item of e.init) validateConstExpr(m, item, e.elemType);
  }

  const table = m.dataSegments;
  if (table !== undefined) {
    // The decoder's table (wasm/data-segments.ts): no object per segment.
    for (let i = 0; i < table.count; i++) {
      if (!table.isActive(i)) continue;
      if (table.memory[i]! >= m.memories.length) fail(`unknown memory ${table.memory[i]}`, table.offsetAt[i]);
      if (table.constOffsetOf(i) !== undefined && m.memories[table.memory[i]!]!.address64 !== true) continue;
      validateConstExpr(m, table.offsetExpr(i)!, memoryAddressType(m, table.memory[i]!));
    }
  }
  for (const d of table === undefined ? m.datas : []) {
    if (d.mode === 'active') {
      if (d.memory >= m.memories.length) fail(`unknown memory ${d.memory}`, d.offset?.offset);
      // A lone i32.const (nearly every segment; Go modules have ~100k) is an i32 already.
      if (d.constOffset !== undefined && m.memories[d.memory]!.address64 !== true) continue;
      const offset = d.offset; // decoded on each access (see wasm/sections.ts)
      if (!offset) throw new Error('BUG: active data segment without offset');
      validateConstExpr(m, offset, memoryAddressType(m, d.memory));
    }
  }

  if (m.start !== undefined) {
    if (m.start >= m.funcs.length) fail(`unknown function ${m.start}`, sectionAt(m, 8));
    const t = m.types[m.funcs[m.start]!]!;
    if (t.params.length !== 0 || t.results.length !== 0) fail('start function must have type [] -> []', sectionAt(m, 8));
  }

  const exportNames = new Set<string>();
  for (const e of m.exports) {
    if (exportNames.has(e.name)) fail(`duplicate export name "${e.name}"`, sectionAt(m, 7));
    exportNames.add(e.name);
    const count =
      e.kind === 'func'
        ? m.funcs.length
        : e.kind === 'table'
          ? m.tables.length
          : e.kind === 'memory'
            ? m.memories.length
            : e.kind === 'tag'
              ? m.tags.length
              : m.numImportedGlobals + m.globals.length;
    if (e.index >= count) fail(`unknown ${e.kind === 'func' ? 'function' : e.kind} ${e.index}`, sectionAt(m, 7));
  }
}
