// Resolving a guest path beneath a directory descriptor without leaving it.
//
// A directory descriptor is a capability for its subtree only (wasmtime/cap-std semantics):
// an absolute path, a `..` that climbs above the directory, or a symlink whose target lies
// outside it is refused with ENOTCAPABLE.
//
// Node has no openat(), so every directory descriptor holds a host fd of its directory and a
// lookup walks from it through `/proc/self/fd/<fd>/<name>`: the kernel resolves that magic
// link to the directory the fd is bound to (by inode, not by path), so renaming the directory
// away or putting a symlink where it was cannot redirect a lookup. The walk goes one
// component at a time: each intermediate directory is opened with O_DIRECTORY|O_NOFOLLOW (a
// symlink swapped in after the lstat fails the open instead of being followed), symlinks are
// expanded here and never by the kernel, and `..` pops the walk's own stack of directory fds,
// never above the descriptor's directory. The result names one entry of an open directory;
// the operation on it must not follow a symlink in that last position (O_NOFOLLOW, lstat,
// lutimes, or calls that never follow: unlink, rename, mkdir, rmdir, link, symlink, readlink).
import { closeSync, constants, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import { Errno, WasiError } from './errno.js';

/** Linux's limit on symlinks expanded in one lookup. */
const MAX_SYMLINKS = 40;

export const enum Follow { Final = 1, NotFinal = 0 }

/** The host path of `name` in the directory open as host fd `dirFd` (`/proc/self/fd/N` alone with no name). */
export function underFd(dirFd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${dirFd}` : `/proc/self/fd/${dirFd}/${name}`;
}

/** Where a guest path led: entry `name` of the directory open as host fd `parentFd`. */
export interface Beneath {
  readonly parentFd: number;
  /** One component, or `.` when the path names the directory itself (".", "a/.."). */
  readonly name: string;
  /** The host path for the operation; its last component must not be followed. */
  readonly hostPath: string;
}

const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Path components with the no-op ones ('' from repeated slashes, '.') left out. */
function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * Resolves `guestPath` beneath the directory open as host fd `rootFd` and runs `op` on the
 * result; the host fds the walk opened are closed when `op` returns or throws. With
 * Follow.NotFinal a symlink in last position is not expanded (lstat, unlink, readlink, open
 * without LOOKUP_SYMLINK_FOLLOW). A missing last component is fine (creation); a missing or
 * non-directory intermediate one fails like the host lookup would.
 */
export function withBeneath<T>(rootFd: number, guestPath: string, follow: Follow, op: (at: Beneath) => T): T {
  if (guestPath.length === 0) throw new WasiError(Errno.Noent);
  if (guestPath.includes('\0')) throw new WasiError(Errno.Inval);
  if (guestPath.startsWith('/')) throw new WasiError(Errno.Notcapable);
  const stack = [rootFd]; // directories walked into; all but rootFd are ours to close
  try {
    const { parentFd, name } = walk(rootFd, stack, guestPath, follow);
    return op({ parentFd, name, hostPath: underFd(parentFd, name) });
  } finally {
    for (const fd of stack.slice(1)) closeSync(fd);
  }
}

function walk(rootFd: number, stack: number[], guestPath: string, follow: Follow): { parentFd: number; name: string } {
  // A trailing slash means "a directory", which also means a final symlink is followed.
  const mustBeDir = guestPath.endsWith('/');
  const followFinal = follow === Follow.Final || mustBeDir;
  const todo = components(guestPath).reverse(); // a stack: next component last
  let links = 0;
  while (todo.length > 0) {
    const name = todo.pop()!;
    const dirFd = stack[stack.length - 1]!;
    if (name === '..') {
      if (stack.length === 1) throw new WasiError(Errno.Notcapable);
      closeSync(stack.pop()!);
      continue;
    }
    const last = todo.length === 0;
    if (last && !followFinal) return { parentFd: dirFd, name };
    const here = underFd(dirFd, name);
    const st = lstatSync(here, { throwIfNoEntry: false });
    if (st === undefined) {
      if (!last) throw new WasiError(Errno.Noent);
      // Nothing there to follow, so the slash can go to the host (mkdir "new/" works).
      return { parentFd: dirFd, name: mustBeDir ? `${name}/` : name };
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new WasiError(Errno.Loop);
      todo.push(...symlinkSteps(rootFd, stack, readlinkSync(here)).reverse());
      continue;
    }
    if (last) return finalEntry(dirFd, name, st, mustBeDir);
    if (!st.isDirectory()) throw new WasiError(Errno.Notdir);
    stack.push(openSync(here, OPEN_DIR));
  }
  // The path named a directory on the stack itself ("." or "a/..").
  return { parentFd: stack[stack.length - 1]!, name: '.' };
}

function finalEntry(dirFd: number, name: string, st: Stats, mustBeDir: boolean): { parentFd: number; name: string } {
  // The slash is checked here rather than passed on: with it the host would follow a symlink
  // put in this place since the lstat.
  if (mustBeDir && !st.isDirectory()) throw new WasiError(Errno.Notdir);
  return { parentFd: dirFd, name };
}

/**
 * The components to walk instead of a symlink whose target is `target`. A relative target is
 * walked from the link's directory (the top of the stack). An absolute one is allowed only
 * when it names a place inside the root, and is then walked from the root fd: the root's
 * current host path only decides whether to refuse, the walk itself stays beneath the fd.
 */
function symlinkSteps(rootFd: number, stack: number[], target: string): string[] {
  if (!path.isAbsolute(target)) return components(target);
  const rel = path.relative(readlinkSync(underFd(rootFd)), target);
  if (rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) throw new WasiError(Errno.Notcapable);
  while (stack.length > 1) closeSync(stack.pop()!);
  return components(rel);
}
