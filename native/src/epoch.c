/*
 * Epoch interruption, native side.
 *
 * Where the counter lives: every Engine created with epochInterruption owns a
 * SharedArrayBuffer whose first 8 bytes are the cell every epoch bump increments (an i64:
 * the epoch minus the engine's earliest deadline, see packages/runtime/src/epoch-counter.ts).
 * JS on any thread bumps it with Atomics.add (a worker receives the SharedArrayBuffer through
 * postMessage; shared memory is not copied), generated code tests it at function entries and
 * loop headers, and the timer thread below increments it with an atomic add. epochAddress()
 * gives native code its address: a SharedArrayBuffer's backing store is allocated outside
 * the V8 heap, never moves, and lives as long as some JS object (the Engine, a worker's
 * view) refers to it.
 *
 * engine.callWithTimeout arms a one-shot timer: one lazily started thread per process sleeps
 * until the earliest due timer, then adds 1 to that timer's counter. Start, cancel and fire
 * all hold one mutex, so once cancelEpochTimer returns the thread will never touch that
 * counter again and the SharedArrayBuffer may be collected. A worker that exits with timers
 * still pending has them cancelled by an env cleanup hook, for the same reason.
 *
 * Host interrupts (Engine hostInterrupts). V8 acts on worker.terminate() (TerminateExecution
 * from another thread), inspector pauses and the like only at its own checks in JS code, and
 * N-API cannot ask whether one is pending; wasm that never calls JS would never let them in.
 * So the same thread also *watches* such engines' cells: WJ_POLL_INTERVAL after a cell was
 * last polled it adds WJ_POLL_BIAS to it. That makes the generated check (`W >= 0`) take its
 * slow path, which sees the bias in W + B and calls wasmjit_epoch_poll (below): it removes
 * the bias and suspends the activation for a host call of the no-op Poll builtin: the
 * export wrapper runs it in JS, where V8 handles whatever is pending. A termination unwinds
 * the JS frames and the activation is never resumed (its wasm frames are just left). Adding and removing the bias both happen under timer_mu with the cell's
 * `flagged` state, so it is never added twice or removed when absent; bumps and rebases
 * (atomic adds) commute with it. A cell nobody polls stays flagged and costs the thread
 * nothing. A watched cell's SharedArrayBuffer is held by a strong reference until
 * unwatchEpochCell (the engine was collected) or env teardown, so the thread never writes
 * to freed memory.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "epoch.h"

typedef struct wj_timer {
  uint64_t id;
  uint64_t *counter;
  struct timespec due; /* CLOCK_MONOTONIC */
  napi_env env;        /* the env that armed it, for the cleanup hook */
} wj_timer;

static pthread_mutex_t timer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cv; /* on CLOCK_MONOTONIC, made once by timer_init */
static pthread_once_t timer_once = PTHREAD_ONCE_INIT;
static int timer_thread_started;
static wj_timer *timers; /* pending timers, unordered */
static size_t timer_count, timer_cap;
static uint64_t next_timer_id = 1;

/* Mirrors the runtime's epoch-counter.ts POLL_BIAS: added to a watched cell to request a poll.
 * Epochs stay below 2^61 and deadlines at most 2^62, so W + B has bit 62 set exactly while
 * the bias is in (the generated slow path tests that bit) and W never overflows. */
#define WJ_POLL_BIAS ((uint64_t)1 << 62)
/* How long after a poll the next one is requested: bounds worker.terminate() latency. */
#define WJ_POLL_INTERVAL_NS 10000000L
/* abi.ts BUILTIN_BASE + Builtin.Poll: the runtime's no-op builtin the poll calls. */
#define WJ_BUILTIN_POLL (0x40000000u + 12u)

typedef struct wj_poll_cell {
  uint64_t *cell;      /* the engine's cell W */
  napi_env env;        /* the env that watches it (its engine's thread) */
  napi_ref buffer;     /* keeps the SharedArrayBuffer, hence the cell, alive */
  struct timespec due; /* when to add the bias, unless flagged */
  int flagged;         /* the bias is in the cell */
  uint64_t polls;      /* polls run for this cell (tests, diagnostics) */
} wj_poll_cell;

static wj_poll_cell *cells; /* watched cells, unordered */
static size_t cell_count, cell_cap;

/* The thread needs only a few frames of its own. */
#define WJ_TIMER_STACK (64 * 1024)

static void timer_init(void) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&timer_cv, &attr);
  pthread_condattr_destroy(&attr);
}

