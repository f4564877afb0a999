/*
 * Native memory for generated code, owned by the garbage collector.
 *
 * Three kinds, all handed to JS as an "owner" (a napi external) plus addresses:
 *  - code: pages written while RW, then flipped to RX (never both), published to the fault
 *    handler's code table;
 *  - reservations: address space for linear memories (PROT_NONE, MAP_NORESERVE), parts
 *    made RW by commit, optionally published to the fault handler's memory table;
 *  - data (vmctx, tables, cells): plain V8 ArrayBuffers, whose backing store never moves
 *    and is freed by V8 itself; only their address comes from here.
 *
 * An owner's finalizer unpublishes and unmaps. The add-on is built with NAPI_EXPERIMENTAL so
 * that finalizers of externals are "basic" ones that Node runs synchronously inside the
 * garbage collection that found the owner dead (they may not call into JS, and do not).
 * That is what lets a synchronous loop of instantiate-and-drop cycles get its address space
 * back: a JS FinalizationRegistry callback would only run after the loop. The runtime forces
 * a collection and retries when a mapping fails (code-memory.ts), as V8 does for its own
 * wasm memories.
 *
 * Every argument that names memory is an owner plus offsets checked against the owner's own
 * range: no address from JS is trusted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "code_share.h"
#include "signal_ranges.h"
#include "wasmjit.h"

typedef enum { WJ_MAP_CODE = 1, WJ_MAP_RESERVATION = 2 } wj_map_kind;

typedef struct wj_mapping {
  uint32_t magic;           /* WJ_MAPPING_MAGIC while live: rejects foreign externals */
  wj_map_kind kind;
  uintptr_t base;
  size_t size;              /* the whole mapping, page-rounded */
  wj_range_table *table;    /* where it is published, or NULL */
  int64_t range_handle;
  size_t committed;         /* reservations: bytes made RW (reported as external memory) */
  int released;             /* unmapped early (release()); the finalizer then only frees */
} wj_mapping;

#define WJ_MAPPING_MAGIC 0x6d6a6d70u /* "pmjm" */

/* Error codes returned to JS instead of a result (positive errno values otherwise). */
#define WJ_ERR_RANGES_FULL (-1)

static size_t wj_page_size(void) {
  static size_t page = 0;
  if (page == 0) {
    long p = sysconf(_SC_PAGESIZE);
    page = p > 0 ? (size_t)p : 4096;
  }
  return page;
}

static size_t wj_round_pages(size_t n) {
  const size_t page = wj_page_size();
  if (n == 0) return page;
  return (n + page - 1) / page * page;
}

static void wj_unmap(node_api_basic_env env, wj_mapping *m) {
  if (m->released) return;
  m->released = 1;
  /* Unpublished first: once unmapped the range may be reused by anything. */
  if (m->table != NULL && m->range_handle >= 0) wj_ranges_remove(m->table, m->range_handle);
  munmap((void *)m->base, m->size);
  if (m->committed > 0 && env != NULL) {
    int64_t ignored;
    napi_adjust_external_memory(env, -(int64_t)m->committed, &ignored);
  }
  m->committed = 0;
}

void wj_code_mapping_free(wj_mapping *m) {
  /* Code is never committed memory: nothing to report to an env. */
  wj_unmap(NULL, m);
  m->magic = 0;
  free(m);
}

uintptr_t wj_mapping_base(const wj_mapping *m) { return m->base; }

/* Runs inside the GC that found the owner unreachable (see the file comment). */
static void wj_mapping_finalize(node_api_basic_env env, void *data, void *hint) {
  (void)hint;
  wj_mapping *m = data;
  wj_unmap(env, m);
  m->magic = 0;
  free(m);
}

