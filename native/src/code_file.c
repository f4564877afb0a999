/*
 * Loading cached machine code (runtime cache/serialized-module.ts): the code part of an
 * entry goes from the file (or from a caller's buffer) straight into fresh code pages, is
 * checked against its CRC32C there, gets this process's signature ids written at its
 * relocation sites, and is made read+execute. Nothing of it passes through a JS buffer.
 *
 * Why a copy and not a mapping of the file: a MAP_PRIVATE mapping of an entry keeps reading
 * the file for every page not yet written, so an entry truncated on disk afterwards (by
 * anything: a user, another tool) would raise SIGBUS in running code. A copy is independent
 * of the file once made; into huge pages it costs ~2 ms for 20 MB (the page faults are what
 * made the old copy expensive), and the checksum must read every byte anyway.
 *
 * Why CRC32C: the check detects accidents (torn writes, bit rot, another program's file),
 * not tampering (docs/cache.md), and the SSE4.2 instruction computes it at memory speed,
 * where SHA-256 of the code cost ~40 ms for esbuild.wasm. The key stays a SHA-256 of the
 * wasm bytes: those come from anyone.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "code_share.h"

/* Answers besides [owner, address], errno and -1 (memory.c). */
#define WJ_ERR_CHECKSUM (-2)
#define WJ_ERR_SHORT (-3)
#define WJ_ERR_SITE (-4)

/* Castagnoli polynomial, reflected (what the SSE4.2 crc32 instruction computes). */
#define WJ_CRC32C_POLY 0x82f63b78u

static uint32_t wj_crc_table[256];

static void wj_crc_table_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (WJ_CRC32C_POLY & (0u - (c & 1)));
    wj_crc_table[i] = c;
  }
}

static uint32_t wj_crc32c_soft(uint32_t crc, const uint8_t *p, size_t n) {
  if (wj_crc_table[1] == 0) wj_crc_table_init();
  for (size_t i = 0; i < n; i++) crc = wj_crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

__attribute__((target("sse4.2"))) static uint32_t wj_crc32c_hw(uint32_t crc, const uint8_t *p, size_t n) {
  uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    c = __builtin_ia32_crc32di(c, w);
  }
  uint32_t c32 = (uint32_t)c;
  for (; n > 0; n--, p++) c32 = __builtin_ia32_crc32qi(c32, *p);
  return c32;
}

/* Continues a CRC32C: pass 0 to start; the result of one call is the `crc` of the next. */
static uint32_t wj_crc32c(uint32_t crc, const uint8_t *p, size_t n) {
  static int hw = -1;
  if (hw < 0) hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
  crc = ~crc;
  crc = hw ? wj_crc32c_hw(crc, p, n) : wj_crc32c_soft(crc, p, n);
  return ~crc;
}

static napi_value wj_num(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

/* The bytes of a typed array argument of `want` type, or 0 after throwing a TypeError. */
static int wj_typed_arg(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, length, data, NULL, NULL) != napi_ok || type != want) {
    return 0;
  }
  if (*length > 0 && *data == NULL) return 0;
  return 1;
}

/* crc32c(bytes: Uint8Array): number, the CRC32C (Castagnoli) of the bytes. */
static napi_value wj_js_crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || !wj_typed_arg(env, argv[0], napi_uint8_array, &data, &length)) {
    napi_throw_type_error(env, NULL, "crc32c(bytes: Uint8Array)");
    return NULL;
  }
  return wj_num(env, (double)wj_crc32c(0, data, length));
}

/* A non-negative integer below 2^53, or 0 after throwing. */
static int wj_index_arg(napi_env env, napi_value v, uint64_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0 && d < 9007199254740992.0) || d != (double)(uint64_t)d) {
    napi_throw_range_error(env, NULL, "wasmjit: expected a non-negative integer");
    return 0;
  }
  *out = (uint64_t)d;
  return 1;
}