static int ts_before_or_equal(const struct timespec *a, const struct timespec *b) {
  return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

static void remove_at(size_t i) {
  timers[i] = timers[--timer_count];
}

static void ts_add_ns(struct timespec *t, uint64_t ns) {
  t->tv_sec += (time_t)(ns / 1000000000u);
  t->tv_nsec += (long)(ns % 1000000000u);
  if (t->tv_nsec >= 1000000000L) {
    t->tv_sec++;
    t->tv_nsec -= 1000000000L;
  }
}

static struct timespec poll_due_from_now(void) {
  struct timespec due;
  clock_gettime(CLOCK_MONOTONIC, &due);
  ts_add_ns(&due, WJ_POLL_INTERVAL_NS);
  return due;
}

/* Called with timer_mu held. */
static wj_poll_cell *find_cell(const uint64_t *cell) {
  for (size_t i = 0; i < cell_count; i++) {
    if (cells[i].cell == cell) return &cells[i];
  }
  return NULL;
}

/* Called with timer_mu held: fires due timers and requests due polls, and returns the
 * earliest time something is due next, or NULL if nothing is. */
static const struct timespec *run_due(const struct timespec *now) {
  const struct timespec *earliest = NULL;
  for (size_t i = 0; i < timer_count;) {
    if (ts_before_or_equal(&timers[i].due, now)) {
      /* Seq-cst like Atomics.add; the wasm side reads it with a plain (atomic) load. */
      __atomic_fetch_add(timers[i].counter, 1, __ATOMIC_SEQ_CST);
      remove_at(i);
      continue;
    }
    if (earliest == NULL || ts_before_or_equal(&timers[i].due, earliest)) earliest = &timers[i].due;
    i++;
  }
  for (size_t i = 0; i < cell_count; i++) {
    wj_poll_cell *c = &cells[i];
    if (c->flagged) continue; /* nothing to do until its thread polls */
    if (ts_before_or_equal(&c->due, now)) {
      __atomic_fetch_add(c->cell, WJ_POLL_BIAS, __ATOMIC_SEQ_CST);
      c->flagged = 1;
      continue;
    }
    if (earliest == NULL || ts_before_or_equal(&c->due, earliest)) earliest = &c->due;
  }
  return earliest;
}

static void *timer_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&timer_mu);
  for (;;) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const struct timespec *earliest = run_due(&now);
    if (earliest == NULL) {
      pthread_cond_wait(&timer_cv, &timer_mu);
    } else {
      const struct timespec until = *earliest;
      pthread_cond_timedwait(&timer_cv, &timer_mu, &until);
    }
  }
  return NULL;
}

/* Called with timer_mu held. The thread blocks every signal: they belong to Node's threads. */
static int ensure_thread(void) {
  if (timer_thread_started) return 0;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, WJ_TIMER_STACK);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t t;
  const int rc = pthread_create(&t, &attr, timer_main, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (rc == 0) timer_thread_started = 1;
  return rc;
}

static napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

/* The address of counter[0], for a BigUint64Array `counter` with at least `min_length`
 * aligned elements (over a SharedArrayBuffer when `shared` is set), or 0 with a TypeError
 * thrown. */
static uintptr_t cell_address(napi_env env, napi_value counter, size_t min_length, int shared, const char *usage) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  napi_value buffer = NULL;
  bool is_plain_buffer = true;
  if (counter != NULL) napi_is_typedarray(env, counter, &is_typed);
  if (!is_typed || napi_get_typedarray_info(env, counter, &type, &length, &data, &buffer, NULL) != napi_ok ||
      type != napi_biguint64_array || length < min_length || data == NULL || ((uintptr_t)data & 7) != 0 ||
      /* N-API (Node 20) has no SharedArrayBuffer test, but a typed array's buffer is an
       * ArrayBuffer or a SharedArrayBuffer; only the latter never moves or detaches. */
      (shared && (napi_is_arraybuffer(env, buffer, &is_plain_buffer) != napi_ok || is_plain_buffer))) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return (uintptr_t)data;
}

/* epochAddress(counter: BigUint64Array over a SharedArrayBuffer): its first element's address. */
static napi_value js_epoch_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  const uintptr_t address =
      cell_address(env, argv[0], 1, 0, "epochAddress(counter: BigUint64Array) needs an aligned, non-empty array");
  return address == 0 ? NULL : number(env, (double)address);
}

/* startEpochTimer(address, ms): after `ms` milliseconds, atomically add 1 to the u64 at
 * `address`. Returns the timer id for cancelEpochTimer. */
