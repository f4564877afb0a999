/*
 * memory.grow helper, called by generated code (SysV, rsp 16-aligned) through
 * vmctx[MemoryGrow]. Stub for now: growth always fails, which wasm allows (returns -1).
 */
#include "wasmjit.h"

int64_t wasmjit_memory_grow(void *vmctx, uint32_t delta_pages) {
  (void)vmctx;
  (void)delta_pages;
  return -1;
}
