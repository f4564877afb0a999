/*
 * Compiled code shared between threads, and the registry that lets a thread adopt code
 * another thread compiled (see code_share.h and docs/threads.md).
 *
 * Why a registry: a module posted to a worker must arrive there without being compiled
 * again, but nothing that crosses postMessage can be trusted to be machine code (or metadata
 * describing machine code) that wasmjit made: any JS on either side can build a message. So
 * the code and everything the runtime needs to run it safely (the module bytes, function
 * offsets, settings: the "metadata", opaque bytes here) stay in this process-wide table,
 * put there by the thread that compiled them, under a random 128-bit id. A message carries
 * only the id. A receiver gets back exactly what was registered, or nothing (an unknown id):
 * no byte of code or metadata ever comes from the message itself.
 *
 * Lifetimes: an entry lives while an entry owner (a napi external) does: the one shareCode
 * made, and one per adoptCode (adopters read the metadata lazily, so they hold the entry
 * too). So a registered module's entry goes with the last module, on any thread, made from
 * it, and a message that arrives after that finds no entry (its receiver then compiles the
 * module bytes the message also carries). Nothing leaks when a message is never received.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "code_share.h"

#define WJ_CODE_OWNER_MAGIC 0x636a6d77u /* "wmjc" */
#define WJ_ENTRY_OWNER_MAGIC 0x656a6d77u /* "wmje" */

typedef struct wj_code {
  wj_mapping *mapping;
  size_t length;       /* bytes of code (the mapping is page-rounded) */
  atomic_size_t refs;  /* owners on any thread + registry entries */
} wj_code;

/* What a napi external of a code owner points to: one reference to a wj_code. */
typedef struct wj_code_owner {
  uint32_t magic; /* first, like wj_mapping's: releaseMapping tells the two apart by it */
  wj_code *code;
  atomic_int released;
} wj_code_owner;

typedef struct wj_reg_entry {
  uint8_t id[WJ_ID_BYTES];
  wj_code *code; /* one reference */
  uint8_t *meta;
  size_t meta_len;
  size_t holders; /* entry owners alive (under wj_registry_lock) */
  struct wj_reg_entry *next;
} wj_reg_entry;

typedef struct wj_reg_owner {
  uint32_t magic;
  wj_reg_entry *entry; /* NULL once released */
  int64_t reported;    /* bytes reported to V8 as external memory (the registering owner) */
} wj_reg_owner;

static pthread_mutex_t wj_registry_lock = PTHREAD_MUTEX_INITIALIZER;
static wj_reg_entry *wj_registry;

/* Counters for codeStats(): tests prove with them that a posted module was not recompiled. */
static atomic_size_t wj_codes_live;
static atomic_size_t wj_codes_made;
static atomic_size_t wj_entries_live;

static void wj_code_unref(wj_code *c) {
  if (atomic_fetch_sub(&c->refs, 1) != 1) return;
  wj_code_mapping_free(c->mapping);
  free(c);
  atomic_fetch_sub(&wj_codes_live, 1);
}

static void wj_code_owner_finalize(node_api_basic_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  wj_code_owner *o = data;
  if (atomic_exchange(&o->released, 1) == 0) wj_code_unref(o->code);
  o->magic = 0;
  free(o);
}

/* An owner holding a reference the caller has already counted in c->refs. */
static napi_value wj_code_owner_new(napi_env env, wj_code *c) {
  wj_code_owner *o = calloc(1, sizeof *o);
  napi_value owner;
  if (o == NULL) {
    wj_code_unref(c);
    napi_throw_error(env, NULL, "wasmjit: out of memory");
    return NULL;
  }
  o->magic = WJ_CODE_OWNER_MAGIC;
  o->code = c;
  atomic_init(&o->released, 0);
  if (napi_create_external(env, o, wj_code_owner_finalize, NULL, &owner) != napi_ok) {
    wj_code_unref(c);
    free(o);
    return NULL;
  }
  return owner;
}

