// path_* syscalls. Every path is resolved beneath its directory descriptor by sandbox.ts
// before the host sees it.
import {
  constants, fstatSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, readlinkSync, renameSync,
  rmdirSync, statSync, symlinkSync, unlinkSync, utimesSync,
} from 'node:fs';
import path from 'node:path';
import {
  DIRECTORY_RIGHTS, FILE_RIGHTS, FdFlags, FileType, LookupFlags, OFlags, READ_RIGHTS, WRITE_RIGHTS, rightsBits,
} from './abi.js';
import { Errno, WasiError } from './errno.js';
import { fileTypeOf } from './fd-table.js';
import { newTimes, writeFilestat } from './fds.js';
import { Follow, resolveBeneath } from './sandbox.js';
import type { SyscallTable, WasiContext } from './context.js';

/** Host open(2) flags for a path_open. */
function hostOpenFlags(oflags: number, fdflags: number, rights: number, follow: Follow): number {
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
  if (follow === Follow.NotFinal) flags |= c.O_NOFOLLOW;
  return flags;
}

export function pathSyscalls(ctx: WasiContext): SyscallTable {
  const { mem, fds } = ctx;
  const follows = (lookupflags: number) => (lookupflags & LookupFlags.SymlinkFollow ? Follow.Final : Follow.NotFinal);
  /** Host path of guest path (ptr, len) under directory fd. */
  const resolve = (fd: number, ptr: number, len: number, follow: Follow) =>
    resolveBeneath(fds.dir(fd).dirPath, mem.string(ptr, len), follow);

  return {
    path_open(fd: number, lookupflags: number, pathPtr: number, pathLen: number, oflags: number,
      rightsBase: bigint, rightsInheriting: bigint, fdflags: number, out: number) {
      const dir = fds.dir(fd);
      const base = rightsBits(rightsBase);
      const inheriting = rightsBits(rightsInheriting);
      // A descriptor never gets more than its directory lets descendants have.
      if ((base | inheriting) & ~dir.rightsInheriting) throw new WasiError(Errno.Notcapable);
      const follow = follows(lookupflags);
      const host = resolveBeneath(dir.dirPath, mem.string(pathPtr, pathLen), follow);
      const hostFd = openSync(host, hostOpenFlags(oflags, fdflags, base, follow), 0o666);
      const type = fileTypeOf(fstatSync(hostFd, { bigint: true }));
      const isDir = type === FileType.Directory;
      mem.setU32(out, fds.add({
        hostFd, type,
        dirPath: isDir ? path.resolve(host) : undefined,
        position: type === FileType.RegularFile ? 0n : null,
        fdflags: fdflags & 0xffff,
        rightsBase: base & (isDir ? DIRECTORY_RIGHTS : FILE_RIGHTS),
        rightsInheriting: isDir ? inheriting : 0,
        owned: true,
      }));
    },

    path_filestat_get(fd: number, lookupflags: number, ptr: number, len: number, out: number) {
      const follow = follows(lookupflags);
      const host = resolve(fd, ptr, len, follow);
      writeFilestat(mem, out, follow === Follow.Final ? statSync(host, { bigint: true }) : lstatSync(host, { bigint: true }));
    },
    path_filestat_set_times(fd: number, lookupflags: number, ptr: number, len: number, atim: bigint, mtim: bigint, flags: number) {
      const follow = follows(lookupflags);
      const host = resolve(fd, ptr, len, follow);
      if (follow === Follow.Final) utimesSync(host, ...newTimes(statSync(host, { bigint: true }), atim, mtim, flags));
      else lutimesSync(host, ...newTimes(lstatSync(host, { bigint: true }), atim, mtim, flags));
    },
    path_create_directory: (fd: number, ptr: number, len: number) => mkdirSync(resolve(fd, ptr, len, Follow.NotFinal)),
    path_remove_directory: (fd: number, ptr: number, len: number) => rmdirSync(resolve(fd, ptr, len, Follow.NotFinal)),
    path_unlink_file: (fd: number, ptr: number, len: number) => unlinkSync(resolve(fd, ptr, len, Follow.NotFinal)),
    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      renameSync(resolve(fd, oldPtr, oldLen, Follow.NotFinal), resolve(newFd, newPtr, newLen, Follow.NotFinal));
    },
    path_link(oldFd: number, lookupflags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) {
      linkSync(resolve(oldFd, oldPtr, oldLen, follows(lookupflags)), resolve(newFd, newPtr, newLen, Follow.NotFinal));
    },
    path_symlink(targetPtr: number, targetLen: number, fd: number, ptr: number, len: number) {
      const target = mem.string(targetPtr, targetLen);
      // An absolute target would point host tools (not the guest: it is refused on lookup)
      // outside the sandbox.
      if (path.isAbsolute(target)) throw new WasiError(Errno.Notcapable);
      symlinkSync(target, resolve(fd, ptr, len, Follow.NotFinal));
    },
    path_readlink(fd: number, ptr: number, len: number, buf: number, bufLen: number, bufused: number) {
      const target = readlinkSync(resolve(fd, ptr, len, Follow.NotFinal), { encoding: 'buffer' });
      const n = Math.min(target.length, bufLen >>> 0);
      mem.write(buf, new Uint8Array(target.buffer, target.byteOffset, n));
      mem.setU32(bufused, n);
    },
  };
}
