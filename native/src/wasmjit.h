/*
 * Shared declarations of the wasmjit native add-on.
 *
 * The numbers below mirror packages/codegen/src/abi.ts (the contract); they are duplicated
 * here because C cannot import the TypeScript. packages/tests/src/native/abi-header.test.ts
 * parses these headers and compares every WJ_VMCTX_*, WJ_TRAP_*, WJ_CB_* and WJ_STATUS_*
 * constant with abi.ts; the other native tests exercise them through hand-written code.
 */
#ifndef WASMJIT_H
#define WASMJIT_H

#include <stddef.h>
#include <stdint.h>

#include <node_api.h>

#define WJ_HIDDEN __attribute__((visibility("hidden")))

/* vmctx header byte offsets (abi.ts: Vmctx). */
enum {
  WJ_VMCTX_MEM_BASE = 0x00,
  WJ_VMCTX_MEM_SIZE = 0x08,
  WJ_VMCTX_HOST_CALL = 0x10,
  WJ_VMCTX_TRAP_UNWIND = 0x18,
  WJ_VMCTX_DISPOSED = 0x20,
  WJ_VMCTX_INSTANCE_ID = 0x28,
  WJ_VMCTX_MAX_WASM_STACK = 0x30,
  WJ_VMCTX_HOST_STACK_RESERVE = 0x38,
};

/* abi.ts: TrapCode (only the ones native code produces itself). */
enum {
  WJ_TRAP_NONE = 0,
  WJ_TRAP_STACK_OVERFLOW = 1,
  WJ_TRAP_HOST_EXCEPTION = 13,
  /* A native import called trap(c, msg) (capi.c); the message is in the env state. */
  WJ_TRAP_HOST_TRAP = 16,
  /* The last trap code (memory.atomic.wait on an unshared memory): codes 1..it are traps. */
  WJ_TRAP_EXPECTED_SHARED_MEMORY = 18,
};

/* abi.ts: CallBuffer. */
enum {
  WJ_CB_FLOAT_RESULT = 0,
  WJ_CB_INT_RESULT = 1,
  WJ_CB_AREA_START = 2,
  WJ_CB_AREA_END = 1024,
  WJ_CB_MAX_AREA = WJ_CB_AREA_END - WJ_CB_AREA_START,
  /* invokeFast()'s descriptor: code and vmctx as f64, nslots as the low u32. */
  WJ_CB_INVOKE_CODE = 1024,
  WJ_CB_INVOKE_VMCTX = 1025,
  WJ_CB_INVOKE_NSLOTS = 1026,
  /* host_call's descriptor for the dispatcher: instance id (low u32), import index (high u32). */
  WJ_CB_HOST_CALL_TARGET = 1027,
  /* The suspended activation's serial (f64), written by host_call, passed back by the export
   * wrapper to resume()/abandon(). */
  WJ_CB_SUSPEND_SERIAL = 1028,
  WJ_CB_SLOTS = 1032,
};

/* What invoke()/resume() return when wasm called a JS import or builtin: the activation is
 * suspended on the wasm stack and the export wrapper runs the call (abi.ts RunStatus). */
#define WJ_STATUS_HOST_CALL 256u

/* An entry whose stack room (sp - limit) is below this does not run at all. */
#define WJ_MIN_ENTRY_ROOM 4096u

/* abi.ts: MIN_HOST_STACK_RESERVE. The Engine refuses smaller reserves; invoke() also raises
 * a smaller vmctx value to it, so no vmctx can put the limit where the trap path or a host
 * call would run off the thread's stack. */
#define WJ_MIN_HOST_STACK_RESERVE (64u * 1024u)

/* Trap backtrace capacity (return addresses, innermost first). */
#define WJ_MAX_BACKTRACE 64

/*
 * Every stack switch (entry.c) saves the same six callee-saved registers, pushed in the
 * order rbp, rbx, r12, r13, r14, r15, and records rsp after the last push; the frame pointer
 * of that switch frame is therefore sp + WJ_SWITCH_FRAME_OFFSET.
 */
#define WJ_SWITCH_FRAME_OFFSET 40

