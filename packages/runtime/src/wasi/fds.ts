// fd_* syscalls: reading, writing, seeking, stat, flags, directory listing, preopen names.
import {
  fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync, readSync, readdirSync, lstatSync,
  writeSync, type BigIntStats,
} from 'node:fs';
import { FdFlags, FileType, FstFlags, Layout, Whence, rightsBits } from './abi.js';
import { Errno, WasiError } from './errno.js';
import { fileTypeOf, type DirListing, type FdEntry } from './fd-table.js';
import type { GuestMemory } from './guest-memory.js';
import type { SyscallTable, WasiContext } from './context.js';
import { retryAgain } from './blocking.js';
import { IOV_MAX, MAX_RW_BYTES, hostFileSize, hostOffset, isFileOffset, u64 } from './limits.js';
import { underFd } from './sandbox.js';

const utf8 = new TextEncoder();

/** Writes a filestat struct (also used by path_filestat_get). */
export function writeFilestat(mem: GuestMemory, at: number, st: BigIntStats): void {
  mem.setU64(at + Layout.FilestatDev, st.dev);
  mem.setU64(at + Layout.FilestatIno, st.ino);
  mem.bytes(at + Layout.FilestatFiletype, 8).fill(0);
  mem.setU8(at + Layout.FilestatFiletype, fileTypeOf(st));
  mem.setU64(at + Layout.FilestatNlink, st.nlink);
  mem.setU64(at + Layout.FilestatSize, st.size);
  mem.setU64(at + Layout.FilestatAtim, st.atimeNs);
  mem.setU64(at + Layout.FilestatMtim, st.mtimeNs);
  mem.setU64(at + Layout.FilestatCtim, st.ctimeNs);
}

/** The [atime, mtime] (seconds, as Node's utimes takes them) that fst_flags ask for. */
export function newTimes(st: BigIntStats, atim: bigint, mtim: bigint, flags: number): [number, number] {
  if ((flags & FstFlags.Atim && flags & FstFlags.AtimNow) || (flags & FstFlags.Mtim && flags & FstFlags.MtimNow)) {
    throw new WasiError(Errno.Inval);
  }
  const now = Date.now() / 1000;
  const pick = (set: number, setNow: number, value: bigint, old: bigint): number =>
    flags & set ? Number(u64(value)) / 1e9 : flags & setNow ? now : Number(old) / 1e9;
  return [
    pick(FstFlags.Atim, FstFlags.AtimNow, atim, st.atimeNs),
    pick(FstFlags.Mtim, FstFlags.MtimNow, mtim, st.mtimeNs),
  ];
}

/**
 * Entries of the directory open as host fd `dirFd` as fd_readdir lists them: sorted, without
 * "." and ".." (as node:wasi).
 */
function listDir(dirFd: number): DirListing {
  return readdirSync(underFd(dirFd)).sort().map((name) => {
    const st = lstatSync(underFd(dirFd, name), { bigint: true, throwIfNoEntry: false });
    return { name: utf8.encode(name), ino: st?.ino ?? 0n, type: st ? fileTypeOf(st) : FileType.Unknown };
  });
}

