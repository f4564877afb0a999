/*
 * The JS side of the guard-region handler: install it, register / unregister the address
 * ranges it owns. All of these run at load or instantiate time, never on the wasm call path.
 */
#include <stdio.h>
#include <string.h>

#include "signal_ranges.h"
#include "signals.h"

/* User-space x86-64 addresses are below 2^47 and exact as doubles. */
#define WJ_USER_TOP 140737488355328.0

static napi_value wj_num(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

static void wj_throw_errno(napi_env env, const char *what, int err) {
  char msg[160];
  const char *reason = strerror(err);
  snprintf(msg, sizeof msg, "%s: %s (errno %d)", what, reason != NULL ? reason : "?", err);
  napi_throw_error(env, NULL, msg);
}

/* signalsInstall(): installs the handler (once per process) and makes sure this thread has
 * an alternate signal stack; returns that stack's size in bytes. */
static napi_value wj_js_signals_install(napi_env env, napi_callback_info info) {
  (void)info;
  int err = wj_signals_install();
  if (err != 0) {
    wj_throw_errno(env, "wasmjit: cannot install the SIGSEGV/SIGBUS handler", err);
    return NULL;
  }
  size_t size = 0;
  err = wj_signals_thread_init(env, &size);
  if (err != 0) {
    wj_throw_errno(env, "wasmjit: cannot set up an alternate signal stack", err);
    return NULL;
  }
  return wj_num(env, (double)size);
}

/* Reads (address, size) and checks they name a non-empty user-space range. */
static int wj_read_range(napi_env env, napi_callback_info info, uintptr_t *start, uintptr_t *end) {
  size_t argc = 2;
  napi_value argv[2];
  double a, n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < 2 || napi_get_value_double(env, argv[0], &a) != napi_ok ||
      napi_get_value_double(env, argv[1], &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected (address: number, size: number)");
    return 0;
  }
  if (!(a >= 4096.0 && n > 0 && a + n <= WJ_USER_TOP) || (double)(uintptr_t)a != a || (double)(uintptr_t)n != n) {
    napi_throw_range_error(env, NULL, "address range is not a non-empty user-space range");
    return 0;
  }
  *start = (uintptr_t)a;
  *end = (uintptr_t)a + (uintptr_t)n;
  return 1;
}

static int wj_read_handle(napi_env env, napi_callback_info info, int64_t *handle) {
  size_t argc = 1;
  napi_value argv[1];
  double h;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < 1 || napi_get_value_double(env, argv[0], &h) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected (handle: number)");
    return 0;
  }
  *handle = h >= 0 && h < 9007199254740992.0 && (double)(int64_t)h == h ? (int64_t)h : -1;
  return 1;
}

static napi_value wj_add(napi_env env, napi_callback_info info, wj_range_table *t) {
  uintptr_t start, end;
  if (!wj_read_range(env, info, &start, &end)) return NULL;
  return wj_num(env, (double)wj_ranges_add(t, start, end));
}

static napi_value wj_remove(napi_env env, napi_callback_info info, wj_range_table *t) {
  int64_t handle;
  if (!wj_read_handle(env, info, &handle)) return NULL;
  napi_value out;
  napi_get_boolean(env, wj_ranges_remove(t, handle) == 0, &out);
  return out;
}

static napi_value wj_js_register_code(napi_env env, napi_callback_info info) {
  return wj_add(env, info, &wj_code_ranges);
}
static napi_value wj_js_unregister_code(napi_env env, napi_callback_info info) {
  return wj_remove(env, info, &wj_code_ranges);
}
static napi_value wj_js_register_memory(napi_env env, napi_callback_info info) {
  return wj_add(env, info, &wj_memory_ranges);
}
static napi_value wj_js_unregister_memory(napi_env env, napi_callback_info info) {
  return wj_remove(env, info, &wj_memory_ranges);
}

/* signalRanges(): live range counts, for tests and diagnostics. */
static napi_value wj_js_signal_ranges(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  napi_set_named_property(env, obj, "code", wj_num(env, wj_ranges_live(&wj_code_ranges)));
  napi_set_named_property(env, obj, "memory", wj_num(env, wj_ranges_live(&wj_memory_ranges)));
  return obj;
}

napi_status wj_signals_define_exports(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"signalsInstall", NULL, wj_js_signals_install, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signalsRegisterCode", NULL, wj_js_register_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signalsUnregisterCode", NULL, wj_js_unregister_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signalsRegisterMemory", NULL, wj_js_register_memory, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signalsUnregisterMemory", NULL, wj_js_unregister_memory, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signalRanges", NULL, wj_js_signal_ranges, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
