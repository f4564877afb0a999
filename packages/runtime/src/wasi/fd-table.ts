// The guest's file descriptors: what each number stands for on the host.
//
// Node has no lseek, so a seekable file keeps its offset here and every read and write is
// positioned; streams (terminals, pipes, the process's stdio) use the kernel's offset.
// Node has no openat either: a directory descriptor holds a host fd of its directory, and
// sandbox.ts resolves paths beneath that fd (never beneath a path string, which a rename
// could redirect).
import { closeSync, constants, fstatSync, openSync, statSync, type BigIntStats } from 'node:fs';
import { isatty } from 'node:tty';
import { DIRECTORY_RIGHTS, FILE_RIGHTS, FileType, TTY_RIGHTS } from './abi.js';
import { Errno, WasiError } from './errno.js';
import { MAX_OPEN_FDS } from './limits.js';
import { underFd } from './sandbox.js';

export interface FdEntry {
  hostFd: number;
  type: FileType;
  /** Directories opened as capabilities (preopens, path_open): paths resolve beneath hostFd. */
  isDir?: true;
  /** Preopened directories: the name the guest sees (fd_prestat_dir_name). */
  preopenName?: string;
  /** Offset of a seekable file; null for streams, which use the kernel's offset. */
  position: bigint | null;
  /** fdflags; only Append changes behaviour (writes go to the end). */
  fdflags: number;
  rightsBase: number;
  rightsInheriting: number;
  /** False for the process's own stdio, which closing the guest's descriptor leaves open. */
  owned: boolean;
  /** fd_readdir's listing, read at cookie 0 and reused while the guest pages through it. */
  listing?: DirListing;
}

export interface DirListingEntry { name: Uint8Array; ino: bigint; type: FileType }
export type DirListing = readonly DirListingEntry[];

export function fileTypeOf(st: BigIntStats): FileType {
  if (st.isFile()) return FileType.RegularFile;
  if (st.isDirectory()) return FileType.Directory;
  if (st.isCharacterDevice()) return FileType.CharacterDevice;
  if (st.isBlockDevice()) return FileType.BlockDevice;
  if (st.isSymbolicLink()) return FileType.SymbolicLink;
  if (st.isSocket()) return FileType.SocketStream;
  return FileType.Unknown; // FIFOs have no preview1 type
}

export class FdTable {
  private readonly entries: (FdEntry | undefined)[] = [];

  /** stdio: host descriptors for guest 0, 1, 2. preopens: [guest name, host path] in fd order. */
  constructor(stdio: readonly number[], preopens: readonly [string, string][]) {
    stdio.forEach((hostFd, i) => {
      const entry = streamEntry(hostFd);
      if (entry) this.entries[i] = entry;
    });
    for (const [guest, host] of preopens) {
      const hostFd = openSync(host, constants.O_RDONLY | constants.O_DIRECTORY);
      if (!procFdWorks(hostFd)) {
        closeSync(hostFd);
        throw new Error('WASI: preopened directories need /proc/self/fd (Linux with /proc mounted)');
      }
      this.entries[Math.max(3, this.entries.length)] = {
        hostFd, type: FileType.Directory, isDir: true, preopenName: guest, position: null, fdflags: 0,
        rightsBase: DIRECTORY_RIGHTS, rightsInheriting: DIRECTORY_RIGHTS | FILE_RIGHTS, owned: true,
      };
    }
  }

  get(fd: number): FdEntry {
    const e = this.entries[fd >>> 0];
    if (!e) throw new WasiError(Errno.Badf);
    return e;
  }

  /** A directory descriptor, for the path_* calls. */
  dir(fd: number): FdEntry {
    const e = this.get(fd);
    if (!e.isDir) throw new WasiError(Errno.Notdir);
    return e;
  }

  /** EMFILE when the guest has MAX_OPEN_FDS open: call before opening a host fd for it. */
  checkRoom(): void {
    if (this.lowestFree() >= MAX_OPEN_FDS) throw new WasiError(Errno.Mfile);
  }

  /** Installs `entry` at the lowest free number, as POSIX open does (checkRoom first). */
  add(entry: FdEntry): number {
    const fd = this.lowestFree();
    this.entries[fd] = entry;
    return fd;
  }

  private lowestFree(): number {
    let fd = 0;
    while (this.entries[fd]) fd++;
    return fd;
  }

  close(fd: number): void {
    const e = this.get(fd);
    this.entries[fd >>> 0] = undefined;
    if (e.owned) closeSync(e.hostFd);
  }

  /** fd_renumber: `to` (which must be open) is closed and `from` takes its number. */
  renumber(from: number, to: number): void {
    const e = this.get(from);
    this.get(to);
    if ((from >>> 0) === (to >>> 0)) return;
    this.close(to);
    this.entries[to >>> 0] = e;
    this.entries[from >>> 0] = undefined;
  }

  /** Closes every descriptor the guest opened (the instance is done). */
  closeAll(): void {
    this.entries.forEach((e, fd) => e && this.close(fd));
  }
}

/** Whether this process resolves /proc/self/fd/N/. to the directory open as fd N. */
function procFdWorks(dirFd: number): boolean {
  try {
    const direct = fstatSync(dirFd, { bigint: true });
    const viaProc = statSync(underFd(dirFd, '.'), { bigint: true, throwIfNoEntry: false });
    return viaProc !== undefined && viaProc.ino === direct.ino && viaProc.dev === direct.dev;
  } catch {
    return false;
  }
}

/** A descriptor for an inherited host stream (stdio); undefined when the host has it closed. */
function streamEntry(hostFd: number): FdEntry | undefined {
  let st: BigIntStats;
  try {
    st = fstatSync(hostFd, { bigint: true });
  } catch {
    return undefined;
  }
  const type = fileTypeOf(st);
  const rights = type === FileType.CharacterDevice && isatty(hostFd) ? TTY_RIGHTS : FILE_RIGHTS;
  return { hostFd, type, position: null, fdflags: 0, rightsBase: rights, rightsInheriting: 0, owned: false };
}
