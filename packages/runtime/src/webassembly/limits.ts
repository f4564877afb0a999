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
  let pos = 8;
  const leb = (): number | undefined => {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= bytes.length) return undefined;
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    return undefined;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = leb();
    if (size === undefined) return;
    const end = pos + size;
    const counted = COUNTED_SECTIONS.get(id);
    if (counted) {
      const n = leb();
      if (n === undefined) return;
      over(counted[0], n, counted[1]);
    }
    pos = end;
  }
}

/** Throws the decoder's CompileError (converted by the caller) for the first limit exceeded. */
export function checkEmbeddingLimits(moduleSize: number, m: WasmModule): void {
  const L = EMBEDDING_LIMITS;
  over('module size in bytes', moduleSize, L.moduleSize);
  over('types', m.types.length, L.types);
  over('functions', m.funcs.length, L.functions);
  over('imports', m.imports.length, L.imports);
  over('exports', m.exports.length, L.exports);
  over('globals', m.importedGlobals.length + m.globals.length, L.globals);
  over('data segments', dataSegmentCount(m), L.dataSegments);
  over('tables', m.tables.length, L.tables);
  over('memories', m.memories.length, L.memories);
  over('element segments', m.elems.length, L.elementSegments);
  for (const t of m.types) {
    over('function parameters', t.params.length, L.functionParams);
    over('function results', t.results.length, L.functionReturns);
  }
  m.codes.forEach((body, i) => {
    const params = m.types[m.funcs[m.numImportedFuncs + i]!]!.params.length;
    over(`function ${m.numImportedFuncs + i}: parameters and locals`, params + body.numLocals, L.functionLocals);
    over(`function ${m.numImportedFuncs + i}: body size in bytes`, bodySize(body.offset, body.bodyEnd), L.functionSize);
  });
}

/** The body's size field: what follows that field's own LEB128 bytes up to the body's end. */
function bodySize(entryStart: number, end: number): number {
  const total = end - entryStart;
  for (let lebBytes = 1; lebBytes <= 5; lebBytes++) {
    const size = total - lebBytes;
    if (size < 2 ** (7 * lebBytes)) return size;
  }
  return total;
}
