/*
 * The JS -> wasm call path: invoke(code, vmctx, nslots) and its argument-free twin
 * invokeFast() that the runtime's export wrappers use. Kept lean on purpose (it is paid on
 * every exported-function call): no allocation, no N-API value in or out on the fast path.
 */
#include <string.h>

#include "wasmjit.h"

/* Defined next to its hottest user; see wasmjit.h for why it is initial-exec. */
__thread wj_thread wj_tls __attribute__((tls_model("initial-exec")));

/* Addresses come in as doubles; user-space x86-64 addresses (< 2^47) are exact. */
static inline int wj_address_ok(double d) { return d >= 4096.0 && d < 140737488355328.0; }

/*
 * The wasm budget left to an entry made while `outer` is active (wasm -> JS import -> wasm):
 * what the outer wasm had not used when it made the host call (its area is where its frames
 * end). The JS and native frames between the two are not charged, so nesting depth is bounded
 * by the thread's real stack and V8's own JS limit, not by maxWasmStack. An entry reached
 * some other way (a native import calling back into JS) is charged from its own sp.
 */
static inline uint64_t wj_nested_budget(const wj_entry *outer, uintptr_t sp) {
  const uintptr_t end = outer->host_sp != 0 ? outer->host_sp : sp;
  return end > outer->limit ? end - outer->limit : 0;
}

/* limit = max(sp - budget, thread low + reserve), saturating: absurd option values give
 * "no room", never a wrapped-around limit. */
static inline __attribute__((always_inline)) uint64_t wj_entry_limit(const uint64_t *vmctx, uintptr_t sp,
                                                                   const wj_entry *outer) {
  const wj_stack_bounds *b = wj_thread_stack_bounds();
  uint64_t budget = vmctx[WJ_VMCTX_MAX_WASM_STACK / 8];
  uint64_t reserve = vmctx[WJ_VMCTX_HOST_STACK_RESERVE / 8];
  if (reserve < WJ_MIN_HOST_STACK_RESERVE) reserve = WJ_MIN_HOST_STACK_RESERVE;
  if (__builtin_expect(outer != NULL, 0)) {
    const uint64_t left = wj_nested_budget(outer, sp);
    if (left < budget) budget = left;
  }
  const uint64_t by_budget = sp > budget ? sp - budget : 0;
  const uint64_t by_thread = reserve > UINT64_MAX - b->low ? UINT64_MAX : b->low + reserve;
  return by_budget > by_thread ? by_budget : by_thread;
}

/* Runs code with an area of nslots slots from the call buffer (arguments already checked);
 * returns the TrapCode. Shared by both JS entry points. */
static inline __attribute__((always_inline)) uint32_t wj_run(napi_env env, wj_env_state *state, uintptr_t code,
                                                             uintptr_t vmctx, uint32_t nslots) {
  wj_entry rec;
  rec.prev = wj_tls.entry;
  const uintptr_t sp = wj_current_sp();
  /* Every entry, nested or not, keeps hostStackReserve above the thread's real bottom. */
  rec.limit = wj_entry_limit((const uint64_t *)vmctx, sp, rec.prev);

  uint32_t result;
  if (rec.limit >= sp || sp - rec.limit < WJ_MIN_ENTRY_ROOM) {
    /* Not even room for a small frame (a nested entry whose outer wasm used up the budget,
     * a thread stack used up down to the reserve, or a tiny thread): trap without running.
     * Reset the trap record so the backtrace of some earlier trap is not reported for this
     * one. */
    result = WJ_TRAP_STACK_OVERFLOW;
    wj_trap_record_no_frames(state, result);
    return result;
  }
  rec.saved_sp = NULL;
  rec.host_sp = 0;
  rec.env = env;
  rec.state = state;
  rec.pending_exception = NULL;
  rec.scope = NULL; /* host-call handles, see wj_host_prepare */
  rec.scope_calls = 0;
  rec.fn = NULL;
  wj_tls.entry = &rec;
  result = wasmjit_enter((void *)code, (void *)vmctx, state->callbuf, nslots, rec.limit, &rec.saved_sp);
  wj_tls.entry = rec.prev;
  if (rec.scope != NULL) napi_close_handle_scope(env, rec.scope);
  if (rec.pending_exception != NULL) {
    if (result == WJ_TRAP_HOST_EXCEPTION) {
      if (state->host_exception != NULL) napi_delete_reference(env, state->host_exception);
      state->host_exception = rec.pending_exception;
    } else {
      /* Generated code swallowed the host's failure code; do not leak the exception. */
      napi_delete_reference(env, rec.pending_exception);
    }
  }
  return result;
}