/* Per napi_env state (napi_set_instance_data): one per main thread / worker. */
typedef struct wj_env_state {
  uint64_t *callbuf;        /* WJ_CB_SLOTS slots, owned here (malloc), never moves */
  napi_ref callbuf_ab;      /* the ArrayBuffer exported as callBuffer */
  /* The last trap on this env's thread (written by trap.c). Kept here rather than in TLS:
   * the add-on's TLS block must stay tiny, see wj_thread. */
  uint32_t last_trap_code;
  /* Where the trap happened: the rsi generated code passes to TrapUnwind (the address just
   * after the trap site's `call` in its out-of-line stub, so it maps like a return address),
   * or 0 when unknown (an entry refused for lack of stack, hand-written code). */
  uintptr_t last_trap_pc;
  size_t backtrace_len;
  uintptr_t backtrace[WJ_MAX_BACKTRACE]; /* return addresses, innermost first */
  int backtrace_truncated;               /* more wasm frames than WJ_MAX_BACKTRACE */
  /* Ids whose trackers the GC collected (collected.c), until takeCollected() drains them. */
  uint32_t *collected;
  size_t collected_len, collected_cap;
  /* The message of this thread's last host trap (capi.c api->trap): in the state rather
   * than in TLS, which would pull in __tls_get_addr (ld-linux) or grow the static TLS. */
  char host_trap_msg[240];
  int host_trap_msg_set;
  /* The runtime's JS function that runs the host calls of an activation C started
   * (capi.c; set once per env by capiSetHostDriver). */
  napi_ref capi_driver;
  /* The exception of the last JS import that threw under a call from C, until the add-on
   * takes it (capi.c api->take_exception). */
  napi_ref capi_exception;
} wj_env_state;

/*
 * One record per wasm activation (an invoke() that has not finished) on this thread, linked
 * innermost first. It lives on the wasm stack, right above the activation's first frame
 * (see docs/stack.md): an activation outlives the native invoke() that started it whenever
 * it is suspended for a host call, so the record cannot live on the thread's stack.
 * entry.c reads main_sp and wasm_sp at the offsets asserted there.
 */
typedef struct wj_entry {
  /* Thread-stack rsp of the switch frame (entry.c) waiting for this activation: where it
   * returns a status on finishing, trapping or suspending. Set by wasmjit_enter/resume. */
  uintptr_t main_sp;
  /* Wasm-stack rsp of the suspended host call's switch frame, while suspended. */
  uintptr_t wasm_sp;
  struct wj_entry *prev;
  wj_env_state *state;
  uint64_t limit;             /* r15 for this activation */
  double serial;              /* per-thread activation number, the wrapper's handle on it */
  uint64_t *host_area;        /* while suspended: the wasm area of the host call */
  uint32_t host_nslots;       /* ... and its slot count */
  uint32_t suspended;         /* a host call is in progress (only JS can resume it) */
  uint32_t from_c;            /* entered by the C API (capi.c): no JS can run for it */
} wj_entry;
/* entry.c (assembly). wasmjit_enter switches to the wasm stack at `rec` (the record is
 * already filled in below it... see invoke.c), runs code and returns its TrapCode, 0, or
 * WJ_STATUS_HOST_CALL; wasmjit_resume continues a suspended activation the same way. */
uint32_t wasmjit_enter(void *code, void *vmctx, uint64_t *callbuf, uint32_t nslots, uint64_t limit,
                       wj_entry *rec) WJ_HIDDEN;
uint32_t wasmjit_resume(wj_entry *rec) WJ_HIDDEN;
/* Exception handling: continues a suspended activation at a landing pad `pc` with frame `rbp`. */
uint32_t wasmjit_resume_at(wj_entry *rec, uintptr_t rbp, uintptr_t pc) WJ_HIDDEN;
/* Jumped to, never called: edi = TrapCode, rsi = trap site address (0 if unknown),
 * rbp = the trapping function's frame (the start of the backtrace walk). */
void wasmjit_trap_unwind(void) WJ_HIDDEN;

