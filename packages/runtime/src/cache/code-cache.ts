// The persistent code cache (Engine option `cache`): one file per compiled module in a
// directory, named by a key that covers everything the machine code depends on, holding the
// module serialized (serialized-module.ts, checksummed).
//
// - Key: SHA-256 of (format version, compiler version, code settings, SHA-256 of the wasm
//   bytes). Another wasmjit, other options or other bytes never find the entry.
// - Reading: an entry is used only if deserializeModule accepts it (magic, version,
//   checksum, compiler, settings, sizes) and it is for these very wasm bytes; anything else
//   (corrupt, truncated, foreign, stale) is counted in stats.rejected, deleted, and the
//   module compiled (and written again). Refused bytes are never mapped executable.
// - Writing: to a temporary file of this process in the same directory, then rename() over
//   the entry: readers see the whole old entry or the whole new one, and concurrent writers of
//   one key (other processes, threads) each rename a complete file; the last one stays.
// - Size bound: after each write, entries are deleted oldest access first (the file's
//   atime, which a hit sets explicitly: mounts with noatime/relatime would not) until the
//   total is at most maxBytes.
// - Failures (a read-only or full disk, a directory that cannot be made) never fail a
//   compile: they are counted in stats.errors and reported by one process warning per cache.
//
// Module-level only: an entry holds a fully compiled module, in the eager layout. A lazily
// compiled module calls store() once its last function is compiled (module.ts
// storeWhenCompiled), and find() gives every function at once (docs/cache.md).
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeSettings, Prebuilt } from '../module.js';
import { compilerVersion } from './compiler-version.js';
import { phases } from '../startup-phases.js';
import {
  deserializeModule, deserializeModuleAsync, FORMAT_VERSION, mainPartLength, PREFIX_READ, SerializedModuleError, serializeModule, storedSettings, type EntrySource,
  type SerializableModule,
} from './serialized-module.js';

import type { WasmKey } from './wasm-digest.js';

export type { WasmKey } from './wasm-digest.js';

/** Entry files end with this; anything else in the directory is left alone. */
export const ENTRY_SUFFIX = '.wjcode';
const TEMP_MARK = '.tmp-';
/** Default size bound: 1 GiB. */
export const DEFAULT_CACHE_MAX_BYTES = 1 << 30;

export interface CacheStats {
  /** Modules loaded from an entry. */
  hits: number;
  /** Lookups that found no entry. */
  misses: number;
  /** Entries found but refused (corrupt, truncated, foreign, stale) and deleted. */
  rejected: number;
  /** Entries written. */
  writes: number;
  /** Entries deleted to keep the size bound. */
  evictions: number;
  /** Modules not written because they cannot be serialized. */
  unserializable: number;
  /** Failed reads, writes or deletions (the compile went on without the cache). */
  errors: number;
}

export interface CacheEntryInfo {
  readonly key: string;
  readonly path: string;
  readonly size: number;
  /** Last access (a hit or the write), ms since the epoch. */
  readonly accessed: number;
}

