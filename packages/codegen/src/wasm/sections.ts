// Decoders for the contents of each known section, appending to a module under
// construction. They read from the module-wide reader without a per-section bound, like the
// reference interpreter; the section loop checks afterwards that exactly the declared size
// was consumed. That keeps our error messages equal to the ones the spec tests expect.

import { BinaryReader, type DecodeOptions } from './reader.js';
import { checkConstExpr, readConstExpr, readLoneI32Const } from './const-expr.js';
import { readImmediates, scanBody } from './body-scan.js';
import type { DataSegmentTable } from './data-segments.js';
import { Op } from './opcodes.js';
import { UnsupportedFeatureError } from '../errors.js';
import { limitsFlagsFeature } from './future-features.js';
import { abstractRef } from './ref-types.js';
import {
  ValType,
  type ConstExpr,
  type ElemSegment,
  type ExternKind,
  type FuncType,
  type GlobalType,
  type Limits,
  type TableType,
  type WasmModule,
} from './types.js';

/** Implementation limit on declared locals per function (the same as V8's). */
export const MAX_LOCALS = 50000;

/**
 * Implementation limit on element segments: a decoded segment takes ~400 bytes of JS heap
 * (an empty one is 4 bytes of wasm), so without a bound a 50 MB module of 10M segments would
 * need ~4 GB and exhaust Node's heap (a fatal, uncatchable error) instead of failing to
 * compile. V8 allows 10M (the JS API's limit); wasmjit allows as many as functions or types.
 */
export const MAX_ELEM_SEGMENTS = 1_000_000;

export function readTypeSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) m.types.push(readFuncType(r));
}

function readFuncType(r: BinaryReader): FuncType {
  // The form byte is formally a one-byte signed LEB128 number (-0x20).
  const at = r.pos;
  const form = r.readU8();
  if (form & 0x80) r.fail('integer representation too long', r.pos);
  if (form !== 0x60) r.fail('malformed function type', at);
  return { params: readValTypes(r), results: readValTypes(r) };
}

function readValTypes(r: BinaryReader): ValType[] {
  const n = r.readCount();
  const types: ValType[] = [];
  for (let i = 0; i < n; i++) types.push(r.readValType());
  return types;
}

export function readImportSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) {
    const module = r.readName();
    const name = r.readName();
    const at = r.pos;
    const kind = r.readU8();
    switch (kind) {
      case 0: {
        const typeIndex = r.readVarU32();
        m.imports.push({ module, name, desc: { kind: 'func', typeIndex } });
        m.funcs.push(typeIndex);
        m.numImportedFuncs++;
        break;
      }
      case 1: {
        const type = readTableType(r);
        m.imports.push({ module, name, desc: { kind: 'table', type } });
        m.tables.push(type);
        m.numImportedTables++;
        break;
      }
      case 2: {
        const type = readLimits(r, true);
        m.imports.push({ module, name, desc: { kind: 'memory', type } });
        m.memories.push(type);
        m.numImportedMemories++;
        break;
      }
      case 3: {
        const type = readGlobalType(r);
        m.imports.push({ module, name, desc: { kind: 'global', type } });
        m.importedGlobals.push(type);
        m.numImportedGlobals++;
        break;
      }
      case 4: {
        if (!r.features.exceptions) r.fail('malformed import kind', at);
        const typeIndex = readTagType(r);
        m.imports.push({ module, name, desc: { kind: 'tag', typeIndex } });
        m.tags.push(typeIndex);
        m.numImportedTags++;
        break;
      }
      default:
        r.fail('malformed import kind', at);
    }
  }
}

export function readFunctionSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) m.funcs.push(r.readVarU32());
}

export function readTableSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) {
    // Typed function references: 0x40 0x00 announces a table type followed by an
    // initializer expression for its elements (else they start null).
    if (r.peekU8() === 0x40) {
      if (r.features.typedFunctionReferences === false) r.failTypedRefsOff('malformed reference type', r.pos);
      const at = r.pos;
      r.pos++;
      if (r.readU8() !== 0x00) r.fail('malformed table type', at);
      const type = readTableType(r);
      type.init = readConstExpr(r);
      m.tables.push(type);
    } else {
      m.tables.push(readTableType(r));
    }
  }
}

export function readMemorySection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) m.memories.push(readLimits(r, true));
}

export function readGlobalSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) {
    const type = readGlobalType(r);
    m.globals.push({ type, init: readConstExpr(r) });
  }
}

const EXPORT_KINDS: ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];

/** Exception handling: a tag type, an attribute byte (0, exception) and a function type index. */
function readTagType(r: BinaryReader): number {
  const at = r.pos;
  if (r.readU8() !== 0) r.fail('malformed tag attribute', at);
  return r.readVarU32();
}

/** The tag section (id 13): one tag type per defined tag. */
export function readTagSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) m.tags.push(readTagType(r));
}

export function readExportSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) {
    const name = r.readName();
    const at = r.pos;
    const kind = EXPORT_KINDS[r.readU8()];
    if (kind === undefined || (kind === 'tag' && !r.features.exceptions)) r.fail('malformed export kind', at);
    m.exports.push({ name, kind, index: r.readVarU32() });
  }
}