napi_value wj_code_owner_for_new_mapping(napi_env env, wj_mapping *m, size_t length) {
  wj_code *c = calloc(1, sizeof *c);
  if (c == NULL) {
    wj_code_mapping_free(m);
    napi_throw_error(env, NULL, "wasmjit: out of memory");
    return NULL;
  }
  c->mapping = m;
  c->length = length;
  atomic_init(&c->refs, 1);
  atomic_fetch_add(&wj_codes_live, 1);
  atomic_fetch_add(&wj_codes_made, 1);
  return wj_code_owner_new(env, c);
}

int wj_code_owner_release(void *data) {
  wj_code_owner *o = data;
  if (o->magic != WJ_CODE_OWNER_MAGIC) return 0;
  if (atomic_exchange(&o->released, 1) == 0) wj_code_unref(o->code);
  return 1;
}

/* The code behind a code owner argument (not released), or NULL after throwing. */
static wj_code *wj_code_arg(napi_env env, napi_value v) {
  napi_valuetype t;
  void *data = NULL;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external || napi_get_value_external(env, v, &data) != napi_ok ||
      data == NULL || ((wj_code_owner *)data)->magic != WJ_CODE_OWNER_MAGIC) {
    napi_throw_type_error(env, NULL, "wasmjit: expected a code owner");
    return NULL;
  }
  wj_code_owner *o = data;
  if (atomic_load(&o->released)) {
    napi_throw_error(env, NULL, "wasmjit: the code was released");
    return NULL;
  }
  return o->code;
}

wj_mapping *wj_code_owner_mapping(napi_env env, napi_value v) {
  wj_code *c = wj_code_arg(env, v);
  return c == NULL ? NULL : c->mapping;
}

static void wj_entry_free(wj_reg_entry *e) {
  wj_code_unref(e->code);
  wj_big_free(e->meta, e->meta_len);
  free(e);
  atomic_fetch_sub(&wj_entries_live, 1);
}

/*
 * Drops the owner's hold on its entry, once (the last holder frees the entry). Runs inside a
 * collection too (a basic finalizer): a short critical section, no JS.
 */
static void wj_entry_owner_drop(node_api_basic_env env, wj_reg_owner *o) {
  wj_reg_entry *e = o->entry;
  if (e == NULL) return;
  o->entry = NULL;
  int last = 0;
  pthread_mutex_lock(&wj_registry_lock);
  if (--e->holders == 0) {
    last = 1;
    for (wj_reg_entry **p = &wj_registry; *p != NULL; p = &(*p)->next) {
      if (*p == e) {
        *p = e->next;
        break;
      }
    }
  }
  pthread_mutex_unlock(&wj_registry_lock);
  if (last) wj_entry_free(e);
  if (o->reported != 0 && env != NULL) {
    int64_t ignored;
    napi_adjust_external_memory((napi_env)env, -o->reported, &ignored);
  }
  o->reported = 0;
}

static void wj_entry_owner_finalize(node_api_basic_env env, void *data, void *hint) {
  (void)hint;
  wj_reg_owner *o = data;
  wj_entry_owner_drop(env, o);
  o->magic = 0;
  free(o);
}

static const char HEX[] = "0123456789abcdef";

void wj_id_to_hex(const uint8_t *id, char *out) {
  for (int i = 0; i < WJ_ID_BYTES; i++) {
    out[2 * i] = HEX[id[i] >> 4];
    out[2 * i + 1] = HEX[id[i] & 15];
  }
  out[2 * WJ_ID_BYTES] = 0;
}

static int wj_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* A 32-digit lower-case hex string into 16 bytes; 0 for anything else. */
static int wj_id_from_hex(const char *s, size_t len, uint8_t *id) {
  if (len != 2 * WJ_ID_BYTES) return 0;
  for (int i = 0; i < WJ_ID_BYTES; i++) {
    const int hi = wj_hex_digit(s[2 * i]);
    const int lo = wj_hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    id[i] = (uint8_t)(hi << 4 | lo);
  }
  return 1;
}

