// A compiled module as bytes (Module.serialize / Module.deserialize, and the entries of the
// code cache, code-cache.ts), loadable in another process. Little-endian throughout, every
// part 8-aligned:
//
//   0   8 bytes  MAGIC "WJITCODE"
//   8   u32      FORMAT_VERSION (this layout)
//   12  u32      H, length of the header
//   16  H bytes  header, JSON (EntryHeader): compiler version, code settings, SHA-256 of
//                the wasm bytes, whether they are included, the sizes of the parts below and
//                the CRC32C of the code
//       zero padding to a multiple of 8
//       i32      funcOffsets[numFuncs], funcEnds[numFuncs]
//       i32      typeIdSites[2 * sites]: (code offset of an imm32, module type index)
//       u8       the wasm module bytes[wasmLength], when included; padding to 8
//       32 bytes SHA-256 of everything before it (the "main" checksum)
//       u32      offset-map code[mapEntries], offset-map wasm[mapEntries]
//       32 bytes SHA-256 of the offset map
//       code     the machine code, every signature-id site zeroed (to the end)
//
// Every byte is covered: the main part and the offset map by their SHA-256s, the code by
// its CRC32C, which is in the header (so under the main checksum). The code comes last and
// has the cheap checksum because it is the bulk (20 MB for esbuild.wasm): a load copies it
// from the file straight into code pages and checks it there, in the add-on
// (native/src/code_file.c), at memory speed; SHA-256 of it cost a cache hit ~40 ms. The
// offset map (code → wasm offsets, as large as the code) is only read by trap backtraces,
// so it has a checksum of its own: the code cache reads it out of the entry file on the
// first trap, not at every load. So a cache hit reads the small main part in JS, and the
// code in C. Module.serialize includes the wasm bytes; the code cache leaves them out
// (whoever looks up an entry has the bytes: their hash is part of the key and checked
// against the header).
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
// Refusals are Errors naming what mismatched, all checked before anything is mapped
// executable: length, magic, format version, the sizes adding up to the length, the main
// checksum (any flipped byte, any truncation), then compiler version and settings (a
// well-formed entry of another wasmjit or engine), then the code's CRC32C, in the add-on,
// on a copy that becomes executable only if it matches. The checksums detect corruption, not
// tampering: whoever can write the bytes can write any code with valid checksums, so
// serialized bytes must come from a trusted place, as an executable does (docs/cache.md).
import { createHash } from 'node:crypto';
import { moduleCanonicalTypeIds, cpuFeatures, decodeAcceptedModule, type CompiledCode, type DecodeOptions, type OffsetMap, type WasmModule } from '@wasmjit/codegen';
import { copyCode, loadCheckedCode, loadCheckedCodeAsync, type CodeRegion } from '../code-memory.js';
import type { BoundsChecks } from '../engine.js';
import type { CodeSettings, Prebuilt } from '../module.js';
import { native } from '../native.js';
import { compilerVersion } from './compiler-version.js';
import { phases } from '../startup-phases.js';
import { wasmDigest, type WasmKey } from './wasm-digest.js';

const MAGIC = 'WJITCODE';
/** Bump when the layout above changes. */
export const FORMAT_VERSION = 4;
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
  /** SIMD forms of the code (EngineOptions.simd, 'auto' resolved by this CPU). */
  simd: 'avx' | 'sse4.1';
  /** Present (and 'optimized') only for optimizing-tier code, so baseline entries are unchanged. */
  tier?: 'optimized';
}

