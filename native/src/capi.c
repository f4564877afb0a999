/*
 * The public C API for native add-ons (native/include/wasmjit_api.h, docs/native-api.md):
 * the function table handed out through nativeApi(), native imports called straight from
 * wasm through one generic adapter, and calls from C into wasm exports.
 *
 * A native import is presented to the runtime as a wasm function whose code is the adapter
 * below and whose vmctx is a small region of its own (the runtime's native-imports.ts): the
 * usual header (TrapUnwind, stack options), then the C function, its descriptor and its
 * result count. Wasm calls it like any imported wasm function, on the wasm stack, with the
 * host reserve below the limit for the C code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasmjit.h"
#include "wasmjit_api.h"

/* The import region's fields after the vmctx header (runtime native-api.ts). The region
 * holds everything the adapter and the callee's API calls read, so it is self-contained:
 * it lives as long as a wasm function that any instance links, while the handle the add-on
 * made (and its descriptor) may be collected long before. */
/* WJ_IMP_NARROW: nonzero when result 0 is an i32 or f32 (read as 4 bytes). */
enum { WJ_IMP_FN = 0x80, WJ_IMP_USER_DATA = 0x88, WJ_IMP_NRESULTS = 0x90, WJ_IMP_NARROW = 0x98, WJ_IMP_REGION = 0xa0 };
#define WJ_MAX_TRAP 16u
#define WJ_FUNC_MAGIC 0x776a666eu

/* Built by the adapter on its frame: [rbp - 24] .. [rbp - 8]. */
struct wj_caller {
  const uint64_t *caller_vmctx; /* the calling instance's vmctx; NULL when JS called it */
  uint64_t *area;
  const uint64_t *self; /* the import region */
};
_Static_assert(sizeof(struct wj_caller) == 24, "the adapter lays out wj_caller by hand");

/* What make_import allocates, owned by the handle (freed when it is collected); linking
 * copies it into the import region. */
typedef struct wj_import_desc {
  wj_native_fn fn;
  void *user_data;
  uint32_t nparams, nresults;
  uint8_t types[]; /* params, then results */
} wj_import_desc;

struct wj_func {
  uint32_t magic;
  uint32_t nparams, nresults;
  uint32_t float_result; /* result 0 is f32/f64: it comes back in xmm0 */
  uint32_t owner_id;     /* the runtime's name for the instance, for JS host calls */
  const wj_env_state *home; /* the thread (env) whose JS made the handle: the only caller */
  uintptr_t code, vmctx;
  uint8_t types[];
};

/* Tags the runtime's handles carry; JS cannot set a type tag. */
static const napi_type_tag wj_import_tag = {0x7761736d6a697431ull, 0x696d706f72743031ull};
static const napi_type_tag wj_func_tag = {0x7761736d6a697431ull, 0x66756e6374303031ull};

/* This thread's env state, where the host trap message is kept (NULL before wasmjit ran). */
static wj_env_state *wj_msg_state(void) { return wj_tls.entry != NULL ? wj_tls.entry->state : wj_tls.state; }

/*
 * The adapter from wasmcall to wj_native_fn. On entry: r14 = the import region, [rsp] the
 * return address, area slot i at [rsp + 8 + 8i], rbp = the caller's frame. Frame (208 bytes,
 * rsp 16-aligned at the C call):
 *   [rbp - 8]    r14 (as in a wasm frame)     [rbp - 24 .. -8]  struct wj_caller
 *   [rbp - 80 .. -40]  xmm8..xmm13 (wasmcall keeps them, SysV does not)
 *   [rbp - 208 .. -80) results (16 slots), copied to the area afterwards
 * A nonzero status traps: the C function has returned, so only wasm frames are unwound.
 */
