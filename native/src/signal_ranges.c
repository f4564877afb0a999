/*
 * The lock-free range tables of signal_ranges.h.
 *
 * Writers (register/unregister, from any JS thread) race only with each other through
 * compare-and-swap on a slot's state word; readers (the signal handler) only load. The
 * arrays are static: nothing is allocated, so a reader can never see memory being freed.
 */
#include "signal_ranges.h"
#include "signals.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_POINTER_LOCK_FREE == 2,
               "the signal handler needs lock-free atomics");

enum { WJ_SLOT_FREE = 0, WJ_SLOT_BUSY = 1, WJ_SLOT_LIVE = 2 };
#define WJ_STATUS(s) ((s) & 3u)
#define WJ_GEN(s) ((s) >> 2)
#define WJ_STATE(gen, status) (((uint64_t)(gen) << 2) | (status))
/* A handle is generation * 65536 + index; generations stay far below 2^37, so it is exact
 * as a JS number. */
#define WJ_INDEX_BITS 16

_Static_assert(WJ_MAX_CODE_RANGES <= (1 << WJ_INDEX_BITS) && WJ_MAX_MEMORY_RANGES <= (1 << WJ_INDEX_BITS),
               "slot indexes must fit a handle's low bits");

/* Zero-initialized: every slot starts FREE at generation 0. Untouched pages of these arrays
 * are never faulted in, so the capacity costs address space, not memory. */
static wj_range_slot wj_code_slots[WJ_MAX_CODE_RANGES];
static wj_range_slot wj_memory_slots[WJ_MAX_MEMORY_RANGES];

wj_range_table wj_code_ranges = {wj_code_slots, WJ_MAX_CODE_RANGES, 0};
wj_range_table wj_memory_ranges = {wj_memory_slots, WJ_MAX_MEMORY_RANGES, 0};

/* FREE -> BUSY on slot i; returns the generation it was claimed at, or -1 if not free. */
static int64_t wj_try_claim(wj_range_slot *slot) {
  uint64_t s = atomic_load_explicit(&slot->state, memory_order_relaxed);
  if (WJ_STATUS(s) != WJ_SLOT_FREE) return -1;
  /* acq_rel: the start/end stores that follow cannot move above the claim. */
  if (!atomic_compare_exchange_strong_explicit(&slot->state, &s, WJ_STATE(WJ_GEN(s), WJ_SLOT_BUSY),
                                               memory_order_acq_rel, memory_order_relaxed)) {
    return -1;
  }
  return (int64_t)WJ_GEN(s);
}

int64_t wj_ranges_add(wj_range_table *t, uintptr_t start, uintptr_t end) {
  uint32_t index = 0;
  int64_t gen = -1;
  /* Reuse a freed slot first, so `used` (the handler's scan length) tracks the peak number
   * of live ranges rather than the number ever registered. */
  const uint32_t used = atomic_load_explicit(&t->used, memory_order_acquire);
  for (uint32_t i = 0; i < used && gen < 0; i++) {
    gen = wj_try_claim(&t->slots[i]);
    index = i;
  }
  while (gen < 0) {
    uint32_t n = atomic_load_explicit(&t->used, memory_order_acquire);
    if (n >= t->capacity) return -1;
    if (!atomic_compare_exchange_weak_explicit(&t->used, &n, n + 1, memory_order_acq_rel, memory_order_relaxed)) {
      continue;
    }
    /* A concurrent scan may have seen the new slot (it is FREE and below `used` now) and
     * claimed it first; then simply try again. */
    gen = wj_try_claim(&t->slots[n]);
    index = n;
  }
  wj_range_slot *slot = &t->slots[index];
  atomic_store_explicit(&slot->start, start, memory_order_relaxed);
  atomic_store_explicit(&slot->end, end, memory_order_relaxed);
  const uint64_t live_gen = (uint64_t)gen + 1;
  atomic_store_explicit(&slot->state, WJ_STATE(live_gen, WJ_SLOT_LIVE), memory_order_release);
  return (int64_t)((live_gen << WJ_INDEX_BITS) | index);
}

int wj_ranges_remove(wj_range_table *t, int64_t handle) {
  if (handle < 0) return -1;
  const uint32_t index = (uint32_t)(handle & ((1 << WJ_INDEX_BITS) - 1));
  const uint64_t gen = (uint64_t)handle >> WJ_INDEX_BITS;
  if (index >= atomic_load_explicit(&t->used, memory_order_acquire)) return -1;
  uint64_t expected = WJ_STATE(gen, WJ_SLOT_LIVE);
  /* Only the exact publication the handle names: a stale handle (double free) fails here
   * instead of removing whoever reused the slot. */
  return atomic_compare_exchange_strong_explicit(&t->slots[index].state, &expected, WJ_STATE(gen, WJ_SLOT_FREE),
                                                 memory_order_acq_rel, memory_order_relaxed)
             ? 0
             : -1;
}

int wj_ranges_contains(wj_range_table *t, uintptr_t addr) {
  const uint32_t used = atomic_load_explicit(&t->used, memory_order_acquire);
  for (uint32_t i = 0; i < used; i++) {
    wj_range_slot *slot = &t->slots[i];
    const uint64_t s1 = atomic_load_explicit(&slot->state, memory_order_acquire);
    if (WJ_STATUS(s1) != WJ_SLOT_LIVE) continue;
    const uintptr_t start = atomic_load_explicit(&slot->start, memory_order_relaxed);
    const uintptr_t end = atomic_load_explicit(&slot->end, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    /* Unchanged state: start/end belong to the publication s1 names. */
    if (atomic_load_explicit(&slot->state, memory_order_relaxed) != s1) continue;
    if (addr >= start && addr < end) return 1;
  }
  return 0;
}

uint32_t wj_ranges_live(wj_range_table *t) {
  const uint32_t used = atomic_load_explicit(&t->used, memory_order_acquire);
  uint32_t live = 0;
  for (uint32_t i = 0; i < used; i++) {
    if (WJ_STATUS(atomic_load_explicit(&t->slots[i].state, memory_order_relaxed)) == WJ_SLOT_LIVE) live++;
  }
  return live;
}
