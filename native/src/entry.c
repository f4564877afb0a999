/*
 * The stack switches between the thread's stack (JS, N-API, invoke()) and the thread's wasm
 * stack (wasm_stack.c), and the trap unwinder. See docs/stack.md for the whole picture.
 *
 * Plain assembly because they step outside what C can express: they move rsp between two
 * stacks, pin r14/r15 and build a wasmcall argument area, and the unwinder is jumped to (not
 * called) from generated code at an arbitrary rsp. No setjmp/longjmp and no signals.
 *
 * Every switch saves the same six callee-saved registers with the same pushes (rbp, rbx,
 * r12, r13, r14, r15) and records rsp after them; the way back is always `mov rsp, saved;
 * pop r15 .. rbp; ret`. Four switches use that one shape:
 *   wasmjit_enter   thread stack -> wasm stack   (saves main_sp, starts an activation)
 *   wasmjit_resume  thread stack -> wasm stack   (saves main_sp, returns into host_call)
 *   host_call       wasm stack -> thread stack   (saves wasm_sp, returns STATUS_HOST_CALL)
 *   finish / trap   wasm stack -> thread stack   (returns 0 / the TrapCode)
 * so whichever of enter/resume last left the thread stack is what a finish, a trap or the
 * next suspension returns from.
 *
 * The activation's base on the wasm stack (16-aligned, below its wj_entry record `rec`):
 *   [rec - 8]    0            fake return address   } the entry frame: the first wasm
 *   [rec - 16]   0            fake saved rbp        } frame links to it, walks stop there
 *   [rec - 24]   callbuf      (rbp = rec - 16 while the activation runs its own code)
 *   [rec - 32]   nslots
 *   [rsp + 8*i]  area slot i, i < nslots, rounded to an even count: rsp = 0 (mod 16) at
 *                `call`, so the callee sees rsp = 8 as wasmcall says
 */
#include <stddef.h>

#include "wasmjit.h"

#if !defined(__x86_64__) || !defined(__linux__)
#error "wasmjit's native entry is written for x86-64 Linux (SysV ABI)"
#endif

_Static_assert(WJ_SWITCH_FRAME_OFFSET == 40, "entry.c pushes exactly five registers after rbp");
_Static_assert(offsetof(wj_entry, main_sp) == 0 && offsetof(wj_entry, wasm_sp) == 8,
               "entry.c addresses main_sp and wasm_sp as [rec] and [rec + 8]");
_Static_assert(WJ_CB_FLOAT_RESULT == 0 && WJ_CB_INT_RESULT == 1 && WJ_CB_AREA_START == 2,
               "entry.c hard-codes the call buffer layout");
_Static_assert(WJ_STATUS_HOST_CALL == 256, "entry.c hard-codes WJ_STATUS_HOST_CALL");

/* The one register-save shape of every switch (see above); wasmjit_enter spells it out with
 * full CFI for debuggers, the others use these. */
#define WJ_SAVE_CALLEE_SAVED                                                                    \
  "  push rbp\n"                                                                                \
  "  .cfi_def_cfa_offset 16\n"                                                                  \
  "  .cfi_offset rbp, -16\n"                                                                    \
  "  mov rbp, rsp\n"                                                                            \
  "  .cfi_def_cfa_register rbp\n"                                                               \
  "  push rbx\n  push r12\n  push r13\n  push r14\n  push r15\n"
#define WJ_RESTORE_CALLEE_SAVED_AND_RETURN                                                      \
  "  pop r15\n  pop r14\n  pop r13\n  pop r12\n  pop rbx\n  pop rbp\n"                       \
  "  .cfi_def_cfa rsp, 8\n"                                                                     \
  "  ret\n"

