// The metadata that travels with a module's machine code between threads: everything a
// Module needs besides the code pages themselves, as one byte string that module-share.ts
// registers with the code in the add-on's registry (native/src/code_share.c):
//
//   u32 MAGIC, u32 VERSION, u32 header length H, H bytes of JSON (ArtifactHeader),
//   zero padding to a multiple of 4, then
//   i32 funcOffsets[numFuncs], i32 funcEnds[numFuncs], i32 typeIdSites[2 * sites],
//   u32 offset-map code[mapEntries], u32 offset-map wasm[mapEntries],
//   u8 module bytes[bytesLength] (absent when the adopting thread has them already).
//
// A thread that adopts the module reads it part by part out of the registry (readArtifact):
// the header and function offsets at once, the module bytes when it has none, the offset
// map (the largest part: ~27 MB for @swc/wasm, which only trap backtraces read) when first
// needed. It decodes the module bytes again rather than receiving the decoded module:
// decoding the sections costs ~15 ms for @swc/wasm's 18 MB, against seconds of compile.
//
// It is only ever read back from the registry, i.e. it was written by encodeArtifact on
// some thread of this process: it is trusted like the code. It is still checked for shape,
// so that a bug here is an Error, not a wild read.
import type { OffsetMap } from '@wasmjit/codegen';
import type { CodeSettings } from '../module.js';

const MAGIC = 0x414d4a57; // "WJMA"
const VERSION = 2;
const PREFIX = 12;

interface ArtifactHeader {
  settings: CodeSettings;
  numFuncs: number;
  /** Signature-id sites (pairs in typeIdSites); -1 when the code came without them. */
  sites: number;
  mapEntries: number;
  /** 0 when the bytes were left out. */
  bytesLength: number;
  bytesIncluded: boolean;
  /** Lazy compilation's region (lazy-code.ts): funcOffsets are the jump slots. */
  lazy?: boolean;
}

export interface ArtifactSource {
  readonly settings: CodeSettings;
  readonly funcOffsets: readonly number[];
  readonly funcEnds: readonly number[];
  /** CompiledCode.typeIdSites (what Module.serialize needs), if known. */
  readonly typeIdSites?: Int32Array | null;
  readonly offsetMap: OffsetMap;
  /** The module's bytes, or null to leave them out (the adopting thread has them). */
  readonly bytes: Uint8Array | null;
  /** The code is a lazy region (lazy-code.ts), compiled further by whichever thread calls. */
  readonly lazy?: boolean;
}

/**
 * The artifact as the parts the registry concatenates (native shareCode): no part of it is
 * copied on this thread, the large arrays go as they are.
 */
export function encodeArtifact(a: ArtifactSource): ArrayBufferView[] {
  const bytes = a.bytes ?? new Uint8Array(0);
  const header: ArtifactHeader = {
    settings: a.settings,
    numFuncs: a.funcOffsets.length,
    sites: a.typeIdSites == null ? -1 : a.typeIdSites.length / 2,
    mapEntries: a.offsetMap.code.length,
    bytesLength: bytes.length,
    bytesIncluded: a.bytes !== null,
    lazy: a.lazy === true,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(align4(PREFIX + json.length));
  const view = new DataView(head.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  head.set(json, PREFIX);
  if (a.offsetMap.wasm.length !== header.mapEntries || a.funcEnds.length !== header.numFuncs) throw new Error('BUG: inconsistent compiled code');
  const sites = a.typeIdSites ?? new Int32Array(0);
  return [head, Int32Array.from(a.funcOffsets), Int32Array.from(a.funcEnds), sites, a.offsetMap.code, a.offsetMap.wasm, bytes];
}

/** An artifact being read out of the registry: the small parts read, the large ones on demand. */
export interface ArtifactReader {
  readonly settings: CodeSettings;
  readonly funcOffsets: number[];
  readonly funcEnds: number[];
  readonly typeIdSites: Int32Array | null;
  readonly bytesIncluded: boolean;
  readonly lazy: boolean;
  /** A copy of the module bytes (only when bytesIncluded). */
  readBytes(): Uint8Array;
  /** A copy of the offset map. */
  readOffsetMap(): OffsetMap;
}

/** `read(offset, length)` copies part of an artifact of `total` bytes. */
export function readArtifact(read: (offset: number, length: number) => ArrayBuffer, total: number): ArtifactReader {
  const bad = (why: string) => new Error(`BUG: malformed module artifact (${why})`);
  if (total < PREFIX) throw bad('too short');
  const prefix = new DataView(read(0, PREFIX));
  if (prefix.getUint32(0, true) !== MAGIC || prefix.getUint32(4, true) !== VERSION) throw bad('magic or version');
  const jsonLength = prefix.getUint32(8, true);
  if (PREFIX + jsonLength > total) throw bad('header length');
  const header = JSON.parse(new TextDecoder().decode(read(PREFIX, jsonLength))) as ArtifactHeader;
  const { numFuncs: n, mapEntries: m, bytesLength } = header;
  const start = align4(PREFIX + jsonLength);
  const s = header.sites === -1 ? 0 : header.sites;
  if (![n, s, m, bytesLength].every((x) => Number.isSafeInteger(x) && x >= 0) || start + 8 * n + 8 * s + 8 * m + bytesLength !== total) {
    throw bad('sizes');
  }
  const funcs = new Int32Array(read(start, 8 * n + 8 * s));
  const mapStart = start + 8 * n + 8 * s;
  return {
    settings: header.settings,
    funcOffsets: Array.from(funcs.subarray(0, n)),
    funcEnds: Array.from(funcs.subarray(n, 2 * n)),
    typeIdSites: header.sites === -1 ? null : funcs.slice(2 * n),
    bytesIncluded: header.bytesIncluded === true,
    lazy: header.lazy === true,
    readBytes: () => new Uint8Array(read(mapStart + 8 * m, bytesLength)),
    readOffsetMap: () => {
      const map = new Uint32Array(read(mapStart, 8 * m));
      return { code: map.subarray(0, m), wasm: map.subarray(m) };
    },
  };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
