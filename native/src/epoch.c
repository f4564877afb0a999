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

static void *timer_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&timer_mu);
  for (;;) {
    if (timer_count == 0) {
      pthread_cond_wait(&timer_cv, &timer_mu);
      continue;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const struct timespec *earliest = NULL;
    for (size_t i = 0; i < timer_count;) {
      if (ts_before_or_equal(&timers[i].due, &now)) {
        /* Seq-cst like Atomics.add; the wasm side reads it with a plain (atomic) load. */
        __atomic_fetch_add(timers[i].counter, 1, __ATOMIC_SEQ_CST);
        remove_at(i);
        continue;
      }
      if (earliest == NULL || ts_before_or_equal(&timers[i].due, earliest)) earliest = &timers[i].due;
      i++;
    }
    if (earliest != NULL) {
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

/* epochAddress(counter: BigUint64Array over a SharedArrayBuffer): its first element's address. */
static napi_value js_epoch_address(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is_typed = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc >= 1) napi_is_typedarray(env, argv[0], &is_typed);
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (!is_typed || napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_biguint64_array || length < 1 || data == NULL || ((uintptr_t)data & 7) != 0) {
    napi_throw_type_error(env, NULL, "epochAddress(counter: BigUint64Array) needs an aligned, non-empty array");
    return NULL;
  }
  return number(env, (double)(uintptr_t)data);
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
  const uint64_t ns = (uint64_t)(ms * 1e6);
  due.tv_sec += (time_t)(ns / 1000000000u);
  due.tv_nsec += (long)(ns % 1000000000u);
  if (due.tv_nsec >= 1000000000L) {
    due.tv_sec++;
    due.tv_nsec -= 1000000000L;
  }
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

/* Env teardown (a worker exiting mid-call): its counters may be freed after this. */
static void cancel_env_timers(void *arg) {
  napi_env env = arg;
  pthread_mutex_lock(&timer_mu);
  for (size_t i = 0; i < timer_count;) {
    if (timers[i].env == env) remove_at(i);
    else i++;
  }
  pthread_mutex_unlock(&timer_mu);
}

napi_status wj_epoch_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"epochAddress", NULL, js_epoch_address, NULL, NULL, NULL, napi_enumerable, NULL},
      {"startEpochTimer", NULL, js_start_epoch_timer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"cancelEpochTimer", NULL, js_cancel_epoch_timer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pendingEpochTimers", NULL, js_pending_epoch_timers, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_status s = napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  if (s != napi_ok) return s;
  return napi_add_env_cleanup_hook(env, cancel_env_timers, env);
}