__asm__(
    ".intel_syntax noprefix\n"
    ".text\n"

    /* uint32_t wasmjit_enter(rdi code, rsi vmctx, rdx callbuf, ecx nslots, r8 limit, r9 rec) */
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
    "  mov [r9], rsp\n"
    /* Onto the wasm stack: the entry frame (two zero words) right below the record. */
    "  lea rsp, [r9 - 16]\n"
    "  xor eax, eax\n"
    "  mov [rsp], rax\n"
    "  mov [rsp + 8], rax\n"
    "  mov rbp, rsp\n"
    "  push rdx\n"
    /* nslots arrives in ecx; the upper half of rcx is unspecified in SysV. */
    "  mov ecx, ecx\n"
    "  push rcx\n"
    "  lea eax, [rcx + 1]\n"
    "  and eax, -2\n"
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
    /* Finished (wasm keeps rbp): results to the call buffer, then back to whichever switch
     * (enter or resume) waits on the thread stack. rsp is at the area again. */
    "  mov rdx, [rbp - 8]\n"
    "  mov rcx, [rbp - 16]\n"
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
    "  mov rsp, [rbp + 16]\n"
    "  xor eax, eax\n"
    "  lea rbp, [rsp + 40]\n"
    ".Lwj_to_thread_stack:\n"
    WJ_RESTORE_CALLEE_SAVED_AND_RETURN
    "  .cfi_endproc\n"
    ".size wasmjit_enter, .-wasmjit_enter\n"

    /* uint32_t wasmjit_resume(rdi rec): back into the suspended host call, which returns 0. */
    ".globl wasmjit_resume\n"
    ".hidden wasmjit_resume\n"
    ".type wasmjit_resume, @function\n"
    ".p2align 4\n"
    "wasmjit_resume:\n"
    "  .cfi_startproc\n"
    WJ_SAVE_CALLEE_SAVED
    "  mov [rdi], rsp\n"
    "  mov rsp, [rdi + 8]\n"
    "  xor eax, eax\n"
    "  jmp .Lwj_to_wasm_stack\n"
    "  .cfi_endproc\n"
    ".size wasmjit_resume, .-wasmjit_resume\n"

    /* int32_t wasmjit_host_call(rdi vmctx, esi import, rdx area, ecx nslots), called on the
     * wasm stack (by a host thunk or the epoch poll). Parks the call, saves this stack's
     * registers and returns STATUS_HOST_CALL to the thread stack; the export wrapper runs
     * the call in JS and resume() comes back here with eax = 0. */
    ".globl wasmjit_host_call\n"
    ".hidden wasmjit_host_call\n"
    ".type wasmjit_host_call, @function\n"
    ".p2align 4\n"
    "wasmjit_host_call:\n"
    "  .cfi_startproc\n"
    WJ_SAVE_CALLEE_SAVED
    /* Six pushes after the return address leave rsp = 8 (mod 16): align for the C call. */
    "  sub rsp, 8\n"
    "  call wj_host_suspend\n"
    "  add rsp, 8\n"
    "  mov [rax + 8], rsp\n"
    "  mov rsp, [rax]\n"
    "  mov eax, 256\n"
    "  lea rbp, [rsp + 40]\n"
    "  jmp .Lwj_to_thread_stack\n"
    ".Lwj_to_wasm_stack:\n"
    WJ_RESTORE_CALLEE_SAVED_AND_RETURN
    "  .cfi_endproc\n"
    ".size wasmjit_host_call, .-wasmjit_host_call\n"

    /* uint32_t wasmjit_resume_at(rdi rec, rsi rbp, rdx pc): continues the suspended
     * activation at a landing pad (exception handling, docs/exceptions.md) instead of in its
     * host call: the frames below the catching one are left behind like a trap's. Back on
     * the wasm stack it takes the pinned limit (r15) from the host call's save frame; the pad
     * sets rsp from rbp and reloads r14 from its frame. */
    ".globl wasmjit_resume_at\n"
    ".hidden wasmjit_resume_at\n"
    ".type wasmjit_resume_at, @function\n"
    ".p2align 4\n"
    "wasmjit_resume_at:\n"
    "  .cfi_startproc\n"
    WJ_SAVE_CALLEE_SAVED
    "  mov [rdi], rsp\n"
    "  mov rsp, [rdi + 8]\n"
    "  mov r15, [rsp]\n"
    "  mov rbp, rsi\n"
    "  jmp rdx\n"
    "  .cfi_endproc\n"
    ".size wasmjit_resume_at, .-wasmjit_resume_at\n"

    /* wasmjit_trap_unwind: jumped to with edi = TrapCode, rsi = trap site address (or 0),
     * rbp = the trapping frame chain, rsp anywhere on the wasm stack (possibly misaligned,
     * possibly just below the wasm limit: the host reserve below it leaves room for the small
     * C helper). The activation's wasm frames are simply left behind. */
    ".globl wasmjit_trap_unwind\n"
    ".hidden wasmjit_trap_unwind\n"
    ".type wasmjit_trap_unwind, @function\n"
    ".p2align 4\n"
    "wasmjit_trap_unwind:\n"
    "  .cfi_startproc\n"
    /* There is no caller to unwind to; tell debuggers so. */
    "  .cfi_undefined rip\n"
    /* rbx is restored by the switch back, so it can carry the code over the call. */
    "  mov ebx, edi\n"
    /* wj_trap_record(code = edi, rbp, pc = the incoming rsi) */
    "  mov rdx, rsi\n"
    "  mov rsi, rbp\n"
    "  and rsp, -16\n"
    "  call wj_trap_record\n"
    /* rax = main_sp of the innermost activation: return the code from its switch frame. rbp
     * is re-pointed at that frame so the epilogue's CFI (CFA = rbp + 16) holds for
     * profilers and debuggers. */
    "  mov rsp, rax\n"
    "  lea rbp, [rax + 40]\n"
    "  mov eax, ebx\n"
    "  jmp .Lwj_to_thread_stack\n"
    "  .cfi_endproc\n"
    ".size wasmjit_trap_unwind, .-wasmjit_trap_unwind\n"

    ".att_syntax prefix\n");
