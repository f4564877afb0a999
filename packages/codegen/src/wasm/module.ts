// The top level of the binary decoder: header, section framing and ordering, and the checks
// that relate sections to each other. The contents of each section are decoded in
// sections.ts; function bodies are recorded, and checked by the validator (see decodeModule).

import { CompileError } from '../errors.js';
import { BinaryReader, type DecodeOptions } from './reader.js';
import { emptyNames, parseNameSection } from './names.js';
import { malformedBodyError } from '../validate/body-precedence.js';
import {
  readCodeEntry,
  readDataEntry,
  readCodeSection,
  readDataCountSection,
  readTagSection,
  readDataSection,
  readElementSection,
  readExportSection,
  readFunctionSection,
  readGlobalSection,
  readImportSection,
  readMemorySection,
  readStartSection,
  readTableSection,
  readTypeSection,
} from './sections.js';
import { ValType, type BlockType, type FuncType, type GlobalType, type WasmModule } from './types.js';
import { DataSegmentTable, attachDataSegments, dataSegmentCount } from './data-segments.js';

const WASM_MAGIC = 0x6d736100; // "\0asm" read as a little-endian u32
const WASM_VERSION = 1;

/**
 * The sections decodeModuleInSteps reads entry by entry, yielding in between: those large
 * modules have tens of thousands of entries in (function bodies; Go's data segments).
 */
const STEPPED_ENTRY_READERS: Partial<Record<number, (r: BinaryReader, m: WasmModule) => void>> = {
  10: readCodeEntry,
  11: readDataEntry,
};

/** Section id 12 (data count) sits between element (9) and code (10); index = section id. */
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6];
/** The tag section (exception handling), ranked between memory (5) and global (6). */
const TAG_SECTION = 13;

const SECTION_READERS: ((r: BinaryReader, m: WasmModule) => void)[] = [
  () => {
    throw new Error('BUG: custom sections are handled by the section loop');
  },
  readTypeSection,
  readImportSection,
  readFunctionSection,
  readTableSection,
  readMemorySection,
  readGlobalSection,
  readExportSection,
  readStartSection,
  readElementSection,
  readCodeSection,
  readDataSection,
  readDataCountSection,
  readTagSection,
];

/**
 * Decodes a module. Function bodies are recorded (their locals decoded), not scanned:
 * validateModule checks their encoding in the same pass as their types and reports what
 * the reference interpreter would (a malformed body wins over any validation error). A
 * decoding error found here after some bodies is reported only when none of those bodies is
 * malformed (else that body's error is), so the errors decodeModule + validateModule report
 * are those of a decoder that scans every body in order.
 */
export function decodeModule(bytes: Uint8Array, options: DecodeOptions = {}): WasmModule {
  const sink: DecodeSink = { module: undefined };
  try {
    return decode(bytes, options, false, sink);
  } catch (e) {
    const m = sink.module;
    if (e instanceof CompileError && m !== undefined) throw malformedBodyError(m, 0, m.codes.length) ?? e;
    throw e;
  }
}

/** Where decodeSteps leaves the module under construction (for decodeModule's error path). */
interface DecodeSink {
  module: WasmModule | undefined;
}

/**
 * decodeModule without its error precedence: for a caller that validates each body before
 * using it (validateFunctions rejects malformed bodies too), e.g. on the thread that
 * compiles it (compileModule). Any error decodeModule + validateModule would report is then
 * reported here or by that validation, but which one they would report first is for the
 * caller to find out (compileModule re-runs the sequential pipeline on any error).
 */
export function decodeModuleDeferringBodies(bytes: Uint8Array, options: DecodeOptions = {}): WasmModule {
  return decode(bytes, options, false);
}

/**
 * Decodes again a module that has already been decoded (and its structure validated) on
 * another thread, for body checks and code generation on this one (a compile worker):
 * function bodies are not scanned (the chunks that use them do that), and data segments
 * are counted but not decoded (each is an empty passive segment). Everything body
 * validation and code generation read is as decodeModule would give it, with the features
 * the module was first decoded with (by default all).
 */
export function redecodeModule(bytes: Uint8Array, features: DecodeOptions = ALL_FEATURES): WasmModule {
  // The structure was accepted; the features still decide what a body may contain.
  return decode(bytes, features, true);
}

const ALL_FEATURES: DecodeOptions = Object.freeze({ extendedConst: true, exceptions: true, multiMemory: true, memory64: true });

