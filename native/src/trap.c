/*
 * Trap bookkeeping, called by the assembly unwinder in entry.c on the trapping thread.
 *
 * It runs with rsp possibly in the host reserve below the wasm stack limit, so it must stay
 * small: no allocation, no N-API, a fixed-size thread-local buffer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wasmjit.h"

static __thread uintptr_t wj_backtrace[WJ_MAX_BACKTRACE];
static __thread size_t wj_backtrace_len;
/* Kept for debuggers / future use: the code of the last trap on this thread. */
static __thread uint32_t wj_last_trap_code;

void *wj_trap_record(uint32_t code, uintptr_t rbp) {
  wj_entry *entry = wj_tls.entry;
  if (entry == NULL) {
    /* A trap with no active entry has nowhere to go; continuing would corrupt the stack. */
    fprintf(stderr, "wasmjit: trap %u outside of any wasm entry\n", code);
    abort();
  }
  wj_last_trap_code = code;

  /* Walk the rbp chain up to the entry trampoline's frame. Frames link to strictly higher
   * addresses; anything else (a garbage rbp, e.g. generated code that clobbered it before
   * trapping) ends the walk rather than faulting, since every read stays inside
   * [our own sp, entry frame), which is live stack. */
  const uintptr_t entry_frame = (uintptr_t)entry->saved_sp + WJ_ENTRY_FRAME_OFFSET;
  uintptr_t low = wj_current_sp();
  size_t n = 0;
  while (n < WJ_MAX_BACKTRACE && rbp != entry_frame) {
    if (rbp < low || rbp > entry_frame - 16 || (rbp & 7) != 0) break;
    const uintptr_t *frame = (const uintptr_t *)rbp;
    wj_backtrace[n++] = frame[1];
    low = rbp + 16;
    rbp = frame[0];
  }
  wj_backtrace_len = n;
  return entry->saved_sp;
}

size_t wj_last_backtrace(const uintptr_t **out) {
  *out = wj_backtrace;
  return wj_backtrace_len;
}