interface EntryHeader {
  compiler: string;
  settings: StoredSettings;
  /** The wasm bytes' digest (cache/wasm-digest.ts). */
  wasmDigest: string;
  wasmLength: number;
  wasmIncluded: boolean;
  codeLength: number;
  /** CRC32C of the code as stored (sites zeroed). */
  codeCrc32c: number;
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
  constructor(readonly field: 'length' | 'magic' | 'format' | 'checksum' | 'compiler' | 'settings' | 'layout' | 'wasm', message: string) {
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
    simd: (s.simdAvx ?? cpuFeatures().avx) ? 'avx' : 'sse4.1',
    ...(s.tier === 'optimized' ? { tier: 'optimized' as const } : {}),
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

/** The bytes of `m` (every function compiled), with its wasm bytes unless `includeWasm` is false. */
export function serializeModule(m: SerializableModule, includeWasm = true): Uint8Array {
  const why = unserializableReason(m);
  if (why !== null) throw new Error(`wasmjit: Module.serialize: cannot serialize this module: ${why}`);
  const { compiled, wasm } = m;
  const sites = compiled.typeIdSites!;
  const code = compiled.code;
  const n = compiled.funcOffsets.length;
  const mapEntries = compiled.offsetMap.code.length;
  const header: Omit<EntryHeader, 'codeCrc32c'> = {
    compiler: compilerVersion(),
    settings: storedSettings(m.settings),
    wasmDigest: wasmDigest(wasm.bytes),
    wasmLength: wasm.bytes.length,
    wasmIncluded: includeWasm,
    codeLength: code.length,
    numFuncs: n,
    sites: sites.length / 2,
    mapEntries,
  };
  // The code goes in first: its CRC32C (with the sites zeroed) is part of the header.
  const codePart = new Uint8Array(code.length);
  codePart.set(code);
  // The ids are this process's: zero them, so the bytes are the same whatever process wrote
  // them (loading writes the loader's ids).
  const codeView = new DataView(codePart.buffer);
  for (let j = 0; j < sites.length; j += 2) codeView.setInt32(sites[j]!, 0, true);
  const full: EntryHeader = { ...header, codeCrc32c: native.crc32c(codePart) };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const layout = layoutOf(json.length, full);
  const out = new Uint8Array(layout.total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX);
  putWords(out, layout.funcOffsets, compiled.funcOffsets);
  putWords(out, layout.funcOffsets + 4 * n, compiled.funcEnds);
  putWords(out, layout.sites, sites);
  if (includeWasm) out.set(wasm.bytes, layout.wasm);
  out.set(sha256(out.subarray(0, layout.mainDigest)), layout.mainDigest);
  putWords(out, layout.map, compiled.offsetMap.code);
  putWords(out, layout.map + 4 * mapEntries, compiled.offsetMap.wasm);
  out.set(sha256(out.subarray(layout.map, layout.mapDigest)), layout.mapDigest);
  out.set(codePart, layout.code);
  return out;
}

/**
 * Where serialized bytes are read from: memory (Module.deserialize) or an entry file (the
 * code cache). `read` gives bytes [offset, offset + length) (the user's own bytes when
 * `owned` is false: copied before they are kept); `codeSource` is what the add-on reads the
 * code part from (native loadCheckedCode: a file descriptor or the bytes).
 */
export interface EntrySource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
  readonly owned: boolean;
  /** The source as native loadCheckedCode takes it: an open file's descriptor, or the bytes. */
  readonly codeSource: number | Uint8Array;
  /**
   * Reads [offset, offset + length) again when the offset map is first needed (a trap
   * backtrace), null if it cannot; or null to read the map with the rest.
   */
  readonly lazyMap: ((offset: number, length: number) => Uint8Array | null) | null;
  /** Called when the lazily read offset map turns out damaged or gone. */
  readonly mapLost?: () => void;
}

export function memorySource(bytes: Uint8Array): EntrySource {
  // A plain Uint8Array over the same bytes: slice() of a Buffer is a view, not a copy.
  const b = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { size: b.length, read: (offset, length) => b.subarray(offset, offset + length), owned: false, codeSource: b, lazyMap: null };
}

export interface DeserializeOptions {
  /** The module's wasm bytes, when the caller has them (required if the entry leaves them out). */
  readonly wasm?: WasmKey;
}

/** loadCheckedCode's refusals (native/src/code_file.c). */
const CODE_CHECKSUM = -2;
const CODE_SHORT = -3;
const CODE_SITE = -4;

/**
 * The Prebuilt (decoded module, code mapped read+execute) that `source` holds, if it was
 * serialized by this compiler with `settings`; else SerializedModuleError.
 */
export function deserializeModule(source: EntrySource, settings: CodeSettings, options: DeserializeOptions = {}): Prebuilt {
  const pending = prepareLoad(source, settings, options);
  const { offset, length, crc, sites, ids } = pending.code;
  const loaded = loadCheckedCode(source.codeSource, offset, length, crc, sites, ids);
  phases?.mark('code load');
  return pending.finish(loaded);
}

/**
 * deserializeModule with the code read and checked on a libuv worker thread (the code cache's
 * asynchronous lookup): `fd` is the entry file, open until the promise settles.
 */
export async function deserializeModuleAsync(source: EntrySource & { readonly codeSource: number }, settings: CodeSettings, options: DeserializeOptions = {}): Promise<Prebuilt> {
  const pending = prepareLoad(source, settings, options);
  const { offset, length, crc, sites, ids } = pending.code;
  return pending.finish(await loadCheckedCodeAsync(source.codeSource, offset, length, crc, sites, ids));
}

/** An entry checked and decoded but for its code: where the code is, and what makes the Prebuilt of it. */
interface PendingLoad {
  readonly code: { offset: number; length: number; crc: number; sites: Int32Array; ids: Int32Array };
  /** The Prebuilt over the loaded code, or SerializedModuleError for the add-on's refusal. */
  finish(loaded: CodeRegion | number): Prebuilt;
}

function prepareLoad(source: EntrySource, settings: CodeSettings, options: DeserializeOptions): PendingLoad {
  const { header, main, layout } = readMain(source, settings);
  phases?.mark('checks');
  const bad = (why: string) => new SerializedModuleError('layout', why);
  const { numFuncs: n, codeLength, mapEntries } = header;
  let wasmBytes: Uint8Array;
  const given = options.wasm;
  if (given !== undefined) {
    if (given.digest !== header.wasmDigest) throw new SerializedModuleError('wasm', 'the entry is for other wasm bytes');
    wasmBytes = given.bytes;
  } else if (header.wasmIncluded) {
    // A private copy unless the source is: the decoded module keeps views into it.
    const at = main.subarray(layout.wasm, layout.wasm + header.wasmLength);
    wasmBytes = source.owned ? at : at.slice();
  } else {
    throw new SerializedModuleError('wasm', 'the entry leaves the wasm bytes out and none were given');
  }
  const features: DecodeOptions = Object.fromEntries(header.settings.features.map((f) => [f, true]));
  let wasm: WasmModule;
  try {
    // Bytes that compiled with these features (the entry is for their SHA-256, written by
    // this compiler): function headers, data segments and names are decoded when first used.
    wasm = decodeAcceptedModule(wasmBytes, features);
  } catch (e) {
    throw bad(`the wasm bytes do not decode (${(e as Error).message})`);
  }
  phases?.mark('decode');
  if (wasm.funcs.length !== n) throw bad(`${n} functions recorded, the module has ${wasm.funcs.length}`);
  const funcOffsets = Array.from(int32s(main, layout.funcOffsets, n));
  const funcEnds = Array.from(int32s(main, layout.funcOffsets + 4 * n, n));
  for (let i = 0; i < n; i++) {
    if (!(funcOffsets[i]! >= 0 && funcOffsets[i]! < funcEnds[i]! && funcEnds[i]! <= codeLength)) throw bad(`function ${i} lies outside the code`);
  }
  const sites = int32s(main, layout.sites, 2 * header.sites).slice();
  const mapLength = 8 * mapEntries + DIGEST;
  let readMap: () => OffsetMap;
  if (source.lazyMap === null) {
    const map = offsetMapOf(source.read(layout.map, mapLength), mapEntries);
    if (map === null) throw new SerializedModuleError('checksum', 'offset map checksum mismatch (the bytes are corrupt)');
    readMap = () => map;
  } else {
    // Read on the first trap, with the main checksum in front: the map must be the one of
    // this very code. Entries are deterministic (an entry rewritten under the same key has the
    // same bytes), so only an entry deleted meanwhile (evicted, cleared) or damaged loses
    // the backtraces' wasm offsets; nothing else depends on the map.
    const lazy = source.lazyMap;
    const mainDigest = main.slice(layout.mainDigest, layout.mainDigest + DIGEST);
    readMap = () => {
      const part = lazy(layout.mainDigest, DIGEST + mapLength);
      const same = part !== null && part.length === DIGEST + mapLength && Buffer.from(mainDigest).equals(part.subarray(0, DIGEST));
      const map = same ? offsetMapOf(part.subarray(DIGEST), mapEntries) : null;
      if (map !== null) return map;
      source.mapLost?.();
      return { code: new Uint32Array(0), wasm: new Uint32Array(0) };
    };
  }
  // This process's signature id of each type, written at the sites as the code is loaded.
  const ids = Int32Array.from(moduleCanonicalTypeIds(wasm));
  const stored = header.settings;
  const moduleSettings: CodeSettings = {
    boundsChecks: stored.boundsChecks, stackChecks: stored.stackChecks, epochInterruption: stored.epochInterruption,
    hostInterrupts: stored.hostInterrupts, consumeFuel: stored.consumeFuel, features, epochAddress: undefined,
    simdAvx: stored.simd === 'avx',
    ...(stored.tier === 'optimized' ? { tier: 'optimized' as const } : {}),
  };
  const finish = (loaded: CodeRegion | number): Prebuilt => {
    if (loaded === CODE_CHECKSUM) throw new SerializedModuleError('checksum', 'code checksum mismatch (the bytes are corrupt)');
    if (loaded === CODE_SHORT) throw new SerializedModuleError('checksum', 'the code is cut short (the bytes are truncated)');
    if (loaded === CODE_SITE) throw bad('a signature-id site is out of range');
    if (typeof loaded === 'number') throw bad(`the code did not load (${loaded})`);
    const region = loaded;
    let offsetMap: OffsetMap | undefined;
    let code: Uint8Array | undefined;
    const compiled: CompiledCode = {
      // Only tools and Module.serialize read the bytes back: copied out of the code pages then.
      get code(): Uint8Array {
        return (code ??= copyCode(region).subarray(0, codeLength));
      },
      funcOffsets, funcEnds, comments: [], opOffsets: null, typeIdSites: sites,
      get offsetMap(): OffsetMap {
        return (offsetMap ??= readMap());
      },
    };
    return { wasm, compiled, code: region, settings: moduleSettings };
  };
  phases?.mark('checks');
  return { code: { offset: layout.code, length: codeLength, crc: header.codeCrc32c, sites, ids }, finish };
}

/** The verified main part of an entry (everything up to its checksum) and its header. */
function readMain(source: EntrySource, settings: CodeSettings): { header: EntryHeader; main: Uint8Array; layout: Layout } {
  const size = source.size;
  if (size < PREFIX + 2 * DIGEST) throw new SerializedModuleError('length', `${size} bytes is too short (truncated?)`);
  const prefix = source.read(0, PREFIX);
  if (new TextDecoder().decode(prefix.subarray(0, 8)) !== MAGIC) throw new SerializedModuleError('magic', 'not a serialized wasmjit module (bad magic)');
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const format = view.getUint32(8, true);
  if (format !== FORMAT_VERSION) throw new SerializedModuleError('format', `format version ${format}, this wasmjit reads ${FORMAT_VERSION}`);
  const jsonLength = view.getUint32(12, true);
  if (PREFIX + jsonLength + 2 * DIGEST > size) throw new SerializedModuleError('length', 'header length out of range (truncated?)');
  let header: EntryHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(source.read(PREFIX, jsonLength))) as EntryHeader;
  } catch {
    header = null as unknown as EntryHeader;
  }
  const layout = header === null || typeof header !== 'object' ? null : checkedLayout(jsonLength, header);
  // A damaged header, or a truncated entry: the checksum below cannot be found, or the sizes do not add up.
  if (layout === null || layout.total !== size) throw new SerializedModuleError('checksum', 'the sizes do not add up to the length (the bytes are corrupt or truncated)');
  const main = source.read(0, layout.mainDigest + DIGEST);
  if (!sha256(main.subarray(0, layout.mainDigest)).equals(main.subarray(layout.mainDigest))) {
    throw new SerializedModuleError('checksum', 'checksum mismatch (the bytes are corrupt)');
  }
  const here = compilerVersion();
  if (header.compiler !== here) throw new SerializedModuleError('compiler', `compiled by "${String(header.compiler)}", this is "${here}"`);
  const want = storedSettings(settings);
  for (const k of Object.keys(want) as (keyof StoredSettings)[]) {
    const a = JSON.stringify(header.settings?.[k]);
    const b = JSON.stringify(want[k]);
    if (a !== b) throw new SerializedModuleError('settings', `compiled with ${k} ${a}, this engine has ${b}`);
  }
  return { header, main, layout };
}

