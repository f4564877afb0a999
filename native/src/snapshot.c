/*
 * Byte snapshots: a copy of a module's bytes that several threads read without copying it
 * again. An asynchronous compile must copy the caller's bytes before it returns (the caller
 * may change them afterwards); the copy is made here, into huge pages (big_alloc.c: ~2 ms
 * instead of ~50 ms of page faults for 18 MB), and the compile worker reads the same memory
 * through its own ArrayBuffer, found by the snapshot's random id (as code is, code_share.c).
 *
 * Each ArrayBuffer over a snapshot holds one reference; the memory goes with the last one,
 * whichever thread collects it. Snapshots are only read once made: the calling thread's
 * buffer stays private to the runtime until the compile is over.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "code_share.h"

typedef struct wj_snapshot {
  uint8_t id[WJ_ID_BYTES];
  uint8_t *data;
  size_t len;
  size_t refs; /* under wj_snapshots_lock */
  struct wj_snapshot *next;
} wj_snapshot;

static pthread_mutex_t wj_snapshots_lock = PTHREAD_MUTEX_INITIALIZER;
static wj_snapshot *wj_snapshots;

static void wj_snapshot_unref(node_api_basic_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  wj_snapshot *s = hint;
  int last = 0;
  pthread_mutex_lock(&wj_snapshots_lock);
  if (--s->refs == 0) {
    last = 1;
    for (wj_snapshot **p = &wj_snapshots; *p != NULL; p = &(*p)->next) {
      if (*p == s) {
        *p = s->next;
        break;
      }
    }
  }
  pthread_mutex_unlock(&wj_snapshots_lock);
  if (last) {
    wj_big_free(s->data, s->len);
    free(s);
  }
}

/* An ArrayBuffer over the snapshot, holding a reference the caller has already counted. */
static napi_value wj_snapshot_buffer(napi_env env, wj_snapshot *s) {
  napi_value ab;
  if (napi_create_external_arraybuffer(env, s->data, s->len, wj_snapshot_unref, s, &ab) != napi_ok) {
    wj_snapshot_unref(env, NULL, s);
    return NULL;
  }
  return ab;
}

/*
 * snapshotBytes(bytes: Uint8Array): [buffer: ArrayBuffer, id: string], a copy of `bytes`;
 * with `digest`, snapshotWithDigest: [buffer, id, digest], the copy made and hashed in one
 * pass (wasm_digest.c), the digest as 64 hex digits.
 */
static napi_value wj_snapshot_common(napi_env env, napi_callback_info info, int digest) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  bool is_typed = false;
  napi_typedarray_type type;
  size_t len = 0;
  void *src = NULL;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &len, &src, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, digest ? "snapshotWithDigest(bytes: Uint8Array)" : "snapshotBytes(bytes: Uint8Array)");
    return NULL;
  }
  wj_snapshot *s = calloc(1, sizeof *s);
  uint8_t *data = wj_big_alloc(len);
  uint8_t sum[32];
  int ok = s != NULL && data != NULL && wj_random_id(s->id);
  if (ok && digest) ok = wj_wasm_digest(data, src, len, sum);
  else if (ok && len > 0) memcpy(data, src, len);
  if (!ok) {
    free(s);
    wj_big_free(data, len);
    napi_throw_range_error(env, NULL, "wasmjit: cannot allocate a copy of the module bytes");
    return NULL;
  }
  s->data = data;
  s->len = len;
  s->refs = 1;
  pthread_mutex_lock(&wj_snapshots_lock);
  s->next = wj_snapshots;
  wj_snapshots = s;
  pthread_mutex_unlock(&wj_snapshots_lock);
  napi_value ab = wj_snapshot_buffer(env, s);
  if (ab == NULL) return NULL;
  char hex[2 * WJ_ID_BYTES + 1];
  wj_id_to_hex(s->id, hex);
  napi_value id, arr;
  if (napi_create_string_latin1(env, hex, 2 * WJ_ID_BYTES, &id) != napi_ok || napi_create_array_with_length(env, digest ? 3 : 2, &arr) != napi_ok) {
    return NULL;
  }
  napi_set_element(env, arr, 0, ab);
  napi_set_element(env, arr, 1, id);
  if (digest) {
    char sum_hex[65];
    wj_digest_to_hex(sum, sum_hex);
    napi_value d;
    if (napi_create_string_latin1(env, sum_hex, 64, &d) != napi_ok) return NULL;
    napi_set_element(env, arr, 2, d);
  }
  return arr;
}

static napi_value wj_js_snapshot_bytes(napi_env env, napi_callback_info info) {
  return wj_snapshot_common(env, info, 0);
}

static napi_value wj_js_snapshot_with_digest(napi_env env, napi_callback_info info) {
  return wj_snapshot_common(env, info, 1);
}

/* openSnapshot(id: string): ArrayBuffer over the snapshot's bytes, or null for an unknown id. */
static napi_value wj_js_open_snapshot(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value null_value;
  uint8_t id[WJ_ID_BYTES];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  napi_get_null(env, &null_value);
  if (argc < 1 || !wj_id_arg(env, argv[0], id)) return null_value;
  wj_snapshot *found = NULL;
  pthread_mutex_lock(&wj_snapshots_lock);
  for (wj_snapshot *s = wj_snapshots; s != NULL; s = s->next) {
    if (memcmp(s->id, id, WJ_ID_BYTES) == 0) {
      found = s;
      s->refs++;
      break;
    }
  }
  pthread_mutex_unlock(&wj_snapshots_lock);
  if (found == NULL) return null_value;
  return wj_snapshot_buffer(env, found);
}

napi_status wj_snapshot_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"snapshotBytes", NULL, wj_js_snapshot_bytes, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openSnapshot", NULL, wj_js_open_snapshot, NULL, NULL, NULL, napi_enumerable, NULL},
      {"snapshotWithDigest", NULL, wj_js_snapshot_with_digest, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
