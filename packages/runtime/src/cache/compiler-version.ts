// Which compiler produced a serialized module (serialized-module.ts): a string that changes
// whenever the machine code for the same wasm and options could change.
//
// It is the runtime's package version plus a SHA-256 of every .js file of the code
// generator's dist (the compiler, its ABI and vmctx layout, the assembler): any rebuild with
// a change to the code generator gives another version, with nobody having to remember to
// bump a constant.
//
// In the bundle (scripts/bundle.mjs, what the published package runs) the version is computed
// when the bundle is made, from the very files bundled into it, and embedded as a constant
// (BUNDLED_VERSION): the bundle's compiler is those files, whatever happens to the dist/
// directory afterwards, and a start pays nothing for it (the memo below cost a warm start
// 3-16 ms: resolving the package, the add-on's walk, hashing the stamps, reading the memo).
//
// Unbundled (the workspace, tests), hashing the files costs a cold process ~15-75 ms (reading
// ~0.6 MB on the loaded 2-core development VM), a large part of a warm cache hit. So the code
// cache memoizes it in its directory (MEMO_FILE), under a fingerprint of the files' metadata
// (name, size, mtime, ctime, inode), which the add-on collects (native/src/file_stamps.c:
// ~0.2 ms, against ~5 ms of statSync calls in a cold process). Any rewrite of a file changes
// its ctime, which no program can set, so a stale memo is never used; a damaged one is
// ignored and rewritten.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { native } from '../native.js';
import { compilerSources, hashCompilerVersion, jsFiles } from './compiler-hash.js';

/** Replaced by the version string in the bundle (scripts/bundle.mjs, esbuild's define); unset unbundled. */
declare const __WASMJIT_COMPILER_VERSION__: string | undefined;
const BUNDLED_VERSION = typeof __WASMJIT_COMPILER_VERSION__ === 'string' ? __WASMJIT_COMPILER_VERSION__ : undefined;

/** In a cache directory: { fingerprint, version } of the last hash. */
export const MEMO_FILE = 'compiler-version.json';

let cached: string | undefined;

/**
 * "wasmjit <runtime version> codegen <sha256 prefix>", e.g. "wasmjit 0.1.0 codegen 3fa4…".
 * With `memoDir` (a code cache directory), the hash is memoized there (see above).
 */
export function compilerVersion(memoDir?: string): string {
  if (cached !== undefined) return cached;
  if (BUNDLED_VERSION !== undefined) return (cached = BUNDLED_VERSION);
  const { root, runtimeVersion } = compilerSources();
  const hashFiles = () => hashCompilerVersion(root, runtimeVersion);
  cached = memoDir === undefined ? hashFiles() : memoized(join(memoDir, MEMO_FILE), fingerprint(root), hashFiles);
  return cached;
}

function memoized(file: string, key: string, compute: () => string): string {
  try {
    const memo = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint?: unknown; version?: unknown };
    if (memo.fingerprint === key && typeof memo.version === 'string') return memo.version;
  } catch { /* none yet, or damaged: compute it */ }
  const version = compute();
  try {
    const temp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    writeFileSync(temp, JSON.stringify({ fingerprint: key, version }));
    renameSync(temp, file);
  } catch { /* a read-only cache: hash again next time */ }
  return version;
}

function fingerprint(root: string): string {
  const hash = createHash('sha256').update(root);
  const stamps = native.fileStamps(root, '.js');
  if (typeof stamps === 'string') return hash.update('native\0').update(stamps).digest('hex');
  // The add-on could not walk the directory: the same facts, the slow way.
  for (const f of jsFiles(root)) {
    const st = statSync(join(root, f), { bigint: true });
    hash.update(`${f}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}\0${st.ino}\0`);
  }
  return hash.digest('hex');
}