__asm__(
    ".intel_syntax noprefix\n"
    ".text\n"
    ".globl wasmjit_capi_import\n"
    ".hidden wasmjit_capi_import\n"
    ".type wasmjit_capi_import, @function\n"
    ".p2align 4\n"
    "wasmjit_capi_import:\n"
    "  push rbp\n"
    "  mov rbp, rsp\n"
    "  sub rsp, 208\n"
    "  mov [rbp - 8], r14\n"
    "  lea rsi, [rbp + 16]\n"
    "  mov [rbp - 16], rsi\n"
    /* The caller's vmctx is in its frame at [its rbp - 8], unless the caller is the entry
     * trampoline (JS called the import directly): its frame has a zero return address. */
    "  xor eax, eax\n"
    "  mov rcx, [rbp]\n"
    "  cmp qword ptr [rcx + 8], 0\n"
    "  je 1f\n"
    "  mov rax, [rcx - 8]\n"
    "1:\n"
    "  mov [rbp - 24], rax\n"
    "  movsd [rbp - 80], xmm8\n"
    "  movsd [rbp - 72], xmm9\n"
    "  movsd [rbp - 64], xmm10\n"
    "  movsd [rbp - 56], xmm11\n"
    "  movsd [rbp - 48], xmm12\n"
    "  movsd [rbp - 40], xmm13\n"
    "  lea rdi, [rbp - 24]\n"
    "  lea rdx, [rbp - 208]\n"
    "  call [r14 + 0x80]\n"
    "  movsd xmm8, [rbp - 80]\n"
    "  movsd xmm9, [rbp - 72]\n"
    "  movsd xmm10, [rbp - 64]\n"
    "  movsd xmm11, [rbp - 56]\n"
    "  movsd xmm12, [rbp - 48]\n"
    "  movsd xmm13, [rbp - 40]\n"
    "  test eax, eax\n"
    "  jnz 3f\n"
    "  mov ecx, [r14 + 0x90]\n"
    "  mov edx, 1\n"
    "  cmp ecx, edx\n"
    "  jbe 2f\n"
    "4:\n"
    "  mov r11, [rbp - 208 + rdx*8]\n"
    "  mov [rbp + 16 + rdx*8], r11\n"
    "  inc edx\n"
    "  cmp edx, ecx\n"
    "  jb 4b\n"
    "2:\n"
    /* Result 0 is read with its own width: C stores an i32/f32 with 4 bytes, and an 8-byte
     * load of a 4-byte store cannot be forwarded (a stall of ~10 cycles on every call). */
    "  cmp byte ptr [r14 + 0x98], 0\n"
    "  jne 5f\n"
    "  mov rax, [rbp - 208]\n"
    "  movq xmm0, rax\n"
    "  leave\n"
    "  ret\n"
    "5:\n"
    "  mov eax, [rbp - 208]\n"
    "  movd xmm0, eax\n"
    "  leave\n"
    "  ret\n"
    "3:\n"
    "  mov edi, eax\n"
    "  call wj_capi_trap_code\n"
    "  mov edi, eax\n"
    "  leave\n"
    /* As a trap stub does: the site is the return address into the calling wasm. */
    "  pop rsi\n"
    "  jmp [r14 + 0x18]\n"
    ".size wasmjit_capi_import, .-wasmjit_capi_import\n"
    ".att_syntax prefix\n");

void wasmjit_capi_import(void) WJ_HIDDEN;
uint32_t wj_capi_trap_code(int32_t status) WJ_HIDDEN;

_Static_assert(WJ_IMP_FN == 0x80 && WJ_IMP_NRESULTS == 0x90 && WJ_VMCTX_TRAP_UNWIND == 0x18,
               "the adapter hard-codes these offsets");

static void wj_set_host_msg(const char *msg) {
  wj_env_state *st = wj_msg_state();
  if (st == NULL) return;
  snprintf(st->host_trap_msg, sizeof st->host_trap_msg, "%s", msg);
  st->host_trap_msg_set = 1;
}

/* A native import's nonzero status → the TrapCode to trap with. Codes a trap can have
 * (1..12, out_of_fuel, a host trap) pass; anything else is a host trap saying so. */
