// A compiled module as bytes (Module.serialize / Module.deserialize, and the entries of the
// code cache, code-cache.ts), loadable in another process. Little-endian throughout:
//
//   0   8 bytes  MAGIC "WJITCODE"
//   8   u32      FORMAT_VERSION (this layout)
//   12  u32      H, length of the header
//   16  H bytes  header, JSON (EntryHeader): compiler version, code settings, SHA-256 of
//                the wasm bytes, and the sizes of the parts below
//       zero padding to a multiple of 8
//       code     the machine code, every signature-id site zeroed; padding to 4
//       i32      funcOffsets[numFuncs], funcEnds[numFuncs]
//       i32      typeIdSites[2 * sites]: (code offset of an imm32, module type index)
//       u32      offset-map code[mapEntries], offset-map wasm[mapEntries]
//       u8       the wasm module bytes[wasmLength]
//       32 bytes SHA-256 of everything before it
//
// Why the code loads anywhere: compiled code is position independent (calls are rel32 within
// the module's code, everything else is reached through the vmctx register), except for two
// kinds of process-specific values. Signature ids (call_indirect) come from a process-wide
// table (native/src/type_ids.c) whose numbering depends on what the process saw first: the
// code generator records where each is (CompiledCode.typeIdSites, always an imm32) and
// loading writes this process's id there. An engine's epoch cell address is compiled into
// code with epoch checks: such a module cannot be serialized (an Engine with a cache compiles
// without it, reading the address from vmctx instead).
//
// Refusals are Errors naming what mismatched, checked before anything is mapped executable:
// magic, format version, then the checksum (which covers truncation and any flipped byte),
// then compiler version and settings (a well-formed entry of another wasmjit or engine), then
// the sizes. The checksum detects corruption, not tampering: whoever can write the bytes can
// write any code with a valid checksum, so serialized bytes must come from a trusted place,
// as an executable does (docs/cache.md).
import { createHash } from 'node:crypto';
import { canonicalTypeId, decodeModuleDeferringBodies, type CompiledCode, type DecodeOptions, type WasmModule } from '@wasmjit/codegen';
import { loadCode } from '../code-memory.js';
import type { BoundsChecks } from '../engine.js';
import type { CodeSettings, Prebuilt } from '../module.js';
import { compilerVersion } from './compiler-version.js';

const MAGIC = 'WJITCODE';
/** Bump when the layout above changes. */
export const FORMAT_VERSION = 1;
const PREFIX = 16;
const DIGEST = 32;

/** The code-affecting settings as stored: CodeSettings without the epoch cell address. */
interface StoredSettings {
  boundsChecks: BoundsChecks;
  stackChecks: boolean;
  epochInterruption: boolean;
  hostInterrupts: boolean;
  consumeFuel: boolean;
  /** Names of the features turned on, sorted. */
  features: string[];
}

interface EntryHeader {
  compiler: string;
  settings: StoredSettings;
  wasmSha256: string;
  wasmLength: number;
  codeLength: number;
  numFuncs: number;
  sites: number;
  mapEntries: number;
}

/** What serializing needs of a compiled module (CompiledParts has it). */
export interface SerializableModule {
  readonly wasm: WasmModule;
  readonly compiled: CompiledCode;
  readonly settings: CodeSettings;
}

/** Why bytes were refused by deserialize; `field` names the check that failed. */
export class SerializedModuleError extends Error {
  constructor(readonly field: 'length' | 'magic' | 'format' | 'checksum' | 'compiler' | 'settings' | 'layout', message: string) {
    super(`wasmjit: cannot load serialized module: ${message}`);
    this.name = 'SerializedModuleError';
  }
}

export function storedSettings(s: CodeSettings): StoredSettings {
  const features = Object.keys(s.features).filter((k) => (s.features as Record<string, unknown>)[k] === true).sort();
  return {
    boundsChecks: s.boundsChecks,
    stackChecks: s.stackChecks,
    epochInterruption: s.epochInterruption,
    hostInterrupts: s.hostInterrupts,
    consumeFuel: s.consumeFuel,
    features,
  };
}

/** Whether `m`'s code can be serialized (no engine-specific address compiled in), else why not. */
export function unserializableReason(m: SerializableModule): string | null {
  if (m.settings.epochAddress !== undefined) {
    return "its code has its engine's epoch cell address compiled in (an Engine with epochInterruption or hostInterrupts and no cache)";
  }
  if (m.compiled.typeIdSites === undefined) return 'its code came without relocation records';
  return null;
}

