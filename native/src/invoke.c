/*
 * The JS -> wasm call path: invoke(code, vmctx, nslots) and its argument-free twin
 * invokeFast() that the runtime's export wrappers use, and the two calls that continue or
 * drop a suspended activation, resume() and abandon(). Kept lean on purpose (invokeFast is
 * paid on every exported-function call): no allocation, no N-API value in or out on the
 * fast path.
 *
 * wasm runs on the thread's wasm stack (wasm_stack.c), never on the thread's own stack.
 * When it calls a JS import or a runtime builtin, host_call (entry.c) suspends it and these
 * functions return WJ_STATUS_HOST_CALL to the export wrapper, which runs the call in JS and
 * then calls resume(). So the thread's stack holds only JS frames for each level of
 * wasm -> JS -> wasm nesting, and V8 never runs on the wasm stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmjit.h"

/* Defined next to its hottest user; see wasmjit.h for why it is initial-exec. */
__thread wj_thread wj_tls __attribute__((tls_model("initial-exec")));

/* Addresses come in as doubles; user-space x86-64 addresses (< 2^47) are exact. */
static inline int wj_address_ok(double d) { return d >= 4096.0 && d < 140737488355328.0; }

/*
 * Runs code with an area of nslots slots from the call buffer (arguments already checked);
 * returns the TrapCode, 0, or WJ_STATUS_HOST_CALL. Shared by both JS entry points.
 *
 * The activation starts right below the innermost suspended one (nested entries share the
 * wasm stack, LIFO like the JS frames that made them) or at the top of the wasm stack. Its
 * limit: max(start - maxWasmStack, the outer activation's limit, bottom + hostStackReserve),
 * saturating, so a nested entry shares its outer entry's budget and always keeps the reserve
 * above the wasm stack's guard.
 */
static inline __attribute__((always_inline)) uint32_t wj_run(napi_env env, wj_env_state *state, uintptr_t code,
                                                             uintptr_t vmctx_addr, uint32_t nslots) {
  const uint64_t *vmctx = (const uint64_t *)vmctx_addr;
  wj_entry *outer = wj_tls.entry;
  const uint64_t budget = vmctx[WJ_VMCTX_MAX_WASM_STACK / 8];
  const uint64_t reserve = wj_reserve_of(vmctx);
  uintptr_t start;
  if (__builtin_expect(outer == NULL, 1)) {
    /* Outermost: the stack may be grown (remapped) while nothing runs on it. */
    if (__builtin_expect(wj_outermost_stack(budget, reserve) != 0, 0)) {
      napi_throw_error(env, NULL, "wasmjit: cannot map a wasm stack for this thread");
      return WJ_TRAP_NONE;
    }
    start = wj_tls.ws_high;
  } else {
    if (__builtin_expect(!outer->suspended, 0)) {
      /* Only native code running on the wasm stack could get here (nothing of ours calls
       * JS from there); running V8 on the wasm stack is not supported. */
      napi_throw_error(env, NULL, "wasmjit: wasm entered from native code running on the wasm stack");
      return WJ_TRAP_NONE;
    }
    start = outer->wasm_sp & ~(uintptr_t)15;
  }
  uint64_t limit;
  wj_entry *rec = wj_place_activation(start, outer != NULL ? outer->limit : 0, budget, reserve, nslots, &limit);
  if (rec == NULL) {
    /* Not even room for a small frame (a nested entry whose outer wasm used up the budget,
     * a wasm stack used up down to the reserve): trap without running. Reset the trap record
     * so the backtrace of some earlier trap is not reported for this one. */
    wj_trap_record_no_frames(state, WJ_TRAP_STACK_OVERFLOW);
    return WJ_TRAP_STACK_OVERFLOW;
  }
  wj_link_activation(rec, outer, state, limit, 0);
  const uint32_t result = wasmjit_enter((void *)code, (void *)vmctx, state->callbuf, nslots, limit, rec);
  if (result != WJ_STATUS_HOST_CALL) wj_tls.entry = rec->prev;
  return result;
}

