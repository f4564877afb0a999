/*
 * Trackers: tell JS which objects the garbage collector has found dead, during a synchronous
 * loop too.
 *
 * A JS FinalizationRegistry callback runs only after the current job, so a runtime table
 * indexed by id (host-dispatch.ts) would keep every entry of a synchronous instantiate-and-
 * drop loop until the loop ends. A tracker is an external whose finalizer (a basic one, run
 * inside the GC: see memory.c) only appends its id to a per-thread list; the runtime drains
 * that list with takeCollected() whenever it registers something new, and after forcing a
 * collection.
 */
#include <stdlib.h>

#include "wasmjit.h"

static void wj_tracker_finalize(node_api_basic_env env, void *data, void *hint) {
  (void)hint;
  void *instance_data = NULL;
  const uint32_t id = (uint32_t)(uintptr_t)data;
  /* At env teardown the state may already be gone: nothing is left to tell. */
  if (napi_get_instance_data(env, &instance_data) != napi_ok || instance_data == NULL) return;
  wj_env_state *state = instance_data;
  if (state->collected_len == state->collected_cap) {
    const size_t cap = state->collected_cap == 0 ? 64 : state->collected_cap * 2;
    uint32_t *grown = realloc(state->collected, cap * sizeof *grown);
    if (grown == NULL) return; /* the id is lost, not reused: a slot leaks, nothing breaks */
    state->collected = grown;
    state->collected_cap = cap;
  }
  state->collected[state->collected_len++] = id;
}

/* tracker(id: u32): an object whose collection reports `id` through takeCollected(). */
static napi_value wj_js_tracker(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t id;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &id) != napi_ok) {
    napi_throw_type_error(env, NULL, "tracker(id: number)");
    return NULL;
  }
  napi_value out;
  if (napi_create_external(env, (void *)(uintptr_t)id, wj_tracker_finalize, NULL, &out) != napi_ok) return NULL;
  return out;
}

/* takeCollected(): the ids of trackers collected since the last call (then forgotten). */
static napi_value wj_js_take_collected(napi_env env, napi_callback_info info) {
  void *data = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) return NULL;
  wj_env_state *state = data;
  napi_value arr;
  if (napi_create_array_with_length(env, state->collected_len, &arr) != napi_ok) return NULL;
  for (size_t i = 0; i < state->collected_len; i++) {
    napi_value v;
    napi_create_uint32(env, state->collected[i], &v);
    napi_set_element(env, arr, (uint32_t)i, v);
  }
  state->collected_len = 0;
  return arr;
}

napi_status wj_collected_define(napi_env env, napi_value exports, wj_env_state *state) {
  const napi_property_descriptor props[] = {
      {"tracker", NULL, wj_js_tracker, NULL, NULL, NULL, napi_enumerable, state},
      {"takeCollected", NULL, wj_js_take_collected, NULL, NULL, NULL, napi_enumerable, state},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
