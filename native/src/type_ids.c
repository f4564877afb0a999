/*
 * Canonical function signature ids, the same on every thread of the process.
 *
 * Generated code checks call_indirect targets by comparing a signature id compiled into the
 * code with the one in the callee's funcref record, which the instance writes. Both used to
 * come from a per-thread table (codegen layout.ts), which was enough while code only ran on
 * the thread that compiled it. Code compiled on one thread and run on another (a module
 * posted to a worker, an asynchronous compile on a worker) needs ids both threads agree
 * on: with per-thread ids, two different signatures could get the same id on the two
 * threads and call_indirect would call a function of the wrong type. So ids come from here.
 * The runtime caches them per thread (type-ids.ts); this table is only asked once per
 * signature per thread.
 *
 * Keys are the signature as a string (params ':' results); ids count from 1 and are never
 * reused. An open-addressing hash table under a mutex; it only grows.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasmjit.h"

typedef struct {
  char *key; /* NULL: empty slot */
  size_t len;
  uint32_t id;
} wj_type_slot;

static pthread_mutex_t wj_types_lock = PTHREAD_MUTEX_INITIALIZER;
static wj_type_slot *wj_types;
static size_t wj_types_cap; /* a power of two */
static size_t wj_types_len;

static uint64_t wj_hash(const char *s, size_t len) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (size_t i = 0; i < len; i++) {
    h ^= (uint8_t)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

static wj_type_slot *wj_slot(wj_type_slot *table, size_t cap, const char *key, size_t len) {
  size_t i = (size_t)wj_hash(key, len) & (cap - 1);
  while (table[i].key != NULL && (table[i].len != len || memcmp(table[i].key, key, len) != 0)) i = (i + 1) & (cap - 1);
  return &table[i];
}

/* Doubles the table (keeps it at most half full). 0 when out of memory. */
static int wj_grow(void) {
  const size_t cap = wj_types_cap == 0 ? 256 : wj_types_cap * 2;
  wj_type_slot *table = calloc(cap, sizeof *table);
  if (table == NULL) return 0;
  for (size_t i = 0; i < wj_types_cap; i++) {
    if (wj_types[i].key != NULL) *wj_slot(table, cap, wj_types[i].key, wj_types[i].len) = wj_types[i];
  }
  free(wj_types);
  wj_types = table;
  wj_types_cap = cap;
  return 1;
}

/* The id of `key`, made if new; 0 when out of memory. */
static uint32_t wj_type_id(const char *key, size_t len) {
  uint32_t id = 0;
  pthread_mutex_lock(&wj_types_lock);
  if ((wj_types_len + 1) * 2 > wj_types_cap && !wj_grow()) goto out;
  wj_type_slot *slot = wj_slot(wj_types, wj_types_cap, key, len);
  if (slot->key == NULL) {
    char *copy = malloc(len + 1);
    if (copy == NULL) goto out;
    memcpy(copy, key, len);
    copy[len] = 0;
    *slot = (wj_type_slot){copy, len, (uint32_t)(wj_types_len + 1)};
    wj_types_len++;
  }
  id = slot->id;
out:
  pthread_mutex_unlock(&wj_types_lock);
  return id;
}

/* canonicalTypeId(key: string): number, the process-wide id of a signature key. */
static napi_value wj_js_canonical_type_id(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_valuetype t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_string) {
    napi_throw_type_error(env, NULL, "canonicalTypeId(key: string)");
    return NULL;
  }
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) return NULL;
  char *key = malloc(len + 1);
  if (key == NULL) {
    napi_throw_error(env, NULL, "wasmjit: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[0], key, len + 1, &len);
  const uint32_t id = wj_type_id(key, len);
  free(key);
  if (id == 0) {
    napi_throw_error(env, NULL, "wasmjit: out of memory");
    return NULL;
  }
  napi_value out;
  napi_create_uint32(env, id, &out);
  return out;
}

napi_status wj_type_ids_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"canonicalTypeId", NULL, wj_js_canonical_type_id, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
