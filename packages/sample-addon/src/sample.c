/*
 * wasmjit's sample add-on: everything the C API does, in one file to copy
 * (docs/native-api.md). It includes only the public header; the API table comes at run time
 * from require('@wasmjit/runtime').nativeApi(), passed to init().
 */
#include <alloca.h>
#include <stdio.h>
#include <string.h>

#include <node_api.h>
#include "wasmjit_api.h"

static const wj_api *api; /* the same table on every thread */

/* Per thread (main thread, each worker): what the callback import calls, and its counters. */
static __thread const wj_func *callback_fn;
static __thread napi_ref callback_ref;
static __thread uint32_t cleanup_count;
static __thread uint32_t callback_calls;
static __thread char last_error[244];

/* ── Native imports: called by wasm, on the wasm stack, inside the host reserve ──────── */

/* use_stack(bytes) -> i32: a native import with a big frame, touched page by page. */
static int32_t use_stack(wj_caller *c, const wj_val *args, wj_val *results) {
  const uint32_t bytes = (uint32_t)args[0].i32;
  if (bytes > (1u << 20)) return api->trap(c, "use_stack: at most 1 MiB");
  volatile uint8_t *buf = alloca(bytes + 1);
  /* From the top down, as a stack grows, so a too-small stack faults in order. */
  for (uint32_t off = bytes; off >= 4096; off -= 4096) buf[off - 4096] = (uint8_t)((off / 4096) & 0x7f);
  int32_t sum = 0;
  for (uint32_t off = bytes; off >= 4096; off -= 4096) sum += buf[off - 4096];
  results[0].i32 = sum;
  return WJ_OK;
}

/* A scope whose cleanup must run however the nested call ends. */
typedef struct scope {
  int open;
} scope;
static void scope_close(scope *s) {
  if (s->open) cleanup_count++;
  s->open = 0;
}

/* callback(x) -> i32: calls back into wasm. A trap there comes back as a code; this frame
 * returns normally (its cleanup runs) and passes the trap on to the wasm that called it. */
static int32_t callback(wj_caller *c, const wj_val *args, wj_val *results) {
  (void)c;
  callback_calls++;
  scope s = {1};
  if (callback_fn == NULL) {
    scope_close(&s);
    return api->trap(c, "callback: setCallback() was not called on this thread");
  }
  wj_error err;
  const int32_t status = api->call(callback_fn, args, results, &err);
  scope_close(&s);
  if (status != WJ_OK) {
    snprintf(last_error, sizeof last_error, "%s", err.message);
    if (status < 0) return api->trap(c, err.message); /* a usage error: trap with its text */
    return status;                                   /* the trap, e.g. WJ_STACK_OVERFLOW */
  }
  return WJ_OK;
}

/* overflow(bytes) -> i32: unbounded native recursion, as a buggy native import might do.
 * It runs off the wasm stack into its guard: the process dies, as for any native overflow. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static __attribute__((noinline)) int32_t recurse(uint32_t bytes, uint32_t depth) {
  volatile uint8_t *buf = alloca(bytes);
  buf[0] = (uint8_t)depth;
  return buf[0] + recurse(bytes, depth + 1);
}
static int32_t overflow(wj_caller *c, const wj_val *args, wj_val *results) {
  (void)c;
  results[0].i32 = recurse((uint32_t)args[0].i32 | 64, 0);
  return WJ_OK;
}

static int32_t add(wj_caller *c, const wj_val *args, wj_val *results) {
  (void)c;
  results[0].i32 = args[0].i32 + args[1].i32;
  return WJ_OK;
}

/* mem_sum(ptr, len) -> i32: reads the calling instance's memory, bounds-checked. */
static int32_t mem_sum(wj_caller *c, const wj_val *args, wj_val *results) {
  const uint8_t *p = api->mem_ptr(c, (uint32_t)args[0].i32, (uint32_t)args[1].i32);
  if (p == NULL) return api->trap(c, "mem_sum: range outside the caller's memory");
  int32_t sum = 0;
  for (uint32_t i = 0; i < (uint32_t)args[1].i32; i++) sum += p[i];
  results[0].i32 = sum;
  return WJ_OK;
}

