/*
 * Calls from wasm into JS imports.
 *
 * Generated code calls wasmjit_host_call (address in vmctx[HostCall]) with the SysV ABI.
 * Arguments travel through the per-env call buffer: we copy the wasm area into
 * callBuffer[AreaStart..], the JS dispatcher (set with setHostDispatcher) converts them,
 * calls the import and writes results back into the same slots, and we copy them out.
 * A JS exception cannot propagate through wasm frames, so it is parked in the entry record
 * and the caller traps with HostException; invoke() then hands it to takeHostException().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmjit.h"

/* napi_ref only holds objects on Node 20 (no NAPI_EXPERIMENTAL), but JS can throw any
 * value, so exceptions are held inside a one-element array. */
napi_status wj_ref_any(napi_env env, napi_value value, napi_ref *out) {
  napi_value box;
  napi_status s = napi_create_array_with_length(env, 1, &box);
  if (s == napi_ok) s = napi_set_element(env, box, 0, value);
  if (s == napi_ok) s = napi_create_reference(env, box, 1, out);
  return s;
}

napi_status wj_unref_any(napi_env env, napi_ref ref, napi_value *out) {
  napi_value box;
  napi_status s = napi_get_reference_value(env, ref, &box);
  if (s == napi_ok && box != NULL) s = napi_get_element(env, box, 0, out);
  else if (s == napi_ok) s = napi_get_undefined(env, out);
  napi_delete_reference(env, ref);
  return s;
}

/* Park the pending JS exception (or a fresh Error if N-API failed without one). */
static void wj_park_exception(napi_env env, wj_entry *entry, const char *fallback) {
  napi_value exc = NULL;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_get_and_clear_last_exception(env, &exc);
  }
  if (exc == NULL) {
    napi_value msg;
    if (napi_create_string_utf8(env, fallback, NAPI_AUTO_LENGTH, &msg) != napi_ok ||
        napi_create_error(env, NULL, msg, &exc) != napi_ok) {
      napi_get_undefined(env, &exc);
    }
  }
  if (entry->pending_exception != NULL) {
    /* Only one can be in flight per entry; the newest is the one that made us trap. */
    napi_delete_reference(env, entry->pending_exception);
    entry->pending_exception = NULL;
  }
  if (wj_ref_any(env, exc, &entry->pending_exception) != napi_ok) {
    entry->pending_exception = NULL;
  }
}

int32_t wasmjit_host_call(void *vmctx, uint32_t import_index, uint64_t *area, uint32_t nslots) {
  wj_entry *entry = wj_tls.entry;
  if (entry == NULL) {
    /* Only reachable if generated code runs without invoke(): a runtime bug. */
    fprintf(stderr, "wasmjit: host call outside of any wasm entry\n");
    abort();
  }
  napi_env env = entry->env;
  wj_env_state *state = entry->state;

  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    wj_park_exception(env, entry, "wasmjit: cannot open a handle scope for a host call");
    return WJ_TRAP_HOST_EXCEPTION;
  }

  int32_t result = WJ_TRAP_HOST_EXCEPTION;
  napi_value fn = NULL, recv, argv[2], ret;
  if (nslots > WJ_CB_MAX_AREA) {
    wj_park_exception(env, entry, "wasmjit: host call has more slots than the call buffer");
  } else if (state->dispatcher == NULL ||
             napi_get_reference_value(env, state->dispatcher, &fn) != napi_ok || fn == NULL) {
    wj_park_exception(env, entry, "wasmjit: no host dispatcher set (setHostDispatcher)");
  } else {
    memcpy(state->callbuf + WJ_CB_AREA_START, area, (size_t)nslots * 8);
    const uint32_t instance_id = (uint32_t)((const uint64_t *)vmctx)[WJ_VMCTX_INSTANCE_ID / 8];
    napi_status s = napi_get_undefined(env, &recv);
    if (s == napi_ok) s = napi_create_uint32(env, instance_id, &argv[0]);
    if (s == napi_ok) s = napi_create_uint32(env, import_index, &argv[1]);
    if (s == napi_ok) s = napi_call_function(env, recv, fn, 2, argv, &ret);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (s != napi_ok || pending) {
      wj_park_exception(env, entry, "wasmjit: calling the host dispatcher failed");
    } else {
      /* The dispatcher may have re-entered wasm (nested invoke) and reused the buffer;
       * by contract it leaves this call's results in the area slots when it returns. */
      memcpy(area, state->callbuf + WJ_CB_AREA_START, (size_t)nslots * 8);
      result = 0;
    }
  }
  napi_close_handle_scope(env, scope);
  return result;
}
