/*
 * Module init and the small exports. Context-aware (NAPI_MODULE_INIT): each env (main
 * thread, each worker) gets its own wj_env_state through napi_set_instance_data, while
 * the entry chain is thread-local C state (one env per thread).
 */
#include <stdlib.h>
#include <string.h>

#include "wasmjit.h"
#include "signals.h"
#include "epoch.h"
#include "code_share.h"

static void wj_state_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  wj_env_state *state = data;
  /* invokeFast's per-thread cache must not outlive the env (runs on the env's thread). */
  if (wj_tls.env == env) {
    wj_tls.env = NULL;
    wj_tls.state = NULL;
  }
  if (state->callbuf_ab != NULL) napi_delete_reference(env, state->callbuf_ab);
  if (state->capi_driver != NULL) napi_delete_reference(env, state->capi_driver);
  if (state->capi_exception != NULL) napi_delete_reference(env, state->capi_exception);
  /* The thread's wasm stack goes with its env (one env per thread; the env is torn down on
   * its own thread, after all of its JS has stopped). */
  wj_wasm_stack_free();
  free(state->callbuf);
  free(state->collected);
  free(state);
}

/* The call buffer memory is owned by the env state (freed at env teardown), not by the
 * ArrayBuffer, so native code never sees it vanish even if JS drops every view. */
static void wj_callbuf_noop_finalize(node_api_basic_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  (void)hint;
}

static napi_value wj_number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

static napi_value wj_js_helper_addresses(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  napi_set_named_property(env, obj, "hostCall", wj_number(env, (double)(uintptr_t)&wasmjit_host_call));
  napi_set_named_property(env, obj, "trapUnwind", wj_number(env, (double)(uintptr_t)&wasmjit_trap_unwind));
  return obj;
}

static napi_value wj_js_last_trap_backtrace(napi_env env, napi_callback_info info) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) return NULL;
  const wj_env_state *state = data;
  const size_t n = state->backtrace_len;
  napi_value arr;
  if (napi_create_array_with_length(env, n, &arr) != napi_ok) return NULL;
  for (size_t i = 0; i < n; i++) {
    napi_set_element(env, arr, (uint32_t)i, wj_number(env, (double)state->backtrace[i]));
  }
  return arr;
}

/* The trap site address of the last trap on this thread (see last_trap_pc), 0 if unknown. */
static napi_value wj_js_last_trap_pc(napi_env env, napi_callback_info info) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) return NULL;
  const wj_env_state *state = data;
  return wj_number(env, (double)state->last_trap_pc);
}

/* Whether the last trap's backtrace stopped at WJ_MAX_BACKTRACE with older frames left. */
static napi_value wj_js_last_trap_truncated(napi_env env, napi_callback_info info) {
  void *data = NULL;
  napi_value out;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) return NULL;
  const wj_env_state *state = data;
  napi_get_boolean(env, state->backtrace_truncated != 0, &out);
  return out;
}

/* The signal hook (wj_signals in wasmjit.h), maintained by the guard-region handler (signals.c). */
static napi_value wj_js_signal_handler_installed(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_get_boolean(env, wj_signals.installed != 0, &out);
  return out;
}

static napi_value wj_js_signal_count(napi_env env, napi_callback_info info) {
  (void)info;
  return wj_number(env, (double)wj_signals.count);
}

/* Test only: the wasmcall-ABI functions of test_helpers.c, to link as wasm imports. */
static napi_value wj_js_test_imports(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  napi_set_named_property(env, obj, "useStack", wj_number(env, (double)(uintptr_t)&wasmjit_test_use_stack_wasm));
  napi_set_named_property(env, obj, "stackHeadroom",
                          wj_number(env, (double)(uintptr_t)&wasmjit_test_stack_headroom_wasm));
  return obj;
}

static napi_value wj_js_stack_info(napi_env env, napi_callback_info info) {
  (void)info;
  const wj_stack_bounds *b = wj_thread_stack_bounds();
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  napi_set_named_property(env, obj, "low", wj_number(env, (double)b->low));
  napi_set_named_property(env, obj, "high", wj_number(env, (double)b->high));
  napi_set_named_property(env, obj, "sp", wj_number(env, (double)wj_current_sp()));
  return obj;
}

static wj_env_state *wj_state_for(napi_env env) {
  void *existing = NULL;
  if (napi_get_instance_data(env, &existing) == napi_ok && existing != NULL) return existing;
  wj_env_state *state = calloc(1, sizeof *state);
  if (state == NULL) return NULL;
  state->callbuf = aligned_alloc(64, WJ_CB_SLOTS * 8);
  if (state->callbuf == NULL) {
    free(state);
    return NULL;
  }
  memset(state->callbuf, 0, WJ_CB_SLOTS * 8);
  if (napi_set_instance_data(env, state, wj_state_finalize, NULL) != napi_ok) {
    free(state->callbuf);
    free(state);
    return NULL;
  }
  return state;
}

