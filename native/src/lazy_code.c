/*
 * Lazy compilation's code regions (runtime lazy-code.ts, docs/startup.md).
 *
 * A lazily compiled module's code is one mapping: the eagerly made part (import thunks, one
 * jump slot per defined function, the lazy stub) read+execute at offset 0; a read+write page
 * range of slot words, one per defined function, each the address its jump slot goes to
 * (`jmp [rip + slot word]`); and address space for function code compiled later, inaccessible
 * until installed. A function's first call reaches the lazy stub through its slot word; the
 * runtime compiles the function, installs its code (fresh pages, made read+execute once
 * written: a page that may run is never written again) and stores the code's address into
 * the slot word. That store is an aligned 8-byte store, atomic on x86-64: a thread racing
 * through the slot sees the stub or the code, never a torn address.
 *
 * Every argument naming memory is an owner plus offsets, checked against the mapping.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "code_share.h"

static napi_value wj_lz_num(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

static int wj_lz_size(napi_env env, napi_value v, size_t *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0 && d < 9007199254740992.0) || d != (double)(uint64_t)d) {
    napi_throw_range_error(env, NULL, "wasmjit: expected a non-negative integer");
    return 0;
  }
  *out = (size_t)d;
  return 1;
}

static int wj_lz_bytes(napi_env env, napi_value v, void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, length, data, NULL, NULL) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "wasmjit: expected a Uint8Array of code");
    return 0;
  }
  return 1;
}

/* mapLazyCode(code: Uint8Array, dataOffset, dataLength, capacity): [owner, address] | errno | -1 */
static napi_value wj_js_map_lazy_code(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  void *code;
  size_t length, data_off, data_len, capacity;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 4) {
    napi_throw_type_error(env, NULL, "mapLazyCode(code: Uint8Array, dataOffset, dataLength, capacity)");
    return NULL;
  }
  if (!wj_lz_bytes(env, argv[0], &code, &length) || !wj_lz_size(env, argv[1], &data_off) ||
      !wj_lz_size(env, argv[2], &data_len) || !wj_lz_size(env, argv[3], &capacity)) {
    return NULL;
  }
  int err = 0;
  wj_mapping *m = wj_lazy_mapping_new(code, length, data_off, data_len, capacity, &err);
  if (m == NULL) return wj_lz_num(env, err);
  napi_value owner = wj_code_owner_for_new_mapping(env, m, length);
  if (owner == NULL) return NULL;
  napi_value arr;
  if (napi_create_array_with_length(env, 2, &arr) != napi_ok) return NULL;
  napi_set_element(env, arr, 0, owner);
  napi_set_element(env, arr, 1, wj_lz_num(env, (double)wj_mapping_base(m)));
  return arr;
}

/* installCode(owner, offset, code: Uint8Array): 0 | errno (EPERM: those pages were sealed already). */
static napi_value wj_js_install_code(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  size_t offset, length;
  void *code;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "installCode(owner, offset, code: Uint8Array)");
    return NULL;
  }
  wj_mapping *m = wj_code_owner_mapping(env, argv[0]);
  if (m == NULL || !wj_lz_size(env, argv[1], &offset) || !wj_lz_bytes(env, argv[2], &code, &length)) return NULL;
  return wj_lz_num(env, wj_lazy_mapping_install(m, offset, code, length));
}

static uint64_t *wj_lz_slot_args(napi_env env, napi_value *argv) {
  size_t offset;
  wj_mapping *m = wj_code_owner_mapping(env, argv[0]);
  if (m == NULL || !wj_lz_size(env, argv[1], &offset)) return NULL;
  uint64_t *slot = wj_lazy_mapping_slot(m, offset);
  if (slot == NULL) napi_throw_range_error(env, NULL, "wasmjit: not a slot word of a lazy code region");
  return slot;
}

/*
 * setCodeSlot(owner, offset, target): stores `target` (an address inside the same mapping)
 * into the slot word at `offset`, atomically, with release order: a thread that reads the
 * new address also sees the code installed before.
 */