uint32_t wj_capi_trap_code(int32_t status) {
  if ((status >= 1 && status <= 12) || status == 15) return (uint32_t)status;
  if (status == (int32_t)WJ_TRAP_HOST_TRAP) {
    const wj_env_state *st = wj_msg_state();
    if (st != NULL && !st->host_trap_msg_set) wj_set_host_msg("native import trapped");
    return WJ_TRAP_HOST_TRAP;
  }
  char text[80];
  snprintf(text, sizeof text, "native import returned an invalid status %d", status);
  wj_set_host_msg(text);
  return WJ_TRAP_HOST_TRAP;
}

/* ── The API table's functions ─────────────────────────────────────────────────────── */

static int wj_type_ok(uint8_t t) { return t == WJ_I32 || t == WJ_I64 || t == WJ_F32 || t == WJ_F64; }

/* Descriptors alive in the process (capiLiveImports(), for the tests that check handles are
 * reclaimed). Handles may be made and collected on any thread. */
static int64_t wj_live_imports;

static void wj_import_finalize(node_api_basic_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  __atomic_fetch_sub(&wj_live_imports, 1, __ATOMIC_RELAXED);
  free(data);
}

static napi_value wj_api_make_import(napi_env env, wj_native_fn fn, void *user_data, const uint8_t *params,
                                     uint32_t nparams, const uint8_t *results, uint32_t nresults) {
  if (fn == NULL || nparams > 1000 || nresults > WJ_MAX_NATIVE_RESULTS || (nparams && !params) ||
      (nresults && !results)) {
    napi_throw_type_error(env, NULL, "wasmjit make_import: bad function, arity or type pointer");
    return NULL;
  }
  for (uint32_t i = 0; i < nparams; i++)
    if (!wj_type_ok(params[i])) goto bad_type;
  for (uint32_t i = 0; i < nresults; i++)
    if (!wj_type_ok(results[i])) goto bad_type;
  wj_import_desc *d = malloc(sizeof *d + nparams + nresults);
  if (d == NULL) {
    napi_throw_error(env, NULL, "wasmjit make_import: out of memory");
    return NULL;
  }
  d->fn = fn;
  d->user_data = user_data;
  d->nparams = nparams;
  d->nresults = nresults;
  if (nparams) memcpy(d->types, params, nparams);
  if (nresults) memcpy(d->types + nparams, results, nresults);
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok || napi_type_tag_object(env, obj, &wj_import_tag) != napi_ok ||
      napi_wrap(env, obj, d, wj_import_finalize, NULL, NULL) != napi_ok) {
    free(d);
    return NULL;
  }
  __atomic_fetch_add(&wj_live_imports, 1, __ATOMIC_RELAXED);
  return obj;
bad_type:
  napi_throw_type_error(env, NULL, "wasmjit make_import: types must be WJ_I32, WJ_I64, WJ_F32 or WJ_F64");
  return NULL;
}

static void *wj_api_user_data(const wj_caller *c) {
  return (void *)(uintptr_t)c->self[WJ_IMP_USER_DATA / 8];
}

static uint64_t wj_api_mem_size(const wj_caller *c) {
  return c->caller_vmctx == NULL ? 0 : c->caller_vmctx[WJ_VMCTX_MEM_SIZE / 8];
}

static uint8_t *wj_api_mem_ptr(const wj_caller *c, uint64_t addr, size_t len) {
  if (c->caller_vmctx == NULL) return NULL;
  const uint64_t size = c->caller_vmctx[WJ_VMCTX_MEM_SIZE / 8];
  if (addr > size || len > size - addr) return NULL;
  return (uint8_t *)(uintptr_t)c->caller_vmctx[WJ_VMCTX_MEM_BASE / 8] + addr;
}

static int32_t wj_api_mem_read(const wj_caller *c, uint64_t addr, void *dst, size_t len) {
  const uint8_t *p = wj_api_mem_ptr(c, addr, len);
  if (p == NULL || (len && dst == NULL)) return -1;
  memcpy(dst, p, len);
  return 0;
}