/**
 * How many leading bytes of an entry of `size` bytes deserializing reads in JS (all but the
 * offset map and the code), from its first bytes `head` (at least PREFIX_READ of them, or the whole entry);
 * `size` when that cannot be told (deserialize will then say what is wrong).
 */
export function mainPartLength(head: Uint8Array, size: number): number {
  if (head.length < PREFIX) return size;
  const jsonLength = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(12, true);
  if (PREFIX + jsonLength > head.length) return size;
  try {
    const layout = checkedLayout(jsonLength, JSON.parse(new TextDecoder().decode(head.subarray(PREFIX, PREFIX + jsonLength))) as EntryHeader);
    return layout !== null && layout.total === size ? layout.mainDigest + DIGEST : size;
  } catch {
    return size;
  }
}

/** Bytes to read first for mainPartLength: more than any header. */
export const PREFIX_READ = 16 * 1024;

/** The offset map out of its part of an entry (entries, then checksum), or null if the checksum fails. */
function offsetMapOf(part: Uint8Array, entries: number): OffsetMap | null {
  const at = 8 * entries;
  if (part.length !== at + DIGEST || !sha256(part.subarray(0, at)).equals(part.subarray(at))) return null;
  return { code: new Uint32Array(part.slice(0, 4 * entries).buffer), wasm: new Uint32Array(part.slice(4 * entries, at).buffer) };
}

