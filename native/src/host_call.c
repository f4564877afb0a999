/*
 * Calls from wasm into JS imports.
 *
 * Generated code calls wasmjit_host_call (address in vmctx[HostCall]) with the SysV ABI.
 * Arguments travel through the per-env call buffer: we copy the wasm area into
 * callBuffer[AreaStart..], put the instance id and import index into callBuffer[HostCallTarget],
 * and call the JS dispatcher (set with setHostDispatcher) without arguments; it converts
 * them, calls the import and writes results back into the area slots, and we copy them out.
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

/*
 * Handles for a host call. Each call leaves a few handles (the dispatcher call's context and
 * result) in the innermost handle scope. The first WJ_HOST_SCOPE_CALLS calls of an entry
 * leave them in the scope of invoke's own N-API callback, which V8 frees when invoke returns
 * (so a JS -> wasm -> JS round trip opens no scope at all); after that, a scope of the
 * entry's own takes the next WJ_HOST_SCOPE_CALLS calls, then is replaced by a fresh one,
 * and invoke closes the last one before it returns, keeping scopes balanced per callback.
 * Opening and closing one per call was a fifth of the import path. The dispatcher handle is
 * fetched once per entry (again only if setHostDispatcher ran, or a scope was closed).
 *
 * This is the rare part of a host call (a new scope, fetching the dispatcher): out of line,
 * so that wasmjit_host_call's own frame stays small. Its caller counts the call
 * (scope_calls++) afterwards. False, with an exception parked, if the call cannot be made.
 */
static __attribute__((noinline)) bool wj_host_prepare(wj_entry *entry) {
  napi_env env = entry->env;
  wj_env_state *state = entry->state;
  if (entry->scope_calls >= WJ_HOST_SCOPE_CALLS) {
    if (entry->scope != NULL) {
      /* Only this entry's host calls open scopes above it, and each nested entry closes
       * its own before returning, so ours is the innermost one here. The dispatcher handle
       * may live in it: fetch it again (once per WJ_HOST_SCOPE_CALLS calls). */
      entry->fn = NULL;
      napi_close_handle_scope(env, entry->scope);
      entry->scope = NULL;
    }
    if (napi_open_handle_scope(env, &entry->scope) != napi_ok) {
      entry->scope = NULL;
      wj_park_exception(env, entry, "wasmjit: cannot open a handle scope for a host call");
      return false;
    }
    entry->scope_calls = 0;
  }
  if (entry->fn == NULL || entry->fn_gen != (uint32_t)state->dispatcher_gen) {
    entry->fn = NULL;
    if (state->dispatcher == NULL || napi_get_reference_value(env, state->dispatcher, &entry->fn) != napi_ok ||
        entry->fn == NULL) {
      entry->fn = NULL;
      wj_park_exception(env, entry, "wasmjit: no host dispatcher set (setHostDispatcher)");
      return false;
    }
    entry->fn_gen = (uint32_t)state->dispatcher_gen;
  }
  return true;
}

/* Areas are a few slots: a plain loop beats the `rep movsq` GCC makes of memcpy here (its
 * start-up cost was ~5% of a host call). The attribute keeps GCC from turning the loop back
 * into a memcpy. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static void wj_copy_slots(uint64_t *dst, const uint64_t *src, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) dst[i] = src[i];
}

/*
 * One frame of this function sits on the stack of every level of wasm -> JS -> wasm
 * nesting, so only entry, area and nslots are kept across the JS call (the rest is reloaded
 * from the entry), which keeps the frame at a few registers.
 */
int32_t wasmjit_host_call(void *vmctx, uint32_t import_index, uint64_t *area, uint32_t nslots) {
  wj_entry *entry = wj_tls.entry;
  if (entry == NULL) {
    /* Only reachable if generated code runs without invoke(): a runtime bug. */
    fprintf(stderr, "wasmjit: host call outside of any wasm entry\n");
    abort();
  }
  if (nslots > WJ_CB_MAX_AREA) {
    wj_park_exception(entry->env, entry, "wasmjit: host call has more slots than the call buffer");
    return WJ_TRAP_HOST_EXCEPTION;
  }
  /* The dispatcher takes no arguments (two N-API numbers cost ~10 ns a call): it reads
   * which import to run from the call buffer, before anything can re-enter wasm and reuse it. */
  const uint32_t instance_id = (uint32_t)((const uint64_t *)vmctx)[WJ_VMCTX_INSTANCE_ID / 8];
  const uint64_t target = (uint64_t)instance_id | (uint64_t)import_index << 32;
  if (__builtin_expect(entry->scope_calls >= WJ_HOST_SCOPE_CALLS || entry->fn == NULL ||
                           entry->fn_gen != (uint32_t)entry->state->dispatcher_gen,
                       0) &&
      !wj_host_prepare(entry)) {
    return WJ_TRAP_HOST_EXCEPTION;
  }
  entry->scope_calls++;

  uint64_t *cb = entry->state->callbuf;
  wj_copy_slots(cb + WJ_CB_AREA_START, area, nslots);
  cb[WJ_CB_HOST_CALL_TARGET] = target;
  /* A nested entry made by the dispatcher gets the budget our wasm left, measured from here. */
  entry->host_sp = (uintptr_t)area;
  napi_value ret;
  /* The receiver does not matter to the dispatcher; passing fn saves fetching undefined.
   * napi_ok means no exception: napi_call_function refuses to run with one pending and
   * reports one the call threw as napi_pending_exception. */
  const napi_status status = napi_call_function(entry->env, entry->fn, entry->fn, 0, NULL, &ret);
  entry->host_sp = 0;
  if (status != napi_ok) {
    wj_park_exception(entry->env, entry, "wasmjit: calling the host dispatcher failed");
    return WJ_TRAP_HOST_EXCEPTION;
  }
  /* The dispatcher may have re-entered wasm (nested invoke) and reused the buffer;
   * by contract it leaves this call's results in the area slots when it returns. */
  wj_copy_slots(area, entry->state->callbuf + WJ_CB_AREA_START, nslots);
  return 0;
}
