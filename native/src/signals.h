/*
 * Guard-region bounds checks: the SIGSEGV/SIGBUS handler that turns a fault of generated
 * code inside a linear-memory reservation into an out_of_bounds_memory trap (signals.c).
 *
 * The handler acts only when BOTH hold:
 *   - the faulting pc lies in a registered JIT code range (wj_signals_register_code), and
 *   - the fault address lies in a registered linear-memory reservation
 *     (wj_signals_register_memory),
 * and a wasm entry is active on the faulting thread. Everything else is passed on to the
 * action that was installed before ours (Node's, which serves V8's own wasm trap handler),
 * or to the default action. See docs/memory.md.
 */
#ifndef WASMJIT_SIGNALS_H
#define WASMJIT_SIGNALS_H

#include <node_api.h>

#include "wasmjit.h"

/* abi.ts TrapCode.OutOfBoundsMemory. */
#define WJ_TRAP_OUT_OF_BOUNDS_MEMORY 6

/* Capacities of the range tables. Slots of unregistered ranges are reused, so these bound
 * the number of LIVE ranges: 32768 memories of 8 GiB would need 256 TiB, twice the x86-64
 * user address space, and 65536 live modules is far beyond what one process keeps. */
#define WJ_MAX_CODE_RANGES 65536
#define WJ_MAX_MEMORY_RANGES 32768

/* Jumped to (never called) in place of a faulting access: edi = OutOfBoundsMemory, then
 * vmctx[TrapUnwind] (r14 is still the vmctx there). rsi is set by the handler. */
void wasmjit_oob_landing(void) WJ_HIDDEN;

/* Installs the handler (once per process; later calls are no-ops). 0 or an errno value. */
int wj_signals_install(void) WJ_HIDDEN;
/* Gives the calling thread an alternate signal stack unless it has one (freed by an env
 * cleanup hook of `env`, which runs on this same thread). Sets *size_out to the size of the
 * thread's alternate stack; returns 0 or an errno value. */
int wj_signals_thread_init(napi_env env, size_t *size_out) WJ_HIDDEN;

/* Adds the signals exports (signalsInstall, signalsRegisterCode, ...) to `exports`. */
napi_status wj_signals_define_exports(napi_env env, napi_value exports) WJ_HIDDEN;

#endif
