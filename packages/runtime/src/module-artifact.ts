// The metadata that travels with a module's machine code between threads: everything a
// Module needs besides the code pages themselves, as one byte string (module-share.ts hands
// it to the add-on's registry next to the code, native/src/code_share.c).
//
//   u32 MAGIC, u32 VERSION, u32 header length H, H bytes of JSON (ArtifactHeader),
//   zero padding to a multiple of 4, then
//   i32 funcOffsets[numFuncs], i32 funcEnds[numFuncs],
//   u32 offset-map code[mapEntries], u32 offset-map wasm[mapEntries], u8 module bytes.
//
// The receiving thread decodes the module bytes again (decoding is cheap next to compiling:
// ~15 ms for @swc/wasm's 18 MB against seconds of compile) rather than cloning the decoded
// module, and reads the arrays in place (views over the one buffer).
//
// It is only ever read back from the registry, i.e. it was written by encodeArtifact on
// some thread of this process: it is trusted like the code. It is still checked for shape,
// so that a bug here is an Error, not a wild read.
import type { OffsetMap } from '@wasmjit/codegen';
import type { CodeSettings } from './module.js';

const MAGIC = 0x414d4a57; // "WJMA"
const VERSION = 1;

interface ArtifactHeader {
  settings: CodeSettings;
  numFuncs: number;
  mapEntries: number;
  bytesLength: number;
}

export interface Artifact {
  readonly settings: CodeSettings;
  readonly funcOffsets: number[];
  readonly funcEnds: number[];
  readonly offsetMap: OffsetMap;
  /** The module's bytes (a view into the artifact buffer). */
  readonly bytes: Uint8Array;
}

export interface ArtifactSource {
  readonly settings: CodeSettings;
  readonly funcOffsets: readonly number[];
  readonly funcEnds: readonly number[];
  readonly offsetMap: OffsetMap;
  readonly bytes: Uint8Array;
}

export function encodeArtifact(a: ArtifactSource): Uint8Array {
  const header: ArtifactHeader = {
    settings: a.settings,
    numFuncs: a.funcOffsets.length,
    mapEntries: a.offsetMap.code.length,
    bytesLength: a.bytes.length,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align4(12 + json.length);
  const n = header.numFuncs;
  const m = header.mapEntries;
  const out = new Uint8Array(start + 8 * n + 8 * m + a.bytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  const words = new Int32Array(out.buffer, start, 2 * n + 2 * m);
  words.set(a.funcOffsets, 0);
  words.set(a.funcEnds, n);
  new Uint32Array(out.buffer, start + 8 * n, 2 * m).set(a.offsetMap.code, 0);
  new Uint32Array(out.buffer, start + 8 * n, 2 * m).set(a.offsetMap.wasm, m);
  out.set(a.bytes, start + 8 * n + 8 * m);
  return out;
}

export function decodeArtifact(buffer: ArrayBuffer): Artifact {
  const bad = (why: string) => new Error(`BUG: malformed module artifact (${why})`);
  if (buffer.byteLength < 12) throw bad('too short');
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) throw bad('magic or version');
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > buffer.byteLength) throw bad('header length');
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 12, jsonLength))) as ArtifactHeader;
  const { numFuncs: n, mapEntries: m, bytesLength } = header;
  const start = align4(12 + jsonLength);
  if (![n, m, bytesLength].every((x) => Number.isSafeInteger(x) && x >= 0) || start + 8 * n + 8 * m + bytesLength !== buffer.byteLength) {
    throw bad('sizes');
  }
  const words = new Int32Array(buffer, start, 2 * n);
  const map = new Uint32Array(buffer, start + 8 * n, 2 * m);
  return {
    settings: header.settings,
    funcOffsets: Array.from(words.subarray(0, n)),
    funcEnds: Array.from(words.subarray(n)),
    offsetMap: { code: map.subarray(0, m), wasm: map.subarray(m) },
    bytes: new Uint8Array(buffer, start + 8 * n + 8 * m, bytesLength),
  };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
