/*
 * Trap bookkeeping, called by the assembly unwinder in entry.c on the trapping thread.
 *
 * It runs with rsp possibly in the host reserve below the wasm stack limit, so it must stay
 * small: no allocation, no N-API; the backtrace goes into the entry's env state (one env
 * per thread, so that is this thread's record).
 */
#include <stdio.h>
#include <stdlib.h>

#include "wasmjit.h"

/* See wasmjit.h: written by the guard-region fault handler (signals.c) only. */
wj_signal_stats wj_signals;

void wj_trap_record_no_frames(wj_env_state *state, uint32_t code) {
  state->last_trap_code = code;
  state->last_trap_pc = 0;
  state->backtrace_len = 0;
  state->backtrace_truncated = 0;
}

uintptr_t wj_trap_record(uint32_t code, uintptr_t rbp, uintptr_t pc) {
  wj_entry *entry = wj_tls.entry;
  if (entry == NULL) {
    /* A trap with no active entry has nowhere to go; continuing would corrupt the stack. */
    fprintf(stderr, "wasmjit: trap %u outside of any wasm entry\n", code);
    abort();
  }
  wj_env_state *state = entry->state;
  state->last_trap_code = code;
  /* The trapping function itself is not in the return-address chain (its stub jumped
   * here); generated code names the trap site in rsi instead. */
  state->last_trap_pc = pc;

  /* Walk the rbp chain up to the entry trampoline's frame. Frames link to strictly higher
   * addresses; anything else (a garbage rbp, e.g. generated code that clobbered it before
   * trapping) ends the walk rather than faulting, since every read stays inside
   * [our own sp, entry frame), which is live wasm stack. Only return addresses are recorded
   * here; the trap site itself is last_trap_pc. */
  const uintptr_t entry_frame = wj_entry_frame(entry);
  uintptr_t low = wj_current_sp();
  size_t n = 0;
  int truncated = 0;
  while (rbp != entry_frame) {
    if (rbp < low || rbp > entry_frame - 16 || (rbp & 7) != 0) break;
    const uintptr_t *frame = (const uintptr_t *)rbp;
    /* The outermost wasm frame returns into the trampoline: not a wasm frame, not recorded. */
    if (frame[0] == entry_frame) break;
    if (n == WJ_MAX_BACKTRACE) {
      truncated = 1;
      break;
    }
    state->backtrace[n++] = frame[1];
    low = rbp + 16;
    rbp = frame[0];
  }
  state->backtrace_len = n;
  state->backtrace_truncated = truncated;
  return entry->main_sp;
}
