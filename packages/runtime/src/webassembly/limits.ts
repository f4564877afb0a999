// The JS API's implementation-defined limits (JS API spec, "Implementation-defined Limits";
// the values V8 uses and js-api/limits.any.js tests): a module beyond one of them is a
// CompileError from validate/compile/Module, whatever the core spec would allow.
import { CompileError, dataSegmentCount, type WasmModule } from '@wasmjit/codegen';

export const EMBEDDING_LIMITS = {
  moduleSize: 1024 * 1024 * 1024,
  types: 1_000_000,
  functions: 1_000_000,
  imports: 1_000_000,
  exports: 1_000_000,
  globals: 1_000_000,
  dataSegments: 100_000,
  tables: 100_000,
  memories: 1,
  elementSegments: 10_000_000,
  functionSize: 7_654_321,
  /** Parameters and declared locals together. */
  functionLocals: 50_000,
  functionParams: 1000,
  functionReturns: 1000,
} as const;

/** Vector sections whose entry count alone can exceed a limit: section id -> limit. */
const COUNTED_SECTIONS: ReadonlyMap<number, [string, number]> = new Map([
  [1, ['types', EMBEDDING_LIMITS.types]],
  [2, ['imports', EMBEDDING_LIMITS.imports]],
  [3, ['functions', EMBEDDING_LIMITS.functions]],
  [4, ['tables', EMBEDDING_LIMITS.tables]],
  [6, ['globals', EMBEDDING_LIMITS.globals]],
  [7, ['exports', EMBEDDING_LIMITS.exports]],
  [9, ['element segments', EMBEDDING_LIMITS.elementSegments]],
  [11, ['data segments', EMBEDDING_LIMITS.dataSegments]],
]);

function over(what: string, n: number, max: number): void {
  if (n > max) throw new CompileError(`${what}: ${n} exceeds the limit of ${max}`);
}

/**
 * The limits that can be checked from the section headers alone, before anything is
 * decoded: an oversized module fails at once instead of after decoding (and compiling)
 * a million entries. Stops quietly at anything malformed; the decoder reports that.
 */
export function checkEmbeddingLimitsEarly(bytes: Uint8Array): void {
  over('module size in bytes', bytes.length, EMBEDDING_LIMITS.moduleSize);
  const r = new SectionScanner(bytes);
  for (let id = r.next(); id !== -1; id = r.next()) {
    const counted = COUNTED_SECTIONS.get(id);
    if (counted) {
      const n = r.leb();
      if (n === undefined) return;
      over(counted[0], n, counted[1]);
    }
    if (id === 10) {
      // Each body's size, which is all its entry's header says before the body.
      const n = r.leb();
      for (let i = 0; n !== undefined && i < n && r.pos < r.sectionEnd; i++) {
        const size = r.leb();
        if (size === undefined) return;
        over(`function body ${i}: size in bytes`, size, EMBEDDING_LIMITS.functionSize);
        r.pos += size;
      }
    }
  }
}

/**
 * Throws the decoder's CompileError (converted by the caller) for the first limit exceeded,
 * for a module the decoder accepted from `bytes` (and checkEmbeddingLimitsEarly passed). The
 * locals of the function bodies are read from the bytes (checkLocals), not from `m`: a code
 * cache hit decodes its element and code sections only when first used (decodeAcceptedModule), and reading
 * `m.codes` and `m.elems` here forced them (72 ms of a 376 ms hit of esbuild.wasm).
 */
export function checkEmbeddingLimits(bytes: Uint8Array, m: WasmModule): void {
  const L = EMBEDDING_LIMITS;
  over('module size in bytes', bytes.length, L.moduleSize);
  over('types', m.types.length, L.types);
  over('functions', m.funcs.length, L.functions);
  over('imports', m.imports.length, L.imports);
  over('exports', m.exports.length, L.exports);
  over('globals', m.importedGlobals.length + m.globals.length, L.globals);
  over('data segments', dataSegmentCount(m), L.dataSegments);
  over('tables', m.tables.length, L.tables);
  over('memories', m.memories.length, L.memories);
  for (const t of m.types) {
    over('function parameters', t.params.length, L.functionParams);
    over('function results', t.results.length, L.functionReturns);
  }
  // The element count and the body sizes: checkEmbeddingLimitsEarly, which ran before.
  const sections = new SectionScanner(bytes);
  for (let id = sections.next(); id !== -1; id = sections.next()) {
    if (id === 10) checkLocals(sections, m);
  }
}

/** Every body's locals with its parameters, read from the code section at `r` (accepted bytes: no number is missing). */
function checkLocals(r: SectionScanner, m: WasmModule): void {
  const L = EMBEDDING_LIMITS;
  const num = () => r.leb() ?? 0;
  const n = num();
  for (let i = 0; i < n; i++) {
    const index = m.numImportedFuncs + i;
    const size = num();
    const end = r.pos + size;
    let locals = m.types[m.funcs[index]!]!.params.length;
    const groups = num();
    for (let g = 0; g < groups; g++) {
      locals += num();
      // A value type is one byte, but (ref null ht) and (ref ht) are followed by a heap type.
      const type = r.byte();
      if (type === 0x63 || type === 0x64) num();
    }
    over(`function ${index}: parameters and locals`, locals, L.functionLocals);
    r.pos = end;
  }
}

/**
 * Section ids and LEB128 numbers of module bytes, for both checks: any bytes for the early one
 * (a number cut off by the end is undefined, and the walk ends at a section past the end),
 * accepted ones for the other.
 */
class SectionScanner {
  pos = 8;
  sectionEnd = 8;

  constructor(private readonly bytes: Uint8Array) {}

  /** Moves to the next section and gives its id, or -1 at the end (or at a size cut off). */
  next(): number {
    this.pos = this.sectionEnd;
    if (this.pos >= this.bytes.length) return -1;
    const id = this.bytes[this.pos++]!;
    const size = this.leb();
    if (size === undefined) return -1;
    this.sectionEnd = this.pos + size;
    return id;
  }

  byte(): number {
    return this.bytes[this.pos++]!;
  }

  /** An unsigned LEB128 of at most 5 bytes (a signed one's bytes are skipped just as well). */
  leb(): number | undefined {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.bytes.length) return undefined;
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    return undefined;
  }
}
