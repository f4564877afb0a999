/*
 * Epoch interruption support (epoch.c): the address of an engine's epoch counter, a
 * process-wide timer thread that bumps such counters after a delay and requests periodic
 * polls of watched ones (host interrupts), and the poll generated code calls.
 */
#ifndef WASMJIT_EPOCH_H
#define WASMJIT_EPOCH_H

#include <node_api.h>

#include "wasmjit.h"

/* Adds epochAddress, startEpochTimer, cancelEpochTimer, watchEpochCell, ... to `exports`
 * and registers the env cleanup hook that cancels this env's pending timers and watches.
 * Called once per env at init. */
napi_status wj_epoch_define(napi_env env, napi_value exports) WJ_HIDDEN;

#endif