static int32_t wj_api_mem_write(const wj_caller *c, uint64_t addr, const void *src, size_t len) {
  uint8_t *p = wj_api_mem_ptr(c, addr, len);
  if (p == NULL || (len && src == NULL)) return -1;
  memcpy(p, src, len);
  return 0;
}

static int32_t wj_api_trap(const wj_caller *c, const char *message) {
  (void)c;
  wj_set_host_msg(message != NULL ? message : "native import trapped");
  return (int32_t)WJ_TRAP_HOST_TRAP;
}

static const wj_func *wj_api_func_from_value(napi_env env, napi_value v) {
  bool tagged = false;
  void *p = NULL;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_object &&
      napi_check_object_type_tag(env, v, &wj_func_tag, &tagged) == napi_ok && tagged &&
      napi_unwrap(env, v, &p) == napi_ok && p != NULL)
    return p;
  napi_throw_type_error(env, NULL, "wasmjit func_from_value: not a handle made by nativeFunction()");
  return NULL;
}

static uint32_t wj_api_func_arity(const wj_func *f, uint32_t *nresults) {
  if (nresults != NULL) *nresults = f->nresults;
  return f->nparams;
}

static const char *const wj_trap_texts[] = {
    "",
    "Maximum call stack size exceeded",
    "unreachable",
    "divide by zero",
    "integer overflow",
    "float unrepresentable in integer range",
    "memory access out of bounds",
    "table index is out of bounds",
    "null function or function signature mismatch",
    "null function or function signature mismatch",
    "dereferencing a null pointer",
    "uninitialized element",
    "out of bounds memory/table access",
    "host exception",
    "interrupted",
    "all fuel consumed",
};

static int32_t wj_fail(wj_error *err, int32_t code, const char *msg) {
  if (err != NULL) {
    err->code = code;
    snprintf(err->message, sizeof err->message, "%s", msg);
  }
  return code;
}


/*
 * The activation C started is suspended in a host call (a JS import or a runtime builtin),
 * and we are on the thread's stack, where JS may run: let the runtime's driver run its host
 * calls (the same loop as an export wrapper's), resuming it until it finishes. Returns 0, a
 * TrapCode, WJ_TRAP_HOST_EXCEPTION when JS threw (the exception stays pending, for the
 * add-on's N-API callback to return into), or WJ_STATUS_HOST_CALL when there is no driver
 * or the call could not be made (the activation is then dropped by the caller).
 */
static uint32_t wj_drive_host_calls(wj_env_state *state, uint32_t owner_id) {
  napi_env env = wj_tls.env;
  napi_value driver, recv, arg, out;
  if (env == NULL || state->capi_driver == NULL) return WJ_STATUS_HOST_CALL;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return WJ_STATUS_HOST_CALL;
  uint32_t status = WJ_STATUS_HOST_CALL;
  if (napi_get_reference_value(env, state->capi_driver, &driver) == napi_ok && driver != NULL &&
      napi_get_undefined(env, &recv) == napi_ok && napi_create_uint32(env, owner_id, &arg) == napi_ok) {
    const napi_status st = napi_call_function(env, recv, driver, 1, &arg, &out);
    napi_valuetype t;
    int32_t code;
    if (st == napi_ok && napi_typeof(env, out, &t) == napi_ok) {
      if (t == napi_undefined) status = WJ_TRAP_NONE;
      else if (t == napi_number && napi_get_value_int32(env, out, &code) == napi_ok && code > 0 && code <= WJ_TRAP_EXPECTED_SHARED_MEMORY)
        status = (uint32_t)code;
    } else {
      /* N-API caught the exception into our env, where it would be rethrown at the end of
       * some later call of ours. Hold it for api->take_exception instead: N-API exceptions
       * belong to an env, and only the add-on's own env can throw it to its JS caller. */
      bool pending = false;
      napi_value exc;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending &&
          napi_get_and_clear_last_exception(env, &exc) == napi_ok) {
        if (state->capi_exception != NULL) napi_delete_reference(env, state->capi_exception);
        state->capi_exception = NULL;
        napi_create_reference(env, exc, 1, &state->capi_exception);
        status = WJ_TRAP_HOST_EXCEPTION;
      }
    }
  }
  napi_close_handle_scope(env, scope);
  return status;
}

