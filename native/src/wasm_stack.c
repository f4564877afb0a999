/*
 * Each thread's wasm stack: an anonymous mapping, reserved rather than committed
 * (MAP_NORESERVE; pages cost memory only once wasm touches them), with an inaccessible guard
 * region below it. All wasm activations of the thread live on it, nested ones below the
 * activations they were called from; the thread's own stack keeps JS, N-API and V8.
 *
 * The guard is never meant to be hit: every wasm frame is checked against the pinned limit,
 * and the limit keeps hostStackReserve above the usable bottom for the native code that runs
 * below the deepest wasm frame. A native import that overruns that reserve faults in the
 * guard, which is not ours to recover (the fault handler passes it on) — as a native stack
 * overflow on the thread's own stack would.
 *
 * Sizing: at the outermost entry, when nothing runs on it, the stack is (re)mapped if the
 * entered instance wants more than it has (maxWasmStack + hostStackReserve). It never
 * shrinks while the thread lives; it is unmapped at env teardown on the thread.
 */
#include <sys/mman.h>

#include "wasmjit.h"

/* Inaccessible bytes below the usable stack. */
#define WJ_WASM_STACK_GUARD (64u * 1024u)
/* Smallest mapping: the default sizes fit, so most threads map once. */
#define WJ_WASM_STACK_MIN (8ull << 20)
/* Largest mapping; a bigger budget is clamped by the limit computation to what is mapped. */
#define WJ_WASM_STACK_MAX (4ull << 30)


static int wj_map(uint64_t need) {
  void *p = mmap(NULL, need + WJ_WASM_STACK_GUARD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return -1;
  const uintptr_t low = (uintptr_t)p + WJ_WASM_STACK_GUARD;
  if (mprotect((void *)low, need, PROT_READ | PROT_WRITE) != 0) {
    munmap(p, need + WJ_WASM_STACK_GUARD);
    return -1;
  }
  wj_wasm_stack_free();
  wj_tls.ws_low = low;
  wj_tls.ws_high = low + need;
  return 0;
}

int wj_wasm_stack_ensure(uint64_t need) {
  if (wj_tls.entry != NULL || wj_tls.ws_pinned) return wj_tls.ws_high != 0 ? 0 : -1;
  if (need < WJ_WASM_STACK_MIN) need = WJ_WASM_STACK_MIN;
  if (need > WJ_WASM_STACK_MAX) need = WJ_WASM_STACK_MAX;
  need = (need + (1u << 20) - 1) & ~(uint64_t)((1u << 20) - 1);
  if (wj_tls.ws_high - wj_tls.ws_low >= need) return 0;
  return wj_map(need);
}

void wj_wasm_stack_free(void) {
  if (wj_tls.ws_high == 0) return;
  munmap((void *)(wj_tls.ws_low - WJ_WASM_STACK_GUARD), wj_tls.ws_high - wj_tls.ws_low + WJ_WASM_STACK_GUARD);
  wj_tls.ws_low = wj_tls.ws_high = 0;
  wj_tls.entry = NULL;
}

/* testPinWasmStack(bytes): test only. Remaps this thread's idle wasm stack to exactly `bytes`
 * (page-rounded, at least 64 KiB) and keeps it that size, so that a test can put the limit
 * at its bottom without touching gigabytes; 0 unpins it (it then grows as usual). */
napi_value wj_js_test_pin_wasm_stack(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double bytes = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_double(env, argv[0], &bytes) != napi_ok || !(bytes >= 0 && bytes <= (double)WJ_WASM_STACK_MAX)) {
    napi_throw_range_error(env, NULL, "testPinWasmStack(bytes: number in [0, 4 GiB])");
    return NULL;
  }
  if (wj_tls.entry != NULL) {
    napi_throw_error(env, NULL, "testPinWasmStack: wasm is running on this thread");
    return NULL;
  }
  wj_tls.ws_pinned = 0;
  if (bytes == 0) return NULL;
  uint64_t need = ((uint64_t)bytes + 4095) & ~(uint64_t)4095;
  if (need < 64 * 1024) need = 64 * 1024;
  if (wj_map(need) != 0) {
    napi_throw_error(env, NULL, "testPinWasmStack: mmap failed");
    return NULL;
  }
  wj_tls.ws_pinned = 1;
  return NULL;
}

/* wasmStackInfo(): this thread's wasm stack { low, high } (0s before first use) and the
 * innermost activation's limit (0 when none runs), for tests and tools. */
napi_value wj_js_wasm_stack_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, v;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  napi_create_double(env, (double)wj_tls.ws_low, &v);
  napi_set_named_property(env, obj, "low", v);
  napi_create_double(env, (double)wj_tls.ws_high, &v);
  napi_set_named_property(env, obj, "high", v);
  napi_create_double(env, wj_tls.entry != NULL ? (double)wj_tls.entry->limit : 0, &v);
  napi_set_named_property(env, obj, "limit", v);
  return obj;
}