/* trap.c: returns the main_sp of the innermost activation (where the unwinder resumes). */
uintptr_t wj_trap_record(uint32_t code, uintptr_t rbp, uintptr_t pc) WJ_HIDDEN;
/* The rbp value the first wasm frame of activation `rec` links to: the walk stops there. */
static inline uintptr_t wj_entry_frame(const wj_entry *rec) { return (uintptr_t)rec - 16; }
/* A trap that never ran wasm (entry refused for lack of stack): no pc, no frames. */
void wj_trap_record_no_frames(wj_env_state *state, uint32_t code) WJ_HIDDEN;

/*
 * Signal accounting, process-wide. Stack overflow never involves a signal (see
 * docs/stack.md). The guard-region SIGSEGV handler (signals.c, docs/memory.md) sets
 * `installed` once it is in place (lazily: the first guard-mode instance with a memory) and
 * increments `count` for every fault it turns into an out_of_bounds_memory trap. The stack
 * tests assert that they pass with no handler at all (installed == 0) and that no signal
 * was used.
 */
typedef struct wj_signal_stats {
  volatile int installed;
  volatile uint64_t count;
} wj_signal_stats;
extern wj_signal_stats wj_signals WJ_HIDDEN;

/* stack_bounds.c */
typedef struct wj_stack_bounds {
  uintptr_t low;  /* lowest usable address (guard page excluded) */
  uintptr_t high; /* one past the highest address */
} wj_stack_bounds;

/*
 * The hot per-thread state, read on every invoke. initial-exec TLS makes each access a
 * single %fs-relative load instead of a __tls_get_addr call (that was ~10% of invoke).
 * It puts the add-on's whole TLS block (every __thread variable in it) into glibc's small
 * static TLS surplus for dlopen'ed objects, so this must remain the only, tiny, one.
 */
typedef struct wj_thread {
  wj_entry *entry;        /* innermost activation (NULL when no wasm is running) */
  wj_stack_bounds bounds; /* valid once bounds_ready */
  int bounds_ready;
  /* The last env invokeFast ran in and its state: saves napi_get_cb_info on the hot path.
   * An env's state never changes; its finalizer clears this (addon.c). */
  napi_env env;
  wj_env_state *state;
  /* This thread's wasm stack (wasm_stack.c): usable [ws_low, ws_high), 0 until first use. */
  uintptr_t ws_low, ws_high;
  double serial; /* last activation serial handed out */
  int ws_pinned;  /* testPinWasmStack: the wasm stack keeps its size */
} wj_thread;

extern __thread wj_thread wj_tls __attribute__((tls_model("initial-exec"))) WJ_HIDDEN;

/* stack_bounds.c: fills wj_tls.bounds the first time on each thread. */
const wj_stack_bounds *wj_thread_stack_bounds_slow(void) WJ_HIDDEN;

static inline const wj_stack_bounds *wj_thread_stack_bounds(void) {
  return wj_tls.bounds_ready ? &wj_tls.bounds : wj_thread_stack_bounds_slow();
}

static inline uintptr_t wj_current_sp(void) {
  uintptr_t sp;
  __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
  return sp;
}

/* entry.c: the address stored into the vmctx's HostCall slot. Suspends the activation:
 * returns 0 once JS resumed it (results are then in area), or a TrapCode. */
int32_t wasmjit_host_call(void *vmctx, uint32_t import_index, uint64_t *area, uint32_t nslots) WJ_HIDDEN;
/* invoke.c: host_call's C half, on the wasm stack: parks the call in the call buffer and
 * returns the innermost record (aborts on a runtime bug). */
wj_entry *wj_host_suspend(void *vmctx, uint32_t import_index, uint64_t *area, uint32_t nslots) WJ_HIDDEN;

/*
 * Placing an activation (invoke.c from JS, capi.c from C): shared so both compute the same
 * limits. The reserve a vmctx asks for, raised to the floor.
 */
static inline uint64_t wj_reserve_of(const uint64_t *vmctx) {
  const uint64_t reserve = vmctx[WJ_VMCTX_HOST_STACK_RESERVE / 8];
  return reserve < WJ_MIN_HOST_STACK_RESERVE ? WJ_MIN_HOST_STACK_RESERVE : reserve;
}

int wj_wasm_stack_ensure(uint64_t need) WJ_HIDDEN;

/* Outermost activation: make the wasm stack hold budget + reserve if it can (it may keep a
 * smaller one: the limit then clamps). 0 unless there is no wasm stack at all. */
