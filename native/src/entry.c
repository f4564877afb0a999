/*
 * The JS -> wasm entry trampoline and the trap unwinder.
 *
 * Both are plain assembly because they step outside what C can express: the trampoline
 * pins r14/r15 and builds a wasmcall argument area, and the unwinder is jumped to (not
 * called) from generated code at an arbitrary rsp, and resumes the trampoline's frame.
 * No setjmp/longjmp and no signals: a trap is an ordinary jump to a known frame.
 *
 * Frame of wasmjit_enter (rbp-relative, rbp = frame pointer, 16-aligned):
 *   [rbp + 8]   return address into invoke()
 *   [rbp + 0]   caller's rbp
 *   [rbp - 8]   rbx
 *   [rbp - 16]  r12
 *   [rbp - 24]  r13
 *   [rbp - 32]  r14
 *   [rbp - 40]  r15          <- saved_sp (stored to *saved_sp_out); a trap resumes here
 *   [rbp - 48]  callbuf
 *   [rbp - 56]  nslots (zero-extended)
 *   [rsp + 8*i] area slot i, i < nslots, area rounded so that rsp = 0 (mod 16) at `call`
 * saved_sp + 40 == rbp is WJ_ENTRY_FRAME_OFFSET in wasmjit.h: the backtrace walk stops there.
 */
#include "wasmjit.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "wasmjit's native entry is written for x86-64 Linux (SysV ABI)"
#endif

_Static_assert(WJ_ENTRY_FRAME_OFFSET == 40, "entry.c pushes exactly five callee-saved registers");
_Static_assert(WJ_CB_FLOAT_RESULT == 0 && WJ_CB_INT_RESULT == 1 && WJ_CB_AREA_START == 2,
               "entry.c hard-codes the call buffer layout");

__asm__(
    ".intel_syntax noprefix\n"
    ".text\n"

    /* uint32_t wasmjit_enter(rdi code, rsi vmctx, rdx callbuf, ecx nslots, r8 limit,
     *                        r9 saved_sp_out) */
    ".globl wasmjit_enter\n"
    ".hidden wasmjit_enter\n"
    ".type wasmjit_enter, @function\n"
    ".p2align 4\n"
    "wasmjit_enter:\n"
    "  .cfi_startproc\n"
    "  push rbp\n"
    "  .cfi_def_cfa_offset 16\n"
    "  .cfi_offset rbp, -16\n"
    "  mov rbp, rsp\n"
    "  .cfi_def_cfa_register rbp\n"
    "  push rbx\n"
    "  .cfi_offset rbx, -24\n"
    "  push r12\n"
    "  .cfi_offset r12, -32\n"
    "  push r13\n"
    "  .cfi_offset r13, -40\n"
    "  push r14\n"
    "  .cfi_offset r14, -48\n"
    "  push r15\n"
    "  .cfi_offset r15, -56\n"
    /* The trap unwinder restores exactly this rsp, then runs the shared epilogue. */
    "  mov [r9], rsp\n"
    "  push rdx\n"
    /* nslots arrives in ecx; the upper half of rcx is unspecified in SysV. */
    "  mov ecx, ecx\n"
    "  push rcx\n"
    /* 8 pushes after the return address: rsp = 8 (mod 16). An area of (nslots|1)*8 bytes
     * is = 8 (mod 16), so rsp = 0 at the call and the callee sees rsp = 8 as wasmcall says. */
    "  mov eax, ecx\n"
    "  or eax, 1\n"
    "  shl rax, 3\n"
    "  sub rsp, rax\n"
    "  xor eax, eax\n"
    "  test ecx, ecx\n"
    "  jz 2f\n"
    "1:\n"
    "  mov r10, [rdx + rax*8 + 16]\n"
    "  mov [rsp + rax*8], r10\n"
    "  inc eax\n"
    "  cmp eax, ecx\n"
    "  jb 1b\n"
    "2:\n"
    "  mov r14, rsi\n"
    "  mov r15, r8\n"
    "  call rdi\n"
    /* wasm keeps rbp (standard frames), and returns with rsp at the area again. */
    "  mov rdx, [rbp - 48]\n"
    "  mov rcx, [rbp - 56]\n"
    "  movsd [rdx], xmm0\n"
    "  mov [rdx + 8], rax\n"
    "  xor eax, eax\n"
    "  test ecx, ecx\n"
    "  jz 4f\n"
    "3:\n"
    "  mov r10, [rsp + rax*8]\n"
    "  mov [rdx + rax*8 + 16], r10\n"
    "  inc eax\n"
    "  cmp eax, ecx\n"
    "  jb 3b\n"
    "4:\n"
    "  xor eax, eax\n"
    "  lea rsp, [rbp - 40]\n"
    ".Lwj_enter_epilogue:\n"
    "  pop r15\n"
    "  pop r14\n"
    "  pop r13\n"
    "  pop r12\n"
    "  pop rbx\n"
    "  pop rbp\n"
    "  .cfi_def_cfa rsp, 8\n"
    "  ret\n"
    "  .cfi_endproc\n"
    ".size wasmjit_enter, .-wasmjit_enter\n"

    /* wasmjit_trap_unwind: jumped to with edi = TrapCode, rsi = trap site address (or 0),
     * rbp = the trapping frame chain, rsp anywhere (possibly misaligned, possibly just below
     * the wasm limit: the host reserve below it leaves room for the small C helper). */
    ".globl wasmjit_trap_unwind\n"
    ".hidden wasmjit_trap_unwind\n"
    ".type wasmjit_trap_unwind, @function\n"
    ".p2align 4\n"
    "wasmjit_trap_unwind:\n"
    "  .cfi_startproc\n"
    /* There is no caller to unwind to; tell debuggers so. */
    "  .cfi_undefined rip\n"
    /* rbx is restored from the entry frame below, so it can carry the code over the call. */
    "  mov ebx, edi\n"
    /* wj_trap_record(code = edi, rbp, pc = the incoming rsi) */
    "  mov rdx, rsi\n"
    "  mov rsi, rbp\n"
    "  and rsp, -16\n"
    "  call wj_trap_record\n"
    /* rax = saved_sp of the innermost entry: resume its epilogue with eax = code. rbp is
     * re-pointed at the entry frame too, so the epilogue's CFI (CFA = rbp + 16) holds for
     * profilers/debuggers even when wasm trashed rbp before trapping. */
    "  mov rsp, rax\n"
    "  lea rbp, [rax + 40]\n"
    "  mov eax, ebx\n"
    "  jmp .Lwj_enter_epilogue\n"
    "  .cfi_endproc\n"
    ".size wasmjit_trap_unwind, .-wasmjit_trap_unwind\n"

    ".att_syntax prefix\n");
