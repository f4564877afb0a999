// The decoded form of a WebAssembly module (Wasm 2.0 plus extended-const). Function
// bodies are NOT decoded into instruction objects: the decoder checks that they are well
// formed and records their byte ranges, and later passes read the bytes directly, which is
// cheaper than building an AST the compiler would only walk once.

import type { DataSegmentTable } from './data-segments.js';
import type { DecodeOptions } from './reader.js';

/** Value types, valued by their binary encoding so a decoded byte is its own enum value. */
export const enum ValType {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
  /** Exception handling: a caught exception (docs/exceptions.md). */
  ExnRef = 0x69,
}

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export type BlockType =
  | { kind: 'empty' }
  | { kind: 'value'; type: ValType }
  | { kind: 'func'; typeIndex: number };

/**
 * Sizes are in pages (memories) or elements (tables). They fit in u32, except for a 64-bit
 * memory (memory64), whose u64 sizes are kept as numbers: exact up to 2^53, and validation
 * refuses anything above 2^48 pages anyway.
 */
export interface Limits {
  min: number;
  max?: number;
  /** memory64: a memory addressed by i64 (limits flags 4 and 5). */
  address64?: boolean;
}

export interface TableType {
  elemType: ValType;
  limits: Limits;
  /** Typed function references: the value every element starts with (else null). */
  init?: ConstExpr;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export type ImportDesc =
  | { kind: 'func'; typeIndex: number }
  | { kind: 'table'; type: TableType }
  | { kind: 'memory'; type: Limits }
  | { kind: 'global'; type: GlobalType }
  /** Exception handling: a tag of function type typeIndex (its params are the payload). */
  | { kind: 'tag'; typeIndex: number };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

/** One instruction of a constant expression; the last group is the extended-const proposal. */
export type ConstInstr =
  | { op: 'i32.const'; value: number }
  | { op: 'i64.const'; value: bigint }
  | { op: 'f32.const'; bits: number }
  | { op: 'f64.const'; bits: bigint }
  | { op: 'ref.null'; type: ValType }
  | { op: 'ref.func'; index: number }
  | { op: 'global.get'; index: number }
  /** 16 bytes, little-endian lane order (validated only with SIMD; see ValidateOptions). */
  | { op: 'v128.const'; bytes: Uint8Array }
  | { op: 'i32.add' | 'i32.sub' | 'i32.mul' | 'i64.add' | 'i64.sub' | 'i64.mul' };

/** instrs excludes the terminating `end`; offset is the byte offset of the first instruction. */
export interface ConstExpr {
  instrs: ConstInstr[];
  offset: number;
}

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

/**
 * table and offset are meaningful for active segments only (table is 0 otherwise). Segments
 * encoded as a vector of function indices are normalised to one `ref.func` expression each.
 */
export interface ElemSegment {
  mode: 'active' | 'passive' | 'declarative';
  table: number;
  offset?: ConstExpr;
  elemType: ValType;
  init: ConstExpr[];
}

export interface DataSegment {
  mode: 'active' | 'passive';
  memory: number;
  offset?: ConstExpr;
  /**
   * The offset as a u32 when its expression is a lone `i32.const` (as toolchains emit), so
   * validation and instantiation need not build the expression; undefined otherwise.
   */
  constOffset?: number;
  /** A view into the module's bytes, not a copy. */
  bytes: Uint8Array;
}

export interface FunctionBody {
  localGroups: { count: number; type: ValType }[];
  /** Number of declared locals, excluding parameters. */
  numLocals: number;
  /** Byte range of the instruction sequence, including the final 0x0b. */
  bodyStart: number;
  bodyEnd: number;
  /** Start of the body entry (its size field) in the code section. */
  offset: number;
}

export interface NameSection {
  module?: string;
  functions: Map<number, string>;
  /** Function index → (local index → name). */
  locals: Map<number, Map<number, string>>;
}

export interface CustomSection {
  name: string;
  /** Byte offset and size of the payload that follows the section's name. */
  offset: number;
  size: number;
}

export interface WasmModule {
  bytes: Uint8Array;
  types: FuncType[];
  imports: Import[];
  /** Type index of every function in the function index space: imported ones first. */
  funcs: number[];
  numImportedFuncs: number;
  numImportedTables: number;
  numImportedMemories: number;
  numImportedGlobals: number;
  /** Whole index space, imports first. */
  tables: TableType[];
  /** Whole index space, imports first. */
  memories: Limits[];
  /** Defined globals only; imported ones are in importedGlobals. */
  globals: Global[];
  importedGlobals: GlobalType[];
  /** Exception handling: the type index of every tag, imports first. */
  tags: number[];
  numImportedTags: number;
  exports: Export[];
  start?: number;
  elems: ElemSegment[];
  datas: DataSegment[];
  /**
   * The data segments as a table (set by the decoder): what validation and instantiation
   * read, where `datas` would build an object per segment (see wasm/data-segments.ts).
   */
  dataSegments?: DataSegmentTable;
  dataCount?: number;
  /** One per defined function. */
  codes: FunctionBody[];
  names: NameSection;
  customSections: CustomSection[];
  /**
   * Byte offset of each known section's contents, by section id: module-level validation
   * errors (unknown type, bad limits, ...) point there, as entries keep no offsets.
   */
  sectionOffsets?: number[];
  /**
   * The post-2.0 features the module was decoded with (set by the decoder, not enumerable;
   * see featureOn): the validator reads immediates under them and admits their operators.
   */
  features?: DecodeOptions;
}