static inline int wj_outermost_stack(uint64_t budget, uint64_t reserve) {
  const uint64_t want = budget > UINT64_MAX - reserve ? UINT64_MAX : budget + reserve;
  if (__builtin_expect(wj_tls.ws_high - wj_tls.ws_low < want, 0) && wj_wasm_stack_ensure(want) != 0 &&
      wj_tls.ws_high == 0)
    return -1;
  return 0;
}

/*
 * The record of an activation whose base is just below `start`, and its limit in *limit_out:
 * max(base - budget, shared_limit, wasm stack bottom + reserve), saturating. NULL when the
 * entry frame, an area of nslots slots and WJ_MIN_ENTRY_ROOM do not fit above that limit (the
 * caller traps stack_overflow without running anything).
 */
static inline wj_entry *wj_place_activation(uintptr_t start, uint64_t shared_limit, uint64_t budget, uint64_t reserve,
                                            uint32_t nslots, uint64_t *limit_out) {
  wj_entry *rec = (wj_entry *)((start - sizeof(wj_entry)) & ~(uintptr_t)15);
  const uintptr_t base = (uintptr_t)rec;
  uint64_t limit = base > budget ? base - budget : 0;
  if (shared_limit > limit) limit = shared_limit;
  const uint64_t floor = reserve > UINT64_MAX - wj_tls.ws_low ? UINT64_MAX : wj_tls.ws_low + reserve;
  if (floor > limit) limit = floor;
  /* The entry frame (two words), callbuf and nslots words, the area rounded to even slots. */
  const uint64_t needed = 32 + 8 * (uint64_t)((nslots + 1) & ~1u) + WJ_MIN_ENTRY_ROOM;
  if (limit >= base || base - limit < needed) return NULL;
  *limit_out = limit;
  return rec;
}

/* Makes a placed activation the thread's innermost one (it then runs with wasmjit_enter). */
static inline void wj_link_activation(wj_entry *rec, wj_entry *outer, wj_env_state *state, uint64_t limit, int from_c) {
  rec->prev = outer;
  rec->state = state;
  rec->limit = limit;
  rec->serial = ++wj_tls.serial;
  rec->suspended = 0;
  rec->from_c = from_c;
  wj_tls.entry = rec;
}

/* wasm_stack.c: makes this thread's wasm stack at least `need` usable bytes when no
 * activation is running (0 on success); frees it (env teardown on the thread). */
void wj_wasm_stack_free(void) WJ_HIDDEN;

/* invoke.c */
napi_value wj_js_invoke(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_invoke_fast(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_resume(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_abandon(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_suspended_frames(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_resume_at(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_wasm_stack_info(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_test_pin_wasm_stack(napi_env env, napi_callback_info info) WJ_HIDDEN;

/* test_helpers.c */
napi_value wj_js_test_use_stack(napi_env env, napi_callback_info info) WJ_HIDDEN;
/* Test-only functions with the wasmcall ABI (assembly adapters), usable as wasm imports:
 *   use_stack(bytes: i32) -> i32   touches `bytes` of native stack, returns the same checksum
 *                                  as testUseStack(bytes), or 0 if the thread lacks the room
 *   stack_headroom() -> i64        the caller's rsp minus the wasm limit (r15) at the call */
void wasmjit_test_use_stack_wasm(void) WJ_HIDDEN;
void wasmjit_test_stack_headroom_wasm(void) WJ_HIDDEN;
napi_value wj_js_test_crash(napi_env env, napi_callback_info info) WJ_HIDDEN;
napi_value wj_js_test_clobber_xmm(napi_env env, napi_callback_info info) WJ_HIDDEN;

/* Native memory owned by the GC (memory.c) and GC trackers (collected.c). */
napi_status wj_memory_define(napi_env env, napi_value exports) WJ_HIDDEN;
napi_status wj_capi_define(napi_env env, napi_value exports, wj_env_state *state) WJ_HIDDEN;
napi_status wj_collected_define(napi_env env, napi_value exports, wj_env_state *state) WJ_HIDDEN;
/* Process-wide signature ids (type_ids.c). */
napi_status wj_type_ids_define(napi_env env, napi_value exports) WJ_HIDDEN;

#endif