/* capiSetHostDriver(fn): fn(ownerId) runs the host calls of the suspended activation C
 * started for a function of that owner and returns like runHostCalls (runtime). */
static napi_value wj_js_capi_set_host_driver(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  wj_env_state *state = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&state) != napi_ok || argc < 1 || state == NULL) return NULL;
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "capiSetHostDriver(fn: function)");
    return NULL;
  }
  if (state->capi_driver != NULL) napi_delete_reference(env, state->capi_driver);
  state->capi_driver = NULL;
  napi_create_reference(env, argv[0], 1, &state->capi_driver);
  return NULL;
}

static napi_value wj_num(napi_env env, double v);
static int32_t wj_api_call(const wj_func *f, const wj_val *args, wj_val *results, wj_error *err);

/* Test only: a wj_func kept in a process-wide slot, to call it from another thread. */
static const wj_func *_Atomic wj_test_stashed;

/* testCapiStash(handle): stashes the handle's wj_func (the caller keeps the handle alive). */
static napi_value wj_js_test_capi_stash(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  wj_test_stashed = wj_api_func_from_value(env, argv[0]);
  return NULL;
}

/* testCapiCallStashed(x): api->call of the stashed () -> i32 or (i32) -> i32 function;
 * [status, result]. */
static napi_value wj_js_test_capi_call_stashed(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int32_t x = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc > 0) napi_get_value_int32(env, argv[0], &x);
  wj_val arg = {.i32 = x}, result = {.bits = 0};
  const int32_t status = wj_api_call(wj_test_stashed, &arg, &result, NULL);
  napi_create_array_with_length(env, 2, &out);
  napi_set_element(env, out, 0, wj_num(env, status));
  napi_set_element(env, out, 1, wj_num(env, result.i32));
  return out;
}

/* capiLiveImports(): make_import descriptors not yet collected, process-wide (tests). */
static napi_value wj_js_capi_live_imports(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int64(env, __atomic_load_n(&wj_live_imports, __ATOMIC_RELAXED), &out);
  return out;
}

/*
 * A call from C. Where its activation starts:
 *  - no wasm running on this thread: at the top of the wasm stack (an N-API callback);
 *  - the innermost activation suspended in a JS import: right below it, as a nested entry
 *    from JS (an N-API callback the import called);
 *  - the innermost activation running, and we are on the wasm stack: a native import calls
 *    back. Below our own frame, with the limit max(base - maxWasmStack, bottom + reserve):
 *    the import already runs below its caller's limit, inside the reserve, so the nested
 *    call gets a budget of its own, and the reserve stays below it.
 */
