/*
 * Applying a module's active data segments at instantiation (runtime instance-memory.ts):
 * one call for all of them instead of a subarray and a set() per segment in JS, which was
 * 25 ms of an esbuild.wasm start (98,450 segments). Wasm 2.0 order and semantics: segments
 * are applied one by one, each bounds-checked as it is, so an out-of-bounds one leaves the
 * earlier ones written.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "code_share.h"

static int wj_u8_arg(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL) != napi_ok || type != napi_uint8_array) return 0;
  *data = p;
  return 1;
}

static int wj_f64_arg(napi_env env, napi_value v, const double **data, size_t *len) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL) != napi_ok || type != napi_float64_array) return 0;
  *data = p;
  return 1;
}

/* A double that is an integer in [0, limit]; else -1. */
static double wj_index(double x, double limit) {
  return x >= 0 && x <= limit && floor(x) == x ? x : -1;
}

#define WJ_HUGE ((uintptr_t)2 << 20)

/*
 * Asks for transparent huge pages (madvise mode) for the part of a fresh memory that the
 * segments fill densely, before they are copied: ruby.wasm writes 24.7 MB of data into 25 MB
 * of its memory, ~6,000 faults of 4 KiB pages (each a trap and a zeroed page) where huge
 * pages take a dozen. Only whole 2 MiB pages inside [lo, hi), and only when the segments
 * cover at least half of it: pages between sparse segments would be committed for nothing.
 * Advice only: contents and semantics are those of small pages.
 */
static void wj_advise_dense(uint8_t *mem, size_t lo, size_t hi, double covered) {
  if (hi <= lo || covered < (double)WJ_HUGE || covered * 2 < (double)(hi - lo)) return;
  uintptr_t from = ((uintptr_t)mem + lo + WJ_HUGE - 1) & ~(WJ_HUGE - 1);
  uintptr_t to = ((uintptr_t)mem + hi) & ~(WJ_HUGE - 1);
  if (to > from) madvise((void *)from, to - from, MADV_HUGEPAGE);
}

/*
 * applyDataSegments(memory: Uint8Array, source: Uint8Array, start: Float64Array,
 *   length: Float64Array, offset: Float64Array, offsetAt: Float64Array, count: number): number
 * Copies each segment i < count with offsetAt[i] >= 0 (active) from source[start[i] ..
 * start[i] + length[i]) to memory[offset[i] ..]. -1 when all were applied; else the index of
 * the first segment that does not fit the memory (the earlier ones were written), or -2 for
 * arguments that do not describe segments of `source` (nothing written past the earlier ones).
 */
static napi_value wj_js_apply_data_segments(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  uint8_t *mem = NULL, *src = NULL;
  size_t mem_len = 0, src_len = 0, n_start = 0, n_length = 0, n_offset = 0, n_at = 0;
  const double *start = NULL, *length = NULL, *offset = NULL, *at = NULL;
  double count = 0;
  if (argc < 7 || !wj_u8_arg(env, argv[0], &mem, &mem_len) || !wj_u8_arg(env, argv[1], &src, &src_len) ||
      !wj_f64_arg(env, argv[2], &start, &n_start) || !wj_f64_arg(env, argv[3], &length, &n_length) ||
      !wj_f64_arg(env, argv[4], &offset, &n_offset) || !wj_f64_arg(env, argv[5], &at, &n_at) ||
      napi_get_value_double(env, argv[6], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "applyDataSegments(memory, source, start, length, offset, offsetAt, count)");
    return NULL;
  }
  double result = -1;
  size_t n = (size_t)wj_index(count, (double)n_start);
  if (wj_index(count, (double)n_start) < 0 || n > n_length || n > n_offset || n > n_at) {
    result = -2;
    n = 0;
  }
  /* The span the segments that fit will fill, for wj_advise_dense. */
  size_t lo = SIZE_MAX, hi = 0;
  double covered = 0;
  for (size_t i = 0; i < n; i++) {
    double o = wj_index(offset[i], 4294967295.0), l = wj_index(length[i], (double)src_len);
    if (!(at[i] >= 0) || o < 0 || l <= 0 || o + l > (double)mem_len) continue;
    if ((size_t)o < lo) lo = (size_t)o;
    if ((size_t)(o + l) > hi) hi = (size_t)(o + l);
    covered += l;
  }
  wj_advise_dense(mem, lo, hi, covered);
  for (size_t i = 0; i < n; i++) {
    if (!(at[i] >= 0)) continue; /* passive */
    double s = wj_index(start[i], (double)src_len);
    double l = wj_index(length[i], (double)src_len);
    if (s < 0 || l < 0 || s + l > (double)src_len) {
      result = -2;
      break;
    }
    double o = wj_index(offset[i], 4294967295.0);
    if (o < 0 || o + l > (double)mem_len) {
      result = (double)i;
      break;
    }
    if (l > 0) memcpy(mem + (size_t)o, src + (size_t)s, (size_t)l);
  }
  napi_value out;
  if (napi_create_double(env, result, &out) != napi_ok) return NULL;
  return out;
}

napi_status wj_data_segments_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"applyDataSegments", NULL, wj_js_apply_data_segments, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