export function readStartSection(r: BinaryReader, m: WasmModule): void {
  m.start = r.readVarU32();
}

export function readElementSection(r: BinaryReader, m: WasmModule): void {
  const at = r.pos;
  const n = r.readCount();
  if (n > MAX_ELEM_SEGMENTS) r.fail('too many element segments', at);
  for (let i = 0; i < n; i++) m.elems.push(readElemSegment(r));
}

/**
 * The eight segment encodings are the combinations of three flag bits: bit 0 = passive or
 * declarative (else active), bit 1 = explicit table index (active) / declarative (otherwise),
 * bit 2 = items are expressions (else function indices).
 */
function readElemSegment(r: BinaryReader): ElemSegment {
  const at = r.pos;
  const flags = r.readVarU32();
  if (flags > 7) r.fail('malformed elements segment kind', at);
  const active = (flags & 1) === 0;
  const mode = active ? 'active' : flags & 2 ? 'declarative' : 'passive';
  const table = active && flags & 2 ? r.readVarU32() : 0;
  const offset = active ? readConstExpr(r) : undefined;
  const usesExprs = (flags & 4) !== 0;
  // Function indices are never null: with typed function references their type is (ref func).
  let elemType = !usesExprs && r.features.typedFunctionReferences !== false ? abstractRef(ValType.FuncRef, false) : ValType.FuncRef;
  // Flags 0 and 4 have an implicit funcref type; all others spell it out.
  if (flags !== 0 && flags !== 4) {
    if (usesExprs) {
      elemType = r.readRefType();
    } else {
      const kindAt = r.pos;
      if (r.readU8() !== 0x00) r.fail('malformed element kind', kindAt);
    }
  }
  const count = r.readCount();
  const init: ConstExpr[] = [];
  if (usesExprs) {
    for (let j = 0; j < count; j++) init.push(readConstExpr(r));
  } else {
    readFuncIndexItems(r, count, init);
  }
  const seg: ElemSegment = { mode, table, elemType, init };
  if (offset) seg.offset = offset;
  return seg;
}

/**
 * `count` function indices, each as a `ref.func` item. Tables of thousands (Go's, ruby.wasm's)
 * are read right before a cache hit's instantiation, when the decoder's JavaScript is still
 * interpreted: the LEB128s of up to 4 bytes are read inline here (~3x fewer bytecodes per
 * item than through readVarU32), anything longer or cut short by readVarU32 with its checks.
 */
function readFuncIndexItems(r: BinaryReader, count: number, init: ConstExpr[]): void {
  const b = r.bytes;
  const end = r.end;
  for (let j = 0; j < count; j++) {
    const at = r.pos;
    let q = at;
    let index = 0;
    let shift = 0;
    let x = 0x80;
    while (q < end && shift < 28) {
      x = b[q++]!;
      index |= (x & 0x7f) << shift;
      shift += 7;
      if (x < 0x80) break;
    }
    if (x < 0x80) r.pos = q;
    else index = r.readVarU32();
    init.push({ instrs: [{ op: 'ref.func', index }], offset: at });
  }
}

export function readDataCountSection(r: BinaryReader, m: WasmModule): void {
  m.dataCount = r.readVarU32();
}

export function readCodeSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) readCodeEntry(r, m);
}

/** One entry of the code section (decodeModuleInSteps reads them a few at a time). */
export function readCodeEntry(r: BinaryReader, m: WasmModule): void {
  const offset = r.pos;
  const size = r.readCount();
  const start = r.pos;
  const localGroups: { count: number; type: ValType }[] = [];
  let numLocals = 0;
  const groups = r.readCount();
  for (let g = 0; g < groups; g++) {
    const count = r.readVarU32();
    const type = r.readValType();
    numLocals += count;
    // The spec's limit is 2^32-1; ours is far lower, and checking per group keeps the
    // sum exact and stops a hostile module from making us loop over huge declarations.
    if (numLocals > MAX_LOCALS) r.fail('too many locals', start);
    localGroups.push({ count, type });
  }
  const bodyStart = r.pos;
  // The instructions are checked by the validator (validate/function.ts), in the same pass
  // as their types. Locals that run past the body are an error here already: the one the
  // reference decoder reports, reading on (see scanBody) before checking the size.
  if (bodyStart > start + size) {
    scanBody(r);
    r.fail('section size mismatch', start);
  }
  r.pos = start + size;
  m.codes.push({ localGroups, numLocals, bodyStart, bodyEnd: r.pos, offset });
}

export function readDataSection(r: BinaryReader, m: WasmModule): void {
  if (r.skipDataContents) {
    skipDataSection(r, m);
    return;
  }
  const n = r.readCount();
  const table = dataTable(m);
  table.reserve(n);
  for (let i = 0; i < n;) {
    i += readPlainDataEntries(r, table, n - i);
    if (i < n) {
      readDataEntry(r, m);
      i++;
    }
  }
}