/* host_call's C half (see wasmjit.h), on the wasm stack below the calling wasm. */
wj_entry *wj_host_suspend(void *vmctx, uint32_t import_index, uint64_t *area, uint32_t nslots) {
  wj_entry *rec = wj_tls.entry;
  if (rec == NULL || rec->suspended || nslots > WJ_CB_MAX_AREA) {
    /* Only reachable if generated code runs without invoke() or breaks the area contract. */
    fprintf(stderr, "wasmjit: host call outside of a running wasm activation\n");
    abort();
  }
  uint64_t *cb = rec->state->callbuf;
  for (uint32_t i = 0; i < nslots; i++) cb[WJ_CB_AREA_START + i] = area[i];
  const uint32_t instance_id = (uint32_t)((const uint64_t *)vmctx)[WJ_VMCTX_INSTANCE_ID / 8];
  cb[WJ_CB_HOST_CALL_TARGET] = (uint64_t)instance_id | (uint64_t)import_index << 32;
  memcpy(&cb[WJ_CB_SUSPEND_SERIAL], &rec->serial, 8);
  rec->host_area = area;
  rec->host_nslots = nslots;
  rec->suspended = 1;
  return rec;
}

/*
 * The suspended activation the wrapper names in CallBuffer.SuspendSerial, made innermost:
 * activations above it were left by JS that never came back for them (a termination V8 later
 * cancelled, e.g. a vm timeout) and can never be resumed, so they are dropped. NULL (and a JS
 * error) if there is none: resuming or dropping anything else could run wasm with results
 * meant for another call.
 */
static wj_entry *wj_suspended_by_serial(napi_env env, wj_env_state *state) {
  double serial;
  memcpy(&serial, &state->callbuf[WJ_CB_SUSPEND_SERIAL], 8);
  wj_entry *e = wj_tls.entry;
  while (e != NULL && e->serial > serial) e = e->prev;
  if (e == NULL || e->serial != serial || !e->suspended) {
    napi_throw_error(env, NULL, "wasmjit: no suspended wasm activation with this serial on this thread");
    return NULL;
  }
  wj_tls.entry = e;
  return e;
}

static wj_env_state *wj_state_of(napi_env env, napi_callback_info info) {
  wj_env_state *state = wj_tls.state;
  if (__builtin_expect(env != wj_tls.env, 0)) {
    void *data = NULL;
    if (napi_get_cb_info(env, info, NULL, NULL, NULL, &data) != napi_ok) return NULL;
    state = data;
    wj_tls.env = env;
    wj_tls.state = state;
  }
  return state;
}

/* undefined when wasm returned, true for a suspended host call (napi_get_boolean hands out
 * a root constant: cheaper than creating a number, and host calls are the hot case), the
 * TrapCode otherwise. */
static napi_value wj_status_value(napi_env env, uint32_t result) {
  if (result == WJ_TRAP_NONE) return NULL; /* undefined: no N-API value to create */
  napi_value out;
  if (result == WJ_STATUS_HOST_CALL) napi_get_boolean(env, true, &out);
  else napi_create_int32(env, (int32_t)result, &out);
  return out;
}

/*
 * resume(): the host call of the activation named by CallBuffer.SuspendSerial is done, its
 * results are in the call buffer's area: copy them into the wasm area and continue. Returns
 * like invokeFast (undefined, a TrapCode, or WJ_STATUS_HOST_CALL again).
 */
napi_value wj_js_resume(napi_env env, napi_callback_info info) {
  wj_env_state *state = wj_state_of(env, info);
  if (state == NULL) return NULL;
  wj_entry *rec = wj_suspended_by_serial(env, state);
  if (rec == NULL) return NULL;
  const uint64_t *cb = state->callbuf;
  for (uint32_t i = 0; i < rec->host_nslots; i++) rec->host_area[i] = cb[WJ_CB_AREA_START + i];
  rec->suspended = 0;
  const uint32_t result = wasmjit_resume(rec);
  if (result != WJ_STATUS_HOST_CALL) wj_tls.entry = rec->prev;
  return wj_status_value(env, result);
}

/* abandon(): the host call threw; drop the named activation (and any left above it). Its
 * wasm frames are simply forgotten: nothing in them needs to run. */
napi_value wj_js_abandon(napi_env env, napi_callback_info info) {
  wj_env_state *state = wj_state_of(env, info);
  if (state == NULL) return NULL;
  wj_entry *rec = wj_suspended_by_serial(env, state);
  if (rec == NULL) return NULL;
  wj_tls.entry = rec->prev;
  return NULL;
}

