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

/*
 * loadCheckedCode(source: number (fd) | Uint8Array, offset, length, crc, sites: Int32Array,
 * ids: Int32Array): [owner, address] | errno | -1 (fault-handler table full) | -2 (CRC32C
 * mismatch) | -3 (the file is shorter) | -4 (a site out of range).
 *
 * Copies bytes [offset, offset + length) of the file or buffer into fresh code pages,
 * checks their CRC32C against `crc`, writes ids[type] as an i32 at each site (pairs of code
 * offset and module type index in `sites`), and maps them read+execute (mapCode's owner).
 * Refused code is unmapped without ever having been executable.
 */
static napi_value wj_js_load_checked_code(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  const char *usage = "loadCheckedCode(source: number | Uint8Array, offset, length, crc, sites: Int32Array, ids: Int32Array)";
  if (argc < 6) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) != napi_ok) return NULL;
  int fd = -1;
  const uint8_t *buf = NULL;
  size_t buf_length = 0;
  if (t == napi_number) {
    int32_t v;
    if (napi_get_value_int32(env, argv[0], &v) != napi_ok || v < 0) {
      napi_throw_type_error(env, NULL, usage);
      return NULL;
    }
    fd = v;
  } else if (!wj_typed_arg(env, argv[0], napi_uint8_array, (void **)&buf, &buf_length)) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  uint64_t offset, length, crc;
  if (!wj_index_arg(env, argv[1], &offset) || !wj_index_arg(env, argv[2], &length) || !wj_index_arg(env, argv[3], &crc)) return NULL;
  int32_t *sites = NULL, *ids = NULL;
  size_t nsites = 0, nids = 0;
  if (!wj_typed_arg(env, argv[4], napi_int32_array, (void **)&sites, &nsites) ||
      !wj_typed_arg(env, argv[5], napi_int32_array, (void **)&ids, &nids) || nsites % 2 != 0) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  if (buf != NULL && (offset > buf_length || length > buf_length - offset)) return wj_num(env, WJ_ERR_SHORT);
  /* Every site is checked before any memory is touched. */
  for (size_t i = 0; i < nsites; i += 2) {
    const int64_t at = sites[i], type = sites[i + 1];
    if (at < 0 || (uint64_t)at + 4 > length || type < 0 || (uint64_t)type >= nids) return wj_num(env, WJ_ERR_SITE);
  }
  size_t span;
  uint8_t *p = wj_code_pages((size_t)length, &span);
  if (p == NULL) return wj_num(env, errno != 0 ? errno : ENOMEM);
  uint32_t got_crc = 0;
  if (buf != NULL) {
    if (length > 0) memcpy(p, buf + offset, (size_t)length);
    got_crc = wj_crc32c(0, p, (size_t)length);
  } else {
    const int r = wj_read_checked(fd, p, (size_t)length, offset, &got_crc);
    if (r != 0) {
      wj_code_pages_free(p, span);
      return wj_num(env, r);
    }
  }
  if (got_crc != (uint32_t)crc || crc > 0xffffffffu) {
    wj_code_pages_free(p, span);
    return wj_num(env, WJ_ERR_CHECKSUM);
  }
  for (size_t i = 0; i < nsites; i += 2) {
    const int32_t id = ids[sites[i + 1]];
    memcpy(p + sites[i], &id, 4);
  }
  return wj_publish_code(env, p, span, (size_t)length);
}

napi_status wj_code_file_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"crc32c", NULL, wj_js_crc32c, NULL, NULL, NULL, napi_enumerable, NULL},
      {"loadCheckedCode", NULL, wj_js_load_checked_code, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
