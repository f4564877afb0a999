// Placing compiled chunks (chunk-compiler.ts) one after another, in function index order:
// the module's code is their concatenation, with every call's rel32 patched to its callee's
// final offset. The result is byte for byte what one sequential pass would have produced.
import type { CodeChunk } from './chunk-compiler.js';
import type { CompiledCode } from './module-compiler.js';
import { OffsetMapBuilder } from './offset-map.js';

/** `chunks` cover the function index space 0..numFuncs-1 in order, without gaps. */
export function linkChunks(chunks: readonly CodeChunk[], numFuncs: number): CompiledCode {
  const funcOffsets: number[] = new Array<number>(numFuncs);
  const funcEnds: number[] = new Array<number>(numFuncs);
  const bases: number[] = [];
  let total = 0;
  let next = 0;
  for (const c of chunks) {
    if (c.from !== next) throw new Error(`BUG: chunk starts at function ${c.from}, expected ${next}`);
    next = c.to;
    bases.push(total);
    for (let i = c.from; i < c.to; i++) {
      funcOffsets[i] = total + c.starts[i - c.from]!;
      funcEnds[i] = total + c.ends[i - c.from]!;
    }
    total += c.code.length;
  }
  if (next !== numFuncs) throw new Error(`BUG: chunks end at function ${next} of ${numFuncs}`);

  // One chunk (the sequential compile) is patched where it is; several are copied together.
  let code: Uint8Array;
  if (chunks.length === 1) code = chunks[0]!.code;
  else {
    code = new Uint8Array(total);
    chunks.forEach((c, k) => code.set(c.code, bases[k]!));
  }
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  chunks.forEach((c, k) => {
    const base = bases[k]!;
    const relocs = c.relocs;
    for (let j = 0; j < relocs.length; j += 2) {
      const site = base + relocs[j]!;
      const target = funcOffsets[relocs[j + 1]!];
      if (target === undefined) throw new Error(`BUG: call to function ${relocs[j + 1]} outside the module`);
      view.setInt32(site, target - (site + 4), true);
    }
  });
  // One chunk's code stays a view of its assembler's buffer: the buffer's capacity past the
  // code was never written, so it costs address space, not memory, while a trimmed copy
  // would hold the code twice until the next garbage collection (peak RSS).

  return {
    code,
    funcOffsets,
    funcEnds,
    comments: mergeComments(chunks, bases),
    opOffsets: mergeOpOffsets(chunks, bases),
    offsetMap: mergeOffsetMaps(chunks, bases),
    typeIdSites: mergeTypeIdSites(chunks, bases),
  };
}

function mergeTypeIdSites(chunks: readonly CodeChunk[], bases: number[]): Int32Array {
  if (chunks.length === 1) return chunks[0]!.typeIdSites;
  let n = 0;
  for (const c of chunks) n += c.typeIdSites.length;
  const out = new Int32Array(n);
  let at = 0;
  chunks.forEach((c, k) => {
    const sites = c.typeIdSites;
    for (let j = 0; j < sites.length; j += 2) {
      out[at++] = bases[k]! + sites[j]!;
      out[at++] = sites[j + 1]!;
    }
  });
  return out;
}

function mergeComments(chunks: readonly CodeChunk[], bases: number[]): { offset: number; text: string }[] {
  if (chunks.length === 1) return chunks[0]!.comments;
  const out: { offset: number; text: string }[] = [];
  chunks.forEach((c, k) => {
    for (const { offset, text } of c.comments) out.push({ offset: bases[k]! + offset, text });
  });
  return out;
}

function mergeOpOffsets(chunks: readonly CodeChunk[], bases: number[]): number[] | null {
  if (chunks[0]!.opOffsets === null) return null;
  if (chunks.length === 1) return chunks[0]!.opOffsets;
  const out: number[] = [];
  chunks.forEach((c, k) => {
    const pairs = c.opOffsets!;
    for (let j = 0; j < pairs.length; j += 2) out.push(pairs[j]!, bases[k]! + pairs[j + 1]!);
  });
  return out;
}

function mergeOffsetMaps(chunks: readonly CodeChunk[], bases: number[]) {
  if (chunks.length === 1) return { code: chunks[0]!.mapCode, wasm: chunks[0]!.mapWasm };
  let n = 0;
  for (const c of chunks) n += c.mapCode.length;
  const b = new OffsetMapBuilder(n);
  chunks.forEach((c, k) => b.append(c.mapCode, c.mapWasm, bases[k]!));
  return b.finish();
}