static napi_value wj_num(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

/* [owner, address] */
static napi_value wj_pair(napi_env env, napi_value owner, uintptr_t address) {
  napi_value arr;
  if (napi_create_array_with_length(env, 2, &arr) != napi_ok) return NULL;
  napi_set_element(env, arr, 0, owner);
  napi_set_element(env, arr, 1, wj_num(env, (double)address));
  return arr;
}

static napi_value wj_make_owner(napi_env env, wj_mapping *m) {
  napi_value owner;
  if (napi_create_external(env, m, wj_mapping_finalize, NULL, &owner) != napi_ok) {
    wj_unmap(NULL, m);
    free(m);
    return NULL;
  }
  return owner;
}

/* The mapping behind an owner argument, or NULL after throwing a TypeError. */
static wj_mapping *wj_owner_arg(napi_env env, napi_value v, wj_map_kind kind) {
  napi_valuetype t;
  void *data = NULL;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external || napi_get_value_external(env, v, &data) != napi_ok ||
      data == NULL) {
    napi_throw_type_error(env, NULL, "wasmjit: expected a native memory owner");
    return NULL;
  }
  wj_mapping *m = data;
  if (m->magic != WJ_MAPPING_MAGIC || m->kind != kind) {
    napi_throw_type_error(env, NULL, "wasmjit: not an owner of the expected kind");
    return NULL;
  }
  return m;
}

/* A non-negative integer argument below 2^53. */
static int wj_size_arg(napi_env env, napi_value v, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0 && d < 9007199254740992.0) || d != (double)(uint64_t)d) {
    napi_throw_range_error(env, NULL, "wasmjit: expected a non-negative integer size");
    return 0;
  }
  *out = (size_t)d;
  return 1;
}

/* [offset, offset + length) within the reservation, page-aligned offset. */
static int wj_check_span(napi_env env, const wj_mapping *m, size_t offset, size_t length) {
  if (offset % wj_page_size() != 0 || offset > m->size || length > m->size - offset) {
    napi_throw_range_error(env, NULL, "wasmjit: span outside the reservation");
    return 0;
  }
  if (m->released) {
    napi_throw_error(env, NULL, "wasmjit: the reservation was released");
    return 0;
  }
  return 1;
}

/*
 * Makes `span` bytes at `p` (a wj_code_pages mapping, the first `length` bytes of it code)
 * read+execute, publishes them to the fault handler and hands them to a new code owner:
 * [owner, address], or an errno / -1 (table full) after unmapping them. Takes `p` over.
 */
napi_value wj_publish_code(napi_env env, void *p, size_t span, size_t length) {
  /* x86 keeps instruction fetch coherent with stores: no cache flush is needed. */
  if (mprotect(p, span, PROT_READ | PROT_EXEC) != 0) {
    const int err = errno;
    wj_code_pages_free(p, span);
    return wj_num(env, err);
  }
  const int64_t handle = wj_ranges_add(&wj_code_ranges, (uintptr_t)p, (uintptr_t)p + span);
  if (handle < 0) {
    wj_code_pages_free(p, span);
    return wj_num(env, WJ_ERR_RANGES_FULL);
  }
  wj_mapping *m = calloc(1, sizeof *m);
  if (m == NULL) {
    wj_ranges_remove(&wj_code_ranges, handle);
    wj_code_pages_free(p, span);
    return wj_num(env, ENOMEM);
  }
  *m = (wj_mapping){WJ_MAPPING_MAGIC, WJ_MAP_CODE, (uintptr_t)p, span, &wj_code_ranges, handle, 0, 0};
  /* Code owners are shared references (code_share.c): other threads may adopt the pages. */
  napi_value owner = wj_code_owner_for_new_mapping(env, m, length);
  return owner == NULL ? NULL : wj_pair(env, owner, (uintptr_t)p);
}

#define WJ_CODE_HUGE_PAGE ((size_t)2 << 20)
#define WJ_CODE_HUGE_FROM ((size_t)1 << 20)

/*
 * Fresh read+write pages for `length` bytes of code; *span is what was mapped. Large code
 * goes to huge pages (big_alloc.c): filling 20 MB of fresh 4 KiB pages is ~5000 page faults,
 * most of the cost of loading a cached module.
 */
void *wj_code_pages(size_t length, size_t *span) {
  /* From 1 MiB on, a whole huge page: ~0.2 ms, where 256+ small pages cost ~4 ms of faults. */
  const size_t want = length >= WJ_CODE_HUGE_FROM && length < WJ_CODE_HUGE_PAGE ? WJ_CODE_HUGE_PAGE : length;
  *span = wj_big_span(want);
  return wj_big_alloc(want);
}