NAPI_MODULE_INIT() {
  wj_env_state *state = wj_state_for(env);
  if (state == NULL) {
    napi_throw_error(env, NULL, "wasmjit_native: out of memory during init");
    return NULL;
  }

  /* Node gives every load of an add-on its own napi_env, so this normally runs once per
   * state; should init ever run again on the same env, re-export the same buffer. */
  napi_value callbuf_ab = NULL;
  if (state->callbuf_ab != NULL) napi_get_reference_value(env, state->callbuf_ab, &callbuf_ab);
  if (callbuf_ab == NULL) {
    if (napi_create_external_arraybuffer(env, state->callbuf, WJ_CB_SLOTS * 8,
                                         wj_callbuf_noop_finalize, NULL, &callbuf_ab) != napi_ok) {
      napi_throw_error(env, NULL, "wasmjit_native: cannot create the call buffer");
      return NULL;
    }
    if (state->callbuf_ab != NULL) napi_delete_reference(env, state->callbuf_ab);
    napi_create_reference(env, callbuf_ab, 1, &state->callbuf_ab);
  }

  /* Every function gets the env state as its data pointer: no lookup on the call path. */
  const napi_property_descriptor props[] = {
      {"callBuffer", NULL, NULL, NULL, NULL, callbuf_ab, napi_enumerable, NULL},
      {"invoke", NULL, wj_js_invoke, NULL, NULL, NULL, napi_enumerable, state},
      {"invokeFast", NULL, wj_js_invoke_fast, NULL, NULL, NULL, napi_enumerable, state},
      {"resume", NULL, wj_js_resume, NULL, NULL, NULL, napi_enumerable, state},
      {"abandon", NULL, wj_js_abandon, NULL, NULL, NULL, napi_enumerable, state},
      {"suspendedFrames", NULL, wj_js_suspended_frames, NULL, NULL, NULL, napi_enumerable, state},
      {"resumeAt", NULL, wj_js_resume_at, NULL, NULL, NULL, napi_enumerable, state},
      {"wasmStackInfo", NULL, wj_js_wasm_stack_info, NULL, NULL, NULL, napi_enumerable, state},
      {"testPinWasmStack", NULL, wj_js_test_pin_wasm_stack, NULL, NULL, NULL, napi_enumerable, state},
      {"helperAddresses", NULL, wj_js_helper_addresses, NULL, NULL, NULL, napi_enumerable, state},
      {"lastTrapBacktrace", NULL, wj_js_last_trap_backtrace, NULL, NULL, NULL, napi_enumerable, state},
      {"lastTrapPc", NULL, wj_js_last_trap_pc, NULL, NULL, NULL, napi_enumerable, state},
      {"lastTrapTruncated", NULL, wj_js_last_trap_truncated, NULL, NULL, NULL, napi_enumerable, state},
      {"signalHandlerInstalled", NULL, wj_js_signal_handler_installed, NULL, NULL, NULL, napi_enumerable, state},
      {"signalCount", NULL, wj_js_signal_count, NULL, NULL, NULL, napi_enumerable, state},
      {"testImports", NULL, wj_js_test_imports, NULL, NULL, NULL, napi_enumerable, state},
      {"stackInfo", NULL, wj_js_stack_info, NULL, NULL, NULL, napi_enumerable, state},
      {"testUseStack", NULL, wj_js_test_use_stack, NULL, NULL, NULL, napi_enumerable, state},
      {"testCrash", NULL, wj_js_test_crash, NULL, NULL, NULL, napi_enumerable, state},
      {"testClobberXmm", NULL, wj_js_test_clobber_xmm, NULL, NULL, NULL, napi_enumerable, state},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  /* The guard-region handler's exports (signals_js.c). */
  if (wj_signals_define_exports(env, exports) != napi_ok) return NULL;
  /* Epoch interruption: epochAddress, startEpochTimer, ... (epoch.c). */
  if (wj_epoch_define(env, exports) != napi_ok) return NULL;
  /* Native memory owned by the GC: mapCode, reserveMemory, newData, ... (memory.c). */
  if (wj_memory_define(env, exports) != napi_ok) return NULL;
  /* Code and module bytes shared between threads, signature ids agreed by all threads
   * (code_share.c, snapshot.c, type_ids.c). */
  if (wj_code_share_define(env, exports) != napi_ok) return NULL;
  if (wj_lazy_code_define(env, exports) != napi_ok) return NULL;
  if (wj_type_ids_define(env, exports) != napi_ok) return NULL;
  if (wj_snapshot_define(env, exports) != napi_ok) return NULL;
  if (wj_wasm_digest_define(env, exports) != napi_ok) return NULL;
  if (wj_data_segments_define(env, exports) != napi_ok) return NULL;
  /* Cached code loaded straight into code pages (code_file.c). */
  if (wj_code_file_define(env, exports) != napi_ok) return NULL;
  if (wj_file_stamps_define(env, exports) != napi_ok) return NULL;
  /* GC trackers: tracker, takeCollected (collected.c). */
  if (wj_collected_define(env, exports, state) != napi_ok) return NULL;
  /* The public C API for add-ons (capi.c). */
  if (wj_capi_define(env, exports, state) != napi_ok) return NULL;
  return exports;
}
