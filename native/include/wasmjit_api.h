/*
 * wasmjit's public C API for native add-ons (version 1). See docs/native-api.md.
 *
 * An add-on does not link against wasmjit: it receives a function table at run time,
 *   const api = require('@wasmjit/runtime').nativeApi();   // an External
 *   myAddon.init(api);                                      // C: wj_api_from_value()
 * and calls everything through that table. Only this header is needed to build.
 *
 * Threading: every function must be called on the thread (main or worker) that calls wasm;
 * a wj_caller is only valid during the native import call it was passed to; a wj_func is
 * valid while the JS handle it came from is alive (hold a napi_ref to it).
 */
#ifndef WASMJIT_API_H
#define WASMJIT_API_H

#include <stddef.h>
#include <stdint.h>
#include <node_api.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WJ_API_VERSION 1

/* Value types, the wasm binary encoding. References are not supported by the C API. */
#define WJ_I32 0x7f
#define WJ_I64 0x7e
#define WJ_F32 0x7d
#define WJ_F64 0x7c

/* One wasm value, 8 bytes: i32/f32 in the low half. Same layout as a wasm argument slot. */
typedef union wj_val {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  uint64_t bits;
} wj_val;

/* Status codes. 0 is success; 1..15, 17 and 18 are wasm trap codes (a trap ended a call); negative
 * values are usage errors that ran no wasm. */
#define WJ_OK 0
#define WJ_STACK_OVERFLOW 1
#define WJ_UNREACHABLE 2
#define WJ_INTEGER_DIVIDE_BY_ZERO 3
#define WJ_OUT_OF_BOUNDS_MEMORY 6
#define WJ_HOST_EXCEPTION 13     /* a JS import threw: api->take_exception returns it */
#define WJ_OUT_OF_FUEL 15
#define WJ_HOST_TRAP 16          /* a native import trapped with a message (api->trap) */
#define WJ_ERR_JS_IMPORT (-1)    /* wasm called from a native import called a JS import */
#define WJ_ERR_ARGS (-2)         /* bad arguments (arity, NULL pointers, bad handle) */
#define WJ_ERR_NO_STACK (-3)     /* the wasm stack could not be mapped */
#define WJ_ERR_DISPOSED (-4)     /* the function's instance was disposed (Instance.dispose) */

/* The caller context a native import receives: the calling instance, its memory. */
typedef struct wj_caller wj_caller;
/* A wasm function callable from C (an instance's export); from api->func_from_value. */
typedef struct wj_func wj_func;

/* A native import. args[i] holds param i; write result i to results[i] (results does not
 * alias args). Return WJ_OK, or a trap code: usually `return api->trap(c, "message")`, or a
 * code an api->call returned, to let a trap of a nested call end the wasm that called you. */
typedef int32_t (*wj_native_fn)(wj_caller *c, const wj_val *args, wj_val *results);

/* Error details of api->call: the trap code (or WJ_ERR_*) and a NUL-terminated message. */
typedef struct wj_error {
  int32_t code;
  char message[244];
} wj_error;

/* The maximum number of results of a native import. */
#define WJ_MAX_NATIVE_RESULTS 16

typedef struct wj_api {
  uint32_t version; /* WJ_API_VERSION */
  uint32_t size;    /* sizeof(wj_api) of the runtime: fields past it are absent */

  /* A JS value (an opaque object) that instantiate() accepts as a function import of type
   * params -> results. `fn` is called directly by wasm, on the wasm stack, inside the host
   * reserve (hostStackReserve bytes, 256 KiB by default). The handle lives as long as the
   * process (nothing is freed). NULL and a pending JS exception on bad arguments. */
  napi_value (*make_import)(napi_env env, wj_native_fn fn, void *user_data, const uint8_t *params,
                            uint32_t nparams, const uint8_t *results, uint32_t nresults);

  /* The user_data given to make_import for the import being called. */
  void *(*user_data)(const wj_caller *c);

  /* Bounds-checked access to the calling instance's memory 0. Return 0, or -1 when
   * [addr, addr+len) is not inside it (or the caller has no memory). */
  int32_t (*mem_read)(const wj_caller *c, uint64_t addr, void *dst, size_t len);
  int32_t (*mem_write)(const wj_caller *c, uint64_t addr, const void *src, size_t len);
  /* Pointer to [addr, addr+len) of the caller's memory, NULL if out of bounds. Valid until
   * the import returns or calls back into wasm (memory.grow may move it). */
  uint8_t *(*mem_ptr)(const wj_caller *c, uint64_t addr, size_t len);
  /* Current byte size of the caller's memory 0 (0 without memory). */
  uint64_t (*mem_size)(const wj_caller *c);

  /* Records `message` (truncated to 240 bytes) for the RuntimeError of this thread's next
   * host trap and returns WJ_HOST_TRAP: `return api->trap(c, "bad input");`. */
  int32_t (*trap)(const wj_caller *c, const char *message);

  /* The wasm function behind a JS handle made by the runtime's nativeFunction(exportedFn).
   * NULL and a pending TypeError for anything else. */
  const wj_func *(*func_from_value)(napi_env env, napi_value handle);
  /* Number of params / results and their types. */
  uint32_t (*func_arity)(const wj_func *f, uint32_t *nresults);

  /* Calls f with args (one per param), writes its results. Usable from an N-API callback
   * and from inside a native import (a nested activation on the wasm stack). Returns WJ_OK,
   * a trap code, or WJ_ERR_*; err (may be NULL) receives the code and a message. Never
   * unwinds the caller's frames.
   * From an N-API callback the wasm may call JS imports (they run before call() returns);
   * if one throws, the call ends with WJ_HOST_EXCEPTION and take_exception() has the value.
   * From inside a native import it may not (JS cannot run on the wasm stack): such a call
   * ends with WJ_ERR_JS_IMPORT and the JS function never runs. WJ_ERR_DISPOSED when f's
   * instance was disposed. */
  int32_t (*call)(const wj_func *f, const wj_val *args, wj_val *results, wj_error *err);

  /* The exception a JS import threw in this thread's last call() that returned
   * WJ_HOST_EXCEPTION, as a value in the current handle scope (NULL if none), forgotten
   * once taken. Rethrow it to your JS caller: `napi_throw(env, api->take_exception(env))`. */
  napi_value (*take_exception)(napi_env env);
} wj_api;

/* The table from the value nativeApi() returned; NULL if it is not one or too old. */
static inline const wj_api *wj_api_from_value(napi_env env, napi_value v) {
  void *p = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) return NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) return NULL;
  const wj_api *api = (const wj_api *)p;
  return api->version >= WJ_API_VERSION ? api : NULL;
}

#ifdef __cplusplus
}
#endif
#endif