/* Unpredictable bytes from the kernel (never a PRNG seeded from anything JS can see). */
int wj_random_id(uint8_t *id) {
  size_t got = 0;
  while (got < WJ_ID_BYTES) {
    const ssize_t n = getrandom(id + got, WJ_ID_BYTES - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    got += (size_t)n;
  }
  return 1;
}

int wj_id_arg(napi_env env, napi_value v, uint8_t *id) {
  napi_valuetype t;
  char hex[2 * WJ_ID_BYTES + 2];
  size_t len = 0;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_string &&
         napi_get_value_string_latin1(env, v, hex, sizeof hex, &len) == napi_ok && wj_id_from_hex(hex, len, id);
}

static wj_reg_entry *wj_find_locked(const uint8_t *id) {
  for (wj_reg_entry *e = wj_registry; e != NULL; e = e->next) {
    if (memcmp(e->id, id, WJ_ID_BYTES) == 0) return e;
  }
  return NULL;
}

/*
 * shareCode(codeOwner, meta: TypedArray[]): [entryOwner, id: string]. Registers the code with
 * a copy of the parts' bytes, concatenated (the metadata), under a fresh random id; the
 * entry lives as long as entryOwner (and the owners adoptCode makes).
 */
/* Up to this many parts of metadata per shareCode call. */
#define WJ_MAX_META_PARTS 16

static napi_value wj_js_share_code(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  /* The parts: typed arrays (any kind: their bytes), concatenated in order. */
  bool is_array = false;
  uint32_t nparts = 0;
  const void *srcs[WJ_MAX_META_PARTS];
  size_t lens[WJ_MAX_META_PARTS];
  size_t meta_len = 0;
  if (argc < 2 || napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[1], &nparts) != napi_ok || nparts > WJ_MAX_META_PARTS) {
    napi_throw_type_error(env, NULL, "shareCode(code: owner, meta: TypedArray[])");
    return NULL;
  }
  for (uint32_t i = 0; i < nparts; i++) {
    napi_value part;
    bool is_typed = false;
    napi_typedarray_type type;
    size_t length = 0;
    void *data = NULL;
    if (napi_get_element(env, argv[1], i, &part) != napi_ok || napi_is_typedarray(env, part, &is_typed) != napi_ok ||
        !is_typed || napi_get_typedarray_info(env, part, &type, &length, &data, NULL, NULL) != napi_ok) {
      napi_throw_type_error(env, NULL, "shareCode(code: owner, meta: TypedArray[])");
      return NULL;
    }
    /* Element counts to bytes. */
    size_t size = 1;
    if (type == napi_int16_array || type == napi_uint16_array) size = 2;
    else if (type == napi_int32_array || type == napi_uint32_array || type == napi_float32_array) size = 4;
    else if (type == napi_float64_array || type == napi_bigint64_array || type == napi_biguint64_array) size = 8;
    srcs[i] = data;
    lens[i] = length * size;
    meta_len += lens[i];
  }
  wj_code *c = wj_code_arg(env, argv[0]);
  if (c == NULL) return NULL;
  wj_reg_entry *e = calloc(1, sizeof *e);
  wj_reg_owner *o = calloc(1, sizeof *o);
  uint8_t *meta = wj_big_alloc(meta_len);
  if (e == NULL || o == NULL || meta == NULL) {
    free(e);
    free(o);
    wj_big_free(meta, meta_len);
    napi_throw_error(env, NULL, "wasmjit: out of memory registering shared code");
    return NULL;
  }
  if (!wj_random_id(e->id)) {
    free(e);
    free(o);
    wj_big_free(meta, meta_len);
    napi_throw_error(env, NULL, "wasmjit: no random bytes for a shared code id");
    return NULL;
  }
  size_t at = 0;
  for (uint32_t i = 0; i < nparts; i++) {
    if (lens[i] > 0) memcpy(meta + at, srcs[i], lens[i]);
    at += lens[i];
  }
  atomic_fetch_add(&c->refs, 1);
  e->code = c;
  e->meta = meta;
  e->meta_len = meta_len;
  e->holders = 1;
  o->magic = WJ_ENTRY_OWNER_MAGIC;
  o->entry = e;
  atomic_fetch_add(&wj_entries_live, 1);
  pthread_mutex_lock(&wj_registry_lock);
  /* 2^-128 per pair: a collision is not worth a retry loop, but must not alias two entries. */
  const int clash = wj_find_locked(e->id) != NULL;
  if (!clash) {
    e->next = wj_registry;
    wj_registry = e;
  }
  pthread_mutex_unlock(&wj_registry_lock);
  if (clash) {
    wj_entry_free(e);
    free(o);
    napi_throw_error(env, NULL, "wasmjit: shared code id collision");
    return NULL;
  }
  napi_value owner;
  if (napi_create_external(env, o, wj_entry_owner_finalize, NULL, &owner) != napi_ok) {
    /* Never handed out: undo as the finalizer would (no adopter can have found it yet
     * without the id, which nobody has seen). */
    pthread_mutex_lock(&wj_registry_lock);
    for (wj_reg_entry **p = &wj_registry; *p != NULL; p = &(*p)->next) {
      if (*p == e) {
        *p = e->next;
        break;
      }
    }
    pthread_mutex_unlock(&wj_registry_lock);
    wj_entry_free(e);
    free(o);
    return NULL;
  }
  int64_t ignored;
  napi_adjust_external_memory(env, (int64_t)meta_len, &ignored);
  o->reported = (int64_t)meta_len;
  char hex[2 * WJ_ID_BYTES + 1];
  wj_id_to_hex(e->id, hex);
  napi_value id, arr;
  if (napi_create_string_latin1(env, hex, 2 * WJ_ID_BYTES, &id) != napi_ok ||
      napi_create_array_with_length(env, 2, &arr) != napi_ok) {
    return NULL;
  }
  napi_set_element(env, arr, 0, owner);
  napi_set_element(env, arr, 1, id);
  return arr;
}