static int32_t wj_api_call(const wj_func *f, const wj_val *args, wj_val *results, wj_error *err) {
  if (f == NULL || f->magic != WJ_FUNC_MAGIC || (f->nparams && args == NULL) || (f->nresults && results == NULL))
    return wj_fail(err, WJ_ERR_ARGS, "wasmjit call: bad function handle or NULL args/results");
  /* Its instance's memory, tables and globals are this thread's: another thread running it
   * would race with their owner (and with dispose and collection). */
  if (__builtin_expect(f->home != wj_tls.state, 0))
    return wj_fail(err, WJ_ERR_ARGS, "wasmjit call: the function belongs to another thread");
  const uint32_t nslots = f->nparams > f->nresults ? f->nparams : f->nresults;
  /* A fixed buffer for the usual small signatures keeps the frame static. */
  uint64_t small[2 + 14];
  uint64_t big[nslots > 14 ? 2 + nslots : 1];
  uint64_t *buf = nslots > 14 ? big : small;
  /* i32/f32 arguments are read with 4-byte loads: the caller most likely stored them so, and
   * an 8-byte load of a 4-byte store is not forwarded (a stall on every call). */
  for (uint32_t i = 0; i < f->nparams; i++) {
    const uint8_t t = f->types[i];
    buf[2 + i] = (t == WJ_I32 || t == WJ_F32) ? (uint32_t)args[i].i32 : args[i].bits;
  }

  const uint64_t *vmctx = (const uint64_t *)f->vmctx;
  if (__builtin_expect(vmctx[WJ_VMCTX_DISPOSED / 8] != 0, 0))
    return wj_fail(err, WJ_ERR_DISPOSED, "wasmjit call: this function belongs to a disposed instance");
  wj_entry *outer = wj_tls.entry;
  const uint64_t budget = vmctx[WJ_VMCTX_MAX_WASM_STACK / 8];
  const uint64_t reserve = wj_reserve_of(vmctx);
  wj_env_state *state;
  int on_wasm_stack = 0;
  uintptr_t start;
  if (__builtin_expect(outer == NULL, 1)) {
    state = wj_tls.state;
    if (__builtin_expect(state == NULL, 0)) return wj_fail(err, WJ_ERR_ARGS, "wasmjit call: wasmjit has not run on this thread");
    if (__builtin_expect(wj_outermost_stack(budget, reserve) != 0, 0))
      return wj_fail(err, WJ_ERR_NO_STACK, "wasmjit call: cannot map a wasm stack for this thread");
    start = wj_tls.ws_high;
  } else {
    state = outer->state;
    const uintptr_t sp = wj_current_sp();
    if (outer->suspended) {
      start = outer->wasm_sp & ~(uintptr_t)15;
    } else if (sp > wj_tls.ws_low && sp <= wj_tls.ws_high) {
      /* wasmjit_enter's switch frame goes below our sp before it moves to the record. */
      on_wasm_stack = 1;
      start = (sp - 256) & ~(uintptr_t)15;
    } else {
      return wj_fail(err, WJ_ERR_ARGS, "wasmjit call: wasm is running on this thread but not suspended");
    }
  }
  /* From a native import (on the wasm stack, below its caller's limit) the nested wasm is
   * charged from its own base, as any entry made from native code. */
  uint64_t limit;
  wj_entry *rec = wj_place_activation(start, outer != NULL && !on_wasm_stack ? outer->limit : 0, budget, reserve, nslots, &limit);
  if (__builtin_expect(rec == NULL, 0)) {
    wj_trap_record_no_frames(state, WJ_TRAP_STACK_OVERFLOW);
    return wj_fail(err, WJ_TRAP_STACK_OVERFLOW, wj_trap_texts[WJ_TRAP_STACK_OVERFLOW]);
  }
  wj_link_activation(rec, outer, state, limit, 1);
  uint32_t status = wasmjit_enter((void *)f->code, (void *)vmctx, buf, nslots, limit, rec);
  if (status == WJ_STATUS_HOST_CALL && !on_wasm_stack) status = wj_drive_host_calls(state, f->owner_id);
  wj_tls.entry = outer; /* whatever is left suspended is dropped: nothing else resumes it */
  if (status == WJ_STATUS_HOST_CALL)
    return wj_fail(err, WJ_ERR_JS_IMPORT,
                   "wasm called from a native import called a JS import or runtime builtin; JS cannot run on the wasm stack");
  if (status == WJ_TRAP_HOST_EXCEPTION)
    return wj_fail(err, (int32_t)status, "a JS import threw (api->take_exception returns the exception)");
  /* The message stays set: a native import that returns this code passes it on. */
  if (status == WJ_TRAP_HOST_TRAP)
    return wj_fail(err, (int32_t)status, state->host_trap_msg_set ? state->host_trap_msg : "native import trapped");
  if (status != 0)
    return wj_fail(err, (int32_t)status, status <= 15 ? wj_trap_texts[status] : "trap");
  if (f->nresults > 0) results[0].bits = f->float_result ? buf[0] : buf[1];
  for (uint32_t i = 1; i < f->nresults; i++) results[i].bits = buf[2 + i];
  if (err != NULL) {
    err->code = 0;
    err->message[0] = 0;
  }
  return WJ_OK;
}

