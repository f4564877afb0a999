/*
 * The digest of a module's wasm bytes that keys the code cache (docs/cache.md "The key").
 * The bytes come from anyone, so the digest must resist crafted collisions: it is a two-level
 * SHA-256 tree, which is collision-resistant whenever SHA-256 is (fixed chunking, the length
 * and a domain string in the root):
 *
 *   leaf_i = SHA-256(chunk i)            chunks of WJ_DIGEST_CHUNK bytes, the last one shorter
 *   digest = SHA-256("wasmjit wasm digest 1\0" || u64le(length) || leaf_0 || leaf_1 || ...)
 *
 * Unlike one SHA-256 over the whole, the leaves are independent: large modules are hashed by
 * several threads at once (the calling thread and up to three helpers), and a copy can be
 * made in the same pass (each chunk copied, then hashed from the copy while it is in cache).
 * It is always the copy that is hashed: the caller may change its bytes meanwhile, and the
 * digest must be of the bytes that will be decoded.
 *
 * SHA-256 itself is ours (sha256.c, with SHA-NI where the CPU has it): the prebuilt add-on
 * may import nothing from node but Node-API, so not OpenSSL's.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "code_share.h"

#define WJ_DIGEST_CHUNK ((size_t)1 << 20)
/* Below this, one thread: starting another costs more than it saves. */
#define WJ_DIGEST_THREADED ((size_t)4 << 20)
#define WJ_DIGEST_MAX_THREADS 4
static const char wj_digest_domain[] = "wasmjit wasm digest 1";

typedef struct {
  uint8_t *dst;
  const uint8_t *src; /* NULL: hash dst in place */
  size_t length;
  size_t first, end; /* chunk range */
  uint8_t *leaves;
} wj_digest_job;

static void *wj_digest_run(void *arg) {
  wj_digest_job *j = arg;
  for (size_t c = j->first; c < j->end; c++) {
    size_t at = c * WJ_DIGEST_CHUNK;
    size_t n = j->length - at < WJ_DIGEST_CHUNK ? j->length - at : WJ_DIGEST_CHUNK;
    if (j->src != NULL) memcpy(j->dst + at, j->src + at, n);
    wj_sha256(j->dst + at, n, j->leaves + 32 * c);
  }
  return NULL;
}

int wj_wasm_digest(uint8_t *dst, const uint8_t *src, size_t length, uint8_t out[32]) {
  size_t chunks = (length + WJ_DIGEST_CHUNK - 1) / WJ_DIGEST_CHUNK;
  size_t head = sizeof wj_digest_domain + 8;
  uint8_t *root = malloc(head + 32 * chunks);
  if (root == NULL) return 0;
  memcpy(root, wj_digest_domain, sizeof wj_digest_domain);
  for (int i = 0; i < 8; i++) root[sizeof wj_digest_domain + i] = (uint8_t)((uint64_t)length >> (8 * i));
  uint8_t *leaves = root + head;
  size_t threads = 1;
  if (length >= WJ_DIGEST_THREADED) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus < 2 ? 1 : cpus > WJ_DIGEST_MAX_THREADS ? WJ_DIGEST_MAX_THREADS : (size_t)cpus;
    if (threads > chunks) threads = chunks;
  }
  wj_digest_job jobs[WJ_DIGEST_MAX_THREADS];
  pthread_t helpers[WJ_DIGEST_MAX_THREADS];
  int started[WJ_DIGEST_MAX_THREADS] = {0};
  for (size_t t = 0; t < threads; t++) {
    jobs[t] = (wj_digest_job){dst, src, length, chunks * t / threads, chunks * (t + 1) / threads, leaves};
  }
  /* Helpers take the later ranges; a helper that cannot start leaves its range to this thread. */
  for (size_t t = 1; t < threads; t++) started[t] = pthread_create(&helpers[t], NULL, wj_digest_run, &jobs[t]) == 0;
  wj_digest_run(&jobs[0]);
  for (size_t t = 1; t < threads; t++) {
    if (started[t]) pthread_join(helpers[t], NULL);
    else wj_digest_run(&jobs[t]);
  }
  wj_sha256(root, head + 32 * chunks, out);
  free(root);
  return 1;
}

void wj_digest_to_hex(const uint8_t digest[32], char out[65]) {
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  out[64] = 0;
}

/* wasmDigest(bytes: Uint8Array): string, the digest of `bytes` as 64 hex digits. */
static napi_value wj_js_wasm_digest(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  bool is_typed = false;
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "wasmDigest(bytes: Uint8Array)");
    return NULL;
  }
  uint8_t digest[32];
  if (!wj_wasm_digest(data, NULL, len, digest)) {
    napi_throw_range_error(env, NULL, "wasmjit: out of memory hashing the module bytes");
    return NULL;
  }
  char hex[65];
  wj_digest_to_hex(digest, hex);
  napi_value s;
  if (napi_create_string_latin1(env, hex, 64, &s) != napi_ok) return NULL;
  return s;
}

/*
 * sha256(bytes: Uint8Array, impl: 0 | 1 | 2): string | null, for tests: plain SHA-256 of
 * `bytes` with the compression `impl` (0 the CPU's best, 1 portable, 2 SHA-NI; null when the
 * CPU lacks it), as 64 hex digits.
 */
static napi_value wj_js_sha256(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  bool is_typed = false;
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  int32_t impl = -1;
  if (argc < 2 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_uint8_array ||
      napi_get_value_int32(env, argv[1], &impl) != napi_ok || impl < WJ_SHA256_AUTO || impl > WJ_SHA256_NI) {
    napi_throw_type_error(env, NULL, "sha256(bytes: Uint8Array, impl: 0 | 1 | 2)");
    return NULL;
  }
  uint8_t digest[32];
  napi_value result;
  if (!wj_sha256_with(impl, data, len, digest)) {
    if (napi_get_null(env, &result) != napi_ok) return NULL;
    return result;
  }
  char hex[65];
  wj_digest_to_hex(digest, hex);
  if (napi_create_string_latin1(env, hex, 64, &result) != napi_ok) return NULL;
  return result;
}

napi_status wj_wasm_digest_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"wasmDigest", NULL, wj_js_wasm_digest, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sha256", NULL, wj_js_sha256, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