static napi_value js_start_epoch_timer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double address = 0, ms = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2 || napi_get_value_double(env, argv[0], &address) != napi_ok ||
      napi_get_value_double(env, argv[1], &ms) != napi_ok || !(address > 0) ||
      ((uint64_t)address & 7) != 0 || !(ms >= 0) || ms > 1e12) {
    napi_throw_type_error(env, NULL, "startEpochTimer(address: aligned address, ms: number >= 0)");
    return NULL;
  }
  pthread_once(&timer_once, timer_init);
  struct timespec due;
  clock_gettime(CLOCK_MONOTONIC, &due);
  ts_add_ns(&due, (uint64_t)(ms * 1e6));
  pthread_mutex_lock(&timer_mu);
  if (ensure_thread() != 0) {
    pthread_mutex_unlock(&timer_mu);
    napi_throw_error(env, NULL, "wasmjit: cannot start the epoch timer thread");
    return NULL;
  }
  if (timer_count == timer_cap) {
    const size_t cap = timer_cap == 0 ? 8 : timer_cap * 2;
    wj_timer *grown = realloc(timers, cap * sizeof *grown);
    if (grown == NULL) {
      pthread_mutex_unlock(&timer_mu);
      napi_throw_error(env, NULL, "wasmjit: out of memory arming an epoch timer");
      return NULL;
    }
    timers = grown;
    timer_cap = cap;
  }
  const uint64_t id = next_timer_id++;
  timers[timer_count++] = (wj_timer){id, (uint64_t *)(uintptr_t)address, due, env};
  pthread_cond_signal(&timer_cv);
  pthread_mutex_unlock(&timer_mu);
  return number(env, (double)id);
}

/* cancelEpochTimer(id): true when the timer was still pending (it will now never fire),
 * false when it had fired already (or never existed). */
static napi_value js_cancel_epoch_timer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double id = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_double(env, argv[0], &id) != napi_ok) {
    napi_throw_type_error(env, NULL, "cancelEpochTimer(id: number)");
    return NULL;
  }
  int found = 0;
  pthread_mutex_lock(&timer_mu);
  for (size_t i = 0; i < timer_count; i++) {
    if (timers[i].id == (uint64_t)id) {
      remove_at(i);
      found = 1;
      break;
    }
  }
  pthread_mutex_unlock(&timer_mu);
  napi_value out;
  napi_get_boolean(env, found, &out);
  return out;
}

/* pendingEpochTimers(): timers armed by any thread and not yet fired or cancelled. */
static napi_value js_pending_epoch_timers(napi_env env, napi_callback_info info) {
  (void)info;
  pthread_mutex_lock(&timer_mu);
  const size_t n = timer_count;
  pthread_mutex_unlock(&timer_mu);
  return number(env, (double)n);
}

/* watchEpochCell(cells: BigUint64Array over a SharedArrayBuffer): request a poll of the
 * engine whose cell W is cells[0] every WJ_POLL_INTERVAL (host interrupts, see the top).
 * Watching a watched cell again is a no-op. */
static napi_value js_watch_epoch_cell(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1] = {NULL};
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  uint64_t *cell = (uint64_t *)cell_address(env, argv[0], 1, 1,
                                            "watchEpochCell(cells: BigUint64Array) needs an aligned, non-empty array over a SharedArrayBuffer");
  if (cell == NULL) return NULL;
  napi_ref ref;
  if (napi_create_reference(env, argv[0], 1, &ref) != napi_ok) return NULL;
  pthread_once(&timer_once, timer_init);
  pthread_mutex_lock(&timer_mu);
  const char *failure = NULL;
  if (find_cell(cell) != NULL) {
    failure = "";
  } else if (ensure_thread() != 0) {
    failure = "wasmjit: cannot start the epoch timer thread";
  } else if (cell_count == cell_cap) {
    const size_t cap = cell_cap == 0 ? 8 : cell_cap * 2;
    wj_poll_cell *grown = realloc(cells, cap * sizeof *grown);
    if (grown == NULL) failure = "wasmjit: out of memory watching an epoch cell";
    else {
      cells = grown;
      cell_cap = cap;
    }
  }
  if (failure == NULL) {
    cells[cell_count++] = (wj_poll_cell){cell, env, ref, poll_due_from_now(), 0, 0};
    pthread_cond_signal(&timer_cv);
  }
  pthread_mutex_unlock(&timer_mu);
  if (failure != NULL) {
    napi_delete_reference(env, ref);
    if (failure[0] != '\0') napi_throw_error(env, NULL, failure);
    return NULL;
  }
  return NULL;
}

/* Removes the watched cell at `address` of `env` (all of env's when address is 0) and returns
 * their buffer references, to be deleted once the mutex is released. */