/* The exception of the last WJ_HOST_EXCEPTION on this thread, as a value in the caller's
 * current handle scope, and forgotten; NULL if there is none. */
static napi_value wj_api_take_exception(napi_env env) {
  (void)env; /* the value is an isolate value: valid in the caller's env and scope */
  wj_env_state *state = wj_msg_state();
  napi_value v = NULL;
  if (state == NULL || state->capi_exception == NULL || wj_tls.env == NULL) return NULL;
  if (napi_get_reference_value(wj_tls.env, state->capi_exception, &v) != napi_ok) v = NULL;
  napi_delete_reference(wj_tls.env, state->capi_exception);
  state->capi_exception = NULL;
  return v;
}

static const wj_api wj_api_table = {
    .version = WJ_API_VERSION,
    .size = sizeof(wj_api),
    .make_import = wj_api_make_import,
    .user_data = wj_api_user_data,
    .mem_read = wj_api_mem_read,
    .mem_write = wj_api_mem_write,
    .mem_ptr = wj_api_mem_ptr,
    .mem_size = wj_api_mem_size,
    .trap = wj_api_trap,
    .func_from_value = wj_api_func_from_value,
    .func_arity = wj_api_func_arity,
    .call = wj_api_call,
    .take_exception = wj_api_take_exception,
};

/* ── The runtime's side (native.ts) ────────────────────────────────────────────────── */

/* capiTable(): the External nativeApi() hands to add-ons. */
static napi_value wj_js_capi_table(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  if (napi_create_external(env, (void *)&wj_api_table, NULL, NULL, &out) != napi_ok) return NULL;
  return out;
}

static napi_value wj_num(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

static napi_value wj_big(napi_env env, uint64_t v) {
  napi_value out;
  napi_create_bigint_uint64(env, v, &out);
  return out;
}

/* capiImportInfo(v): undefined unless v is a make_import handle; else
 * [fn address, user_data (bigints: user_data is any 64-bit value), adapter address,
 *  param types[], result types[]]. */
static napi_value wj_js_capi_import_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  napi_valuetype t;
  bool tagged = false;
  void *p = NULL;
  if (napi_typeof(env, argv[0], &t) != napi_ok || t != napi_object ||
      napi_check_object_type_tag(env, argv[0], &wj_import_tag, &tagged) != napi_ok || !tagged ||
      napi_unwrap(env, argv[0], &p) != napi_ok || p == NULL)
    return NULL;
  const wj_import_desc *d = p;
  napi_value params, results;
  napi_create_array_with_length(env, d->nparams, &params);
  napi_create_array_with_length(env, d->nresults, &results);
  for (uint32_t i = 0; i < d->nparams; i++) napi_set_element(env, params, i, wj_num(env, d->types[i]));
  for (uint32_t i = 0; i < d->nresults; i++) napi_set_element(env, results, i, wj_num(env, d->types[d->nparams + i]));
  napi_create_array_with_length(env, 5, &out);
  napi_set_element(env, out, 0, wj_big(env, (uint64_t)(uintptr_t)d->fn));
  napi_set_element(env, out, 1, wj_big(env, (uint64_t)(uintptr_t)d->user_data));
  napi_set_element(env, out, 2, wj_num(env, (double)(uintptr_t)&wasmjit_capi_import));
  napi_set_element(env, out, 3, params);
  napi_set_element(env, out, 4, results);
  return out;
}

static void wj_func_finalize(node_api_basic_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static int wj_types_from(napi_env env, napi_value arr, uint8_t *out, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    uint32_t v;
    if (napi_get_element(env, arr, i, &e) != napi_ok || napi_get_value_uint32(env, e, &v) != napi_ok ||
        !wj_type_ok((uint8_t)v) || v > 255)
      return -1;
    out[i] = (uint8_t)v;
  }
  return 0;
}

