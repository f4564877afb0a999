/*
 * Address-range tables the fault handler consults (signal_ranges.c): one for JIT code, one
 * for linear-memory reservations. Written from JS threads, read from signal handlers on any
 * thread, so they use no lock and never allocate: fixed-size slot arrays updated with
 * atomics, where a slot is claimed, filled, published, and later marked free again.
 */
#ifndef WASMJIT_SIGNAL_RANGES_H
#define WASMJIT_SIGNAL_RANGES_H

#include <stdatomic.h>
#include <stdint.h>

#include "wasmjit.h"

/*
 * A slot's state word is (generation << 2) | status. Readers check that the word is LIVE
 * and unchanged across their reads of start/end (a seqlock), so a slot being freed and
 * reused under them is never mistaken for a consistent range. Every publication bumps the
 * generation, which also makes handles (index + generation) unique over time.
 */
typedef struct wj_range_slot {
  _Atomic uint64_t state;
  _Atomic uintptr_t start;
  _Atomic uintptr_t end; /* exclusive */
} wj_range_slot;

typedef struct wj_range_table {
  wj_range_slot *slots;
  uint32_t capacity; /* at most 65536: a handle keeps the index in its low 16 bits */
  /* Slots [0, used) have been claimed at least once; readers scan only those. */
  _Atomic uint32_t used;
} wj_range_table;

extern wj_range_table wj_code_ranges WJ_HIDDEN;
extern wj_range_table wj_memory_ranges WJ_HIDDEN;

/* Publishes [start, end); returns a handle (>= 0, below 2^53) or -1 when the table is full. */
int64_t wj_ranges_add(wj_range_table *t, uintptr_t start, uintptr_t end) WJ_HIDDEN;
/* Unpublishes the range of `handle`; 0 on success, -1 when the handle is not live. */
int wj_ranges_remove(wj_range_table *t, int64_t handle) WJ_HIDDEN;
/* Whether a live range contains addr. Async-signal-safe: loads only. */
int wj_ranges_contains(wj_range_table *t, uintptr_t addr) WJ_HIDDEN;
/* Number of live ranges (a snapshot; for tests and diagnostics). */
uint32_t wj_ranges_live(wj_range_table *t) WJ_HIDDEN;

#endif