/* mem_fill(ptr, len, byte): writes it, bounds-checked. */
static int32_t mem_fill(wj_caller *c, const wj_val *args, wj_val *results) {
  (void)results;
  uint8_t chunk[256];
  memset(chunk, args[2].i32 & 0xff, sizeof chunk);
  uint64_t at = (uint32_t)args[0].i32, left = (uint32_t)args[1].i32;
  if (api->mem_ptr(c, at, left) == NULL) return api->trap(c, "mem_fill: range outside the caller's memory");
  while (left > 0) {
    const size_t n = left < sizeof chunk ? left : sizeof chunk;
    if (api->mem_write(c, at, chunk, n) != 0) return api->trap(c, "mem_fill: write failed");
    at += n;
    left -= n;
  }
  return WJ_OK;
}

/* twice(x: f64, y: i64) -> (f64, i64): two results of two kinds. */
static int32_t twice(wj_caller *c, const wj_val *args, wj_val *results) {
  (void)c;
  results[0].f64 = args[0].f64 * 2;
  results[1].i64 = args[1].i64 + 1;
  return WJ_OK;
}

/* scramble(x: f64) -> f64: returns x after overwriting xmm8..xmm13, as any C code may
 * (they are caller-saved in SysV; vectorized loops and libm use them). wasm keeps float
 * locals there across calls: the API's adapter restores them. */
static int32_t scramble(wj_caller *c, const wj_val *args, wj_val *results) {
  (void)c;
  __asm__ volatile("pcmpeqd %%xmm8, %%xmm8\n pcmpeqd %%xmm9, %%xmm9\n pcmpeqd %%xmm10, %%xmm10\n"
                   "pcmpeqd %%xmm11, %%xmm11\n pcmpeqd %%xmm12, %%xmm12\n pcmpeqd %%xmm13, %%xmm13"
                   ::: "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13");
  results[0].f64 = args[0].f64;
  return WJ_OK;
}

/* ── N-API functions ─────────────────────────────────────────────────────────────────── */

static napi_value js_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const wj_api *t = argc == 1 ? wj_api_from_value(env, argv[0]) : NULL;
  if (t == NULL) {
    napi_throw_type_error(env, NULL, "init(nativeApi): expected require('@wasmjit/runtime').nativeApi()");
    return NULL;
  }
  api = t;
  return NULL;
}

static void put_import(napi_env env, napi_value obj, const char *name, wj_native_fn fn, const char *params,
                       const char *results) {
  napi_value h = api->make_import(env, fn, NULL, (const uint8_t *)params, (uint32_t)strlen(params),
                                  (const uint8_t *)results, (uint32_t)strlen(results));
  if (h != NULL) napi_set_named_property(env, obj, name, h);
}

#define I32 "\x7f"
#define I64 "\x7e"
#define F64 "\x7c"

static napi_value js_imports(napi_env env, napi_callback_info info) {
  (void)info;
  if (api == NULL) {
    napi_throw_error(env, NULL, "call init(nativeApi) first");
    return NULL;
  }
  napi_value obj;
  napi_create_object(env, &obj);
  put_import(env, obj, "use_stack", use_stack, I32, I32);
  put_import(env, obj, "callback", callback, I32, I32);
  put_import(env, obj, "overflow", overflow, I32, I32);
  put_import(env, obj, "add", add, I32 I32, I32);
  put_import(env, obj, "mem_sum", mem_sum, I32 I32, I32);
  put_import(env, obj, "mem_fill", mem_fill, I32 I32 I32, "");
  put_import(env, obj, "twice", twice, F64 I64, F64 I64);
  put_import(env, obj, "scramble", scramble, F64, F64);
  return obj;
}