/* capiFunctionHandle(code, vmctx, params[], results[], keepAlive, ownerId): the tagged
 * object an add-on passes to func_from_value. keepAlive (the exported function) is held by
 * it; ownerId is what the host-call driver (capiSetHostDriver) is called with when this
 * function's wasm calls a JS import. Also remembers this env's state for calls from C on
 * this thread. */
static napi_value wj_js_capi_function_handle(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, &data) != napi_ok || argc < 6) return NULL;
  double code, vmctx;
  uint32_t np = 0, nr = 0, owner_id = 0;
  if (napi_get_value_double(env, argv[0], &code) != napi_ok || napi_get_value_double(env, argv[1], &vmctx) != napi_ok ||
      napi_get_array_length(env, argv[2], &np) != napi_ok || napi_get_array_length(env, argv[3], &nr) != napi_ok ||
      napi_get_value_uint32(env, argv[5], &owner_id) != napi_ok ||
      code < 4096 || vmctx < 4096 || np > 1000 || nr > 1000) {
    napi_throw_type_error(env, NULL, "capiFunctionHandle: bad arguments");
    return NULL;
  }
  wj_func *f = calloc(1, sizeof *f + np + nr);
  if (f == NULL) return NULL;
  f->magic = WJ_FUNC_MAGIC;
  f->nparams = np;
  f->nresults = nr;
  f->code = (uintptr_t)code;
  f->vmctx = (uintptr_t)vmctx;
  f->owner_id = owner_id;
  f->home = data;
  if (wj_types_from(env, argv[2], f->types, np) != 0 || wj_types_from(env, argv[3], f->types + np, nr) != 0) {
    free(f);
    napi_throw_type_error(env, NULL, "wasmjit: only i32, i64, f32 and f64 functions can be called from C");
    return NULL;
  }
  f->float_result = nr > 0 && (f->types[np] == WJ_F32 || f->types[np] == WJ_F64);
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok || napi_type_tag_object(env, obj, &wj_func_tag) != napi_ok ||
      napi_wrap(env, obj, f, wj_func_finalize, NULL, NULL) != napi_ok) {
    free(f);
    return NULL;
  }
  const napi_property_descriptor keep = {"function", NULL, NULL, NULL, NULL, argv[4], napi_default, NULL};
  napi_define_properties(env, obj, 1, &keep);
  napi_object_freeze(env, obj);
  wj_tls.env = env;
  wj_tls.state = data;
  return obj;
}

/* hostTrapMessage(): the message of this thread's last host trap (and forgets it). */
static napi_value wj_js_host_trap_message(napi_env env, napi_callback_info info) {
  wj_env_state *st = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&st) != napi_ok || st == NULL) return NULL;
  napi_value out;
  napi_create_string_utf8(env, st->host_trap_msg_set ? st->host_trap_msg : "native import trapped", NAPI_AUTO_LENGTH, &out);
  st->host_trap_msg_set = 0;
  return out;
}

napi_status wj_capi_define(napi_env env, napi_value exports, wj_env_state *state) {
  const napi_property_descriptor props[] = {
      {"capiTable", NULL, wj_js_capi_table, NULL, NULL, NULL, napi_enumerable, state},
      {"capiImportInfo", NULL, wj_js_capi_import_info, NULL, NULL, NULL, napi_enumerable, state},
      {"capiFunctionHandle", NULL, wj_js_capi_function_handle, NULL, NULL, NULL, napi_enumerable, state},
      {"hostTrapMessage", NULL, wj_js_host_trap_message, NULL, NULL, NULL, napi_enumerable, state},
      {"capiSetHostDriver", NULL, wj_js_capi_set_host_driver, NULL, NULL, NULL, napi_enumerable, state},
      {"capiLiveImports", NULL, wj_js_capi_live_imports, NULL, NULL, NULL, napi_enumerable, state},
      {"testCapiStash", NULL, wj_js_test_capi_stash, NULL, NULL, NULL, napi_enumerable, state},
      {"testCapiCallStashed", NULL, wj_js_test_capi_call_stashed, NULL, NULL, NULL, napi_enumerable, state},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
