/*
 * The guard-region fault handler (see signals.h and docs/memory.md).
 *
 * Installed once per process, lazily (the first guard-mode instance with a memory asks for
 * it; explicit bounds checks never install anything). It keeps the actions that were there
 * before it and passes every fault it does not own to them, so Node's handler (which serves
 * V8's own wasm trap handler) and the default crash keep working.
 *
 * Signal-path rules: no allocation, no locks, no stdio; only loads from the lock-free range
 * tables, the initial-exec TLS word, and (when chaining to the default action) sigaction and
 * raise, which are async-signal-safe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "signal_ranges.h"
#include "signals.h"

_Static_assert(WJ_VMCTX_TRAP_UNWIND == 0x18, "the landing below hard-codes vmctx[TrapUnwind]");
_Static_assert(WJ_TRAP_OUT_OF_BOUNDS_MEMORY == 6, "the landing below hard-codes the trap code");

/*
 * Where a faulting access resumes: exactly what a generated trap stub does, with rsi (the
 * trap site) already set by the handler and r14 still the faulting code's vmctx.
 */
__asm__(
    ".intel_syntax noprefix\n"
    ".text\n"
    ".globl wasmjit_oob_landing\n"
    ".hidden wasmjit_oob_landing\n"
    ".type wasmjit_oob_landing, @function\n"
    ".p2align 4\n"
    "wasmjit_oob_landing:\n"
    "  mov edi, 6\n"
    "  jmp qword ptr [r14 + 0x18]\n"
    ".size wasmjit_oob_landing, .-wasmjit_oob_landing\n"
    ".att_syntax prefix\n");

/* The actions in place before ours; written once, before our handler can run. */
static struct sigaction wj_prev_segv;
static struct sigaction wj_prev_bus;

static int wj_fault_is_ours(const siginfo_t *info, uintptr_t pc) {
  /* si_code <= 0: sent by kill/tgkill/sigqueue, si_addr means nothing. */
  if (info->si_code <= 0) return 0;
  /* A fault of JIT code with no active entry on this thread cannot be a wasm access. */
  if (wj_tls.entry == NULL) return 0;
  return wj_ranges_contains(&wj_code_ranges, pc) &&
         wj_ranges_contains(&wj_memory_ranges, (uintptr_t)info->si_addr);
}

/* What would have happened without us. */
static void wj_chain(int sig, siginfo_t *info, void *uctx) {
  const struct sigaction *prev = sig == SIGSEGV ? &wj_prev_segv : &wj_prev_bus;
  if (prev->sa_flags & SA_SIGINFO) {
    prev->sa_sigaction(sig, info, uctx);
    return;
  }
  if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
    prev->sa_handler(sig);
    return;
  }
  const int from_fault = info->si_code > 0;
  /* An ignored signal that someone sent is simply ignored. A real fault cannot be ignored
   * (returning would re-run the faulting instruction forever; the kernel itself forces the
   * default action on an ignored fault), so it gets the default action below. */
  if (prev->sa_handler == SIG_IGN && !from_fault) return;
  const int saved_errno = errno;
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  /* A fault re-executes its instruction on return and dies of it with the original
   * siginfo (and core); a sent signal must be sent again. It stays pending while this
   * handler runs (sig is blocked here: no SA_NODEFER) and kills right after we return. */
  if (!from_fault) raise(sig);
  errno = saved_errno;
}

static void wj_on_fault(int sig, siginfo_t *info, void *uctx) {
  ucontext_t *uc = uctx;
  greg_t *gregs = uc->uc_mcontext.gregs;
  const uintptr_t pc = (uintptr_t)gregs[REG_RIP];
  if (!wj_fault_is_ours(info, pc)) {
    wj_chain(sig, info, uctx);
    return;
  }
  /* Resume at the landing as if the access had been a trap stub: rsi names the trap site
   * the way a stub's `call` does (one past an address inside the faulting instruction, so
   * backtrace lookups of rsi - 1 land on it). */
  gregs[REG_RSI] = (greg_t)(pc + 1);
  gregs[REG_RIP] = (greg_t)(uintptr_t)&wasmjit_oob_landing;
  __atomic_fetch_add(&wj_signals.count, 1, __ATOMIC_RELAXED);
}