static int wj_nslots_ok(double nslots) {
  return nslots >= 0 && nslots <= WJ_CB_MAX_AREA && (double)(uint32_t)nslots == nslots;
}

napi_value wj_js_invoke(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  void *data = NULL;
  double code, vmctx, nslots_d;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok) return NULL;
  /* napi_get_value_double is the cheapest number read N-API has (get_value_uint32 costs
   * about twice as much), so nslots is read as a double too and range-checked here. */
  if (argc < 3 || napi_get_value_double(env, argv[0], &code) != napi_ok ||
      napi_get_value_double(env, argv[1], &vmctx) != napi_ok ||
      napi_get_value_double(env, argv[2], &nslots_d) != napi_ok) {
    napi_throw_type_error(env, NULL, "invoke(code: number, vmctx: number, nslots: number)");
    return NULL;
  }
  if (!wj_address_ok(code) || !wj_address_ok(vmctx)) {
    napi_throw_range_error(env, NULL, "invoke: code/vmctx is not a user-space address");
    return NULL;
  }
  if (!wj_nslots_ok(nslots_d)) {
    napi_throw_range_error(env, NULL, "invoke: nslots must be an integer in [0, 1022]");
    return NULL;
  }
  const uint32_t result = wj_run(env, data, (uintptr_t)code, (uintptr_t)vmctx, (uint32_t)nslots_d);
  napi_value out;
  /* int32 rather than uint32: same Smi for 0..15, but a cheaper N-API path. */
  napi_create_int32(env, (int32_t)result, &out);
  return out;
}

/*
 * invokeFast(): invoke() with its three arguments taken from the call buffer descriptor
 * (CallBuffer.InvokeCode/InvokeVmctx/InvokeNslots) and undefined returned when wasm returned
 * normally (the TrapCode otherwise). Reading N-API arguments and creating the result value
 * were most of invoke()'s cost. The descriptor is read here, before anything can run a
 * nested entry that rewrites it.
 */
napi_value wj_js_invoke_fast(napi_env env, napi_callback_info info) {
  wj_env_state *state = wj_tls.state;
  if (__builtin_expect(env != wj_tls.env, 0)) {
    void *data = NULL;
    if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) return NULL;
    state = data;
    wj_tls.env = env;
    wj_tls.state = state;
  }
  const uint64_t *cb = state->callbuf;
  double code, vmctx;
  memcpy(&code, &cb[WJ_CB_INVOKE_CODE], 8);
  memcpy(&vmctx, &cb[WJ_CB_INVOKE_VMCTX], 8);
  const uint32_t nslots = (uint32_t)cb[WJ_CB_INVOKE_NSLOTS];
  if (!wj_address_ok(code) || !wj_address_ok(vmctx) || nslots > WJ_CB_MAX_AREA) {
    napi_throw_range_error(env, NULL, "invokeFast: bad call buffer descriptor");
    return NULL;
  }
  const uint32_t result = wj_run(env, state, (uintptr_t)code, (uintptr_t)vmctx, nslots);
  if (result == WJ_TRAP_NONE) return NULL; /* undefined: no N-API value to create */
  napi_value out;
  napi_create_int32(env, (int32_t)result, &out);
  return out;
}

napi_value wj_js_take_host_exception(napi_env env, napi_callback_info info) {
  void *data = NULL;
  napi_value out;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) return NULL;
  wj_env_state *state = data;
  if (state->host_exception == NULL) {
    napi_get_undefined(env, &out);
    return out;
  }
  napi_ref ref = state->host_exception;
  state->host_exception = NULL;
  if (wj_unref_any(env, ref, &out) != napi_ok) napi_get_undefined(env, &out);
  return out;
}