/** The bytes of `m` (module-level tier: every function compiled). */
export function serializeModule(m: SerializableModule): Uint8Array {
  const why = unserializableReason(m);
  if (why !== null) throw new Error(`wasmjit: Module.serialize: cannot serialize this module: ${why}`);
  const { compiled, wasm } = m;
  const sites = compiled.typeIdSites!;
  const code = compiled.code;
  const n = compiled.funcOffsets.length;
  const mapEntries = compiled.offsetMap.code.length;
  const header: EntryHeader = {
    compiler: compilerVersion(),
    settings: storedSettings(m.settings),
    wasmSha256: sha256(wasm.bytes).toString('hex'),
    wasmLength: wasm.bytes.length,
    codeLength: code.length,
    numFuncs: n,
    sites: sites.length / 2,
    mapEntries,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const layout = layoutOf(json.length, header);
  const out = new Uint8Array(layout.total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX);
  out.set(code, layout.code);
  // The ids are this process's: zero them, so the bytes are the same whatever process wrote
  // them (loading writes the loader's ids).
  for (let j = 0; j < sites.length; j += 2) view.setInt32(layout.code + sites[j]!, 0, true);
  putWords(out, layout.funcOffsets, compiled.funcOffsets);
  putWords(out, layout.funcOffsets + 4 * n, compiled.funcEnds);
  putWords(out, layout.sites, sites);
  putWords(out, layout.map, compiled.offsetMap.code);
  putWords(out, layout.map + 4 * mapEntries, compiled.offsetMap.wasm);
  out.set(wasm.bytes, layout.wasm);
  out.set(sha256(out.subarray(0, layout.digest)), layout.digest);
  return out;
}

/**
 * The Prebuilt (module-level: decoded module, code mapped read+execute) that `bytes` hold,
 * if they were serialized by this compiler with `settings` (and are of the wasm bytes with
 * SHA-256 `wasmSha256`, when given); else SerializedModuleError.
 */
export function deserializeModule(input: Uint8Array, settings: CodeSettings, wasmSha256?: string): Prebuilt {
  // A plain Uint8Array over the same bytes: slice() of a Buffer is a view, not a copy.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const header = checkEntry(bytes, settings);
  const json = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12, true);
  const layout = layoutOf(json, header);
  const bad = (why: string) => new SerializedModuleError('layout', why);
  const { numFuncs: n, codeLength, mapEntries } = header;
  // A private copy: the caller may change its buffer, and the decoded module keeps views.
  const wasmBytes = bytes.slice(layout.wasm, layout.wasm + header.wasmLength);
  // (The checksum covers them: no need to hash them again.) The code cache asks for the
  // entry of particular bytes: a key collision or a misplaced file gives other ones.
  if (wasmSha256 !== undefined && header.wasmSha256 !== wasmSha256) throw bad('the entry is for other wasm bytes');
  const features: DecodeOptions = Object.fromEntries(header.settings.features.map((f) => [f, true]));
  let wasm: WasmModule;
  try {
    // Bytes that compiled with these features: the bodies (compiled) need no scan.
    wasm = decodeModuleDeferringBodies(wasmBytes, features);
  } catch (e) {
    throw bad(`the wasm bytes do not decode (${(e as Error).message})`);
  }
  if (wasm.funcs.length !== n) throw bad(`${n} functions recorded, the module has ${wasm.funcs.length}`);
  const funcOffsets = Array.from(new Int32Array(words(bytes, layout.funcOffsets, n)));
  const funcEnds = Array.from(new Int32Array(words(bytes, layout.funcOffsets + 4 * n, n)));
  for (let i = 0; i < n; i++) {
    if (!(funcOffsets[i]! >= 0 && funcOffsets[i]! < funcEnds[i]! && funcEnds[i]! <= codeLength)) throw bad(`function ${i} lies outside the code`);
  }
  const sites = new Int32Array(words(bytes, layout.sites, 2 * header.sites));
  const code = bytes.slice(layout.code, layout.code + codeLength);
  const codeView = new DataView(code.buffer);
  const ids = wasm.types.map((t) => canonicalTypeId(t.params, t.results));
  for (let j = 0; j < sites.length; j += 2) {
    const at = sites[j]!;
    const id = ids[sites[j + 1]!];
    if (!(at >= 0 && at + 4 <= codeLength) || id === undefined) throw bad(`signature-id site ${j / 2} is out of range`);
    codeView.setInt32(at, id, true);
  }
  const mapCode = new Uint32Array(words(bytes, layout.map, mapEntries));
  const mapWasm = new Uint32Array(words(bytes, layout.map + 4 * mapEntries, mapEntries));
  const compiled: CompiledCode = {
    code, funcOffsets, funcEnds, comments: [], opOffsets: null, offsetMap: { code: mapCode, wasm: mapWasm }, typeIdSites: sites,
  };
  const stored = header.settings;
  const moduleSettings: CodeSettings = {
    boundsChecks: stored.boundsChecks, stackChecks: stored.stackChecks, epochInterruption: stored.epochInterruption,
    hostInterrupts: stored.hostInterrupts, consumeFuel: stored.consumeFuel, features, epochAddress: undefined,
  };
  return { wasm, compiled, code: loadCode(code), settings: moduleSettings };
}