static size_t unwatch(napi_env env, uintptr_t address, napi_ref *refs, size_t max_refs) {
  size_t n = 0;
  pthread_mutex_lock(&timer_mu);
  for (size_t i = 0; i < cell_count;) {
    if (cells[i].env == env && (address == 0 || (uintptr_t)cells[i].cell == address) && n < max_refs) {
      refs[n++] = cells[i].buffer;
      cells[i] = cells[--cell_count];
    } else {
      i++;
    }
  }
  pthread_mutex_unlock(&timer_mu);
  return n;
}

/* unwatchEpochCell(address): stop polling the cell (its engine was collected); true when it
 * was watched by this env. From then on the timer thread never touches it. */
static napi_value js_unwatch_epoch_cell(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double address = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_double(env, argv[0], &address) != napi_ok || !(address > 0)) {
    napi_throw_type_error(env, NULL, "unwatchEpochCell(address: number)");
    return NULL;
  }
  napi_ref ref;
  const size_t n = unwatch(env, (uintptr_t)address, &ref, 1);
  if (n == 1) napi_delete_reference(env, ref);
  napi_value out;
  napi_get_boolean(env, n == 1, &out);
  return out;
}

/* epochPolls(address): polls run so far for the watched cell at `address` (-1: not watched). */
static napi_value js_epoch_polls(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double address = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_double(env, argv[0], &address) != napi_ok) {
    napi_throw_type_error(env, NULL, "epochPolls(address: number)");
    return NULL;
  }
  double polls = -1;
  pthread_mutex_lock(&timer_mu);
  const wj_poll_cell *c = address > 0 ? find_cell((const uint64_t *)(uintptr_t)address) : NULL;
  if (c != NULL) polls = (double)c->polls;
  pthread_mutex_unlock(&timer_mu);
  return number(env, polls);
}

/*
 * The poll, on the engine's thread, from generated code (through the thunk below) once its
 * check saw the bias: take the bias out, schedule the next request, then suspend to JS so
 * that V8 handles what is pending (a termination, an inspector pause). Returns 0 when JS
 * resumes the activation.
 */
uint32_t wj_epoch_poll(uint64_t *cell, void *vmctx) WJ_HIDDEN;
uint32_t wj_epoch_poll(uint64_t *cell, void *vmctx) {
  pthread_mutex_lock(&timer_mu);
  wj_poll_cell *c = find_cell(cell);
  if (c != NULL) {
    if (c->flagged) {
      __atomic_fetch_sub(cell, WJ_POLL_BIAS, __ATOMIC_SEQ_CST);
      c->flagged = 0;
      c->due = poll_due_from_now();
      pthread_cond_signal(&timer_cv);
    }
    c->polls++;
  }
  pthread_mutex_unlock(&timer_mu);
  /* wasm that C called (capi.c) cannot suspend to JS: nothing would resume it. The poll is
   * skipped; the next one after control is back in JS-entered wasm does the work. */
  if (wj_tls.entry != NULL && wj_tls.entry->from_c) return 0;
  /* A host call like any other: the activation suspends, the export wrapper runs the
   * no-op builtin in JS, where V8 acts on what is pending. A termination never resumes it. */
  return (uint32_t)wasmjit_host_call(vmctx, WJ_BUILTIN_POLL, NULL, 0);
}

/*
 * wasmjit_epoch_poll: called (vmctx EpochPoll) from an epoch check's slow path at a function
 * entry or loop header, with r11 = the engine's cell W and r14 = vmctx; returns r11d = 0 or a
 * TrapCode. Every other register is preserved: at a check point local homes live in
 * r8..r10, xmm8..xmm13 and the callee-saved registers, which the C code may clobber or, for
 * the caller-saved ones, not preserve; saving all of them keeps the contract simple. The
 * stack below rsp is the host reserve, as for any host call.
 */