export function fdSyscalls(ctx: WasiContext): SyscallTable {
  const { mem, fds } = ctx;

  function seekable(e: FdEntry): bigint {
    if (e.position === null) throw new WasiError(e.type === FileType.Directory ? Errno.Isdir : Errno.Spipe);
    return e.position;
  }

  /**
   * The guest buffers of one read or write, streamed: at most IOV_MAX of them (EINVAL past
   * it), cut to MAX_RW_BYTES in all so the count fits the u32 the guest gets back.
   */
  function* transferBuffers(iovs: number, count: number): Generator<Uint8Array, void, undefined> {
    if (count >>> 0 > IOV_MAX) throw new WasiError(Errno.Inval);
    let left = MAX_RW_BYTES;
    for (const iov of mem.iovecs(iovs, count)) {
      if (left === 0) return;
      const buf = iov.subarray(0, left);
      left -= buf.length;
      if (buf.length > 0) yield buf;
    }
  }

  // Positions are numbers: writeSync silently ignores a bigint one.
  function read(e: FdEntry, iovs: number, count: number, at: bigint | null): number {
    const base = at === null ? null : hostOffset(at, MAX_RW_BYTES);
    let total = 0;
    for (const buf of transferBuffers(iovs, count)) {
      const n = retryAgain(() => readSync(e.hostFd, buf, 0, buf.length, base === null ? null : base + total));
      total += n;
      if (n < buf.length) break;
    }
    return total;
  }

  function write(e: FdEntry, iovs: number, count: number, at: bigint | null): number {
    const base = at === null ? null : hostOffset(at, MAX_RW_BYTES);
    let total = 0;
    for (const buf of transferBuffers(iovs, count)) {
      for (let done = 0; done < buf.length;) {
        const pos = base === null ? null : base + total;
        const n = retryAgain(() => writeSync(e.hostFd, buf, done, buf.length - done, pos));
        done += n;
        total += n;
      }
    }
    return total;
  }

  return {
    fd_read(fd: number, iovs: number, count: number, nread: number) {
      const e = fds.get(fd);
      const n = read(e, iovs, count, e.position);
      if (e.position !== null) e.position += BigInt(n);
      mem.setU32(nread, n);
    },
    fd_pread(fd: number, iovs: number, count: number, offset: bigint, nread: number) {
      const e = fds.get(fd);
      seekable(e);
      mem.setU32(nread, read(e, iovs, count, u64(offset)));
    },
    fd_write(fd: number, iovs: number, count: number, nwritten: number) {
      const e = fds.get(fd);
      if (e.position !== null && e.fdflags & FdFlags.Append) e.position = fstatSync(e.hostFd, { bigint: true }).size;
      const n = write(e, iovs, count, e.position);
      if (e.position !== null) e.position += BigInt(n);
      mem.setU32(nwritten, n);
    },
    fd_pwrite(fd: number, iovs: number, count: number, offset: bigint, nwritten: number) {
      const e = fds.get(fd);
      seekable(e);
      mem.setU32(nwritten, write(e, iovs, count, u64(offset)));
    },
    fd_seek(fd: number, offset: bigint, whence: number, out: number) {
      const e = fds.get(fd);
      const pos = seekable(e);
      let to: bigint;
      switch (whence) {
        case Whence.Set: to = offset; break;
        case Whence.Cur: to = pos + offset; break;
        case Whence.End: to = fstatSync(e.hostFd, { bigint: true }).size + offset; break;
        default: throw new WasiError(Errno.Inval);
      }
      if (!isFileOffset(to)) throw new WasiError(Errno.Inval);
      e.position = to;
      mem.setU64(out, to);
    },
    fd_tell: (fd: number, out: number) => mem.setU64(out, seekable(fds.get(fd))),
    fd_close: (fd: number) => fds.close(fd),
    fd_renumber: (from: number, to: number) => fds.renumber(from, to),
    fd_sync: (fd: number) => fsyncSync(fds.get(fd).hostFd),
    fd_datasync: (fd: number) => fdatasyncSync(fds.get(fd).hostFd),
    fd_advise(fd: number, _offset: bigint, _len: bigint, advice: number) {
      fds.get(fd);
      if (advice >>> 0 > 5) throw new WasiError(Errno.Inval); // advice is only a hint: accept it
    },
    fd_allocate(fd: number, offset: bigint, len: bigint) {
      const e = fds.get(fd);
      const end = hostFileSize(u64(offset) + u64(len));
      if (fstatSync(e.hostFd).size < end) ftruncateSync(e.hostFd, end);
    },

    fd_fdstat_get(fd: number, out: number) {
      const e = fds.get(fd);
      mem.bytes(out, Layout.FdstatBytes).fill(0);
      mem.setU8(out + Layout.FdstatFiletype, e.type);
      mem.setU16(out + Layout.FdstatFlags, e.fdflags);
      mem.setU64(out + Layout.FdstatRightsBase, e.rightsBase);
      mem.setU64(out + Layout.FdstatRightsInheriting, e.rightsInheriting);
    },
    fd_fdstat_set_flags(fd: number, flags: number) {
      const e = fds.get(fd);
      // Only APPEND is ours to toggle (see fd_write); the others would need fcntl.
      if ((flags & ~FdFlags.Append) !== (e.fdflags & ~FdFlags.Append)) throw new WasiError(Errno.Notsup);
      e.fdflags = flags & 0xffff;
    },
    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint) {
      const e = fds.get(fd);
      const b = rightsBits(base), i = rightsBits(inheriting);
      // Rights can only be dropped.
      if ((b & ~e.rightsBase) !== 0 || (i & ~e.rightsInheriting) !== 0) throw new WasiError(Errno.Notcapable);
      e.rightsBase = b;
      e.rightsInheriting = i;
    },
    fd_filestat_get: (fd: number, out: number) =>
      writeFilestat(mem, out, fstatSync(fds.get(fd).hostFd, { bigint: true })),
    fd_filestat_set_size: (fd: number, size: bigint) => ftruncateSync(fds.get(fd).hostFd, hostFileSize(u64(size))),
    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number) {
      const e = fds.get(fd);
      const [a, m] = newTimes(fstatSync(e.hostFd, { bigint: true }), atim, mtim, flags);
      futimesSync(e.hostFd, a, m);
    },

    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufused: number) {
      const e = fds.dir(fd);
      const cap = bufLen >>> 0;
      mem.checkArray(buf, cap, 1);
      // The cookie is the index of the next entry: one past the last lists nothing (the end),
      // and so does any larger one, as wasmtime; one no index can be is EOVERFLOW.
      const start = u64(cookie);
      if (start > BigInt(Number.MAX_SAFE_INTEGER)) throw new WasiError(Errno.Overflow);
      // A listing is read when the guest starts over (cookie 0) and kept for its next pages,
      // so paging through a large directory does not re-read it for every buffer.
      if (start === 0n || !e.listing) e.listing = listDir(e.hostFd);
      const entries = e.listing;
      let used = 0;
      // Entries are written whole until the buffer is full; the last may be cut short, which
      // tells the guest to call again (bufused == len).
      for (let i = Number(start); i < entries.length && used < cap; i++) {
        const ent = entries[i]!;
        const rec = new Uint8Array(Layout.DirentBytes + ent.name.length);
        const dv = new DataView(rec.buffer);
        dv.setBigUint64(Layout.DirentNext, BigInt(i + 1), true);
        dv.setBigUint64(Layout.DirentIno, ent.ino, true);
        dv.setUint32(Layout.DirentNamlen, ent.name.length, true);
        dv.setUint8(Layout.DirentType, ent.type);
        rec.set(ent.name, Layout.DirentBytes);
        const n = Math.min(rec.length, cap - used);
        mem.write((buf >>> 0) + used, rec.subarray(0, n));
        used += n;
      }
      mem.setU32(bufused, used);
    },

    fd_prestat_get(fd: number, out: number) {
      const e = fds.get(fd);
      if (e.preopenName === undefined) throw new WasiError(Errno.Badf);
      mem.setU32(out + Layout.PrestatTag, 0); // tag 0 (dir) and padding
      mem.setU32(out + Layout.PrestatNameLen, utf8.encode(e.preopenName).length);
    },
    fd_prestat_dir_name(fd: number, out: number, len: number) {
      const e = fds.get(fd);
      if (e.preopenName === undefined) throw new WasiError(Errno.Badf);
      const name = utf8.encode(e.preopenName);
      if (len >>> 0 < name.length) throw new WasiError(Errno.Nametoolong);
      mem.write(out, name);
    },
  };
}