void wj_code_pages_free(void *p, size_t span) {
  munmap(p, span);
}

/* mapCode(bytes: Uint8Array): [owner, address] | errno | -1 (fault-handler table full) */
static napi_value wj_js_map_code(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *src = NULL;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &src, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "mapCode(bytes: Uint8Array)");
    return NULL;
  }
  size_t span;
  void *p = wj_code_pages(length, &span);
  if (p == NULL) return wj_num(env, errno != 0 ? errno : ENOMEM);
  if (length > 0) memcpy(p, src, length);
  return wj_publish_code(env, p, span, length);
}

/* reserveMemory(size, publish: boolean): [owner, address] | errno | -1 (table full) */
static napi_value wj_js_reserve_memory(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  size_t want;
  bool publish = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2 || !wj_size_arg(env, argv[0], &want) || napi_get_value_bool(env, argv[1], &publish) != napi_ok) {
    if (argc < 2) napi_throw_type_error(env, NULL, "reserveMemory(size: number, publish: boolean)");
    return NULL;
  }
  const size_t size = wj_round_pages(want);
  void *p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return wj_num(env, errno);
  int64_t handle = -1;
  if (publish) {
    handle = wj_ranges_add(&wj_memory_ranges, (uintptr_t)p, (uintptr_t)p + size);
    if (handle < 0) {
      munmap(p, size);
      return wj_num(env, WJ_ERR_RANGES_FULL);
    }
  }
  wj_mapping *m = calloc(1, sizeof *m);
  if (m == NULL) {
    if (handle >= 0) wj_ranges_remove(&wj_memory_ranges, handle);
    munmap(p, size);
    return wj_num(env, ENOMEM);
  }
  *m = (wj_mapping){WJ_MAPPING_MAGIC, WJ_MAP_RESERVATION, (uintptr_t)p, size, publish ? &wj_memory_ranges : NULL,
                    handle, 0, 0};
  napi_value owner = wj_make_owner(env, m);
  return owner == NULL ? NULL : wj_pair(env, owner, (uintptr_t)p);
}

/*
 * Reads (owner, offset, length) of a reservation; *span is length rounded up to whole pages
 * (0 for 0), checked to lie within the reservation.
 */
static wj_mapping *wj_span_args(napi_env env, napi_callback_info info, size_t *offset, size_t *span) {
  size_t argc = 3;
  napi_value argv[3];
  size_t length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "expected (owner, offset: number, length: number)");
    return NULL;
  }
  wj_mapping *m = wj_owner_arg(env, argv[0], WJ_MAP_RESERVATION);
  if (m == NULL || !wj_size_arg(env, argv[1], offset) || !wj_size_arg(env, argv[2], &length)) return NULL;
  *span = length == 0 ? 0 : wj_round_pages(length);
  return wj_check_span(env, m, *offset, *span) ? m : NULL;
}

/* commitMemory(owner, offset, length): 0 or errno. Makes the span read+write (zero-filled). */
static napi_value wj_js_commit_memory(napi_env env, napi_callback_info info) {
  size_t offset, span;
  wj_mapping *m = wj_span_args(env, info, &offset, &span);
  if (m == NULL) return NULL;
  if (span == 0) return wj_num(env, 0);
  if (mprotect((void *)(m->base + offset), span, PROT_READ | PROT_WRITE) != 0) return wj_num(env, errno);
  m->committed += span;
  int64_t ignored;
  napi_adjust_external_memory(env, (int64_t)span, &ignored);
  return wj_num(env, 0);
}

/*
 * decommitMemory(owner, offset, length): 0 or errno. Gives the pages back to the system and
 * makes them inaccessible again, keeping the address space reserved: code that still holds
 * the base then faults inside the reservation (an out-of-bounds trap), never on memory
 * something else has mapped since.
 */
