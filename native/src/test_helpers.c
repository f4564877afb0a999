/* Test-only exports: exercise the host stack reserve, and crash on purpose. */
#include <alloca.h>

#include "wasmjit.h"

/* noinline so the alloca is a real frame of its own that is popped on return. */
static __attribute__((noinline)) uint32_t wj_touch_stack(size_t bytes) {
  volatile unsigned char *p = alloca(bytes + 1);
  /* Top down, one write per page, so each touch is adjacent to already-mapped stack. */
  for (size_t off = bytes; off >= 4096; off -= 4096) p[off] = (unsigned char)(off >> 12);
  p[0] = 0xA5;
  uint32_t sum = p[0];
  for (size_t off = bytes; off >= 4096; off -= 4096) sum = sum * 31u + p[off];
  return sum;
}

napi_value wj_js_test_use_stack(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  double bytes;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_double(env, argv[0], &bytes) != napi_ok || !(bytes >= 0)) {
    napi_throw_type_error(env, NULL, "testUseStack(bytes: number)");
    return NULL;
  }
  /* Refuse what would run off the thread's stack: this is a test helper, not a crasher. */
  const wj_stack_bounds *b = wj_thread_stack_bounds();
  const uintptr_t sp = wj_current_sp();
  if (bytes > (double)(sp - b->low) - 64.0 * 1024) {
    napi_throw_range_error(env, NULL, "testUseStack: not that much stack left on this thread");
    return NULL;
  }
  napi_create_uint32(env, wj_touch_stack((size_t)bytes), &out);
  return out;
}

napi_value wj_js_test_crash(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  /* A volatile address so the compiler cannot prove (and warn about or elide) the fault. */
  volatile uintptr_t bad = 16;
  *(volatile int *)bad = 42;
  return NULL;
}