/**
 * Decodes again bytes that this compiler accepted before with `options` (a code cache hit:
 * the SHA-256 of the bytes is part of the entry's key, and the entry holds their compiled
 * code), deferring the largest sections: `codes`, `elems` and `names` are decoded when first
 * read (a backtrace, an instantiation), not here. (Data segments go into their table of
 * numbers, wasm/data-segments.ts, which is cheap.) A hit of esbuild.wasm otherwise spends
 * most of its time decoding 98,000 data segments and 5,300 function headers that it may
 * never need at that point. Errors are not expected (the bytes were accepted); one found
 * late is thrown where the field is read.
 */
export function decodeAcceptedModule(bytes: Uint8Array, options: DecodeOptions = {}): WasmModule {
  const steps = decodeSteps(bytes, options, false, 0, undefined, true);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Sections decodeAcceptedModule leaves for later, by id: the field each one fills. */
const DEFERRED_SECTIONS: Partial<Record<number, DeferredField>> = { 9: 'elems', 10: 'codes' };

// Not the data section: it decodes into a table of numbers (data-segments.ts), which costs
// little, and which instantiation reads.
type DeferredField = 'elems' | 'codes';

/**
 * Makes `field` of `m` a getter that decodes section content [start, end) on first read,
 * then becomes a plain property.
 */
function deferSection(m: WasmModule, field: DeferredField, id: number, start: number, end: number, features: DecodeOptions): void {
  Object.defineProperty(m, field, {
    configurable: true,
    enumerable: true,
    get() {
      const r = new BinaryReader(m.bytes, start, end);
      r.features = features;
      // The section readers only push to their own field.
      const into = { [field]: [] } as unknown as WasmModule;
      SECTION_READERS[id]!(r, into);
      if (r.pos !== end) r.fail('section size mismatch', start);
      const value = into[field];
      Object.defineProperty(m, field, { configurable: true, enumerable: true, writable: true, value });
      return value;
    },
    set(value) {
      Object.defineProperty(m, field, { configurable: true, enumerable: true, writable: true, value });
    },
  });
}

function deferNames(m: WasmModule, start: number, end: number): void {
  Object.defineProperty(m, 'names', {
    configurable: true,
    enumerable: true,
    get() {
      const value = parseNameSection(m.bytes, start, end) ?? emptyNames();
      Object.defineProperty(m, 'names', { configurable: true, enumerable: true, writable: true, value });
      return value;
    },
    set(value) {
      Object.defineProperty(m, 'names', { configurable: true, enumerable: true, writable: true, value });
    },
  });
}

/**
 * decodeModuleDeferringBodies in steps, for a caller that must not block its thread for
 * long (an asynchronous compile adopting code compiled on a worker): the generator yields
 * between sections and after every `entriesPerStep` entries of the code and data sections
 * (see STEPPED_ENTRY_READERS).
 */
export function* decodeModuleInSteps(bytes: Uint8Array, options: DecodeOptions, entriesPerStep: number): Generator<void, WasmModule, void> {
  return yield* decodeSteps(bytes, options, false, Math.max(1, entriesPerStep));
}

function decode(
  bytes: Uint8Array, options: DecodeOptions, skipDataContents: boolean, sink?: DecodeSink,
): WasmModule {
  const steps = decodeSteps(bytes, options, skipDataContents, 0, sink);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The decoder; it yields (see decodeModuleInSteps) only when entriesPerStep > 0. */
function* decodeSteps(
  bytes: Uint8Array, options: DecodeOptions, skipDataContents: boolean, entriesPerStep: number,
  sink?: DecodeSink, deferLarge = false,
): Generator<void, WasmModule, void> {
  if (bytes.length < 4) throw new CompileError('unexpected end', bytes.length);
  const r = new BinaryReader(bytes);
  r.features = options;
  r.skipDataContents = skipDataContents;
  if (r.readU32LE() !== WASM_MAGIC) throw new CompileError('magic header not detected', 0);
  if (bytes.length < 8) throw new CompileError('unexpected end', bytes.length);
  if (r.readU32LE() !== WASM_VERSION) throw new CompileError('unknown binary version', 4);

  const m = {
    bytes,
    types: [],
    imports: [],
    funcs: [],
    numImportedFuncs: 0,
    numImportedTables: 0,
    numImportedMemories: 0,
    numImportedGlobals: 0,
    tables: [],
    memories: [],
    globals: [],
    importedGlobals: [],
    tags: [],
    numImportedTags: 0,
    exports: [],
    elems: [],
    codes: [],
    names: emptyNames(),
    customSections: [],
  } as Omit<WasmModule, 'datas'> as WasmModule;
  attachDataSegments(m, new DataSegmentTable(bytes, 0));
  // Validation reads the features too (e.g. which globals a constant expression may read);
  // not enumerable, so that modules still compare by their contents.
  Object.defineProperty(m, 'features', { value: options, enumerable: false, configurable: true, writable: true });
  if (sink) sink.module = m;

  let lastRank = 0;
  let sawNames = false;
  while (!r.eof()) {
    const sectionStart = r.pos;
    const id = r.readU8();
    if (id >= SECTION_RANK.length || (id === TAG_SECTION && !options.exceptions)) r.fail('malformed section id', sectionStart);
    const size = r.readCount();
    const contentStart = r.pos;
    const contentEnd = contentStart + size;
    // readCount bounds a length by the bytes left counting its own LEB (as the reference
    // interpreter does), so a size can still overrun the module by that LEB's length.
    if (contentEnd > bytes.length) r.fail('length out of bounds', sectionStart + 1);

    if (id === 0) {
      // Custom sections are opaque, so unlike the others they are read with a bound.
      const sub = new BinaryReader(bytes, contentStart, contentEnd);
      const name = sub.readName();
      m.customSections.push({ name, offset: sub.pos, size: contentEnd - sub.pos });
      if (name === 'name' && !sawNames) {
        sawNames = true;
        if (deferLarge) deferNames(m, sub.pos, contentEnd);
        else m.names = parseNameSection(bytes, sub.pos, contentEnd) ?? emptyNames();
      }
      r.pos = contentEnd;
      continue;
    }

    // Each known section appears at most once, in a fixed order.
    const rank = SECTION_RANK[id]!;
    if (rank <= lastRank) r.fail('unexpected content after last section', sectionStart);
    lastRank = rank;
    (m.sectionOffsets ??= [])[id] = contentStart;
    const readEntry = entriesPerStep > 0 ? STEPPED_ENTRY_READERS[id] : undefined;
    const deferred = deferLarge ? DEFERRED_SECTIONS[id] : undefined;
    if (deferred !== undefined) {
      deferSection(m, deferred, id, contentStart, contentEnd, options);
      r.pos = contentEnd;
    } else if (readEntry !== undefined) {
      const n = r.readCount();
      for (let i = 0; i < n; i++) {
        if (i > 0 && i % entriesPerStep === 0) yield;
        readEntry(r, m);
      }
    } else {
      SECTION_READERS[id]!(r, m);
    }
    if (r.pos !== contentEnd) r.fail('section size mismatch', contentStart);
    if (entriesPerStep > 0) yield;
  }

  // Accepted before (decodeAcceptedModule): the deferred sections are not read for these checks.
  if (deferLarge) return m;
  if (m.funcs.length - m.numImportedFuncs !== m.codes.length) {
    r.fail('function and code section have inconsistent lengths');
  }
  if (m.dataCount !== undefined && m.dataCount !== dataSegmentCount(m)) {
    r.fail('data count and data section have inconsistent lengths');
  }
  return m;
}

/** The type of function funcIndex (imported or defined). The index must be valid. */
export function funcType(m: WasmModule, funcIndex: number): FuncType {
  const t = m.types[m.funcs[funcIndex] ?? -1];
  if (!t) throw new Error(`BUG: no type for function ${funcIndex}`);
  return t;
}

/** The type of global globalIndex: imported globals first, then defined ones. */
export function globalType(m: WasmModule, globalIndex: number): GlobalType {
  const t =
    globalIndex < m.numImportedGlobals
      ? m.importedGlobals[globalIndex]
      : m.globals[globalIndex - m.numImportedGlobals]?.type;
  if (!t) throw new Error(`BUG: no global ${globalIndex}`);
  return t;
}

function frozenSignature(params: ValType[], results: ValType[]): FuncType {
  return Object.freeze({ params: Object.freeze(params) as ValType[], results: Object.freeze(results) as ValType[] });
}

const EMPTY_SIGNATURE = frozenSignature([], []);
/** Indexed by the value type's byte. */
const VALUE_SIGNATURES: FuncType[] = [];
for (const t of [ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128, ValType.FuncRef, ValType.ExternRef, ValType.ExnRef]) {
  VALUE_SIGNATURES[t] = frozenSignature([], [t]);
}

/**
 * The [params] → [results] of a block. Signatures of value-typed and empty blocks are shared
 * frozen objects, so callers must not mutate the result.
 */
export function blockSignature(m: WasmModule, bt: BlockType): FuncType {
  switch (bt.kind) {
    case 'empty':
      return EMPTY_SIGNATURE;
    case 'value': {
      // A typed reference is a pointer like funcref for the compiler (wasm/ref-types.ts).
      const sig = VALUE_SIGNATURES[bt.type > 0xff ? bt.type & 0xff : bt.type];
      if (!sig) throw new Error(`BUG: block type ${bt.type} is no value type`);
      return sig;
    }
    case 'func': {
      const t = m.types[bt.typeIndex];
      if (!t) throw new Error(`BUG: block type ${bt.typeIndex} out of range`);
      return t;
    }
  }
}