/* The entry behind an entry owner argument, or NULL after throwing. */
static wj_reg_entry *wj_entry_arg(napi_env env, napi_value v) {
  napi_valuetype t;
  void *data = NULL;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external || napi_get_value_external(env, v, &data) != napi_ok ||
      data == NULL || ((wj_reg_owner *)data)->magic != WJ_ENTRY_OWNER_MAGIC) {
    napi_throw_type_error(env, NULL, "wasmjit: expected a shared code entry");
    return NULL;
  }
  wj_reg_entry *e = ((wj_reg_owner *)data)->entry;
  if (e == NULL) napi_throw_error(env, NULL, "wasmjit: the shared code entry was released");
  return e;
}

/*
 * releaseEntry(entryOwner): lets go of the entry now rather than when the owner is collected
 * (a thread that is done with it and may not collect garbage for a long time). Idempotent.
 */
static napi_value wj_js_release_entry(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  napi_valuetype t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_external ||
      napi_get_value_external(env, argv[0], &data) != napi_ok || data == NULL ||
      ((wj_reg_owner *)data)->magic != WJ_ENTRY_OWNER_MAGIC) {
    napi_throw_type_error(env, NULL, "releaseEntry(entry)");
    return NULL;
  }
  wj_entry_owner_drop(env, data);
  return NULL;
}

/*
 * adoptCode(id: string): [codeOwner, address, codeLength, entryOwner, metaLength] | null.
 * A new reference to the registered code and a new holder of the entry (its metadata is
 * read with readShared); null for an id that names no live entry (or is not an id).
 */
