// preview1 numbers and struct layouts (wasi/api.h, generated from the witx). Offsets are the
// `offsetof` values that header asserts; all integers are little-endian.

export const enum FileType {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4,
  SocketDgram = 5, SocketStream = 6, SymbolicLink = 7,
}

export const enum FdFlags { Append = 1, Dsync = 2, Nonblock = 4, Rsync = 8, Sync = 16 }
export const enum OFlags { Creat = 1, Directory = 2, Excl = 4, Trunc = 8 }
export const enum LookupFlags { SymlinkFollow = 1 }
export const enum Whence { Set = 0, Cur = 1, End = 2 }
export const enum FstFlags { Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8 }
export const enum ClockId { Realtime = 0, Monotonic = 1, ProcessCputime = 2, ThreadCputime = 3 }
export const enum EventType { Clock = 0, FdRead = 1, FdWrite = 2 }
export const enum SubClockFlags { Abstime = 1 }

/** Rights bits (`rights` is a u64; all of them fit in 30 bits, so plain numbers work). */
export const enum Rights {
  FdDatasync = 1 << 0, FdRead = 1 << 1, FdSeek = 1 << 2, FdFdstatSetFlags = 1 << 3, FdSync = 1 << 4,
  FdTell = 1 << 5, FdWrite = 1 << 6, FdAdvise = 1 << 7, FdAllocate = 1 << 8,
  PathCreateDirectory = 1 << 9, PathCreateFile = 1 << 10, PathLinkSource = 1 << 11,
  PathLinkTarget = 1 << 12, PathOpen = 1 << 13, FdReaddir = 1 << 14, PathReadlink = 1 << 15,
  PathRenameSource = 1 << 16, PathRenameTarget = 1 << 17, PathFilestatGet = 1 << 18,
  PathFilestatSetSize = 1 << 19, PathFilestatSetTimes = 1 << 20, FdFilestatGet = 1 << 21,
  FdFilestatSetSize = 1 << 22, FdFilestatSetTimes = 1 << 23, PathSymlink = 1 << 24,
  PathRemoveDirectory = 1 << 25, PathUnlinkFile = 1 << 26, PollFdReadwrite = 1 << 27,
  SockShutdown = 1 << 28, SockAccept = 1 << 29,
}

/** The rights bits of a u64 `rights` value (all defined ones are below bit 30). */
export function rightsBits(r: bigint): number {
  return Number(r & 0x3fffffffn);
}

/** What a file descriptor may do. */
export const FILE_RIGHTS =
  Rights.FdDatasync | Rights.FdRead | Rights.FdSeek | Rights.FdFdstatSetFlags | Rights.FdSync |
  Rights.FdTell | Rights.FdWrite | Rights.FdAdvise | Rights.FdAllocate | Rights.FdFilestatGet |
  Rights.FdFilestatSetSize | Rights.FdFilestatSetTimes | Rights.PollFdReadwrite;
/** A terminal's: no seek/tell, which is how wasi-libc's isatty() recognises one. */
export const TTY_RIGHTS = FILE_RIGHTS & ~(Rights.FdSeek | Rights.FdTell);
/** What a directory descriptor may do: the path operations under it, and a few fd ones. */
export const DIRECTORY_RIGHTS =
  Rights.PathCreateDirectory | Rights.PathCreateFile | Rights.PathLinkSource | Rights.PathLinkTarget |
  Rights.PathOpen | Rights.FdReaddir | Rights.PathReadlink | Rights.PathRenameSource |
  Rights.PathRenameTarget | Rights.PathFilestatGet | Rights.PathFilestatSetSize |
  Rights.PathFilestatSetTimes | Rights.PathSymlink | Rights.PathRemoveDirectory | Rights.PathUnlinkFile |
  Rights.FdFilestatGet | Rights.FdFilestatSetTimes | Rights.FdFdstatSetFlags | Rights.FdSync |
  Rights.FdDatasync | Rights.FdAdvise;
/** Rights that need the host file opened for writing (uvwasi uses the same set). */
export const WRITE_RIGHTS = Rights.FdWrite | Rights.FdDatasync | Rights.FdAllocate | Rights.FdFilestatSetSize;
export const READ_RIGHTS = Rights.FdRead | Rights.FdReaddir;

/** Struct sizes (…Bytes) and field offsets. */
export const enum Layout {
  IovecBytes = 8,
  FdstatBytes = 24, FdstatFiletype = 0, FdstatFlags = 2, FdstatRightsBase = 8, FdstatRightsInheriting = 16,
  FilestatBytes = 64, FilestatDev = 0, FilestatIno = 8, FilestatFiletype = 16, FilestatNlink = 24,
  FilestatSize = 32, FilestatAtim = 40, FilestatMtim = 48, FilestatCtim = 56,
  DirentBytes = 24, DirentNext = 0, DirentIno = 8, DirentNamlen = 16, DirentType = 20,
  PrestatBytes = 8, PrestatTag = 0, PrestatNameLen = 4,
  SubscriptionBytes = 48, SubUserdata = 0, SubTag = 8, SubClockId = 16, SubClockTimeout = 24,
  SubClockPrecision = 32, SubClockFlags = 40, SubFd = 16,
  EventBytes = 32, EventUserdata = 0, EventError = 8, EventType = 10, EventNbytes = 16, EventFlags = 24,
}