export class CodeCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, rejected: 0, writes: 0, evictions: 0, unserializable: 0, errors: 0 };
  #warned = false;

  constructor(readonly dir: string, readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES) {}

  /** The key of `wasm` compiled with `settings`. */
  keyOf(wasm: WasmKey, settings: CodeSettings): string {
    const what = JSON.stringify([FORMAT_VERSION, compilerVersion(this.dir), storedSettings(settings), wasm.digest]);
    return createHash('sha256').update(what).digest('hex');
  }

  pathOf(key: string): string {
    return join(this.dir, key + ENTRY_SUFFIX);
  }

  /**
   * The module in entry `key`, or null (no entry, or one refused and deleted). Reads the
   * entry's main part here and has the add-on copy its code into code pages (checked there);
   * the offset map is read on the first trap (serialized-module.ts).
   */
  findSync(key: string, wasm: WasmKey, settings: CodeSettings): Prebuilt | null {
    const path = this.pathOf(key);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      this.#readFailed(e);
      return null;
    }
    let found: Prebuilt | null;
    try {
      let main: Uint8Array;
      let size: number;
      try {
        ({ main, size } = readMainPart(fd));
      } catch (e) {
        this.#readFailed(e);
        return null;
      }
      phases?.mark('read main part');
      found = this.#accept(key, entrySource(path, fd, main, size, () => this.#mapLost(key)), wasm, settings);
    } finally {
      closeSync(fd);
    }
    if (found !== null) this.#touch(() => utimesSync(path, new Date(), new Date()));
    return found;
  }

  /**
   * findSync without blocking the thread on the code: it is read and checked on a libuv
   * worker thread. The rest (open, the few-KB main part, close, the access time) are quick
   * synchronous calls: as thread-pool round trips, each queued behind the loop's other work,
   * they cost a start more than they did.
   */
  async find(key: string, wasm: WasmKey, settings: CodeSettings): Promise<Prebuilt | null> {
    const path = this.pathOf(key);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      this.#readFailed(e);
      return null;
    }
    let found: Prebuilt | null;
    try {
      let main: Uint8Array;
      let size: number;
      try {
        ({ main, size } = readMainPart(fd));
      } catch (e) {
        this.#readFailed(e);
        return null;
      }
      found = await this.#acceptAsync(key, entrySource(path, fd, main, size, () => this.#mapLost(key)), wasm, settings);
    } finally {
      closeSync(fd);
    }
    if (found !== null) this.#touch(() => utimesSync(path, new Date(), new Date()));
    return found;
  }

  /** Writes `module` as entry `key` (never throws: failures are counted and warned about once). */
  storeSync(key: string, module: SerializableModule): void {
    const bytes = this.#serialize(module);
    if (bytes === null) return;
    const temp = this.#tempPath(key);
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temp, bytes);
      renameSync(temp, this.pathOf(key));
    } catch (e) {
      this.#failed('writing', e);
      try { unlinkSync(temp); } catch { /* it may not exist */ }
      return;
    }
    this.stats.writes++;
    this.evictSync();
  }

  async store(key: string, module: SerializableModule): Promise<void> {
    const bytes = this.#serialize(module);
    if (bytes === null) return;
    const temp = this.#tempPath(key);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, this.pathOf(key));
    } catch (e) {
      this.#failed('writing', e);
      await unlink(temp).catch(() => undefined);
      return;
    }
    this.stats.writes++;
    this.evictSync();
  }

  /** The entries, oldest access first (an unreadable directory: none). */
  entries(): CacheEntryInfo[] {
    return listEntries(this.dir);
  }

  /**
   * Deletes entries, oldest access first, until they total at most maxBytes; and temporary
   * files older than an hour (left by a writer that died between write and rename).
   */
  evictSync(): void {
    removeStaleTemps(this.dir);
    const list = this.entries();
    let total = list.reduce((n, e) => n + e.size, 0);
    for (const e of list) {
      if (total <= this.maxBytes) break;
      try {
        unlinkSync(e.path);
        this.stats.evictions++;
      } catch (err) {
        // Another process may have evicted it already.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#failed('evicting', err);
      }
      total -= e.size;
    }
  }

  #accept(key: string, source: EntrySource, wasm: WasmKey, settings: CodeSettings): Prebuilt | null {
    try {
      const prebuilt = deserializeModule(source, settings, { wasm });
      this.stats.hits++;
      return prebuilt;
    } catch (e) {
      return this.#refused(key, e);
    }
  }

  async #acceptAsync(key: string, source: EntrySource & { readonly codeSource: number }, wasm: WasmKey, settings: CodeSettings): Promise<Prebuilt | null> {
    try {
      const prebuilt = await deserializeModuleAsync(source, settings, { wasm });
      this.stats.hits++;
      return prebuilt;
    } catch (e) {
      return this.#refused(key, e);
    }
  }

  /** A lookup that threw `e`: a refused entry is deleted (to be rewritten), anything else counted; null either way. */
  #refused(key: string, e: unknown): null {
    if (!(e instanceof SerializedModuleError)) {
      // Not the entry's fault (no memory to map the code, say): keep it, compile this time.
      this.#failed('loading', e);
      return null;
    }
    // Refused: compile instead, and let the write replace it.
    this.stats.rejected++;
    try { unlinkSync(this.pathOf(key)); } catch { /* already gone, or read-only: the write will say */ }
    return null;
  }

  /** A loaded entry's offset map, read on a first trap, was damaged (or the entry is gone): delete it, to be rewritten. */
  #mapLost(key: string): void {
    this.stats.rejected++;
    try { unlinkSync(this.pathOf(key)); } catch { /* already gone */ }
  }

  #serialize(module: SerializableModule): Uint8Array | null {
    try {
      // Without the wasm bytes: whoever looks the entry up has them.
      return serializeModule(module, false);
    } catch {
      this.stats.unserializable++;
      return null;
    }
  }

  #tempPath(key: string): string {
    return join(this.dir, `${key}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  #readFailed(e: unknown): void {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.stats.misses++;
    else this.#failed('reading', e);
  }

  #touch(f: () => void): void {
    try { f(); } catch (e) { this.#failed('updating the access time of', e); }
  }

  #failed(what: string, e: unknown): void {
    this.stats.errors++;
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(`wasmjit: code cache ${this.dir}: ${what} an entry failed (${(e as Error).message}); compiling without the cache where needed (further failures are counted in cacheStats.errors, not reported)`, { code: 'WASMJIT_CACHE' });
  }
}

/** A writer takes well under this from write to rename; an older temporary file is a dead writer's. */
const STALE_TEMP_MS = 60 * 60 * 1000;

function removeStaleTemps(dir: string): void {
  let names: string[] = [];
  try { names = readdirSync(dir); } catch { /* no directory */ }
  const before = Date.now() - STALE_TEMP_MS;
  for (const name of names) {
    if (!name.includes(TEMP_MARK)) continue;
    try {
      if (statSync(join(dir, name)).mtimeMs < before) unlinkSync(join(dir, name));
    } catch { /* gone meanwhile */ }
  }
}

/** The entries of cache directory `dir`, oldest access first (an unreadable directory: none). */
export function listEntries(dir: string): CacheEntryInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: CacheEntryInfo[] = [];
  for (const name of names) {
    if (!name.endsWith(ENTRY_SUFFIX)) continue;
    try {
      const st = statSync(join(dir, name));
      out.push({ key: name.slice(0, -ENTRY_SUFFIX.length), path: join(dir, name), size: st.size, accessed: st.atimeMs });
    } catch { /* deleted meanwhile */ }
  }
  return out.sort((a, b) => a.accessed - b.accessed);
}

/** Deletes every entry (and stray temporary file) of cache directory `dir`; how many entries and bytes. */
export function clearEntries(dir: string): { entries: number; bytes: number } {
  let entries = 0;
  let bytes = 0;
  for (const e of listEntries(dir)) {
    try {
      unlinkSync(e.path);
      entries++;
      bytes += e.size;
    } catch { /* deleted meanwhile */ }
  }
  let names: string[] = [];
  try { names = readdirSync(dir); } catch { /* no directory */ }
  for (const name of names) if (name.includes(TEMP_MARK)) try { unlinkSync(join(dir, name)); } catch { /* gone */ }
  return { entries, bytes };
}

/**
 * An entry file, open as `fd` while it is being loaded, whose first `main.length` bytes were
 * read: those are served from memory, the code is read from `fd` by the add-on, and the
 * offset map is read again from the file (by path: `fd` is closed by then) when a trap first
 * needs it.
 */
function entrySource(path: string, fd: number, main: Uint8Array, size: number, mapLost: () => void): EntrySource & { readonly codeSource: number } {
  return {
    size,
    owned: true,
    mapLost,
    codeSource: fd,
    read: (offset, length) => {
      if (offset + length <= main.length) return main.subarray(offset, offset + length);
      return readFile(path, offset, length) ?? new Uint8Array(0);
    },
    lazyMap: (offset, length) => readFile(path, offset, length),
  };
}

function readFile(path: string, offset: number, length: number): Uint8Array | null {
  try {
    const fd = openSync(path, 'r');
    try {
      return readAt(fd, offset, length);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** An entry file's size and its main part (read up to what the header says it spans). */
function readMainPart(fd: number): { main: Uint8Array; size: number } {
  const size = fstatSync(fd).size;
  const head = readAt(fd, 0, Math.min(size, PREFIX_READ));
  const length = mainPartLength(head, size);
  if (length <= head.length) return { main: head, size };
  const main = new Uint8Array(length);
  main.set(head);
  readInto(fd, main, head.length);
  return { main, size };
}

/** Exactly `length` bytes at `offset` (fewer at the end of the file). */
function readAt(fd: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  return out.subarray(0, readInto(fd, out, 0, offset));
}

/** Fills out[from..] with the file's bytes from `position` on; where in `out` the file ended (or out.length). */
function readInto(fd: number, out: Uint8Array, from: number, position = from): number {
  let done = from;
  while (done < out.length) {
    const n = readSync(fd, out, done, out.length - done, position + done - from);
    if (n === 0) break;
    done += n;
  }
  return done;
}
