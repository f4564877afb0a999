// Resolving a guest path under a directory descriptor without leaving it.
//
// A directory descriptor is a capability for its subtree only (wasmtime/cap-std semantics):
// an absolute path, a `..` that climbs above the directory, or a symlink whose target lies
// outside it is refused with ENOTCAPABLE. The walk is done one component at a time on the
// host, expanding symlinks itself, so every directory in the returned path is a real one
// inside the root. (Node has no openat/O_BENEATH, so a concurrent rename on the host between
// this check and the operation is not defended against; the guest alone cannot cause one.)
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { Errno, WasiError } from './errno.js';

/** Linux's limit on symlinks expanded in one lookup. */
const MAX_SYMLINKS = 40;

export const enum Follow { Final = 1, NotFinal = 0 }

/**
 * The host path for `guestPath` relative to directory `root` (a real path). With
 * Follow.NotFinal a symlink in last position is not expanded (lstat, unlink, readlink, and
 * open without LOOKUP_SYMLINK_FOLLOW). A missing last component is fine (creation); a missing
 * or non-directory intermediate one fails like the host lookup would.
 */
export function resolveBeneath(root: string, guestPath: string, follow: Follow): string {
  if (guestPath.length === 0) throw new WasiError(Errno.Noent);
  if (guestPath.includes('\0')) throw new WasiError(Errno.Inval);
  if (guestPath.startsWith('/')) throw new WasiError(Errno.Notcapable);
  // A trailing slash means "a directory", which also means a final symlink is followed.
  const mustBeDir = guestPath.endsWith('/');
  const followFinal = follow === Follow.Final || mustBeDir;
  const todo = guestPath.split('/').reverse(); // a stack: next component last
  const done: string[] = []; // real directories (and possibly the final entry) under root
  let links = 0;
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (done.length === 0) throw new WasiError(Errno.Notcapable);
      done.pop();
      continue;
    }
    const last = todo.every((n) => n === '' || n === '.');
    const here = path.join(root, ...done, name);
    if (last && !followFinal) {
      done.push(name);
      break;
    }
    const st = lstatSync(here, { throwIfNoEntry: false });
    if (st === undefined) {
      if (!last) throw new WasiError(Errno.Noent);
      done.push(name);
      break;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new WasiError(Errno.Loop);
      const target = readlinkSync(here);
      if (path.isAbsolute(target)) {
        // Allowed only when it names a place inside the root (then it is walked from there).
        const rel = path.relative(root, target);
        if (rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) throw new WasiError(Errno.Notcapable);
        done.length = 0;
        todo.push(...rel.split('/').reverse());
      } else {
        todo.push(...target.split('/').reverse());
      }
      continue;
    }
    if (!last && !st.isDirectory()) throw new WasiError(Errno.Notdir);
    done.push(name);
  }
  const resolved = path.join(root, ...done);
  return mustBeDir ? `${resolved}/` : resolved;
}