/** The entry's header if `bytes` are an intact entry of this compiler with `settings`. */
export function checkEntry(bytes: Uint8Array, settings: CodeSettings): EntryHeader {
  if (bytes.length < PREFIX + DIGEST) throw new SerializedModuleError('length', `${bytes.length} bytes is too short (truncated?)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new SerializedModuleError('magic', 'not a serialized wasmjit module (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(8, true);
  if (format !== FORMAT_VERSION) throw new SerializedModuleError('format', `format version ${format}, this wasmjit reads ${FORMAT_VERSION}`);
  const digestAt = bytes.length - DIGEST;
  if (!sha256(bytes.subarray(0, digestAt)).equals(bytes.subarray(digestAt))) {
    throw new SerializedModuleError('checksum', 'checksum mismatch (the bytes are corrupt or truncated)');
  }
  const jsonLength = view.getUint32(12, true);
  if (PREFIX + jsonLength > digestAt) throw new SerializedModuleError('layout', 'header length out of range');
  let header: EntryHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + jsonLength))) as EntryHeader;
  } catch {
    throw new SerializedModuleError('layout', 'header is not JSON');
  }
  const here = compilerVersion();
  if (header.compiler !== here) throw new SerializedModuleError('compiler', `compiled by "${String(header.compiler)}", this is "${here}"`);
  const want = storedSettings(settings);
  for (const k of Object.keys(want) as (keyof StoredSettings)[]) {
    const a = JSON.stringify(header.settings?.[k]);
    const b = JSON.stringify(want[k]);
    if (a !== b) throw new SerializedModuleError('settings', `compiled with ${k} ${a}, this engine has ${b}`);
  }
  const counts = [header.wasmLength, header.codeLength, header.numFuncs, header.sites, header.mapEntries];
  if (!counts.every((x) => Number.isSafeInteger(x) && x >= 0) || layoutOf(jsonLength, header).total !== bytes.length) {
    throw new SerializedModuleError('layout', 'part sizes do not add up to the length');
  }
  return header;
}

interface Layout { code: number; funcOffsets: number; sites: number; map: number; wasm: number; digest: number; total: number }

function layoutOf(jsonLength: number, h: Pick<EntryHeader, 'codeLength' | 'numFuncs' | 'sites' | 'mapEntries' | 'wasmLength'>): Layout {
  const code = align(PREFIX + jsonLength, 8);
  const funcOffsets = align(code + h.codeLength, 4);
  const sites = funcOffsets + 8 * h.numFuncs;
  const map = sites + 8 * h.sites;
  const wasm = map + 8 * h.mapEntries;
  const digest = wasm + h.wasmLength;
  return { code, funcOffsets, sites, map, wasm, digest, total: digest + DIGEST };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function sha256(b: Uint8Array): Buffer {
  return createHash('sha256').update(b).digest();
}

// The format is little-endian, as is the only target (x86-64): words are copied as bytes.

function putWords(out: Uint8Array, at: number, values: ArrayLike<number>): void {
  const t = values instanceof Int32Array || values instanceof Uint32Array ? values : Int32Array.from(values);
  out.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), at);
}

/** A fresh, aligned copy of `count` 32-bit words at `at`. */
function words(bytes: Uint8Array, at: number, count: number): ArrayBuffer {
  return bytes.slice(at, at + 4 * count).buffer;
}
