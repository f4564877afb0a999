/* Test-only exports: exercise the host stack reserve (from JS and as wasm imports), and
 * crash on purpose. */
#include <alloca.h>

#include "wasmjit.h"

/* noinline so the alloca is a real frame of its own that is popped on return. */
static __attribute__((noinline)) uint32_t wj_touch_stack(size_t bytes) {
  volatile unsigned char *p = alloca(bytes + 1);
  /* Top down, one write per page, so each touch is adjacent to already-mapped stack. */
  for (size_t off = bytes; off >= 4096; off -= 4096) p[off] = (unsigned char)(off >> 12);
  p[0] = 0xA5;
  uint32_t sum = p[0];
  for (size_t off = bytes; off >= 4096; off -= 4096) sum = sum * 31u + p[off];
  return sum;
}

/*
 * use_stack for wasm (see wasmjit.h). Called on whatever stack wasm left, typically right at
 * the wasm limit on the wasm stack: it checks only against the real bottom of the stack it
 * runs on, the wasm stack's or the thread's (a refusal returns 0, so a wrong limit shows up
 * as a failed test rather than a crash), then touches every page.
 */
uint32_t wj_test_use_stack_raw(uint32_t bytes) WJ_HIDDEN;
uint32_t wj_test_use_stack_raw(uint32_t bytes) {
  const uintptr_t sp = wj_current_sp();
  uintptr_t low = wj_thread_stack_bounds()->low;
  if (sp >= wj_tls.ws_low && sp < wj_tls.ws_high) low = wj_tls.ws_low;
  /* 2 KiB for this function's and wj_touch_stack's own small frames. */
  if (sp < low || (uintptr_t)bytes + 2048 > sp - low) return 0;
  return wj_touch_stack(bytes);
}

/*
 * The wasmcall adapters: param 0 is area slot 0 at [rsp + 8] on entry (i32 in its low half),
 * result 0 goes in rax, r15 holds the wasm limit, rsp = 8 (mod 16). rbx/r12-r15 and rbp are
 * preserved (the C callee preserves them too), which is all wasmcall asks of a callee.
 */
__asm__(
    ".intel_syntax noprefix\n"
    ".text\n"

    ".globl wasmjit_test_use_stack_wasm\n"
    ".hidden wasmjit_test_use_stack_wasm\n"
    ".type wasmjit_test_use_stack_wasm, @function\n"
    ".p2align 4\n"
    "wasmjit_test_use_stack_wasm:\n"
    /* A standard frame keeps the rbp chain walkable and makes rsp 16-aligned for C. */
    "  push rbp\n"
    "  mov rbp, rsp\n"
    "  mov edi, dword ptr [rbp + 16]\n"
    "  call wj_test_use_stack_raw\n"
    /* i32 results are zero-extended in wasm registers. */
    "  mov eax, eax\n"
    "  pop rbp\n"
    "  ret\n"
    ".size wasmjit_test_use_stack_wasm, .-wasmjit_test_use_stack_wasm\n"

    ".globl wasmjit_test_stack_headroom_wasm\n"
    ".hidden wasmjit_test_stack_headroom_wasm\n"
    ".type wasmjit_test_stack_headroom_wasm, @function\n"
    ".p2align 4\n"
    "wasmjit_test_stack_headroom_wasm:\n"
    /* The caller's rsp (before its call pushed the return address) minus the limit. */
    "  lea rax, [rsp + 8]\n"
    "  sub rax, r15\n"
    "  ret\n"
    ".size wasmjit_test_stack_headroom_wasm, .-wasmjit_test_stack_headroom_wasm\n"

    ".att_syntax prefix\n");

napi_value wj_js_test_use_stack(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  double bytes;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_double(env, argv[0], &bytes) != napi_ok || !(bytes >= 0)) {
    napi_throw_type_error(env, NULL, "testUseStack(bytes: number)");
    return NULL;
  }
  /* Refuse what would run off the thread's stack: this is a test helper, not a crasher. */
  const wj_stack_bounds *b = wj_thread_stack_bounds();
  const uintptr_t sp = wj_current_sp();
  if (bytes > (double)(sp - b->low) - 64.0 * 1024) {
    napi_throw_range_error(env, NULL, "testUseStack: not that much stack left on this thread");
    return NULL;
  }
  napi_create_uint32(env, wj_touch_stack((size_t)bytes), &out);
  return out;
}

napi_value wj_js_test_crash(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  /* A volatile address so the compiler cannot prove (and warn about or elide) the fault. */
  volatile uintptr_t bad = 16;
  *(volatile int *)bad = 42;
  return NULL;
}

napi_value wj_js_test_clobber_xmm(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  /* SysV lets C clobber every xmm register; wasmcall keeps xmm8..xmm13 (float local homes)
   * across calls. This does what any C callee may do, so tests can prove that every path
   * from wasm into C saves them. */
  __asm__ volatile(
      "pcmpeqd %%xmm8, %%xmm8\n\t"
      "pcmpeqd %%xmm9, %%xmm9\n\t"
      "pcmpeqd %%xmm10, %%xmm10\n\t"
      "pcmpeqd %%xmm11, %%xmm11\n\t"
      "pcmpeqd %%xmm12, %%xmm12\n\t"
      "pcmpeqd %%xmm13, %%xmm13\n\t" ::
          : "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13");
  return NULL;
}