/* Reads exactly `n` bytes at `offset` of `fd` into `dst`, CRC-ing them chunk by chunk while in cache. */
static int wj_read_checked(int fd, uint8_t *dst, size_t n, uint64_t offset, uint32_t *crc) {
  const size_t chunk = (size_t)256 << 10;
  size_t done = 0;
  uint32_t c = 0;
  while (done < n) {
    const size_t want = n - done < chunk ? n - done : chunk;
    size_t got = 0;
    while (got < want) {
      const ssize_t r = pread(fd, dst + done + got, want - got, (off_t)(offset + done + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return errno != 0 ? errno : EIO;
      }
      if (r == 0) return WJ_ERR_SHORT; /* truncated meanwhile */
      got += (size_t)r;
    }
    c = wj_crc32c(c, dst + done, want);
    done += want;
  }
  *crc = c;
  return 0;
}

/* One load (loadCheckedCode, loadCheckedCodeAsync): its arguments, then the pages it filled. */
typedef struct {
  int fd;              /* the source: a file descriptor, or -1 for `buf` */
  const uint8_t *buf;
  uint64_t offset, length, crc;
  const int32_t *sites; /* pairs (code offset, type index), all checked against length and nids */
  size_t nsites;
  const int32_t *ids;
  size_t nids;
  uint8_t *pages;       /* set by wj_load_run when it returns 0 */
  size_t span;
} wj_load_job;

/* Every site is checked before any memory is touched; WJ_ERR_SITE when one is out of range. */
static int wj_check_sites(const wj_load_job *j) {
  if (j->buf != NULL && (j->offset > SIZE_MAX || j->length > SIZE_MAX)) return WJ_ERR_SHORT;
  for (size_t i = 0; i < j->nsites; i += 2) {
    const int64_t at = j->sites[i], type = j->sites[i + 1];
    if (at < 0 || (uint64_t)at + 4 > j->length || type < 0 || (uint64_t)type >= j->nids) return WJ_ERR_SITE;
  }
  return 0;
}

/*
 * Copies the code into fresh read+write pages, checks its CRC32C and writes the ids: 0 with
 * j->pages/j->span set, or an errno / WJ_ERR_* with nothing left mapped. Touches no JS
 * value: it runs on a worker thread for loadCheckedCodeAsync.
 */
static int wj_load_run(wj_load_job *j) {
  size_t span;
  uint8_t *p = wj_code_pages((size_t)j->length, &span);
  if (p == NULL) return errno != 0 ? errno : ENOMEM;
  uint32_t got = 0;
  if (j->fd < 0) {
    if (j->length > 0) memcpy(p, j->buf + j->offset, (size_t)j->length);
    got = wj_crc32c(0, p, (size_t)j->length);
  } else {
    const int r = wj_read_checked(j->fd, p, (size_t)j->length, j->offset, &got);
    if (r != 0) {
      wj_code_pages_free(p, span);
      return r;
    }
  }
  if (j->crc > 0xffffffffu || got != (uint32_t)j->crc) {
    wj_code_pages_free(p, span);
    return WJ_ERR_CHECKSUM;
  }
  for (size_t i = 0; i < j->nsites; i += 2) {
    const int32_t id = j->ids[j->sites[i + 1]];
    memcpy(p + j->sites[i], &id, 4);
  }
  j->pages = p;
  j->span = span;
  return 0;
}

/* Reads the six arguments of loadCheckedCode(Async) into *j; 0 after throwing a TypeError/RangeError. */
static int wj_load_args(napi_env env, napi_callback_info info, wj_load_job *j, int fd_only) {
  size_t argc = 6;
  napi_value argv[6];
  const char *usage = fd_only ? "loadCheckedCodeAsync(fd: number, offset, length, crc, sites: Int32Array, ids: Int32Array)"
                              : "loadCheckedCode(source: number | Uint8Array, offset, length, crc, sites: Int32Array, ids: Int32Array)";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < 6) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) != napi_ok) return 0;
  *j = (wj_load_job){.fd = -1};
  size_t buf_length = 0;
  if (t == napi_number) {
    int32_t v;
    if (napi_get_value_int32(env, argv[0], &v) != napi_ok || v < 0) {
      napi_throw_type_error(env, NULL, usage);
      return 0;
    }
    j->fd = v;
  } else if (fd_only || !wj_typed_arg(env, argv[0], napi_uint8_array, (void **)&j->buf, &buf_length)) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  if (!wj_index_arg(env, argv[1], &j->offset) || !wj_index_arg(env, argv[2], &j->length) || !wj_index_arg(env, argv[3], &j->crc)) return 0;
  if (!wj_typed_arg(env, argv[4], napi_int32_array, (void **)&j->sites, &j->nsites) ||
      !wj_typed_arg(env, argv[5], napi_int32_array, (void **)&j->ids, &j->nids) || j->nsites % 2 != 0) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  if (j->fd < 0 && (j->offset > buf_length || j->length > buf_length - j->offset)) j->length = UINT64_MAX; /* short */
  return 1;
}

