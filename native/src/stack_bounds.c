/* The current thread's stack bounds, read once per thread (they never change). */
/* pthread_getattr_np is a GNU extension. */
#define _GNU_SOURCE
#include <pthread.h>

#include "wasmjit.h"

static __thread wj_stack_bounds wj_bounds;
static __thread int wj_bounds_ready;

const wj_stack_bounds *wj_thread_stack_bounds(void) {
  if (wj_bounds_ready) return &wj_bounds;

  pthread_attr_t attr;
  void *addr = NULL;
  size_t size = 0, guard = 0;
  int ok = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    ok = pthread_attr_getstack(&attr, &addr, &size) == 0 && size != 0;
    if (pthread_attr_getguardsize(&attr, &guard) != 0) guard = 0;
    pthread_attr_destroy(&attr);
  }
  if (ok) {
    /* glibc may count the guard page(s) inside [addr, addr + size); never hand them out. */
    wj_bounds.low = (uintptr_t)addr + guard;
    wj_bounds.high = (uintptr_t)addr + size;
  } else {
    /* Unknown bounds: pretend the stack ends 256 KiB below here, which is small enough to
     * be safe on any thread Node creates; wasm then mostly gets StackOverflow, not a crash. */
    uintptr_t sp = wj_current_sp();
    wj_bounds.low = sp - 256 * 1024;
    wj_bounds.high = sp;
  }
  wj_bounds_ready = 1;
  return &wj_bounds;
}
