// Which compiler produced a serialized module (serialized-module.ts): a string that changes
// whenever the machine code for the same wasm and options could change.
//
// It is the runtime's package version plus a SHA-256 of every .js file of the code
// generator's dist (the compiler, its ABI and vmctx layout, the assembler): any rebuild with
// a change to the code generator gives another version, with nobody having to remember to
// bump a constant.
//
// Hashing the files costs a cold process ~15-75 ms (reading ~0.6 MB on the loaded 2-core
// development VM), a large part of a warm cache hit. So the code cache memoizes it in its
// directory (MEMO_FILE), under a fingerprint of the files' metadata (name, size, mtime,
// ctime, inode), which the add-on collects (native/src/file_stamps.c: ~0.2 ms, against ~5 ms
// of statSync calls in a cold process). Any rewrite of a file changes its ctime, which no
// program can set, so a stale memo is never used; a damaged one is ignored and rewritten.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { native } from '../native.js';

/** In a cache directory: { fingerprint, version } of the last hash. */
export const MEMO_FILE = 'compiler-version.json';

let cached: string | undefined;

/**
 * "wasmjit <runtime version> codegen <sha256 prefix>", e.g. "wasmjit 0.1.0 codegen 3fa4…".
 * With `memoDir` (a code cache directory), the hash is memoized there (see above).
 */
export function compilerVersion(memoDir?: string): string {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const runtime = require('../../package.json') as { version: string };
  const root = dirname(require.resolve('@wasmjit/codegen'));
  const hashFiles = () => `wasmjit ${runtime.version} codegen ${hashContents(root, jsFiles(root)).slice(0, 32)}`;
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

/** The .js files under `root`, as relative names in name order. */
function jsFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(dir, e.name), r);
      else if (e.name.endsWith('.js')) files.push(r);
    }
  };
  walk(root, '');
  return files.sort();
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

/** SHA-256 over the names and contents of `files`. */
function hashContents(root: string, files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    const body = new Uint8Array(readFileSync(join(root, f)));
    hash.update(`${f}\0${body.length}\0`).update(body);
  }
  return hash.digest('hex');
}