/*
 * Exception handling (docs/exceptions.md): the wasm frames of the suspended activation named
 * by CallBuffer.SuspendSerial, innermost first, as [pc, rbp, vmctx, pc, ...]: pc is where the
 * frame's function continues (the return address of its call), rbp its frame, vmctx the word
 * at rbp - 8 (a wasm function's saved vmctx; JS only compares it with its instances'). The first
 * comes from host_call's save frame (entry.c: r15, r14, r13, r12, rbx, rbp, return address).
 * Walks stop at the entry frame, or at anything that is not a frame link strictly above the
 * previous one (never reading outside the activation's live wasm stack).
 */
napi_value wj_js_suspended_frames(napi_env env, napi_callback_info info) {
  wj_env_state *state = wj_state_of(env, info);
  if (state == NULL) return NULL;
  wj_entry *rec = wj_suspended_by_serial(env, state);
  if (rec == NULL) return NULL;
  const uintptr_t entry_frame = wj_entry_frame(rec);
  const uintptr_t *save = (const uintptr_t *)rec->wasm_sp;
  uintptr_t pc = save[6];
  uintptr_t rbp = save[5];
  uintptr_t low = rec->wasm_sp + 56;
  napi_value out;
  if (napi_create_array(env, &out) != napi_ok) return NULL;
  uint32_t n = 0;
  while (rbp != entry_frame && rbp >= low && rbp <= entry_frame - 16 && (rbp & 7) == 0) {
    napi_value v;
    napi_create_double(env, (double)pc, &v);
    napi_set_element(env, out, n++, v);
    napi_create_double(env, (double)rbp, &v);
    napi_set_element(env, out, n++, v);
    napi_create_double(env, (double)((const uintptr_t *)rbp)[-1], &v);
    napi_set_element(env, out, n++, v);
    const uintptr_t *frame = (const uintptr_t *)rbp;
    if (frame[0] == entry_frame) break;
    low = rbp + 16;
    pc = frame[1];
    rbp = frame[0];
  }
  return out;
}

/*
 * resumeAt(rbp, pc): continue the suspended activation named by CallBuffer.SuspendSerial at
 * landing pad `pc` in the frame at `rbp` (one suspendedFrames() reported). Returns like
 * resume().
 */
napi_value wj_js_resume_at(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double rbp_d, pc_d;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2 || napi_get_value_double(env, argv[0], &rbp_d) != napi_ok || napi_get_value_double(env, argv[1], &pc_d) != napi_ok) {
    napi_throw_type_error(env, NULL, "resumeAt(rbp: number, pc: number)");
    return NULL;
  }
  wj_env_state *state = wj_state_of(env, info);
  if (state == NULL) return NULL;
  wj_entry *rec = wj_suspended_by_serial(env, state);
  if (rec == NULL) return NULL;
  const uintptr_t rbp = (uintptr_t)rbp_d;
  /* The frame must be one of this activation's: between its host call and its entry frame. */
  if (!wj_address_ok(pc_d) || rbp <= rec->wasm_sp || rbp >= wj_entry_frame(rec) || (rbp & 7) != 0) {
    napi_throw_range_error(env, NULL, "resumeAt: not a frame of the suspended activation");
    return NULL;
  }
  rec->suspended = 0;
  const uint32_t result = wasmjit_resume_at(rec, rbp, (uintptr_t)pc_d);
  if (result != WJ_STATUS_HOST_CALL) wj_tls.entry = rec->prev;
  return wj_status_value(env, result);
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
 * normally (the TrapCode or WJ_STATUS_HOST_CALL otherwise). Reading N-API arguments and
 * creating the result value were most of invoke()'s cost.
 */
napi_value wj_js_invoke_fast(napi_env env, napi_callback_info info) {
  wj_env_state *state = wj_state_of(env, info);
  if (state == NULL) return NULL;
  const uint64_t *cb = state->callbuf;
  double code, vmctx;
  memcpy(&code, &cb[WJ_CB_INVOKE_CODE], 8);
  memcpy(&vmctx, &cb[WJ_CB_INVOKE_VMCTX], 8);
  const uint32_t nslots = (uint32_t)cb[WJ_CB_INVOKE_NSLOTS];
  if (!wj_address_ok(code) || !wj_address_ok(vmctx) || nslots > WJ_CB_MAX_AREA) {
    napi_throw_range_error(env, NULL, "invokeFast: bad call buffer descriptor");
    return NULL;
  }
  return wj_status_value(env, wj_run(env, state, (uintptr_t)code, (uintptr_t)vmctx, nslots));
}