/**
 * Up to `n` entries of the shape nearly every segment has (Go emits ~100k of them): flags 0,
 * `i32.const c; end`, a length; LEB128s of at most 4 bytes. Read inline in one flat loop,
 * straight into the table's arrays (room was reserved for them): cheap even before the
 * decoder's JavaScript is optimised, which on a cache hit it is not. Returns how many it read,
 * stopping with nothing read of an entry of any other shape, which readDataEntry then reads
 * with all its checks.
 */
function readPlainDataEntries(r: BinaryReader, table: DataSegmentTable, n: number): number {
  const b = r.bytes;
  const end = r.end;
  const { memory, offsetAt, constOffset, start, length: lengths } = table;
  let p = r.pos;
  let done = 0;
  let i = table.count;
  for (; done < n; done++, i++) {
    if (end - p < 5 || b[p] !== 0 || b[p + 1] !== Op.I32Const) break;
    let q = p + 2;
    let value = 0;
    let shift = 0;
    let x = 0x80;
    while (q < end && shift < 28) {
      x = b[q++]!;
      value |= (x & 0x7f) << shift;
      shift += 7;
      if (x < 0x80) break;
    }
    if (x >= 0x80) break;
    value = (value << (32 - shift)) >> (32 - shift); // sign-extend
    if (q === end || b[q] !== Op.End) break;
    q++;
    let length = 0;
    shift = 0;
    x = 0x80;
    while (q < end && shift < 28) {
      x = b[q++]!;
      length |= (x & 0x7f) << shift;
      shift += 7;
      if (x < 0x80) break;
    }
    if (x >= 0x80 || length > end - q) break;
    memory[i] = 0;
    offsetAt[i] = p + 1;
    constOffset[i] = value >>> 0;
    start[i] = q;
    lengths[i] = length;
    p = q + length;
  }
  table.count = i;
  r.pos = p;
  return done;
}

function dataTable(m: WasmModule): DataSegmentTable {
  const table = m.dataSegments;
  if (table === undefined) throw new Error('BUG: decoding data segments into a module without a segment table');
  return table;
}

/** One entry of the data section (decodeModuleInSteps reads them a few at a time). */
export function readDataEntry(r: BinaryReader, m: WasmModule): void {
  const at = r.pos;
  const flags = r.readVarU32();
  let memory = 0;
  let offsetAt = -1;
  let constOffset: number | undefined;
  switch (flags) {
    case 0:
      offsetAt = r.pos;
      constOffset = readLoneI32Const(r);
      if (constOffset === undefined) checkConstExpr(r);
      break;
    case 1:
      break;
    case 2:
      memory = r.readVarU32();
      offsetAt = r.pos;
      constOffset = readLoneI32Const(r);
      if (constOffset === undefined) checkConstExpr(r);
      break;
    default:
      r.fail('malformed data segment kind', at);
  }
  const length = r.readCount();
  const start = r.pos;
  r.skip(length);
  dataTable(m).push(memory, offsetAt, constOffset, start, length);
}


/** Steps over the data segments of a valid module, counting them (code generation only counts them). */
function skipDataSection(r: BinaryReader, m: WasmModule): void {
  const n = r.readCount();
  for (let i = 0; i < n; i++) {
    const flags = r.readVarU32();
    if (flags === 2) r.readVarU32(); // memory index
    if (flags !== 1) skipConstExpr(r);
    r.skip(r.readCount());
    dataTable(m).push(0, -1, undefined, 0, 0); // counted as an empty passive segment
  }
}

/** Steps over a constant expression (of a valid module) up to and including its `end`. */
function skipConstExpr(r: BinaryReader): void {
  for (;;) {
    const at = r.pos;
    const op = r.readU8();
    if (op === Op.End) return;
    readImmediates(r, op, at);
  }
}

function readTableType(r: BinaryReader): TableType {
  const elemType = r.readRefType();
  return { elemType, limits: readLimits(r, true) };
}

function readLimits(r: BinaryReader, wide = false): Limits {
  // The flag is a one-bit LEB128 number, hence the LEB-style error texts.
  const at = r.pos;
  const flag = r.readU8();
  if (wide && (flag === 4 || flag === 5) && r.features.memory64 === true) return readLimits64(r, flag === 5);
  if ((flag & 0x7f) > 1) {
    const feature = limitsFlagsFeature(flag);
    if (feature !== undefined) throw new UnsupportedFeatureError(feature, 'integer too large', at, r.funcIndex);
    r.fail('integer too large', at);
  }
  if (flag & 0x80) r.fail('integer representation too long', r.pos);
  const min = r.readVarU32();
  return flag === 1 ? { min, max: r.readVarU32() } : { min };
}

/** memory64 limits of a memory or table (table64): u64 sizes (see Limits for why numbers are enough). */
function readLimits64(r: BinaryReader, hasMax: boolean): Limits {
  const min = Number(r.readVarU64());
  return hasMax ? { min, max: Number(r.readVarU64()), address64: true } : { min, address64: true };
}

function readGlobalType(r: BinaryReader): GlobalType {
  const type = r.readValType();
  const at = r.pos;
  const mut = r.readU8();
  if (mut > 1) r.fail('malformed mutability', at);
  return { type, mutable: mut === 1 };
}
