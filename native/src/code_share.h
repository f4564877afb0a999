/*
 * Code mappings shared by every thread of the process (code_share.c).
 *
 * A module's machine code is mapped once (memory.c mapCode) into a wj_code, which counts its
 * references: one per owner object (a napi external; each thread that runs the code has its
 * own) and one per registry entry that names it. The pages are unmapped when the last one
 * goes, on whichever thread that is. Worker threads share the process's address space, so a
 * module posted to a worker runs the very pages its sender compiled.
 */
#ifndef WASMJIT_CODE_SHARE_H
#define WASMJIT_CODE_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include <node_api.h>

#include "wasmjit.h"

typedef struct wj_mapping wj_mapping;

/* memory.c: unpublishes and unmaps a code mapping and frees it (any thread, no env needed). */
void wj_code_mapping_free(wj_mapping *m) WJ_HIDDEN;
/* memory.c: the mapping's first byte. */
uintptr_t wj_mapping_base(const wj_mapping *m) WJ_HIDDEN;

/*
 * A new owner object for a freshly made code mapping holding `length` bytes of code, which it
 * takes over (NULL after freeing the mapping when the owner cannot be made).
 */
napi_value wj_code_owner_for_new_mapping(napi_env env, wj_mapping *m, size_t length) WJ_HIDDEN;

/*
 * releaseMapping() for a code owner: drops this owner's reference now (the pages go when it
 * was the last one). Returns 0 when `data` is not a code owner.
 */
int wj_code_owner_release(void *data) WJ_HIDDEN;

napi_status wj_code_share_define(napi_env env, napi_value exports) WJ_HIDDEN;

/* code_share.c: the mapping behind a (not released) code owner argument, or NULL after throwing. */
wj_mapping *wj_code_owner_mapping(napi_env env, napi_value v) WJ_HIDDEN;

/* memory.c: lazy code regions (see lazy_code.c). */
wj_mapping *wj_lazy_mapping_new(const void *code, size_t length, size_t data_off, size_t data_len, size_t capacity,
                                 int *err) WJ_HIDDEN;
int wj_lazy_mapping_install(wj_mapping *m, size_t offset, const void *code, size_t length) WJ_HIDDEN;
uint64_t *wj_lazy_mapping_slot(wj_mapping *m, size_t offset) WJ_HIDDEN;
size_t wj_lazy_mapping_sealed(wj_mapping *m) WJ_HIDDEN;
napi_status wj_lazy_code_define(napi_env env, napi_value exports) WJ_HIDDEN;

/* big_alloc.c: `size` bytes of fresh read+write memory (huge pages where possible), or NULL. */
void *wj_big_alloc(size_t size) WJ_HIDDEN;
void wj_big_free(void *p, size_t size) WJ_HIDDEN;

/* The span wj_big_alloc maps for `size` bytes (page- or huge-page-rounded). */
size_t wj_big_span(size_t size) WJ_HIDDEN;

/* memory.c: fresh read+write pages for `length` bytes of code (huge pages when large), *span mapped. */
void *wj_code_pages(size_t length, size_t *span) WJ_HIDDEN;
void wj_code_pages_free(void *p, size_t span) WJ_HIDDEN;
/*
 * memory.c: makes wj_code_pages memory read+execute, publishes it and returns [owner,
 * address], or an errno / -1 (fault-handler table full) number after freeing it.
 */
napi_value wj_publish_code(napi_env env, void *p, size_t span, size_t length) WJ_HIDDEN;

/* Registry ids (code_share.c): 16 random bytes, written as 32 lower-case hex digits. */
#define WJ_ID_BYTES 16
int wj_random_id(uint8_t *id) WJ_HIDDEN;
void wj_id_to_hex(const uint8_t *id, char *out) WJ_HIDDEN;
/* The id in a JS string argument; 0 when it is not one. */
int wj_id_arg(napi_env env, napi_value v, uint8_t *id) WJ_HIDDEN;

/* code_file.c, file_stamps.c */
napi_status wj_file_stamps_define(napi_env env, napi_value exports) WJ_HIDDEN;
napi_status wj_code_file_define(napi_env env, napi_value exports) WJ_HIDDEN;

/* snapshot.c */
napi_status wj_snapshot_define(napi_env env, napi_value exports) WJ_HIDDEN;

/* sha256.c: SHA-256 of `length` bytes; wj_sha256_with picks the compression (0 when SHA-NI
 * is asked for on a CPU without it). */
enum { WJ_SHA256_AUTO = 0, WJ_SHA256_PORTABLE = 1, WJ_SHA256_NI = 2 };
void wj_sha256(const uint8_t *data, size_t length, uint8_t out[32]) WJ_HIDDEN;
int wj_sha256_with(int impl, const uint8_t *data, size_t length, uint8_t out[32]) WJ_HIDDEN;

/*
 * wasm_digest.c: the code cache's digest of `length` wasm bytes into `out`; with `src`,
 * copies src to dst on the way (and hashes the copy), else hashes dst. 0 when out of memory.
 */
int wj_wasm_digest(uint8_t *dst, const uint8_t *src, size_t length, uint8_t out[32]) WJ_HIDDEN;
void wj_digest_to_hex(const uint8_t digest[32], char out[65]) WJ_HIDDEN;
napi_status wj_wasm_digest_define(napi_env env, napi_value exports) WJ_HIDDEN;

/* data_segments.c: applyDataSegments, the active data segments copied into a memory. */
napi_status wj_data_segments_define(napi_env env, napi_value exports) WJ_HIDDEN;

#endif