static napi_value wj_js_adopt_code(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value null_value;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  napi_get_null(env, &null_value);
  uint8_t id[WJ_ID_BYTES];
  if (argc < 1 || !wj_id_arg(env, argv[0], id)) return null_value;
  wj_reg_owner *o = calloc(1, sizeof *o);
  if (o == NULL) {
    napi_throw_error(env, NULL, "wasmjit: out of memory");
    return NULL;
  }
  pthread_mutex_lock(&wj_registry_lock);
  wj_reg_entry *e = wj_find_locked(id);
  if (e != NULL) {
    e->holders++;
    atomic_fetch_add(&e->code->refs, 1);
  }
  pthread_mutex_unlock(&wj_registry_lock);
  if (e == NULL) {
    free(o);
    return null_value;
  }
  o->magic = WJ_ENTRY_OWNER_MAGIC;
  o->entry = e;
  napi_value entry_owner;
  if (napi_create_external(env, o, wj_entry_owner_finalize, NULL, &entry_owner) != napi_ok) {
    wj_code_unref(e->code);
    wj_entry_owner_finalize(env, o, NULL);
    return NULL;
  }
  napi_value code_owner = wj_code_owner_new(env, e->code);
  if (code_owner == NULL) return NULL;
  napi_value arr, address, length, meta_length;
  if (napi_create_array_with_length(env, 5, &arr) != napi_ok ||
      napi_create_double(env, (double)wj_mapping_base(e->code->mapping), &address) != napi_ok ||
      napi_create_double(env, (double)e->code->length, &length) != napi_ok ||
      napi_create_double(env, (double)e->meta_len, &meta_length) != napi_ok) {
    return NULL;
  }
  napi_set_element(env, arr, 0, code_owner);
  napi_set_element(env, arr, 1, address);
  napi_set_element(env, arr, 2, length);
  napi_set_element(env, arr, 3, entry_owner);
  napi_set_element(env, arr, 4, meta_length);
  return arr;
}

/*
 * readShared(entryOwner, offset, length): an ArrayBuffer with a copy of the entry's metadata
 * bytes [offset, offset + length). The metadata never changes once registered, and the
 * owner keeps the entry alive: no lock needed.
 */
static napi_value wj_js_read_shared(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "readShared(entry, offset: number, length: number)");
    return NULL;
  }
  wj_reg_entry *e = wj_entry_arg(env, argv[0]);
  double offset_d, length_d;
  if (e == NULL) return NULL;
  if (napi_get_value_double(env, argv[1], &offset_d) != napi_ok || napi_get_value_double(env, argv[2], &length_d) != napi_ok ||
      !(offset_d >= 0) || !(length_d >= 0) || offset_d != (double)(size_t)offset_d || length_d != (double)(size_t)length_d ||
      (size_t)offset_d > e->meta_len || (size_t)length_d > e->meta_len - (size_t)offset_d) {
    napi_throw_range_error(env, NULL, "wasmjit: range outside the shared metadata");
    return NULL;
  }
  const size_t offset = (size_t)offset_d, length = (size_t)length_d;
  void *dst = NULL;
  napi_value ab;
  if (napi_create_arraybuffer(env, length, &dst, &ab) != napi_ok) return NULL;
  if (length > 0) memcpy(dst, e->meta + offset, length);
  return ab;
}

/* copyCode(codeOwner): an ArrayBuffer with a copy of the machine code (for inspection). */
static napi_value wj_js_copy_code(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "copyCode(code: owner)");
    return NULL;
  }
  wj_code *c = wj_code_arg(env, argv[0]);
  if (c == NULL) return NULL;
  void *dst = NULL;
  napi_value ab;
  if (napi_create_arraybuffer(env, c->length, &dst, &ab) != napi_ok) return NULL;
  if (c->length > 0) memcpy(dst, (const void *)wj_mapping_base(c->mapping), c->length);
  return ab;
}

static void wj_set_count(napi_env env, napi_value obj, const char *name, size_t n) {
  napi_value v;
  napi_create_double(env, (double)n, &v);
  napi_set_named_property(env, obj, name, v);
}

/*
 * codeStats(): process-wide counts { live: code mappings alive, made: code mappings ever
 * made (mapCode calls that succeeded), shared: registry entries alive }.
 */
static napi_value wj_js_code_stats(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  wj_set_count(env, obj, "live", atomic_load(&wj_codes_live));
  wj_set_count(env, obj, "made", atomic_load(&wj_codes_made));
  wj_set_count(env, obj, "shared", atomic_load(&wj_entries_live));
  return obj;
}

napi_status wj_code_share_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"shareCode", NULL, wj_js_share_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adoptCode", NULL, wj_js_adopt_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"releaseEntry", NULL, wj_js_release_entry, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readShared", NULL, wj_js_read_shared, NULL, NULL, NULL, napi_enumerable, NULL},
      {"copyCode", NULL, wj_js_copy_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"codeStats", NULL, wj_js_code_stats, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