static pthread_once_t wj_install_once = PTHREAD_ONCE_INIT;
static int wj_install_errno;

static void wj_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = wj_on_fault;
  /* SA_ONSTACK: run on the thread's alternate stack when it has one (wj_signals_thread_init
   * gives every thread that runs guard-mode wasm one). No SA_NODEFER: a fault inside the
   * handler (or a handler it chains to) then finds the signal blocked, and the kernel kills
   * the process at once instead of recursing until the alternate stack overflows. */
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  /* Read the previous actions before ours can run, so chaining never sees them unset. */
  if (sigaction(SIGSEGV, NULL, &wj_prev_segv) != 0 || sigaction(SIGBUS, NULL, &wj_prev_bus) != 0) {
    wj_install_errno = errno;
    return;
  }
  /* Block what the previous handlers expect blocked: they may run inside ours. */
  sigorset(&sa.sa_mask, &wj_prev_segv.sa_mask, &wj_prev_bus.sa_mask);
  if (sigaction(SIGSEGV, &sa, NULL) != 0 || sigaction(SIGBUS, &sa, NULL) != 0) {
    wj_install_errno = errno;
    return;
  }
  __atomic_store_n(&wj_signals.installed, 1, __ATOMIC_RELEASE);
}

int wj_signals_install(void) {
  pthread_once(&wj_install_once, wj_install);
  return wj_install_errno;
}

/* ── Alternate signal stacks ─────────────────────────────────────────────────────────── */

/* Ours are this big (plus a guard page below): signal frames with AVX-512 state are a few
 * KiB, and Node's / V8's handlers we may chain to need little more. */
#define WJ_ALTSTACK_SIZE (128u * 1024u)

typedef struct wj_altstack {
  void *map;      /* guard page + stack */
  size_t map_len;
  void *sp;       /* ss_sp given to sigaltstack */
} wj_altstack;

/* Env cleanup runs on the env's own thread (main thread at exit, a worker at its end), the
 * thread the stack was installed on; it is not running a handler then. */
static void wj_altstack_cleanup(void *arg) {
  wj_altstack *a = arg;
  stack_t cur;
  if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE) && cur.ss_sp == a->sp) {
    stack_t off;
    memset(&off, 0, sizeof off);
    off.ss_flags = SS_DISABLE;
    if (sigaltstack(&off, NULL) == 0) munmap(a->map, a->map_len);
  }
  /* Otherwise someone replaced it, or this is not the thread: leaking the mapping is safer
   * than unmapping a stack a handler may still use. */
  free(a);
}

int wj_signals_thread_init(napi_env env, size_t *size_out) {
  stack_t cur;
  if (sigaltstack(NULL, &cur) != 0) return errno;
  if (!(cur.ss_flags & SS_DISABLE)) {
    /* The thread has one already (ours from an earlier call, or someone else's): keep it. */
    *size_out = cur.ss_size;
    return 0;
  }
  size_t size = WJ_ALTSTACK_SIZE;
#ifdef AT_MINSIGSTKSZ
  /* The kernel's minimum for this CPU's signal frame (large with AMX), with room to spare. */
  const size_t min = (size_t)getauxval(AT_MINSIGSTKSZ);
  if (min * 4 > size) size = (min * 4 + 4095) & ~(size_t)4095;
#endif
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  wj_altstack *a = malloc(sizeof *a);
  if (a == NULL) return ENOMEM;
  a->map_len = size + page;
  a->map = mmap(NULL, a->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a->map == MAP_FAILED) {
    const int e = errno;
    free(a);
    return e;
  }
  /* A guard page below: overflowing the alternate stack faults (and, SIGSEGV being blocked
   * in the handler, kills) instead of silently writing over a neighbouring mapping. */
  mprotect(a->map, page, PROT_NONE);
  a->sp = (char *)a->map + page;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = a->sp;
  ss.ss_size = size;
  if (sigaltstack(&ss, NULL) != 0) {
    const int e = errno;
    munmap(a->map, a->map_len);
    free(a);
    return e;
  }
  if (napi_add_env_cleanup_hook(env, wj_altstack_cleanup, a) != napi_ok) {
    /* Keep the stack installed (the handler may need it); it lives as long as the thread. */
  }
  *size_out = size;
  return 0;
}
