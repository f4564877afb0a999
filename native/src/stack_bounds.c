/* The current thread's stack bounds, read once per thread (they never change). */
/* pthread_getattr_np is a GNU extension. */
#define _GNU_SOURCE
#include <pthread.h>

#include "wasmjit.h"

const wj_stack_bounds *wj_thread_stack_bounds_slow(void) {
  wj_stack_bounds *out = &wj_tls.bounds;

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
    out->low = (uintptr_t)addr + guard;
    out->high = (uintptr_t)addr + size;
  } else {
    /* Unknown bounds: pretend the stack ends 256 KiB below here, which is small enough to
     * be safe on any thread Node creates; wasm then mostly gets StackOverflow, not a crash. */
    uintptr_t sp = wj_current_sp();
    out->low = sp - 256 * 1024;
    out->high = sp;
  }
  wj_tls.bounds_ready = 1;
  return out;
}