static napi_value wj_js_set_code_slot(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  size_t target;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "setCodeSlot(owner, offset, target)");
    return NULL;
  }
  wj_mapping *m = wj_code_owner_mapping(env, argv[0]);
  if (m == NULL) return NULL;
  uint64_t *slot = wj_lz_slot_args(env, argv);
  if (slot == NULL || !wj_lz_size(env, argv[2], &target)) return NULL;
  const uintptr_t base = wj_mapping_base(m);
  if (target < base || target >= base + wj_lazy_mapping_sealed(m)) {
    napi_throw_range_error(env, NULL, "wasmjit: a slot must point into its own code region");
    return NULL;
  }
  __atomic_store_n(slot, (uint64_t)target, __ATOMIC_RELEASE);
  return NULL;
}

/* codeSlot(owner, offset): the address in the slot word at `offset` (acquire load). */
static napi_value wj_js_code_slot(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "codeSlot(owner, offset)");
    return NULL;
  }
  uint64_t *slot = wj_lz_slot_args(env, argv);
  if (slot == NULL) return NULL;
  return wj_lz_num(env, (double)__atomic_load_n(slot, __ATOMIC_ACQUIRE));
}

/* lazySealed(owner): the offset of the first byte never made executable yet. */
static napi_value wj_js_lazy_sealed(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "lazySealed(owner)");
    return NULL;
  }
  wj_mapping *m = wj_code_owner_mapping(env, argv[0]);
  if (m == NULL) return NULL;
  return wj_lz_num(env, (double)wj_lazy_mapping_sealed(m));
}

/* readLazyCode(owner, offset, length): an ArrayBuffer copy of installed bytes (tests, listings). */
static napi_value wj_js_read_lazy_code(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  size_t offset, length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "readLazyCode(owner, offset, length)");
    return NULL;
  }
  wj_mapping *m = wj_code_owner_mapping(env, argv[0]);
  if (m == NULL || !wj_lz_size(env, argv[1], &offset) || !wj_lz_size(env, argv[2], &length)) return NULL;
  const size_t sealed = wj_lazy_mapping_sealed(m);
  if (offset > sealed || length > sealed - offset) {
    napi_throw_range_error(env, NULL, "wasmjit: not installed code");
    return NULL;
  }
  void *out = NULL;
  napi_value ab;
  if (napi_create_arraybuffer(env, length, &out, &ab) != napi_ok) return NULL;
  if (length > 0) memcpy(out, (const void *)(wj_mapping_base(m) + offset), length);
  return ab;
}

/*
 * lowerThreadPriority(nice): raises the calling thread's nice value to `nice` (0..19) and
 * returns 0, or an errno. The lazy background compile worker calls it on its own thread:
 * on a machine with few cores it competes with the thread whose first calls it is meant to
 * spare, which must win. Linux scheduling priority is per thread (setpriority on a tid).
 */
static napi_value wj_js_lower_thread_priority(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  size_t nice_value;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || !wj_lz_size(env, argv[0], &nice_value)) return NULL;
  if (nice_value > 19) {
    napi_throw_range_error(env, NULL, "wasmjit: a nice value is 0..19");
    return NULL;
  }
#ifdef __linux__
  if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), (int)nice_value) != 0) return wj_lz_num(env, errno);
  return wj_lz_num(env, 0);
#else
  return wj_lz_num(env, ENOSYS);
#endif
}

napi_status wj_lazy_code_define(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"mapLazyCode", NULL, wj_js_map_lazy_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"installCode", NULL, wj_js_install_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setCodeSlot", NULL, wj_js_set_code_slot, NULL, NULL, NULL, napi_enumerable, NULL},
      {"codeSlot", NULL, wj_js_code_slot, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readLazyCode", NULL, wj_js_read_lazy_code, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lazySealed", NULL, wj_js_lazy_sealed, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lowerThreadPriority", NULL, wj_js_lower_thread_priority, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
