// WASI preview1 error numbers, the error a syscall throws to return one, and the mapping from
// Node's host errors (err.code 'ENOENT', ...) to them.

/** preview1 `errno`, by value; the index in ERRNO_NAMES is the number. */
export const enum Errno {
  Success = 0, TooBig = 1, Acces = 2, Again = 6, Badf = 8, Exist = 20, Fault = 21, Fbig = 22, Inval = 28,
  Io = 29, Isdir = 31, Loop = 32, Mfile = 33, Ilseq = 25, Nametoolong = 37, Noent = 44, Nosys = 52,
  Notdir = 54, Notempty = 55, Notsup = 58, Overflow = 61, Perm = 63, Spipe = 70, Notcapable = 76,
}

// Every preview1 errno name in order (witx `errno`), so a host code maps by name.
const ERRNO_NAMES = (
  'success 2big acces addrinuse addrnotavail afnosupport again already badf badmsg busy canceled child ' +
  'connaborted connrefused connreset deadlk destaddrreq dom dquot exist fault fbig hostunreach idrm ilseq ' +
  'inprogress intr inval io isconn isdir loop mfile mlink msgsize multihop nametoolong netdown netreset ' +
  'netunreach nfile nobufs nodev noent noexec nolck nolink nomem nomsg noprotoopt nospc nosys notconn ' +
  'notdir notempty notrecoverable notsock notsup notty nxio overflow ownerdead perm pipe proto ' +
  'protonosupport prototype range rofs spipe srch stale timedout txtbsy xdev notcapable'
).split(' ');

const BY_HOST_CODE = new Map<string, number>(ERRNO_NAMES.map((n, i) => [`E${n.toUpperCase()}`, i]));
// Host spellings that preview1 folds into another name.
BY_HOST_CODE.set('EWOULDBLOCK', Errno.Again);
BY_HOST_CODE.set('EOPNOTSUPP', Errno.Notsup);

/** Thrown inside a syscall implementation to make it return `errno`. */
export class WasiError extends Error {
  constructor(readonly errno: number) {
    super(`WASI errno ${ERRNO_NAMES[errno] ?? errno}`);
  }
}

/** The errno for an exception from a syscall, or undefined when it is not an OS-level error. */
export function errnoOf(e: unknown): number | undefined {
  if (e instanceof WasiError) return e.errno;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  // Node's own argument checks (ERR_OUT_OF_RANGE, ...) mean a value the guest passed was bad.
  if (code.startsWith('ERR_')) return Errno.Inval;
  return BY_HOST_CODE.get(code) ?? Errno.Io;
}

export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? String(errno);
}