static napi_value js_set_callback(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const wj_func *f = argc == 1 ? api->func_from_value(env, argv[0]) : NULL;
  if (f == NULL) return NULL; /* func_from_value threw */
  uint32_t nres = 0;
  if (api->func_arity(f, &nres) != 1 || nres != 1) {
    napi_throw_type_error(env, NULL, "setCallback: expected an (i32) -> i32 function");
    return NULL;
  }
  /* The wj_func lives as long as its handle: keep a reference. */
  if (callback_ref != NULL) napi_delete_reference(env, callback_ref);
  napi_create_reference(env, argv[0], 1, &callback_ref);
  callback_fn = f;
  return NULL;
}

static napi_value throw_call_error(napi_env env, const wj_error *err) {
  /* A JS import the wasm called threw: rethrow the very same value to our caller. */
  if (err->code == WJ_HOST_EXCEPTION) {
    napi_value exc = api->take_exception(env);
    if (exc != NULL) {
      napi_throw(env, exc);
      return NULL;
    }
  }
  napi_value msg, error, code;
  napi_create_string_utf8(env, err->message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &error);
  napi_create_int32(env, err->code, &code);
  napi_set_named_property(env, error, "code", code);
  napi_throw(env, error);
  return NULL;
}

/* callI32(handle, ...args): an export called from C with typed arguments. */
static napi_value js_call_i32(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) return NULL;
  const wj_func *f = api->func_from_value(env, argv[0]);
  if (f == NULL) return NULL;
  uint32_t nres = 0;
  const uint32_t np = api->func_arity(f, &nres);
  if (np != argc - 1 || nres != 1) {
    napi_throw_type_error(env, NULL, "callI32: argument count does not match, or not one result");
    return NULL;
  }
  wj_val args[8], result;
  for (uint32_t i = 0; i < np; i++) napi_get_value_int32(env, argv[i + 1], &args[i].i32);
  wj_error err;
  if (api->call(f, args, &result, &err) != WJ_OK) return throw_call_error(env, &err);
  napi_value out;
  napi_create_int32(env, result.i32, &out);
  return out;
}

/* callLoop(handle, n): n calls of an (i32, i32) -> i32 export, for the benchmark. */
static napi_value js_call_loop(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const wj_func *f = argc == 2 ? api->func_from_value(env, argv[0]) : NULL;
  if (f == NULL) return NULL;
  uint32_t nres = 0;
  if (api->func_arity(f, &nres) != 2 || nres != 1) {
    napi_throw_type_error(env, NULL, "callLoop: expected an (i32, i32) -> i32 function");
    return NULL;
  }
  int32_t n = 0;
  napi_get_value_int32(env, argv[1], &n);
  wj_val args[2], result;
  wj_error err;
  int32_t sum = 0;
  for (int32_t i = 0; i < n; i++) {
    args[0].i32 = i;
    args[1].i32 = 1;
    if (api->call(f, args, &result, &err) != WJ_OK) return throw_call_error(env, &err);
    sum += result.i32;
  }
  napi_value out;
  napi_create_int32(env, sum, &out);
  return out;
}

static napi_value js_cleanups(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_uint32(env, cleanup_count, &out);
  return out;
}

static napi_value js_callback_calls(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_uint32(env, callback_calls, &out);
  return out;
}

static napi_value js_last_error(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, last_error, NAPI_AUTO_LENGTH, &out);
  return out;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
      {"init", NULL, js_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"imports", NULL, js_imports, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setCallback", NULL, js_set_callback, NULL, NULL, NULL, napi_enumerable, NULL},
      {"callI32", NULL, js_call_i32, NULL, NULL, NULL, napi_enumerable, NULL},
      {"callLoop", NULL, js_call_loop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cleanups", NULL, js_cleanups, NULL, NULL, NULL, napi_enumerable, NULL},
      {"callbackCalls", NULL, js_callback_calls, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lastError", NULL, js_last_error, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
