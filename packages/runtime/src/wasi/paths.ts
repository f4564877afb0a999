// path_* syscalls. Every path is resolved beneath its directory descriptor's host fd by
// sandbox.ts, and the host call acts on the entry it led to without following a symlink
// there (the sandbox expanded any the guest asked to follow).
import {
  closeSync, constants, fstatSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, readlinkSync, renameSync,
  rmdirSync, symlinkSync, unlinkSync,
} from 'node:fs';
import path from 'node:path';
import {
  DIRECTORY_RIGHTS, FILE_RIGHTS, FdFlags, FileType, LookupFlags, OFlags, READ_RIGHTS, WRITE_RIGHTS, rightsBits,
} from './abi.js';
import { Errno, WasiError } from './errno.js';
import { fileTypeOf } from './fd-table.js';
import { newTimes, writeFilestat } from './fds.js';
import { Follow, withBeneath, type Beneath } from './sandbox.js';
import { MAX_PATH_BYTES } from './limits.js';
import type { GuestMemory } from './guest-memory.js';
import type { SyscallTable, WasiContext } from './context.js';

/** Host open(2) flags for a path_open. */
function hostOpenFlags(oflags: number, fdflags: number, rights: number): number {
  const c = constants;
  const read = (rights & READ_RIGHTS) !== 0;
  const write = (rights & WRITE_RIGHTS) !== 0;
  let flags = write ? (read ? c.O_RDWR : c.O_WRONLY) : c.O_RDONLY;
  if (oflags & OFlags.Creat) flags |= c.O_CREAT;
  if (oflags & OFlags.Excl) flags |= c.O_EXCL;
  if (oflags & OFlags.Trunc) flags |= c.O_TRUNC;
  if (oflags & OFlags.Directory) flags |= c.O_DIRECTORY;
  if (fdflags & FdFlags.Dsync) flags |= c.O_DSYNC;
  if (fdflags & (FdFlags.Sync | FdFlags.Rsync)) flags |= c.O_SYNC;
  if (fdflags & FdFlags.Nonblock) flags |= c.O_NONBLOCK;
  // APPEND is not passed on: positioned writes would ignore it (see fd_write).
  // NOFOLLOW always: a final symlink the guest wants followed was expanded by the sandbox, so
  // one found here was put in place since and is refused (ELOOP) rather than followed.
  return flags | c.O_NOFOLLOW;
}

/** A path (or symlink target) argument: ENAMETOOLONG past PATH_MAX, before it is decoded. */
function guestPath(mem: GuestMemory, ptr: number, len: number): string {
  if (len >>> 0 > MAX_PATH_BYTES) throw new WasiError(Errno.Nametoolong);
  return mem.string(ptr, len);
}

export function pathSyscalls(ctx: WasiContext): SyscallTable {
  const { mem, fds } = ctx;
  const follows = (lookupflags: number) => (lookupflags & LookupFlags.SymlinkFollow ? Follow.Final : Follow.NotFinal);
  /** Runs `op` on the entry guest path (ptr, len) leads to beneath directory descriptor fd. */
  const beneath = <T>(fd: number, ptr: number, len: number, follow: Follow, op: (at: Beneath) => T): T =>
    withBeneath(fds.dir(fd).hostFd, guestPath(mem, ptr, len), follow, op);
  /** The same for a call that takes only the host path. */
  const onPath = <T>(fd: number, ptr: number, len: number, follow: Follow, op: (hostPath: string) => T): T =>
    beneath(fd, ptr, len, follow, (at) => op(at.hostPath));

  return {
    path_open(fd: number, lookupflags: number, pathPtr: number, pathLen: number, oflags: number,
      rightsBase: bigint, rightsInheriting: bigint, fdflags: number, out: number) {
      const dir = fds.dir(fd);
      const base = rightsBits(rightsBase);
      const inheriting = rightsBits(rightsInheriting);
      // A descriptor never gets more than its directory lets descendants have.
      if ((base | inheriting) & ~dir.rightsInheriting) throw new WasiError(Errno.Notcapable);
      // Checked before the host file is opened, so that neither can fail after it.
      mem.checkArray(out, 1, 4);
      fds.checkRoom();
      const hostFd = onPath(fd, pathPtr, pathLen, follows(lookupflags),
        (host) => openSync(host, hostOpenFlags(oflags, fdflags, base), 0o666));
      let type: FileType;
      try {
        type = fileTypeOf(fstatSync(hostFd, { bigint: true }));
      } catch (e) {
        closeSync(hostFd);
        throw e;
      }
      const isDir = type === FileType.Directory;
      // A directory's host fd is its capability: later lookups under it start from that fd.
      mem.setU32(out, fds.add({
        hostFd, type,
        isDir: isDir ? true : undefined,
        position: type === FileType.RegularFile ? 0n : null,
        fdflags: fdflags & 0xffff,
        rightsBase: base & (isDir ? DIRECTORY_RIGHTS : FILE_RIGHTS),
        rightsInheriting: isDir ? inheriting : 0,
        owned: true,
      }));
    },

    // With LOOKUP_SYMLINK_FOLLOW the sandbox has already expanded a final symlink, so the
    // l-variants are right either way (and follow nothing put in place since).
    path_filestat_get(fd: number, lookupflags: number, ptr: number, len: number, out: number) {
      writeFilestat(mem, out, onPath(fd, ptr, len, follows(lookupflags), (host) => lstatSync(host, { bigint: true })));
    },
    path_filestat_set_times(fd: number, lookupflags: number, ptr: number, len: number, atim: bigint, mtim: bigint, flags: number) {
      onPath(fd, ptr, len, follows(lookupflags),
        (host) => lutimesSync(host, ...newTimes(lstatSync(host, { bigint: true }), atim, mtim, flags)));
    },
    path_create_directory: (fd: number, ptr: number, len: number) => onPath(fd, ptr, len, Follow.NotFinal, (host) => mkdirSync(host)),
    path_remove_directory: (fd: number, ptr: number, len: number) => onPath(fd, ptr, len, Follow.NotFinal, rmdirSync),
    path_unlink_file: (fd: number, ptr: number, len: number) => onPath(fd, ptr, len, Follow.NotFinal, unlinkSync),
    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      onPath(fd, oldPtr, oldLen, Follow.NotFinal, (from) =>
        onPath(newFd, newPtr, newLen, Follow.NotFinal, (to) => renameSync(from, to)));
    },
    path_link(oldFd: number, lookupflags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      // link(2) does not follow a final symlink in the source: the sandbox did, if asked to.
      onPath(oldFd, oldPtr, oldLen, follows(lookupflags), (from) =>
        onPath(newFd, newPtr, newLen, Follow.NotFinal, (to) => linkSync(from, to)));
    },
    path_symlink(targetPtr: number, targetLen: number, fd: number, ptr: number, len: number) {
      const target = guestPath(mem, targetPtr, targetLen);
      // An absolute target would point host tools (not the guest: it is refused on lookup)
      // outside the sandbox.
      if (path.isAbsolute(target)) throw new WasiError(Errno.Notcapable);
      onPath(fd, ptr, len, Follow.NotFinal, (host) => symlinkSync(target, host));
    },
    path_readlink(fd: number, ptr: number, len: number, buf: number, bufLen: number, bufused: number) {
      const target = onPath(fd, ptr, len, Follow.NotFinal, (host) => readlinkSync(host, { encoding: 'buffer' }));
      const n = Math.min(target.length, bufLen >>> 0);
      mem.write(buf, new Uint8Array(target.buffer, target.byteOffset, n));
      mem.setU32(bufused, n);
    },
  };
}
