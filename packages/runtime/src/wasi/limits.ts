// Bounds on what one syscall does for the guest. Every count, length and offset a syscall
// takes is the guest's choice; these keep the host's work and memory for one call bounded,
// and turn what the host cannot represent into an errno. The numbers are Linux's where Linux
// has one, so a program sees the limits it would see natively.
import { Errno, WasiError } from './errno.js';

/** iovecs in one fd_read/fd_write (Linux and wasi-libc's IOV_MAX): more is EINVAL, as readv(2). */
export const IOV_MAX = 1024;

/** Bytes moved by one read or write call; more is a short count, as Linux's MAX_RW_COUNT. */
export const MAX_RW_BYTES = 0x7fff_f000;

/** Subscriptions in one poll_oneoff: more is EINVAL, as poll(2) past RLIMIT_NOFILE. */
export const MAX_SUBSCRIPTIONS = 4096;

/**
 * Descriptors one guest may hold open at once (EMFILE past it): each is a host fd, and the
 * process has one table of them for the guest, Node and the embedder alike.
 */
export const MAX_OPEN_FDS = 4096;

/** Bytes of a guest path (Linux's PATH_MAX): longer is ENAMETOOLONG. */
export const MAX_PATH_BYTES = 4096;

/** Largest file offset Linux takes (loff_t is signed). */
const MAX_OFFSET = (1n << 63n) - 1n;

/** A u64 argument the wasm ABI passed as a signed i64. */
export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

/**
 * A file offset (or size) as a number for Node's fs calls: EINVAL past loff_t (as
 * pread(2)), EOVERFLOW when `offset + span` is not exactly representable as a double.
 */
export function hostOffset(offset: bigint, span = 0): number {
  if (offset > MAX_OFFSET) throw new WasiError(Errno.Inval);
  if (offset + BigInt(span) > BigInt(Number.MAX_SAFE_INTEGER)) throw new WasiError(Errno.Overflow);
  return Number(offset);
}

/** A new file size for ftruncate: EINVAL past loff_t, EFBIG past what Node can pass. */
export function hostFileSize(size: bigint): number {
  if (size > MAX_OFFSET) throw new WasiError(Errno.Inval);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new WasiError(Errno.Fbig);
  return Number(size);
}

/** Whether a seek target is a valid offset. */
export function isFileOffset(offset: bigint): boolean {
  return offset >= 0n && offset <= MAX_OFFSET;
}