interface Layout { funcOffsets: number; sites: number; wasm: number; mainDigest: number; map: number; mapDigest: number; code: number; total: number }

type Sizes = Pick<EntryHeader, 'codeLength' | 'numFuncs' | 'sites' | 'mapEntries' | 'wasmLength' | 'wasmIncluded'>;

function layoutOf(jsonLength: number, h: Sizes): Layout {
  const funcOffsets = align(PREFIX + jsonLength, 8);
  const sites = funcOffsets + 8 * h.numFuncs;
  const wasm = sites + 8 * h.sites;
  const mainDigest = align(wasm + (h.wasmIncluded === true ? h.wasmLength : 0), 8);
  const map = mainDigest + DIGEST;
  const mapDigest = map + 8 * h.mapEntries;
  const code = mapDigest + DIGEST;
  return { funcOffsets, sites, wasm, mainDigest, map, mapDigest, code, total: code + h.codeLength };
}

/** The layout a header read from bytes describes, or null when its sizes or CRC are not numbers that can be. */
function checkedLayout(jsonLength: number, h: EntryHeader): Layout | null {
  const counts = [h.wasmLength, h.codeLength, h.numFuncs, h.sites, h.mapEntries];
  if (!counts.every((x) => Number.isSafeInteger(x) && x >= 0)) return null;
  if (!(Number.isInteger(h.codeCrc32c) && h.codeCrc32c >= 0 && h.codeCrc32c <= 0xffffffff)) return null;
  return layoutOf(jsonLength, h);
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

/** `count` i32s at `at` of `b`: a view when aligned, else a copy. */
function int32s(b: Uint8Array, at: number, count: number): Int32Array {
  const offset = b.byteOffset + at;
  if (offset % 4 === 0) return new Int32Array(b.buffer, offset, count);
  return new Int32Array(b.slice(at, at + 4 * count).buffer);
}