__asm__(
    ".intel_syntax noprefix\n"
    ".text\n"
    ".globl wasmjit_epoch_poll\n"
    ".hidden wasmjit_epoch_poll\n"
    ".type wasmjit_epoch_poll, @function\n"
    ".p2align 4\n"
    "wasmjit_epoch_poll:\n"
    "  .cfi_startproc\n"
    "  push rbp\n"
    "  .cfi_def_cfa_offset 16\n"
    "  .cfi_offset rbp, -16\n"
    "  mov rbp, rsp\n"
    "  .cfi_def_cfa_register rbp\n"
    "  push rax\n"
    "  push rcx\n"
    "  push rdx\n"
    "  push rsi\n"
    "  push rdi\n"
    "  push r8\n"
    "  push r9\n"
    "  push r10\n"
    "  sub rsp, 256\n"
    "  and rsp, -16\n"
    "  movdqa [rsp + 0], xmm0\n"
    "  movdqa [rsp + 16], xmm1\n"
    "  movdqa [rsp + 32], xmm2\n"
    "  movdqa [rsp + 48], xmm3\n"
    "  movdqa [rsp + 64], xmm4\n"
    "  movdqa [rsp + 80], xmm5\n"
    "  movdqa [rsp + 96], xmm6\n"
    "  movdqa [rsp + 112], xmm7\n"
    "  movdqa [rsp + 128], xmm8\n"
    "  movdqa [rsp + 144], xmm9\n"
    "  movdqa [rsp + 160], xmm10\n"
    "  movdqa [rsp + 176], xmm11\n"
    "  movdqa [rsp + 192], xmm12\n"
    "  movdqa [rsp + 208], xmm13\n"
    "  movdqa [rsp + 224], xmm14\n"
    "  movdqa [rsp + 240], xmm15\n"
    "  mov rdi, r11\n"
    "  mov rsi, r14\n"
    "  call wj_epoch_poll\n"
    "  mov r11d, eax\n"
    "  movdqa xmm0, [rsp + 0]\n"
    "  movdqa xmm1, [rsp + 16]\n"
    "  movdqa xmm2, [rsp + 32]\n"
    "  movdqa xmm3, [rsp + 48]\n"
    "  movdqa xmm4, [rsp + 64]\n"
    "  movdqa xmm5, [rsp + 80]\n"
    "  movdqa xmm6, [rsp + 96]\n"
    "  movdqa xmm7, [rsp + 112]\n"
    "  movdqa xmm8, [rsp + 128]\n"
    "  movdqa xmm9, [rsp + 144]\n"
    "  movdqa xmm10, [rsp + 160]\n"
    "  movdqa xmm11, [rsp + 176]\n"
    "  movdqa xmm12, [rsp + 192]\n"
    "  movdqa xmm13, [rsp + 208]\n"
    "  movdqa xmm14, [rsp + 224]\n"
    "  movdqa xmm15, [rsp + 240]\n"
    "  lea rsp, [rbp - 64]\n"
    "  pop r10\n"
    "  pop r9\n"
    "  pop r8\n"
    "  pop rdi\n"
    "  pop rsi\n"
    "  pop rdx\n"
    "  pop rcx\n"
    "  pop rax\n"
    "  pop rbp\n"
    "  .cfi_def_cfa rsp, 8\n"
    "  ret\n"
    "  .cfi_endproc\n"
    ".size wasmjit_epoch_poll, .-wasmjit_epoch_poll\n"
    ".att_syntax prefix\n");

void wasmjit_epoch_poll(void) WJ_HIDDEN;

/* epochPollAddress(): the thunk above, for vmctx EpochPoll. */
static napi_value js_epoch_poll_address(napi_env env, napi_callback_info info) {
  (void)info;
  return number(env, (double)(uintptr_t)&wasmjit_epoch_poll);
}

/* Env teardown (a worker exiting mid-call): its counters may be freed after this. */
static void cancel_env_timers(void *arg) {
  napi_env env = arg;
  pthread_mutex_lock(&timer_mu);
  for (size_t i = 0; i < timer_count;) {
    if (timers[i].env == env) remove_at(i);
    else i++;
  }
  pthread_mutex_unlock(&timer_mu);
  napi_ref refs[16];
  size_t n;
  while ((n = unwatch(env, 0, refs, sizeof refs / sizeof refs[0])) > 0) {
    for (size_t i = 0; i < n; i++) napi_delete_reference(env, refs[i]);
  }
}

napi_status wj_epoch_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"epochAddress", NULL, js_epoch_address, NULL, NULL, NULL, napi_enumerable, NULL},
      {"startEpochTimer", NULL, js_start_epoch_timer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cancelEpochTimer", NULL, js_cancel_epoch_timer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pendingEpochTimers", NULL, js_pending_epoch_timers, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watchEpochCell", NULL, js_watch_epoch_cell, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwatchEpochCell", NULL, js_unwatch_epoch_cell, NULL, NULL, NULL, napi_enumerable, NULL},
      {"epochPolls", NULL, js_epoch_polls, NULL, NULL, NULL, napi_enumerable, NULL},
      {"epochPollAddress", NULL, js_epoch_poll_address, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_status s = napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  if (s != napi_ok) return s;
  return napi_add_env_cleanup_hook(env, cancel_env_timers, env);
}