/*
 * loadCheckedCode(source: number (fd) | Uint8Array, offset, length, crc, sites: Int32Array,
 * ids: Int32Array): [owner, address] | errno | -1 (fault-handler table full) | -2 (CRC32C
 * mismatch) | -3 (the source is shorter) | -4 (a site out of range).
 *
 * Copies bytes [offset, offset + length) of the file or buffer into fresh code pages,
 * checks their CRC32C against `crc`, writes ids[type] as an i32 at each site (pairs of code
 * offset and module type index in `sites`), and maps them read+execute (mapCode's owner).
 * Refused code is unmapped without ever having been executable.
 */
static napi_value wj_js_load_checked_code(napi_env env, napi_callback_info info) {
  wj_load_job j;
  if (!wj_load_args(env, info, &j, 0)) return NULL;
  if (j.length == UINT64_MAX) return wj_num(env, WJ_ERR_SHORT);
  int r = wj_check_sites(&j);
  if (r == 0) r = wj_load_run(&j);
  if (r != 0) return wj_num(env, r);
  return wj_publish_code(env, j.pages, j.span, (size_t)j.length);
}

/* loadCheckedCodeAsync's state: the job with private copies of the sites and ids. */
typedef struct {
  wj_load_job job;
  int result;
  napi_deferred deferred;
  napi_async_work work;
} wj_async_load;

static void wj_async_load_execute(napi_env env, void *data) {
  (void)env;
  wj_async_load *a = data;
  a->result = wj_load_run(&a->job);
}

static void wj_async_load_complete(napi_env env, napi_status status, void *data) {
  wj_async_load *a = data;
  napi_value value = NULL;
  if (status != napi_ok && a->result == 0) {
    wj_code_pages_free(a->job.pages, a->job.span);
    a->result = EINTR; /* cancelled */
  }
  if (a->result == 0) value = wj_publish_code(env, a->job.pages, a->job.span, (size_t)a->job.length);
  if (value == NULL) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
      napi_reject_deferred(env, a->deferred, e);
    } else {
      napi_resolve_deferred(env, a->deferred, wj_num(env, a->result != 0 ? a->result : ENOMEM));
    }
  } else {
    napi_resolve_deferred(env, a->deferred, value);
  }
  napi_delete_async_work(env, a->work);
  free((void *)a->job.sites);
  free((void *)a->job.ids);
  free(a);
}

/*
 * loadCheckedCodeAsync(fd, offset, length, crc, sites, ids): Promise of what loadCheckedCode
 * answers, with the read, check and id writes done on a libuv worker thread (the pages are
 * published on this one). `fd` must stay open until the promise settles.
 */
static napi_value wj_js_load_checked_code_async(napi_env env, napi_callback_info info) {
  wj_load_job j;
  if (!wj_load_args(env, info, &j, 1)) return NULL;
  napi_value promise;
  wj_async_load *a = calloc(1, sizeof *a);
  int32_t *sites = malloc(j.nsites * 4 + 4), *ids = malloc(j.nids * 4 + 4);
  if (a == NULL || sites == NULL || ids == NULL) {
    free(a);
    free(sites);
    free(ids);
    napi_throw_error(env, NULL, "wasmjit: out of memory");
    return NULL;
  }
  memcpy(sites, j.sites, j.nsites * 4);
  memcpy(ids, j.ids, j.nids * 4);
  j.sites = sites;
  j.ids = ids;
  a->job = j;
  if (napi_create_promise(env, &a->deferred, &promise) != napi_ok) goto fail;
  const int checked = wj_check_sites(&a->job);
  if (checked != 0) {
    napi_resolve_deferred(env, a->deferred, wj_num(env, checked));
    free(sites);
    free(ids);
    free(a);
    return promise;
  }
  napi_value name;
  napi_create_string_utf8(env, "wasmjit:loadCheckedCode", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, wj_async_load_execute, wj_async_load_complete, a, &a->work) != napi_ok ||
      napi_queue_async_work(env, a->work) != napi_ok) {
    goto fail;
  }
  return promise;
fail:
  free(sites);
  free(ids);
  free(a);
  napi_throw_error(env, NULL, "wasmjit: cannot start loading code");
  return NULL;
}

napi_status wj_code_file_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"crc32c", NULL, wj_js_crc32c, NULL, NULL, NULL, napi_enumerable, NULL},
      {"loadCheckedCode", NULL, wj_js_load_checked_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"loadCheckedCodeAsync", NULL, wj_js_load_checked_code_async, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