static napi_value wj_js_decommit_memory(napi_env env, napi_callback_info info) {
  size_t offset, span;
  wj_mapping *m = wj_span_args(env, info, &offset, &span);
  if (m == NULL) return NULL;
  if (span == 0) return wj_num(env, 0);
  void *p = mmap((void *)(m->base + offset), span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
                 -1, 0);
  if (p == MAP_FAILED) return wj_num(env, errno);
  const size_t released = span < m->committed ? span : m->committed;
  m->committed -= released;
  int64_t ignored;
  napi_adjust_external_memory(env, -(int64_t)released, &ignored);
  return wj_num(env, 0);
}

/*
 * memoryBuffer(owner, length): an ArrayBuffer aliasing the reservation's first `length`
 * bytes (which the caller has committed). Detachable (detachBuffer). It does not own the
 * pages: the runtime keeps the owner alive for as long as the buffer (memory.ts).
 */
static napi_value wj_js_memory_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  size_t length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "memoryBuffer(owner, length: number)");
    return NULL;
  }
  wj_mapping *m = wj_owner_arg(env, argv[0], WJ_MAP_RESERVATION);
  if (m == NULL || !wj_size_arg(env, argv[1], &length) || !wj_check_span(env, m, 0, length)) return NULL;
  napi_value ab;
  if (length == 0) {
    void *unused;
    if (napi_create_arraybuffer(env, 0, &unused, &ab) != napi_ok) return NULL;
    return ab;
  }
  if (napi_create_external_arraybuffer(env, (void *)m->base, length, NULL, NULL, &ab) != napi_ok) return NULL;
  return ab;
}

/* detachBuffer(ab): detaches an ArrayBuffer (its byteLength becomes 0). */
static napi_value wj_js_detach_buffer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is_ab = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab) {
    napi_throw_type_error(env, NULL, "detachBuffer(ab: ArrayBuffer)");
    return NULL;
  }
  bool detached = false;
  napi_is_detached_arraybuffer(env, argv[0], &detached);
  if (!detached && napi_detach_arraybuffer(env, argv[0]) != napi_ok) return NULL;
  return NULL;
}

/*
 * releaseMapping(owner): unmaps now instead of at collection. Only for callers that know no
 * code can reach the mapping any more; later use of the owner is a clean error. A code
 * owner gives up its reference only: code another thread still holds stays mapped.
 */
static napi_value wj_js_release_mapping(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "releaseMapping(owner)");
    return NULL;
  }
  void *data = NULL;
  napi_valuetype t;
  if (napi_typeof(env, argv[0], &t) == napi_ok && t == napi_external &&
      napi_get_value_external(env, argv[0], &data) == napi_ok && data != NULL && wj_code_owner_release(data)) {
    return NULL;
  }
  if (data == NULL || ((wj_mapping *)data)->magic != WJ_MAPPING_MAGIC) {
    napi_throw_type_error(env, NULL, "wasmjit: expected a native memory owner");
    return NULL;
  }
  wj_unmap(env, data);
  return NULL;
}

/* newData(size): [ArrayBuffer, address]: zeroed memory owned by V8 (freed with the buffer). */
static napi_value wj_js_new_data(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  size_t size;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || !wj_size_arg(env, argv[0], &size)) {
    if (argc < 1) napi_throw_type_error(env, NULL, "newData(size: number)");
    return NULL;
  }
  /* Never empty: an empty buffer may have no backing store (a null address). */
  if (size == 0) size = 8;
  void *p = NULL;
  napi_value ab;
  if (napi_create_arraybuffer(env, size, &p, &ab) != napi_ok || p == NULL) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_range_error(env, NULL, "wasmjit: cannot allocate native data");
    return NULL;
  }
  return wj_pair(env, ab, (uintptr_t)p);
}

napi_status wj_memory_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"mapCode", NULL, wj_js_map_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reserveMemory", NULL, wj_js_reserve_memory, NULL, NULL, NULL, napi_enumerable, NULL},
      {"commitMemory", NULL, wj_js_commit_memory, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decommitMemory", NULL, wj_js_decommit_memory, NULL, NULL, NULL, napi_enumerable, NULL},
      {"memoryBuffer", NULL, wj_js_memory_buffer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"detachBuffer", NULL, wj_js_detach_buffer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"releaseMapping", NULL, wj_js_release_mapping, NULL, NULL, NULL, napi_enumerable, NULL},
      {"newData", NULL, wj_js_new_data, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
